"""Look up terms by CURIE, label or synonym: the curated tables first, then the pinned copies.

A name the project's term tables do not hold is looked up in the pinned copies of UBERON (sites),
HP (findings), HGNC (genes), ChEBI (drugs) and MONDO (diagnoses) (:mod:`kg.sources.vocabularies`):
any current term of those vocabularies is accepted by CURIE, exact label or exact synonym, an
obsolete one is refused naming its replacement, and suggestions are ranked so the first is the
likely one. Terms found there are remembered (``external``) so the build can give them nodes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.core.namespaces import split_curie
from kg.sources.records import Term
from kg.sources.vocabulary_suggest import normalise


class UnknownTermError(LookupError):
    """A reference that names no term of the expected category."""

    def __init__(self, value: str, categories: tuple[str, ...], suggestions: list[str]) -> None:
        self.value = value
        self.categories = categories
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {'/'.join(categories)} {value!r}{hint}")


#: term category -> the vocabulary of pinned copies that may supply it
CATEGORY_VOCABULARY = {
    "anatomy": "UBERON",
    "phenotype": "HP",
    "gene": "HGNC",
    "drug": "CHEBI",
    "disease": "MONDO",
}


@dataclass(frozen=True)
class TermIndex:
    """Every curated term, findable by id or by any label or synonym, and the pinned copies."""

    terms: Mapping[str, Term]
    #: terms found in the pinned copies, not the tables: CURIE -> a Term made from the copy
    external: dict[str, Term] = field(default_factory=dict, compare=False)
    use_vocabularies: bool = True

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
        known = self.external.get(text)
        if known is not None and known.category in categories:
            return known.id
        found = self._from_vocabularies(text, categories)
        if found:
            return found
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

    def _from_vocabularies(self, text: str, categories: tuple[str, ...]) -> str:
        """The CURIE a pinned copy gives for ``text``, or '' when the copies do not hold it.

        An obsolete or ambiguous name raises UnknownTermError with the copy's reason and fix.
        """
        chosen = {c: CATEGORY_VOCABULARY[c] for c in categories if c in CATEGORY_VOCABULARY}
        if not chosen or not self.use_vocabularies:
            return ""
        from kg.sources import vocabularies as vocab

        try:
            curie = vocab.resolve(text, tuple(chosen.values()))
        except (vocab.ObsoleteTermError, vocab.AmbiguousTermError) as exc:
            raise UnknownTermError(text, categories, [f"{exc.reason}; {exc.fix}"]) from exc
        except vocab.VocabularyLookupError:
            return ""
        if curie in self.terms:  # a curated term under its CURIE in another form
            return curie
        found = vocab.lookup(curie)
        prefix = curie.split(":", 1)[0]
        category = next(c for c, v in chosen.items() if v == prefix)
        if found is not None:
            self.external[curie] = Term(
                id=curie,
                label=found.label,
                category=category,
                synonyms=found.synonyms,
                note=f"from the pinned {found.vocabulary} copy (ontology/imports/vocabularies)",
            )
        return curie

    def _fail(self, text: str, categories: tuple[str, ...], labels: list[str]) -> str:
        chosen = tuple(CATEGORY_VOCABULARY[c] for c in categories if c in CATEGORY_VOCABULARY)
        if chosen and self.use_vocabularies:
            from kg.sources import vocabularies as vocab

            found = vocab.suggest(text, chosen, 3)
            word = normalise(text)
            # a copy's term that contains the very word typed is the likely one: it comes first
            first = [s for s in found if word in normalise(s.label).split() or word in s.label]
            rest = [s for s in found if s not in first]
            shown = [f"{s.label} ({s.curie})" for s in first] + labels
            labels = (shown + [f"{s.label} ({s.curie})" for s in rest])[:5]
        raise UnknownTermError(text, categories, labels)

    def label(self, curie: str) -> str:
        """Return the label of a term, or the CURIE itself if unknown."""
        term = self.terms.get(curie) or self.external.get(curie)
        return term.label if term else curie
