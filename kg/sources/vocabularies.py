"""Terms of the external vocabularies (UBERON, HP, HGNC, ChEBI, MONDO) from pinned copies.

The index under ``ontology/imports/vocabularies/`` holds one gzip'd TSV per vocabulary, written
by ``histiokg maintain vocabularies`` (:mod:`kg.sources.vocabulary_index`) from pinned copies of
the ontologies, and a ``manifest.json`` that names each copy, its version and the checksums.
This module only reads it. Each vocabulary is loaded the first time it is asked for, once.

The API, for the case reader:

* :func:`lookup` ``(curie) -> VocabTerm | None``: the term, current or obsolete;
* :func:`resolve` ``(name, prefixes) -> CURIE``: by CURIE, exact label or exact synonym (case and
  spacing folded); an obsolete term raises :class:`ObsoleteTermError` naming its replacement, an
  unknown name :class:`NotInVocabularyError` with suggestions, a name of two or more terms
  :class:`AmbiguousTermError`;
* :func:`suggest` ``(name, prefixes, n=3)``: the likely terms, best first
  (:mod:`kg.sources.vocabulary_suggest` says how they are ranked).

>>> resolve("heart", ("UBERON",))
'UBERON:0000948'
>>> lookup("HGNC:6407").label
'KRAS'
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from kg.core import paths
from kg.core.errors import Problem, SourceError
from kg.sources.vocabulary_suggest import SuggestIndex, curie_order, fold, fold_unicode, normalise

#: The committed index: one ``<prefix>.tsv.gz`` per vocabulary and ``manifest.json``.
INDEX_DIR = paths.ONTOLOGY_DIR / "imports" / "vocabularies"
MANIFEST_NAME = "manifest.json"
INDEX_FORMAT = "histiokg-vocabulary-index/1"
COLUMNS = ("curie", "label", "synonyms", "obsolete", "replaced_by", "consider")
#: Separates the names in the synonyms column and the CURIEs in the consider column.
SEPARATOR = " | "
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.]*):(\S+)$")
_OBSOLETE_LEAD = b"obsolete "


@dataclass(frozen=True)
class VocabTerm:
    """One term of a vocabulary as its pinned copy gives it."""

    curie: str
    label: str
    synonyms: tuple[str, ...]
    obsolete: bool
    replaced_by: str | None
    consider: tuple[str, ...]
    vocabulary: str


@dataclass(frozen=True)
class Suggestion:
    """A term proposed for a name: its CURIE, its label and the name of it that matched."""

    curie: str
    label: str
    matched: str

    def __str__(self) -> str:
        if self.matched.casefold() == self.label.casefold():
            return f"{self.curie} {self.label}"
        return f"{self.curie} {self.label} (synonym {self.matched!r})"


class VocabularyLookupError(LookupError):
    """A name or CURIE that does not give one current term; ``reason`` and ``fix`` say why."""

    def __init__(self, value: str, reason: str, fix: str) -> None:
        self.value = value
        self.reason = reason
        self.fix = fix
        super().__init__(f"{reason} (fix: {fix})" if fix else reason)

    def problem(self, path: Path | str, line: int | None) -> Problem:
        """The error as a :class:`~kg.core.errors.Problem` at a place in a source file."""
        return Problem(path, line, self.reason, self.fix)


class NotInVocabularyError(VocabularyLookupError):
    """No current term has this CURIE, label or exact synonym; ``suggestions`` are ranked."""

    def __init__(self, value: str, reason: str, suggestions: Sequence[Suggestion]) -> None:
        self.suggestions = list(suggestions)
        fix = "did you mean " + "; ".join(map(str, suggestions)) + "?" if suggestions else ""
        super().__init__(value, reason, fix or "write the CURIE of a current term")


class ObsoleteTermError(VocabularyLookupError):
    """The term is obsolete; ``term.replaced_by`` (or ``term.consider``) says what to use."""

    def __init__(self, value: str, term: VocabTerm, fix: str, version: str) -> None:
        self.term = term
        label = f" {term.label!r}" if term.label else ""
        super().__init__(value, f"{term.curie}{label} is obsolete in {version}", fix)


class AmbiguousTermError(VocabularyLookupError):
    """The name is the label or exact synonym of several current terms, listed in ``candidates``."""

    def __init__(self, value: str, candidates: Sequence[VocabTerm], kind: str) -> None:
        self.candidates = list(candidates)
        names = "; ".join(f"{t.curie} {t.label}" for t in candidates)
        super().__init__(
            value, f"{value!r} is the {kind} of {len(candidates)} terms: {names}", "write the CURIE"
        )


def _line_to_term(line: str, vocabulary: str) -> VocabTerm:
    curie, label, synonyms, obsolete, replaced_by, consider = line.split("\t")
    return VocabTerm(
        curie,
        label,
        tuple(synonyms.split(SEPARATOR)) if synonyms else (),
        obsolete == "true",
        replaced_by or None,
        tuple(consider.split(SEPARATOR)) if consider else (),
        vocabulary,
    )


@dataclass(frozen=True)
class _Hit:
    curie: str
    is_label: bool
    obsolete: bool


class Vocabulary:
    """One vocabulary of the index, read from its file on first use.

    Names are found by searching the file's lower-cased bytes, so loading costs one
    decompression and one pass, not work per term.

    Args:
        prefix: the CURIE prefix, e.g. ``"UBERON"``.
        path: the ``.tsv.gz`` file.
        meta: its manifest entry (version, source, checksums).
    """

    def __init__(self, prefix: str, path: Path, meta: dict[str, Any]) -> None:
        self.prefix = prefix
        self.path = path
        self.meta = meta
        self.version = f"{prefix} {meta.get('version', '?')}"

    @cached_property
    def data(self) -> bytes:
        """The index file's TSV bytes, after checking the file against the manifest's checksum."""
        try:
            packed = self.path.read_bytes()
        except OSError as exc:
            raise _broken(self.path, f"cannot read: {exc}") from exc
        if hashlib.sha256(packed).hexdigest() != self.meta.get("sha256"):
            raise _broken(self.path, "checksum differs from the manifest")
        data = gzip.decompress(packed)
        if not data.startswith("\t".join(COLUMNS).encode() + b"\n"):
            raise _broken(self.path, "unexpected header")
        return data

    @cached_property
    def folded(self) -> bytes:
        """The bytes as names are compared (ASCII lower-cased): where names are looked for."""
        return fold(self.data)

    @cached_property
    def folded_unicode(self) -> bytes:
        """The bytes with every letter lower-cased, for names with non-ASCII letters."""
        return fold_unicode(self.data)

    def lookup(self, curie: str) -> VocabTerm | None:
        """The term with this CURIE, or None."""
        at = self.data.find(b"\n" + curie.encode("utf-8") + b"\t")
        if at == -1:
            return None
        line = self.data[at + 1 : self.data.find(b"\n", at + 1)]
        return _line_to_term(line.decode("utf-8"), self.prefix)

    def hits(self, key: str) -> list[_Hit]:
        """Terms with a label or exact synonym equal to ``key`` (normalised), current or not.

        The label of an obsolete term counts without its leading 'obsolete '.
        """
        if not key or "\t" in key or "\n" in key or SEPARATOR in key:
            return []
        text = self.folded if key.isascii() else self.folded_unicode
        needle = key.encode("utf-8")
        size, obsolete_lead, separator = len(needle), _OBSOLETE_LEAD, SEPARATOR.encode()
        found: dict[str, _Hit] = {}
        at = text.find(needle)
        while at != -1:
            end = at + size
            start = text.rfind(b"\n", 0, at) + 1
            column = text.count(b"\t", start, at)
            lead = text[start:at].rsplit(b"\t", 1)[-1]
            after_tab = text.startswith(b"\t", end)
            as_label = column == 1 and after_tab and lead in (b"", obsolete_lead)
            as_synonym = (
                column == 2
                and (after_tab or text.startswith(separator, end))
                and (lead == b"" or lead.endswith(separator))
            )
            if start and (as_label or as_synonym):
                fields = text[start : text.find(b"\n", start)].split(b"\t")
                obsolete = fields[3] == b"true"
                curie = self.prefix + fields[0][len(self.prefix) :].decode("utf-8")
                # a current term labelled 'obsolete X' is not named 'X'
                if (obsolete or lead != obsolete_lead) and (
                    curie not in found or (as_label and not found[curie].is_label)
                ):
                    found[curie] = _Hit(curie, as_label, obsolete)
            at = text.find(needle, at + 1)
        return sorted(found.values(), key=lambda h: curie_order(h.curie))

    @cached_property
    def suggester(self) -> SuggestIndex:
        """The word index behind suggestions (built on the first one asked for)."""
        return SuggestIndex(self.folded, self.prefix)


def _broken(path: Path, reason: str) -> SourceError:
    return SourceError([Problem(path, None, reason, _REGENERATE)])


_REGENERATE = "regenerate the index: histiokg maintain vocabularies (docs/vocabularies.md)"


class Vocabularies:
    """Every vocabulary of an index folder; each is loaded the first time it is used.

    Args:
        directory: the folder holding ``manifest.json`` and the ``.tsv.gz`` files.
    """

    def __init__(self, directory: Path = INDEX_DIR) -> None:
        manifest_path = directory / MANIFEST_NAME
        try:
            self.manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SourceError(
                [Problem(manifest_path, None, f"cannot read: {exc}", _REGENERATE)]
            ) from exc
        if self.manifest.get("format") != INDEX_FORMAT:
            raise SourceError([Problem(manifest_path, None, "not a vocabulary index", _REGENERATE)])
        self.vocabularies = {
            prefix: Vocabulary(prefix, directory / meta["file"], meta)
            for prefix, meta in sorted(self.manifest["vocabularies"].items())
        }
        self._by_folded = {prefix.casefold(): prefix for prefix in self.vocabularies}

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The CURIE prefixes the index covers, sorted."""
        return tuple(self.vocabularies)

    def _chosen(self, prefixes: Iterable[str] | None) -> list[Vocabulary]:
        wanted = self.prefixes if prefixes is None else tuple(prefixes)
        unknown = sorted(set(wanted) - set(self.vocabularies))
        if unknown:
            raise ValueError(f"no vocabulary {', '.join(unknown)} in the index")
        return [self.vocabularies[p] for p in wanted]

    def lookup(self, curie: str) -> VocabTerm | None:
        """The term (current or obsolete) with this CURIE, or None if the index does not hold it."""
        prefix, _, local = curie.strip().partition(":")
        known = self._by_folded.get(prefix.casefold())
        return self.vocabularies[known].lookup(f"{known}:{local}") if known else None

    def resolve(self, name: str, prefixes: Iterable[str] | None = None) -> str:
        """The CURIE of the one current term that ``name`` is the CURIE, label or exact synonym of.

        Raises:
            ObsoleteTermError: the CURIE or name is of an obsolete term (the fix names the
                replacement, or the terms to consider).
            AmbiguousTermError: the name is the label (or, with no label matching, the exact
                synonym) of more than one current term.
            NotInVocabularyError: none matches; its ``suggestions`` are ranked, best first.
        """
        chosen = self._chosen(prefixes)
        where = "/".join(v.prefix for v in chosen)
        text = " ".join(str(name).split())
        if not text:
            raise NotInVocabularyError(text, "an empty name names no term", [])
        match = _CURIE.match(text)
        if match and match.group(1).casefold() in self._by_folded:
            return self._resolve_curie(text, chosen, where)
        hits = [hit for v in chosen for hit in v.hits(normalise(text))]
        current = [hit for hit in hits if not hit.obsolete]
        for kind, as_label in (("label", True), ("exact synonym", False)):
            same = [hit.curie for hit in current if hit.is_label == as_label]
            if len(same) == 1:
                return same[0]
            if same:
                raise AmbiguousTermError(text, [t for t in map(self.lookup, same) if t], kind)
        old = [self.lookup(hit.curie) for hit in sorted(hits, key=lambda h: not h.is_label)]
        versions = ", ".join(v.version for v in chosen)
        suggestions = self.suggest(text, [v.prefix for v in chosen])
        term = old[0] if old else None
        if term is not None and term.replaced_by:
            raise ObsoleteTermError(text, term, self._replacement(term), self._version(term))
        if term is not None:
            reason = (
                f"{text!r} names only {term.curie}, obsolete in {self._version(term)}, "
                f"and the copy names no replacement"
                + (f" ({self._replacement(term)})" if term.consider else "")
            )
        else:
            reason = f"{text!r} is not a label or exact synonym of a current term in {versions}"
        raise NotInVocabularyError(text, reason, suggestions)

    def _resolve_curie(self, text: str, chosen: list[Vocabulary], where: str) -> str:
        term = self.lookup(text)
        curie = term.curie if term else text
        prefix = curie.partition(":")[0]
        if prefix.casefold() not in {v.prefix.casefold() for v in chosen}:
            what = term.label if term else "its term"
            reason = f"{curie} ({what}) is a {prefix} term; a {where} term is expected here"
            raise NotInVocabularyError(text, reason, [])
        if term is None:
            vocabulary = self.vocabularies[self._by_folded[prefix.casefold()]]
            raise NotInVocabularyError(text, f"{text} is not in {vocabulary.version}", [])
        if term.obsolete:
            raise ObsoleteTermError(text, term, self._replacement(term), self._version(term))
        return term.curie

    def _version(self, term: VocabTerm) -> str:
        return self.vocabularies[term.vocabulary].version

    def _replacement(self, term: VocabTerm) -> str:
        def named(curie: str) -> str:
            other = self.lookup(curie)
            return f"{curie} {other.label}" if other and other.label else curie

        if term.replaced_by:
            chain, seen = term.replaced_by, {term.curie}
            while (nxt := self.lookup(chain)) and nxt.obsolete and nxt.replaced_by:
                if nxt.curie in seen:
                    break
                seen.add(nxt.curie)
                chain = nxt.replaced_by
            via = f" (via {term.replaced_by}, itself obsolete)" if chain != term.replaced_by else ""
            return f"use {named(chain)}, which replaces it{via}"
        if term.consider:
            return "consider " + "; ".join(named(c) for c in term.consider)
        return f"the copy names no replacement; choose a current {term.vocabulary} term"

    def suggest(
        self, name: str, prefixes: Iterable[str] | None = None, n: int = 3
    ) -> list[Suggestion]:
        """The ``n`` current terms most likely meant by ``name`` in ``prefixes``, best first."""
        ranked = sorted(r for v in self._chosen(prefixes) for r in v.suggester.rank(name, n))
        out = []
        for _, curie, matched in ranked[:n]:
            term = self.lookup(curie)
            label = term.label if term else curie
            names = (label, *term.synonyms) if term else ()
            original = next((x for x in names if x.lower() == matched), matched)
            out.append(Suggestion(curie, label, original))
        return out


@cache
def default_vocabularies() -> Vocabularies:
    """The committed index, opened once per process."""
    return Vocabularies(INDEX_DIR)


def lookup(curie: str) -> VocabTerm | None:
    """The term (current or obsolete) with this CURIE in the committed index, or None."""
    return default_vocabularies().lookup(curie)


def resolve(name: str, prefixes: Iterable[str] | None = None) -> str:
    """The CURIE that ``name`` names in the committed index (see :meth:`Vocabularies.resolve`)."""
    return default_vocabularies().resolve(name, prefixes)


def suggest(name: str, prefixes: Iterable[str] | None = None, n: int = 3) -> list[Suggestion]:
    """The likely terms for ``name`` in the committed index, best first."""
    return default_vocabularies().suggest(name, prefixes, n)
