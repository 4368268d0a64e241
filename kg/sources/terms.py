"""Look up curated terms by CURIE, label or synonym, with close matches for typos."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.core.namespaces import split_curie
from kg.sources.records import Term

_SPACE = re.compile(r"[\s_]+")


def normalise(name: str) -> str:
    """Fold case and spacing so 'Factor XIIIa' and 'factor  xiiia' match.

    >>> normalise("  Factor   XIIIa ")
    'factor xiiia'
    """
    return _SPACE.sub(" ", name.strip().lower())


class UnknownTermError(LookupError):
    """A reference that names no term of the expected category."""

    def __init__(self, value: str, categories: tuple[str, ...], suggestions: list[str]) -> None:
        self.value = value
        self.categories = categories
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {'/'.join(categories)} {value!r}{hint}")


@dataclass(frozen=True)
class TermIndex:
    """Every curated term, findable by id or by any label or synonym."""

    terms: Mapping[str, Term]

    def names(self, categories: Iterable[str]) -> dict[str, str]:
        """Map normalised label/synonym -> id for terms of the given categories."""
        cats = set(categories)
        out: dict[str, str] = {}
        for term in self.terms.values():
            if term.category not in cats:
                continue
            for name in (term.label, *term.synonyms):
                out.setdefault(normalise(name), term.id)
        return out

    def resolve(self, value: str, categories: tuple[str, ...]) -> str:
        """Return the CURIE that ``value`` names, or raise UnknownTermError with close matches."""
        text = str(value).strip()
        term = self.terms.get(text)
        if term is not None:
            if term.category in categories:
                return term.id
            raise UnknownTermError(text, categories, [f"{term.id} is a {term.category}"])
        names = self.names(categories)
        hit = names.get(normalise(text))
        if hit:
            return hit
        looks_like_curie = True
        try:
            split_curie(text)
        except ValueError:
            looks_like_curie = False
        if looks_like_curie and " " not in text:
            raise UnknownTermError(text, categories, [])
        close = difflib.get_close_matches(normalise(text), list(names), n=4, cutoff=0.6)
        labels = sorted({self.terms[names[c]].label for c in close})
        return self._fail(text, categories, labels)

    @staticmethod
    def _fail(text: str, categories: tuple[str, ...], labels: list[str]) -> str:
        raise UnknownTermError(text, categories, labels)

    def label(self, curie: str) -> str:
        """Return the label of a term, or the CURIE itself if unknown."""
        term = self.terms.get(curie)
        return term.label if term else curie
