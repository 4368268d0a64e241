"""Whether a ranking separates its top candidates, and the tests that would.

A pathologist faced with two close candidates orders the stain or the molecular test whose result
the candidates' profiles disagree on most; :func:`assess` names those tests, and says
"insufficient data" when the findings do not separate the top of the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.answers.diagnose import (
    SEPARATED_PROBABILITY,
    SEPARATED_RATIO,
    UNLISTED_ALTERATION,
    UNLISTED_MARKER,
    Ranked,
)
from kg.answers.findings import Finding
from kg.answers.profiles import Profiles


@dataclass(frozen=True)
class SeparatingTest:
    """A test not yet done whose result would best tell the top candidates apart."""

    kind: str
    term: str
    label: str
    spread: float
    expectations: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Assessment:
    """Whether the findings separate the candidates, and which tests would."""

    sufficient: bool
    reason: str
    tests: tuple[SeparatingTest, ...]


def assess(
    ranked: Sequence[Ranked], findings: Sequence[Finding], prof: Profiles, top: int = 3
) -> Assessment:
    """Say whether the ranking separates its top candidates; name the best separating tests.

    A test separates candidates when their profiles expect different results: the spread is the
    largest difference in P(positive) among the top candidates (an unlisted marker counts as
    usually negative).
    """
    reason = ""
    if not any(f.kind in ("marker", "alteration") for f in findings):
        reason = "no marker or molecular finding"
    elif len(ranked) > 1 and ranked[0].probability < SEPARATED_PROBABILITY:
        reason = f"top probability {ranked[0].probability:.2f} < {SEPARATED_PROBABILITY:.2f}"
    elif len(ranked) > 1 and ranked[0].probability < SEPARATED_RATIO * ranked[1].probability:
        reason = f"{ranked[0].label} is not {SEPARATED_RATIO:g}x as likely as {ranked[1].label}"
    candidates = list(ranked[:top])
    done = {f.term for f in findings}
    kinds = {"marker", "alteration"}
    terms = {
        (kind, target)
        for c in candidates
        for (kind, target) in prof.rows.get(c.disease, {})
        if kind in kinds and target not in done
    }
    tests = []
    for kind, target in sorted(terms):
        thetas = []
        for c in candidates:
            row = prof.rows[c.disease].get((kind, target))
            default = UNLISTED_MARKER if kind == "marker" else UNLISTED_ALTERATION
            thetas.append((c.label, row.theta() if row else default, row))
        spread = max(t for _, t, _ in thetas) - min(t for _, t, _ in thetas)
        if spread <= 0.05:
            continue
        expectations = tuple(
            (label, row.describe() if row else "not in profile") for label, _, row in thetas
        )
        tests.append(SeparatingTest(kind, target, prof.label(target), spread, expectations))
    tests.sort(key=lambda t: (-t.spread, t.label))
    return Assessment(not reason, reason, tuple(tests[:5]))
