"""One patient published twice must not count twice: duplicate reports are refused until linked.

A case file that shares its publication with another (same PMID, DOI or key), or whose features
are near-identical to another's (same coded diagnosis, sex and age, and nearly the same markers,
drivers and sites), is refused until one of the two files says ``same_patient_as`` (both reports
then feed one patient) or ``distinct_from`` (they are different people). Links must name cases
that exist.
"""

from __future__ import annotations

from itertools import combinations

from kg.core.errors import Problem
from kg.sources.case_model import Case

#: Jaccard similarity of (markers with results, drivers, sites) at or above which two cases with
#: the same diagnosis, sex and age are taken for one patient.
NEAR_IDENTICAL = 0.8


def _publication(case: Case) -> set[str]:
    pub = case.publication
    keys = {f"pmid:{pub.get('pmid')}", f"doi:{str(pub.get('doi', '')).lower()}"}
    keys = {k for k in keys if not k.endswith(":") and not k.endswith(":None")}
    return keys | {f"key:{pub.get('key', '')}"}


def features(case: Case) -> set[str]:
    """The features compared for near-identity: marker results, drivers and sites."""
    out = {f"marker:{m.marker}:{m.result}" for m in case.markers}
    out |= {f"driver:{m.alteration or m.gene}:{m.protein_change}" for m in case.molecular}
    out |= {f"site:{s.term}" for s in case.sites}
    return out


def similarity(a: Case, b: Case) -> float:
    """Jaccard similarity of two cases' features (1.0 when both have none)."""
    fa, fb = features(a), features(b)
    return len(fa & fb) / len(fa | fb) if fa | fb else 1.0


def _linked(a: Case, b: Case) -> bool:
    return bool(
        {b.id} & set(a.same_patient_as + a.distinct_from)
        or {a.id} & set(b.same_patient_as + b.distinct_from)
    )


def _synthetic(case: Case) -> bool:
    """Generated benchmark cases (histiokg synth) describe nobody, so none is anyone's duplicate."""
    return str(case.publication.get("key", "")).startswith("synthetic-")


def _candidate_pairs(cases: list[Case]) -> list[tuple[Case, Case]]:
    """Pairs that could be one patient: same publication, or same diagnosis, sex and age.

    Grouping first keeps the check near-linear for a registry of thousands of cases.
    """
    groups: dict[tuple[str, ...], list[Case]] = {}
    for case in cases:
        person = ("person", case.diagnosis, case.sex, repr(case.age.bounds_years))
        for key in [person, *((k,) for k in _publication(case))]:
            groups.setdefault(key, []).append(case)
    by_id = {case.id: case for case in cases}
    pairs: set[tuple[str, str]] = set()
    for members in groups.values():
        ids = sorted({c.id for c in members})
        pairs.update(combinations(ids, 2))
    return [(by_id[a], by_id[b]) for a, b in sorted(pairs)]


def duplicate_problems(cases: list[Case]) -> list[Problem]:
    """Problems for unlinked reports that look like one patient, and for links to unknown cases."""
    ids = {c.id for c in cases}
    problems = []
    for case in cases:
        for other in (*case.same_patient_as, *case.distinct_from):
            if other not in ids:
                problems.append(
                    Problem(case.file, None, f"links to unknown case {other!r}", "fix the id")
                )
            elif other == case.id:
                problems.append(Problem(case.file, None, "links to itself", "remove the link"))
        both = set(case.same_patient_as) & set(case.distinct_from)
        if both:
            problems.append(
                Problem(case.file, None, f"{sorted(both)} both same and distinct", "choose one")
            )
    for a, b in _candidate_pairs(cases):
        if _linked(a, b):
            continue
        shared = _publication(a) & _publication(b)
        same_person = (
            a.diagnosis == b.diagnosis
            and a.sex == b.sex
            and a.age.bounds_years == b.age.bounds_years
            and similarity(a, b) >= NEAR_IDENTICAL
            and not (_synthetic(a) and _synthetic(b))
        )
        if shared or same_person:
            why = (
                f"shares its publication ({sorted(shared)[0]}) with"
                if shared
                else f"is near-identical ({similarity(a, b):.2f}) to"
            )
            problems.append(
                Problem(
                    b.file,
                    None,
                    f"case {b.id!r} {why} case {a.id!r} ({a.file})",
                    f"add 'same_patient_as: [{a.id}]' if it is the same patient, "
                    f"else 'distinct_from: [{a.id}]'",
                    "same_patient_as",
                )
            )
    return problems
