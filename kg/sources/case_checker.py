"""The checker of one case document: resolves terms, checks evidence, collects problems.

Every statement's evidence names report sentences and verbatim quotes; every term resolves to a
curated term of the right kind. Problems are collected with the line of the offending key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from kg.core.errors import Problem
from kg.sources.case_files import LineDict
from kg.sources.case_model import (
    DEFAULT_EVIDENCE,
    Evidence,
    Sentence,
)
from kg.sources.terms import TermIndex, UnknownTermError
from kg.sources.variants import protein_change

#: Errors raised when a part of the document has the wrong shape (the schema reports it).
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, ValueError, IndexError)
MAX_AGE_YEARS = 120
TERM_WEEKS = 37
_UNIT_YEARS = {"day": 1 / 365.25, "week": 7 / 365.25, "month": 1 / 12, "year": 1.0}

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


class Checker:
    """Resolves references and evidence of one schema-valid case document."""

    def __init__(self, doc: Mapping[str, Any], where: str, index: TermIndex) -> None:
        self.doc = doc
        self.where = where
        self.index = index
        self.problems: list[Problem] = []
        self.sentences: dict[str, Sentence] = {}
        position = 0
        report = doc.get("report")
        sections = report if isinstance(report, list) else []
        for section in sections:
            if not isinstance(section, Mapping) or not isinstance(section.get("sentences"), list):
                continue
            for item in section["sentences"]:
                if not isinstance(item, Mapping) or "id" not in item or "text" not in item:
                    continue
                position += 1
                sid = item["id"]
                if sid in self.sentences:
                    self.report(item, "id", f"sentence id {sid!r} used twice", "rename one")
                self.sentences[sid] = Sentence(sid, section["section"], position, item["text"])

    def report(self, node: Any, key: str | None, reason: str, fix: str) -> None:
        """File a problem at the line of ``key`` in ``node`` (or of the node)."""
        line = getattr(node, "line", None)
        if isinstance(node, LineDict) and key is not None:
            line = node.lines.get(key, line)
        self.problems.append(Problem(self.where, line, reason, fix, key))

    def evidence(self, node: Mapping[str, Any]) -> Evidence:
        """The node's evidence; unknown sentences and quotes not in them are problems."""
        raw = node["evidence"]
        items = raw if isinstance(raw, list) else [raw]
        sids, quotes, code = [], [], DEFAULT_EVIDENCE
        for item in items:
            sid, quote = item["sentence"], item["quote"]
            sentence = self.sentences.get(sid)
            if sentence is None:
                self.report(item, "sentence", f"no sentence {sid!r} in report", "use a sentence id")
            elif _squash(quote) not in _squash(sentence.text):
                self.report(
                    item,
                    "quote",
                    f"quote {quote!r} is not verbatim in sentence {sid}",
                    "copy the words exactly from that sentence",
                )
            sids.append(sid)
            quotes.append(quote)
            code = item.get("code", code)
        return Evidence(tuple(sids), tuple(quotes), code)

    def term(self, node: Any, key: str, value: str, categories: tuple[str, ...]) -> str:
        """The CURIE ``value`` names among ``categories``; a problem (with matches) if none."""
        try:
            return self.index.resolve(value, categories)
        except UnknownTermError as exc:
            self.report(
                node,
                key,
                str(exc),
                "use a CURIE or label of kg/data/curated/terms/ or of a pinned vocabulary copy",
            )
            return str(value)

    def index_variant(self, gene: str, protein: str) -> str:
        """The curated variant term of ``gene`` with protein change ``protein``, or ''."""
        for term in self.index.terms.values():
            if term.category == "sequence_variant" and term.prop("gene") == gene:
                with suppress(ValueError):
                    if protein_change(term.prop("hgvs_p")) == protein:
                        return term.id
        return ""

    def genes_of(self, alteration: str) -> set[str]:
        """The genes an alteration term involves (a gene is its own)."""
        term = self.index.terms.get(alteration)
        if term is None:
            return set()
        if term.category == "gene":
            return {term.id}
        keys = ("gene", "five_prime", "three_prime")
        return {term.prop(k) for k in keys if term.prop(k)}
