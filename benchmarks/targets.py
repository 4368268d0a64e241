"""One level's measurements, the targets of issue 10 item 8, and the verdicts on them.

Pure like :mod:`report`: numbers in, verdicts and slopes out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from report import (
    Run,
    Verdict,
    fit_line,
    format_count,
    format_seconds,
    marginal_growth_exponent,
    median_run,
    p50,
    ratio,
    verdict_at_most,
    worst,
)

#: The pipeline steps of benchmark (a), in the order they run; "raw" is their baseline.
STEPS = ("build", "validate", "export")
BASELINE = "raw"
#: The targets of issue 10 item 8, as limits.
CPU_LIMIT_SHIPPED = 2.0
COMMAND_WALL_LIMIT = 1.0
QUERY_RATIO_LIMIT = 1.5
PIPELINE_RATIO_LIMIT = 3.0
MIB_PER_MILLION_LIMIT = 1024.0
#: Largest growth exponent still called linear (measurement noise on few levels).
LINEAR_EXPONENT_LIMIT = 1.2


@dataclass
class LevelResult:
    """Everything measured at one level (a number of synthetic cases plus the shipped ones)."""

    synthetic: int
    cases: int
    triples: int
    steps: dict[str, list[Run]]
    queries: dict[str, dict[str, list[float]]]
    commands: dict[str, list[Run]]
    command_baselines: dict[str, list[Run]]
    #: Synthetic files left out because the project's case checks refuse them.
    refused: int = 0

    def step(self, name: str) -> Run:
        """The median run of a pipeline step (or of the baseline, ``"raw"``)."""
        return median_run(self.steps[name])

    def pipeline(self) -> Run:
        """Build + validate + export: the medians of the steps added up (peak: the largest)."""
        parts = [self.step(s) for s in STEPS]
        return Run(
            wall=sum(p.wall for p in parts),
            cpu=sum(p.cpu for p in parts),
            peak_kib=max(p.peak_kib for p in parts),
            code=max(p.code for p in parts),
            killed=next((p.killed for p in parts if p.killed), ""),
        )

    def query_ratio(self, name: str, path: str = "select") -> float:
        """p50 of a competency query through histiokg's ``path`` over its raw pyoxigraph p50."""
        times = self.queries[name]
        return ratio(p50(times[path]), p50(times["raw"]))

    def command(self, name: str) -> Run:
        """The median run of an end-to-end command."""
        return median_run(self.commands[name])

    def command_baseline(self, name: str) -> Run:
        """The median run of a command's baseline (Python + pyoxigraph + the raw query)."""
        return median_run(self.command_baselines[name])

    def mib_per_million(self, run: Run) -> float:
        """Peak memory of a run per million triples of this level."""
        return run.peak_mib / (self.triples / 1e6) if self.triples else math.nan

    @classmethod
    def from_dict(cls, doc: Mapping[str, object]) -> LevelResult:
        """Read a level back from its JSON form (``dataclasses.asdict``)."""

        def runs(d: object) -> dict[str, list[Run]]:
            assert isinstance(d, dict)
            return {k: [Run(**r) for r in v] for k, v in d.items()}

        queries = doc["queries"]
        assert isinstance(queries, dict)
        return cls(
            synthetic=int(str(doc["synthetic"])),
            cases=int(str(doc["cases"])),
            triples=int(str(doc["triples"])),
            steps=runs(doc["steps"]),
            queries=queries,
            commands=runs(doc["commands"]),
            command_baselines=runs(doc["command_baselines"]),
            refused=int(str(doc.get("refused", 0))),
        )


def level_name(level: LevelResult) -> str:
    """How a level is named in tables: its total case count.

    >>> level_name(LevelResult(100, 113, 1, {}, {}, {}, {}))
    '113 cases'
    >>> level_name(LevelResult(0, 13, 1, {}, {}, {}, {}))
    'shipped (13 cases)'
    """
    if level.synthetic == 0:
        return f"shipped ({format_count(level.cases)} cases)"
    return f"{format_count(level.cases)} cases"


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class Slope:
    """How one cost grows with cases: a line's slope per 1,000 cases and the growth exponent."""

    measure: str
    per_1000: float
    intercept: float
    r2: float
    exponent: float


def slopes(levels: Sequence[LevelResult]) -> list[Slope]:
    """Fit every pipeline cost (CPU seconds, peak MiB) against the number of cases."""
    if len(levels) < 2:
        return []
    xs = [float(lv.cases) for lv in levels]
    series: dict[str, list[float]] = {}
    for name in (*STEPS, BASELINE):
        series[f"{name} CPU s"] = [lv.step(name).cpu for lv in levels]
    series["build+validate+export CPU s"] = [lv.pipeline().cpu for lv in levels]
    series["build+validate+export wall s"] = [lv.pipeline().wall for lv in levels]
    for name in (*STEPS, BASELINE):
        series[f"{name} peak MiB"] = [lv.step(name).peak_mib for lv in levels]
    out = []
    for measure, ys in series.items():
        fit = fit_line(xs, ys)
        try:
            exponent = marginal_growth_exponent(xs, ys)
        except ValueError:
            exponent = math.nan
        out.append(Slope(measure, fit.slope * 1000, fit.intercept, fit.r2, exponent))
    return out


def evaluate(levels: Sequence[LevelResult], large: int = 10_000) -> list[Verdict]:
    """The verdict on each target of issue 10 item 8, from the levels measured.

    ``large`` is the cohort size the pipeline-ratio target names; when no level is that big,
    the largest level stands in and the verdict says so.
    """
    out: list[Verdict] = []
    shipped = [lv for lv in levels if lv.synthetic == 0]
    if shipped:
        lv = shipped[0]
        build, check = lv.step("build").cpu, lv.step("validate").cpu
        out.append(
            verdict_at_most(
                "shipped graph builds and validates in < 2 s CPU",
                build + check,
                CPU_LIMIT_SHIPPED,
                "s",
                f"CPU (build {format_seconds(build)} + validate {format_seconds(check)})",
                key="shipped",
            )
        )
    commands = {
        f"`{name}` at {level_name(lv)}": lv.command(name).wall
        for lv in levels
        for name in lv.commands
    }
    where, value = worst(commands)
    out.append(
        verdict_at_most(
            "any query/diagnose/options/traverse command on a built store < 1 s wall",
            value,
            COMMAND_WALL_LIMIT,
            "s",
            f"(worst: {where})",
            key="commands",
        )
    )
    queries = {f"{q} at {level_name(lv)}": lv.query_ratio(q) for lv in levels for q in lv.queries}
    where, value = worst(queries)
    over = sum(1 for r in queries.values() if not r < QUERY_RATIO_LIMIT)
    out.append(
        verdict_at_most(
            "every cq p50 within 1.5x of raw pyoxigraph, at every level",
            value,
            QUERY_RATIO_LIMIT,
            "x",
            f"(worst: {where}; {over} of {len(queries)} query-levels over)",
            key="queries",
        )
    )
    if levels:
        big = max(levels, key=lambda lv: lv.cases)
        note = "" if big.synthetic >= large else f", standing in for {format_count(large)}"
        value = ratio(big.pipeline().wall, big.step(BASELINE).wall)
        out.append(
            verdict_at_most(
                f"{format_count(large)}-case cohort builds, validates, exports within 3x of raw "
                "bulk load + dump (wall)",
                value,
                PIPELINE_RATIO_LIMIT,
                "x",
                f"(at {level_name(big)}{note})",
                key="pipeline",
            )
        )
        per_million = {
            f"{name} at {level_name(big)}": big.mib_per_million(big.step(name)) for name in STEPS
        }
        where, value = worst(per_million)
        out.append(
            verdict_at_most(
                "peak memory < 1 GiB per million triples",
                value,
                MIB_PER_MILLION_LIMIT,
                "MiB",
                f"per million triples (worst: {where})",
                key="memory",
            )
        )
    growth = {s.measure: s.exponent for s in slopes(levels) if s.measure.endswith("CPU s")}
    growth.pop(f"{BASELINE} CPU s", None)
    if growth:
        where, value = worst(growth)
        out.append(
            verdict_at_most(
                "cost grows linearly with cases (growth exponent of CPU above the shipped "
                f"level < {LINEAR_EXPONENT_LIMIT})",
                value,
                LINEAR_EXPONENT_LIMIT,
                "",
                f"(worst: {where})",
                key="linear",
            )
        )
    return out
