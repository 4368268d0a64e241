"""The records the curated tables are read into: terms, cited statements, publications."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    """A node's identity: label, category, mappings and notes."""

    id: str
    label: str
    category: str
    xrefs: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    definition: str = ""
    definition_source: str = ""
    note: str = ""
    file: str = ""
    line: int = 0

    def prop(self, key: str) -> str:
        """Return one property value, or '' if absent."""
        return dict(self.properties).get(key, "")


@dataclass(frozen=True)
class Statement:
    """One cited fact: the triple, its qualifiers and its provenance."""

    id: str
    claim: str
    subject: str
    predicate: str
    object: str
    qualifiers: tuple[tuple[str, str], ...]
    evidence: str
    sources: tuple[str, ...]
    quote: str
    confidence: str
    comment: str
    file: str
    line: int

    @property
    def contested(self) -> bool:
        """True if the row is a source's claim that another source corrects."""
        return dict(self.qualifiers).get("status") == "contested"


@dataclass(frozen=True)
class Publication:
    """Metadata of a cited source, as seen in a copy of it."""

    source: str
    title: str = ""
    authors: str = ""
    journal: str = ""
    year: str = ""
    note: str = ""


@dataclass
class Curation:
    """Everything read from kg/data/curated, checked."""

    terms: dict[str, Term] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    publications: dict[str, Publication] = field(default_factory=dict)
