"""Write the vocabulary index (:mod:`kg.sources.vocabularies`) from the terms of pinned copies.

Each vocabulary becomes one gzip'd TSV (:data:`~kg.sources.vocabularies.COLUMNS`, sorted by
CURIE, names whitespace-folded, synonyms sorted; gzip without a time stamp or file name, so the
same copy gives the same bytes) and an entry in ``manifest.json`` with the source, version, date,
checksums and what the copy lacks. The copies are read by :mod:`kg.sources.vocabulary_copies`.
This module returns bytes; ``histiokg maintain vocabularies`` writes them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kg.core.errors import Problem, SourceError
from kg.sources.vocabularies import COLUMNS, INDEX_FORMAT, MANIFEST_NAME, SEPARATOR, VocabTerm
from kg.sources.vocabulary_copies import GAPS, ReadCopy
from kg.sources.vocabulary_suggest import curie_order


def _check_names(copy: ReadCopy) -> None:
    bad = [
        t.curie
        for t in copy.terms
        for name in (t.label, *t.synonyms)
        if "\t" in name or "\n" in name or SEPARATOR in name
    ]
    if bad:
        reason = f"names with a tab, newline or {SEPARATOR!r}: {', '.join(bad[:5])}"
        raise SourceError([Problem(copy.source, None, reason)])


def index_tsv(terms: Iterable[VocabTerm]) -> bytes:
    """The index TSV of some terms, sorted by CURIE (numeric where the local part is a number)."""
    lines = ["\t".join(COLUMNS)]
    for t in sorted(terms, key=lambda t: curie_order(t.curie)):
        lines.append(
            "\t".join(
                (
                    t.curie,
                    t.label,
                    SEPARATOR.join(t.synonyms),
                    "true" if t.obsolete else "false",
                    t.replaced_by or "",
                    SEPARATOR.join(t.consider),
                )
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def index_file_name(prefix: str) -> str:
    """The index file of a vocabulary, e.g. ``uberon.tsv.gz``."""
    return f"{prefix.lower()}.tsv.gz"


def build_index(
    copies: Sequence[ReadCopy], previous: Mapping[str, Any] | None = None
) -> dict[str, bytes]:
    """File name -> bytes: one ``.tsv.gz`` per copy and ``manifest.json`` for all.

    Manifest entries of vocabularies not among ``copies`` are kept from ``previous`` (the
    manifest on disk), so one copy can be refreshed alone.
    """
    files: dict[str, bytes] = {}
    entries: dict[str, Any] = dict((previous or {}).get("vocabularies", {}))
    for copy in copies:
        _check_names(copy)
        tsv = index_tsv(copy.terms)
        data = gzip.compress(tsv, compresslevel=9, mtime=0)
        name = index_file_name(copy.spec.prefix)
        files[name] = data
        spec = copy.spec
        entries[spec.prefix] = {
            "file": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "content_sha256": hashlib.sha256(tsv).hexdigest(),
            "bytes": len(data),
            "terms": len(copy.terms),
            "current": sum(not t.obsolete for t in copy.terms),
            "obsolete": sum(t.obsolete for t in copy.terms),
            "synonyms": sum(len(t.synonyms) for t in copy.terms),
            "version": spec.version,
            "date": spec.date,
            "source": copy.source,
            "source_sha256": copy.sha256,
            "upstream": spec.upstream,
            "note": spec.note,
        }
    manifest = {
        "format": INDEX_FORMAT,
        "generator": "histiokg maintain vocabularies (kg/sources/vocabulary_index.py)",
        "columns": list(COLUMNS),
        "vocabularies": dict(sorted(entries.items())),
        "gaps": list(GAPS),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    files[MANIFEST_NAME] = text.encode("utf-8")
    return files
