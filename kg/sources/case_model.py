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
    """A driver alteration found, the assays that found it, and its details when reported.

    ``alteration`` is a curated fusion, variant or gene term; a variant given only by gene and
    protein change that no term holds has ``alteration`` '' and becomes a case variant node.
    """

    alteration: str
    assays: tuple[str, ...]
    evidence: Evidence
    gene: str = ""
    protein_change: str = ""
    hgvs: str = ""
    five_prime_exon: str = ""
    three_prime_exon: str = ""
    breakpoint: str = ""
    vaf_percent: float | None = None


@dataclass(frozen=True)
class Duration:
    """A length of time as reported: a value and a unit (day, week, month, year)."""

    value: float
    unit: str

    @property
    def years(self) -> float:
        """The duration in years."""
        return round(self.value * _DAYS[self.unit] / 365.25, 4)


@dataclass(frozen=True)
class Age:
    """Age at presentation in the form the report gives it.

    Exactly one of: an exact ``value`` and ``unit``; a range (``low``/``high`` in ``unit``, either
    may be open); an HPO ``onset`` class; ``at_birth``; or not reported (``reported`` False).
    """

    evidence: Evidence | None = None
    value: float | None = None
    unit: str = ""
    low: float | None = None
    high: float | None = None
    onset: str = ""
    at_birth: bool = False
    reported: bool = True

    @property
    def years(self) -> float | None:
        """The exact age in years, or None when the report gives no exact age."""
        if self.at_birth:
            return 0.0
        if self.value is None:
            return None
        return round(self.value * _DAYS[self.unit] / 365.25, 4)

    @property
    def bounds_years(self) -> tuple[float | None, float | None]:
        """(at least, at most) in years for a range; (age, age) when exact; (None, None) else."""
        if self.years is not None:
            return self.years, self.years

        def conv(x: float | None) -> float | None:
            return None if x is None else round(x * _DAYS[self.unit] / 365.25, 4)

        return conv(self.low), conv(self.high)


@dataclass(frozen=True)
class OtherDiagnosis:
    """A further diagnosis of the patient and its relation in time to the case's diagnosis."""

    term: str
    relation: str
    evidence: Evidence
    clonally_related: str = ""
    interval: Duration | None = None
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """The patient's status at the last follow-up the report gives."""

    status: str
    evidence: Evidence
    follow_up: Duration | None = None
    cause_of_death: str = ""
    text: str = ""


@dataclass(frozen=True)
class Response:
    """The response to a treatment line."""

    category: str
    evidence: Evidence
    assessed_by: str = ""
    text: str = ""
    follow_up: Duration | None = None


@dataclass(frozen=True)
class TreatmentLine:
    """One ordered line of therapy."""

    number: int
    agents: tuple[str, ...]
    evidence: Evidence
    procedures: tuple[str, ...] = ()
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
    age: Age
    #: male, female, or '' when the report does not say
    sex: str
    sex_evidence: Evidence | None
    born_at_term: bool | None = None
    term_evidence: Evidence | None = None
    gestational_weeks: float | None = None
    gestational_evidence: Evidence | None = None
    format_version: int = 1
    findings: list[Ref] = field(default_factory=list)
    absent_findings: list[Ref] = field(default_factory=list)
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
    #: why the code stands where the report lacks its usual evidence (kept on the assertion)
    diagnosis_note: str = ""
    diagnosis_evidence: Evidence | None = None
    lines: list[TreatmentLine] = field(default_factory=list)
    discussed: list[Ref] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    other_diagnoses: list[OtherDiagnosis] = field(default_factory=list)
    outcome: Outcome | None = None
    same_patient_as: tuple[str, ...] = ()
    distinct_from: tuple[str, ...] = ()

    @property
    def age_in_years(self) -> float | None:
        """Exact age at presentation in years, or None when the report gives no exact age."""
        return self.age.years
