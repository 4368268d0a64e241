"""A patient's findings: from clinician-style tokens (``ALK+ CD1a- --age 2m``) or a case file.

The findings are what :func:`kg.answers.diagnose.rank_disorders` scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.answers.profiles import ONSET_RANGES
from kg.sources.case_model import Case
from kg.sources.terms import TermIndex, UnknownTermError

_TOKEN = re.compile(
    r"^(?P<name>.+?)\s*(?:\((?P<mod>weak|focal|strong)\))?\s*"
    r"(?P<sign>\+|-|−|\bpos(?:itive)?|\bneg(?:ative)?)$",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"^(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>d|day|days|w|wk|weeks?|m|mo|months?|y|yr|years?)?$"
)


@dataclass(frozen=True)
class Finding:
    """One observation about the patient: a marker result, an alteration, a site or a feature."""

    kind: str
    term: str
    positive: bool = True
    label: str = ""


class FindingParseError(ValueError):
    """A token on the command line that is not a known marker, alteration, site or finding."""


def parse_age(text: str) -> float:
    """Parse '2m', '6 weeks', '45y' or '3' (years) into years.

    >>> round(parse_age("2m"), 3), parse_age("45y"), parse_age("3")
    (0.167, 45.0, 3.0)
    """
    m = _AGE.match(text.strip().lower())
    if not m:
        raise FindingParseError(f"cannot read age {text!r}; write e.g. 2m, 6w, 10d or 45y")
    value, unit = float(m.group("value")), (m.group("unit") or "y")[0]
    return value * {"d": 1 / 365.25, "w": 7 / 365.25, "m": 1 / 12, "y": 1.0}[unit]


def parse_findings(
    tokens: Iterable[str],
    index: TermIndex,
    alterations: Iterable[str] = (),
    sites: Iterable[str] = (),
    features: Iterable[str] = (),
) -> list[Finding]:
    """Turn clinician-style tokens (``ALK+``, ``CD1a-``, ``CD68(weak)+``) and options into findings.

    A bare token without a sign is tried as an alteration, a finding, then a site.
    Unknown names raise UnknownTermError listing the closest known names.
    """
    out: list[Finding] = []
    for token in tokens:
        m = _TOKEN.match(token.strip())
        if m:
            positive = m.group("sign").lower().startswith(("+", "p"))
            name = m.group("name").strip()
            term = index.resolve(name, ("marker",))
            out.append(
                Finding("marker", term, positive, f"{index.label(term)}{'+' if positive else '-'}")
            )
            continue
        for kind, cats in (
            ("alteration", ("gene_fusion", "sequence_variant")),
            ("finding", ("phenotype",)),
            ("site", ("anatomy",)),
        ):
            try:
                term = index.resolve(token, cats)
            except UnknownTermError:
                continue
            out.append(Finding(kind, term, True, index.label(term)))
            break
        else:
            index.resolve(token.rstrip("+-"), ("marker",))  # raises with the closest marker names
            raise FindingParseError(f"{token!r}: write a marker with + or -, e.g. {token}+")
    out += [
        Finding("alteration", t, True, index.label(t))
        for t in (
            index.resolve(a, ("gene_fusion", "sequence_variant", "gene")) for a in alterations
        )
    ]
    out += [
        Finding("site", t, True, index.label(t))
        for t in (index.resolve(s, ("anatomy",)) for s in sites)
    ]
    out += [
        Finding("finding", t, True, index.label(t))
        for t in (index.resolve(x, ("phenotype",)) for x in features)
    ]
    return out


def case_age(case: Case) -> float | tuple[float, float] | None:
    """The case's age for ranking: exact years, an interval (a range or an onset class), or None.

    An open bound of a range is the lifespan's (0 or 120 years).
    """
    if case.age.years is not None:
        return case.age.years
    if case.age.onset in ONSET_RANGES:
        lo, hi = ONSET_RANGES[case.age.onset]
        return (lo, min(hi, 120.0))
    low, high = case.age.bounds_years
    if low is None and high is None:
        return None
    return (low or 0.0, 120.0 if high is None else high)


def findings_from_case(
    case: Case, index: TermIndex
) -> tuple[list[Finding], float | tuple[float, float] | None]:
    """The findings and the age (see :func:`case_age`) of a case file, for ranking."""
    out = [
        Finding(
            "marker",
            m.marker,
            m.result == "positive",
            f"{index.label(m.marker)}{'+' if m.result == 'positive' else '-'}",
        )
        for m in case.markers
    ]
    out += [
        Finding("alteration", m.alteration or m.gene, True, index.label(m.alteration or m.gene))
        for m in case.molecular
        if m.alteration or m.gene
    ]
    out += [Finding("site", s.term, True, index.label(s.term)) for s in case.sites]
    out += [Finding("finding", f.term, True, index.label(f.term)) for f in case.findings]
    return out, case_age(case)
