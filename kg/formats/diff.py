"""What changed between two releases: added, removed and changed statements, in human terms.

A release's ``histiokg.nt`` is canonical (sorted lines, RDFC-1.0 blank-node labels), so two
releases are compared line by line. Each statement is shown by the labels of its subject,
predicate and object, with the sources its assertion node cites. A subject and predicate that
lost one object and gained another is one *changed* statement. Statements on blank nodes (OWL
axioms of the TBox) are counted, not listed: their labels are not stable across TBox edits.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.errors import Problem, SourceError
from kg.core.namespaces import HKG, PREFIXES, contract
from kg.core.paths import rel

NTRIPLES = "histiokg.nt"
MANIFEST = "manifest.json"
TSV_COLUMNS = (
    "change",
    "subject",
    "subject_label",
    "predicate",
    "predicate_label",
    "old_object",
    "old_label",
    "new_object",
    "new_label",
    "sources",
)
_LINE = re.compile(r"^(<[^>]*>|_:\S+) <([^>]*)> (.+) \.$")
_RDF = PREFIXES["rdf"]
_LABEL = f"{PREFIXES['rdfs']}label"
_SOURCE = f"{HKG}source"
_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(["\\\\nrtbf\']))')
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "'": "'"}

Triple = tuple[str, str, str]


@dataclass
class Release:
    """The statements of one release (N-Triples terms) with its labels and sources."""

    path: Path
    version: str
    triples: set[Triple]
    labels: dict[str, str] = field(default_factory=dict)
    sources: dict[Triple, set[str]] = field(default_factory=dict)
    #: assertion node (N-Triples term) -> the statement it is about
    assertions: dict[str, Triple] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """One added, removed or changed statement, in terms a curator reads."""

    kind: str
    subject: str
    subject_label: str
    predicate: str
    predicate_label: str
    old_object: str
    old_label: str
    new_object: str
    new_label: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ReleaseDiff:
    """The changes between two releases, and the blank-node (axiom) statements counted apart."""

    old_version: str
    new_version: str
    changes: tuple[Change, ...]
    axioms_added: int
    axioms_removed: int
    #: assertion nodes added or removed whole, with their statement (shown by it, not listed)
    whole_assertions: frozenset[str] = frozenset()

    def count(self, kind: str) -> int:
        """How many changes are of ``kind`` (added, removed, changed)."""
        return sum(1 for c in self.changes if c.kind == kind)


def term_text(term: str) -> str:
    r"""A readable form of an N-Triples term: a CURIE for an IRI, the text of a literal.

    >>> term_text("<http://purl.obolibrary.org/obo/MONDO_0022338>")
    'MONDO:0022338'
    >>> term_text('"27"^^<http://www.w3.org/2001/XMLSchema#integer>'), term_text('"a\\"b"@en')
    ('27', 'a"b')
    """
    if term.startswith("<") and term.endswith(">"):
        return contract(term[1:-1])
    if term.startswith('"'):
        end = term.rfind('"')
        return _ESCAPE.sub(_unescape, term[1:end])
    return term


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1) or m.group(2)
    return chr(int(code, 16)) if code else _SIMPLE[m.group(3)]


def _problem(path: Path, reason: str) -> SourceError:
    return SourceError(
        [Problem(rel(path), None, reason, "give two folders written by 'histiokg release'")]
    )


def read_release(folder: Path) -> Release:
    """Read a release folder's N-Triples, checked against the checksum in its manifest."""
    nt = folder / NTRIPLES
    if not nt.is_file():
        raise _problem(folder, f"not a histiokg release: no {NTRIPLES}")
    data = nt.read_bytes()
    version = "?"
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if isinstance(manifest, dict):
        version = str(manifest.get("version", "?"))
        recorded = (manifest.get("files") or {}).get(NTRIPLES, {}).get("sha256")
        if recorded and recorded != hashlib.sha256(data).hexdigest():
            raise _problem(nt, f"does not match its SHA-256 in {MANIFEST} (edited or truncated?)")
    release = Release(folder, version, set())
    assertions: dict[str, dict[str, str]] = defaultdict(dict)
    sources: dict[str, set[str]] = defaultdict(set)
    try:
        lines = data.decode("utf-8").split("\n")  # LF only: literals may hold U+2028
    except UnicodeDecodeError as exc:
        raise _problem(nt, f"not UTF-8 ({exc.reason})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if m is None:
            raise SourceError(
                [Problem(rel(nt), number, "not an N-Triples statement", "rebuild the release")]
            )
        s, p, o = m.group(1), m.group(2), m.group(3)
        release.triples.add((s, p, o))
        if p == _LABEL and s.startswith("<"):
            label = term_text(o)
            key = s[1:-1]
            if key not in release.labels or label < release.labels[key]:
                release.labels[key] = label
        elif p in (f"{_RDF}subject", f"{_RDF}predicate", f"{_RDF}object"):
            assertions[s][p.rsplit("#", 1)[-1]] = o
        elif p == _SOURCE:
            sources[s].add(term_text(o))
    for node, parts in assertions.items():
        if len(parts) == 3:
            triple = (parts["subject"], parts["predicate"][1:-1], parts["object"])
            release.sources.setdefault(triple, set()).update(sources.get(node, ()))
            release.assertions[node] = triple
    return release


def _label(release: Release, term: str) -> str:
    return release.labels.get(term[1:-1], "") if term.startswith("<") else ""


def _change(
    kind: str, old: Release, new: Release, s: str, p: str, objects: tuple[str, str]
) -> Change:
    before, after = objects
    found: set[str] = set()
    for release, o in ((old, before), (new, after)):
        if o:
            found |= release.sources.get((s, p, o), set())
    about = new.assertions.get(s) or old.assertions.get(s)
    if about is not None:  # provenance of a statement: say which statement
        a, b, c = about
        pred = new.labels.get(b) or old.labels.get(b) or contract(b)
        names = [_label(new, t) or _label(old, t) or term_text(t) for t in (a, c)]
        subject_label = f"assertion that {names[0]} {pred} {names[1]}"
        found |= new.sources.get(about, set()) | old.sources.get(about, set())
    else:
        subject_label = _label(new, s) or _label(old, s)
    return Change(
        kind=kind,
        subject=term_text(s),
        subject_label=subject_label,
        predicate=contract(p),
        predicate_label=new.labels.get(p) or old.labels.get(p) or "",
        old_object=term_text(before) if before else "",
        old_label=_label(old, before) or _label(new, before) if before else "",
        new_object=term_text(after) if after else "",
        new_label=_label(new, after) or _label(old, after) if after else "",
        sources=tuple(sorted(found)),
    )


def diff_releases(old: Release, new: Release) -> ReleaseDiff:
    """Compare two releases: every statement only in one of them, paired into changes."""
    removed = old.triples - new.triples
    added = new.triples - old.triples
    axioms = [
        sum(1 for t in group if t[0].startswith("_:") or t[2].startswith("_:"))
        for group in (added, removed)
    ]
    by_key: dict[tuple[str, str], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for side, group in ((0, removed), (1, added)):
        for s, p, o in group:
            if not (s.startswith("_:") or o.startswith("_:")):
                by_key[(s, p)][side].append(o)
    changes: list[Change] = []
    for (s, p), (gone, came) in by_key.items():
        gone.sort()
        came.sort()
        if len(gone) == 1 and len(came) == 1:
            changes.append(_change("changed", old, new, s, p, (gone[0], came[0])))
            continue
        changes += [_change("removed", old, new, s, p, (o, "")) for o in gone]
        changes += [_change("added", old, new, s, p, ("", o)) for o in came]
    changes.sort(key=lambda c: (c.subject_label or c.subject, c.subject, c.predicate, c.kind))
    whole = frozenset(
        term_text(s)
        for s, p, _ in added | removed
        if p == f"{_RDF}type" and (s in old.assertions or s in new.assertions)
    )
    return ReleaseDiff(old.version, new.version, tuple(changes), axioms[0], axioms[1], whole)


def _named(label: str, curie: str) -> str:
    return f"{label} ({curie})" if label and label != curie else curie


def diff_text(result: ReleaseDiff) -> str:
    """The changes as text a curator reads, grouped by subject."""
    head = (
        f"release {result.old_version} -> {result.new_version}: "
        f"{result.count('added')} added, {result.count('removed')} removed, "
        f"{result.count('changed')} changed statement(s)"
    )
    lines = [head]
    if result.axioms_added or result.axioms_removed:
        lines.append(
            f"OWL axioms (blank nodes): {result.axioms_added} statement(s) added, "
            f"{result.axioms_removed} removed"
        )
    bundled = [c for c in result.changes if c.subject in result.whole_assertions]
    if bundled:
        lines.append(
            f"provenance: {len(bundled)} statement(s) on {len(result.whole_assertions)} "
            "assertion node(s) added or removed with their statement (see --tsv)"
        )
    subject = None
    for c in result.changes:
        if c.subject in result.whole_assertions:
            continue
        if c.subject != subject:
            subject = c.subject
            lines.append("")
            lines.append(_named(c.subject_label, c.subject))
        predicate = c.predicate_label or c.predicate
        old, new = _named(c.old_label, c.old_object), _named(c.new_label, c.new_object)
        what = {"added": new, "removed": old, "changed": f"{old} -> {new}"}[c.kind]
        cited = f"  [{'; '.join(c.sources)}]" if c.sources else ""
        lines.append(f"  {c.kind:<8} {predicate}: {what}{cited}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def diff_tsv(changes: Iterable[Change]) -> bytes:
    """The changes as TSV, one per row (columns :data:`TSV_COLUMNS`; sources joined by ' | ')."""
    rows = ["\t".join(TSV_COLUMNS)]
    for c in changes:
        cells = (
            c.kind,
            c.subject,
            c.subject_label,
            c.predicate,
            c.predicate_label,
            c.old_object,
            c.old_label,
            c.new_object,
            c.new_label,
            " | ".join(c.sources),
        )
        rows.append("\t".join(_cell(x) for x in cells))
    return ("\n".join(rows) + "\n").encode("utf-8")
