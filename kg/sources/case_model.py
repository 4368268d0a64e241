"""The records a case file is read into: the patient, pathology, molecular findings, treatment.

Plain dataclasses, every reference already resolved to a CURIE and every statement carrying its
:class:`Evidence` (report sentence ids and verbatim quotes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_EVIDENCE = "ECO:0000304"
_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


@dataclass(frozen=True)
class Evidence:
    """Where in the report a statement comes from: sentence ids and verbatim quotes."""

    sentences: tuple[str, ...]
    quotes: tuple[str, ...]
    code: str = DEFAULT_EVIDENCE


@dataclass(frozen=True)
class Sentence:
    """One sentence of the report."""

    id: str
    section: str
    position: int
    text: str


@dataclass(frozen=True)
class Ref:
    """A reference to a term with optional note, and its evidence."""

    term: str
    evidence: Evidence
    note: str = ""


@dataclass(frozen=True)
class MarkerObservation:
    """One marker test result of the case."""

    marker: str
    result: str
    evidence: Evidence
    intensity: str = ""
    extent: str = ""
    assay: str = ""
    specimens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Imaging:
    """One imaging study and what it showed."""

    id: str
    assay: str
    showed: tuple[str, ...]
    evidence: Evidence


@dataclass(frozen=True)
class Biopsy:
    """One biopsy and its site."""

    id: str
    site: str
    evidence: Evidence


@dataclass(frozen=True)
class Molecular:
    """A driver alteration found, and the assays that found it."""

    alteration: str
    assays: tuple[str, ...]
    evidence: Evidence


@dataclass(frozen=True)
class Response:
    """The response to a treatment line."""

    category: str
    evidence: Evidence
    assessed_by: str = ""
    text: str = ""


@dataclass(frozen=True)
class TreatmentLine:
    """One ordered line of therapy."""

    number: int
    agents: tuple[str, ...]
    evidence: Evidence
    cycles: int | None = None
    schedule: str = ""
    intent: str = ""
    response: Response | None = None


@dataclass(frozen=True)
class Claim:
    """An author claim that another source corrects; kept, never asserted as fact."""

    id: str
    claim: str
    verdict: str
    corrected_by: tuple[str, ...]
    evidence: Evidence
    subject: str = ""
    predicate: str = ""
    object: str = ""


@dataclass
class Case:
    """A published case report, checked and with every reference resolved to a CURIE."""

    id: str
    title: str
    file: str
    publication: dict[str, str]
    sentences: dict[str, Sentence]
    age_value: float
    age_unit: str
    age_evidence: Evidence
    sex: str
    sex_evidence: Evidence
    born_at_term: bool | None = None
    term_evidence: Evidence | None = None
    findings: list[Ref] = field(default_factory=list)
    sites: list[Ref] = field(default_factory=list)
    biopsies: list[Biopsy] = field(default_factory=list)
    imaging: list[Imaging] = field(default_factory=list)
    markers: list[MarkerObservation] = field(default_factory=list)
    molecular: list[Molecular] = field(default_factory=list)
    reported_label: str = ""
    reported_closest: str = ""
    reported_evidence: Evidence | None = None
    diagnosis: str = ""
    diagnosis_qualifier: str = ""
    diagnosis_evidence: Evidence | None = None
    lines: list[TreatmentLine] = field(default_factory=list)
    discussed: list[Ref] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def age_in_years(self) -> float:
        """Age at presentation in years."""
        return round(self.age_value * _DAYS[self.age_unit] / 365.25, 4)
