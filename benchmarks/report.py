"""Pure helpers of the benchmark: statistics, ratios, slope fits, target verdicts, Markdown.

Nothing here runs a process, reads a clock or imports a third-party package, so
``tests/test_bench.py`` checks it on made-up numbers in milliseconds.

>>> format_ratio(2.345)
'2.35x'
>>> verdict_at_most("cq p50 vs raw", 1.2, 1.5, "x").met
True
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    """One measured child process: wall and CPU seconds, peak resident memory, exit code."""

    wall: float
    cpu: float
    peak_kib: int
    code: int = 0
    #: Why the run was cut short ("timeout", "memory"), or "" when it ran to its end.
    killed: str = ""

    @property
    def peak_mib(self) -> float:
        """Peak resident memory in MiB."""
        return self.peak_kib / 1024


def median_run(runs: Sequence[Run]) -> Run:
    """The median wall, CPU and peak memory of repeated runs (each taken on its own).

    >>> median_run([Run(1.0, 2.0, 10), Run(3.0, 1.0, 30), Run(2.0, 3.0, 20)])
    Run(wall=2.0, cpu=2.0, peak_kib=20, code=0, killed='')
    """
    if not runs:
        raise ValueError("no runs")
    return Run(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        peak_kib=int(statistics.median(r.peak_kib for r in runs)),
        code=max(r.code for r in runs),
        killed=next((r.killed for r in runs if r.killed), ""),
    )


def p50(values: Iterable[float]) -> float:
    """The median of some timings.

    >>> p50([3.0, 1.0, 2.0, 10.0])
    2.5
    """
    data = list(values)
    if not data:
        raise ValueError("no values")
    return statistics.median(data)


def ratio(value: float, baseline: float) -> float:
    """``value / baseline``; infinite when the baseline is zero and the value is not.

    >>> ratio(3.0, 1.5)
    2.0
    """
    if baseline <= 0:
        return math.inf if value > 0 else 1.0
    return value / baseline


def format_ratio(r: float) -> str:
    """A ratio with two significant decimals below 10, one below 100, none above."""
    if math.isinf(r) or math.isnan(r):
        return "n/a"
    if r < 10:
        return f"{r:.2f}x"
    if r < 100:
        return f"{r:.1f}x"
    return f"{r:.0f}x"


def format_seconds(s: float) -> str:
    """Seconds with a precision that suits their size.

    >>> format_seconds(0.01234), format_seconds(1.234), format_seconds(123.4)
    ('12.3 ms', '1.23 s', '123 s')
    """
    if s < 1:
        return f"{s * 1000:.1f} ms"
    if s < 10:
        return f"{s:.2f} s"
    if s < 100:
        return f"{s:.1f} s"
    return f"{s:.0f} s"


def format_count(n: float) -> str:
    """A count with thousands separators.

    >>> format_count(1234567)
    '1,234,567'
    """
    return f"{round(n):,}"


# ---------------------------------------------------------------- fits


@dataclass(frozen=True)
class Fit:
    """A least-squares line ``y = slope * x + intercept`` and its coefficient of determination."""

    slope: float
    intercept: float
    r2: float


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> Fit:
    """Ordinary least squares of ``ys`` on ``xs`` (at least two distinct x values).

    >>> fit_line([0, 1, 2], [1, 3, 5])
    Fit(slope=2.0, intercept=1.0, r2=1.0)
    """
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("need at least two (x, y) pairs")
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("all x values are equal")
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True))
    r2 = 1.0 if ss_tot == 0 else 1 - ss_res / ss_tot
    return Fit(slope, intercept, r2)


def growth_exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The slope of ``log y`` against ``log x``: 1 is linear growth, 2 quadratic, 0 constant.

    Only points with positive x and y take part.

    >>> round(growth_exponent([10, 100, 1000], [2, 20, 200]), 6)
    1.0
    """
    pairs = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pairs) < 2:
        raise ValueError("need two points with positive x and y")
    return fit_line([p[0] for p in pairs], [p[1] for p in pairs]).slope


def marginal_growth_exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The growth exponent of the cost above the smallest level's (fixed start-up removed).

    A command that pays one second of interpreter start-up and then a little per case looks
    flat on a log-log plot; subtracting the smallest level's cost shows how the rest grows.

    >>> round(marginal_growth_exponent([10, 110, 1010], [5.0, 6.0, 15.0]), 6)
    1.0
    """
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    x0, y0 = xs[order[0]], ys[order[0]]
    rest = [(xs[i] - x0, ys[i] - y0) for i in order[1:]]
    return growth_exponent([x for x, _ in rest], [y for _, y in rest])


# ---------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class Verdict:
    """A target, what was measured, and whether the measurement meets it."""

    target: str
    measured: str
    met: bool
    detail: str
    #: A short name for code to pick a verdict by ("shipped", "commands", "queries", ...).
    key: str = ""

    @property
    def column(self) -> str:
        """The verdict column: 'met' or 'missed by ...'."""
        return "met" if self.met else f"missed by {self.detail}"


def _amount(value: float, unit: str) -> str:
    if unit == "s":
        return format_seconds(value)
    if unit == "x":
        return format_ratio(value)
    if unit == "":
        return f"{value:.2f}"
    return f"{value:,.0f} {unit}"


def verdict_at_most(
    target: str, measured: float, limit: float, unit: str, where: str = "", key: str = ""
) -> Verdict:
    """Verdict on a measurement that must stay below ``limit``.

    A miss says by how much: the excess in the unit and as a multiple of the limit.

    >>> verdict_at_most("build", 3.0, 2.0, "s").column
    'missed by 1.00 s (1.50x the limit)'
    >>> verdict_at_most("ratio", 4.5, 3.0, "x", "at 1,013 cases").measured
    '4.50x at 1,013 cases'
    """
    shown = _amount(measured, unit) + (f" {where}" if where else "")
    if math.isnan(measured):
        return Verdict(target, "not measured", False, "not measured", key)
    met = measured < limit
    if met:
        return Verdict(target, shown, True, "", key)
    excess = measured - limit
    if unit == "x":
        detail = f"{excess:.2f} ({format_ratio(ratio(measured, limit))} the limit)"
    else:
        detail = f"{_amount(excess, unit)} ({format_ratio(ratio(measured, limit))} the limit)"
    return Verdict(target, shown, False, detail, key)


def worst(items: Mapping[str, float]) -> tuple[str, float]:
    """The key with the largest value (NaN counts as worst), for 'every ... within' targets.

    >>> worst({"a": 1.0, "b": 3.0, "c": 2.0})
    ('b', 3.0)
    """
    if not items:
        return "", math.nan
    for key, value in items.items():
        if math.isnan(value):
            return key, value
    key = max(items, key=lambda k: items[k])
    return key, items[key]


# ---------------------------------------------------------------- Markdown


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; numbers right-aligned, text left-aligned.

    >>> print(markdown_table(["name", "n"], [["a", 1], ["bb", 22]]))
    | name | n |
    |:--|--:|
    | a | 1 |
    | bb | 22 |
    """
    body = [[_cell(c) for c in row] for row in rows]
    numeric = [
        bool(body) and all(_looks_numeric(r[i]) for r in body if r[i]) for i in range(len(headers))
    ]
    align = ["--:" if n else ":--" for n in numeric]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


_NUMERIC = re.compile(r"^[-+]?[\d,.]+(\s*(x|s|ms|MiB|%))?$")


def _looks_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text))


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def scrub_paths(text: str, replacements: Mapping[str, str]) -> str:
    """Replace machine-specific path prefixes (longest first), so no local path is published.

    >>> scrub_paths("/tmp/x1/src/kg/a.py:3", {"/tmp/x1/src/": "", "/tmp/x1": "<tmp>"})
    'kg/a.py:3'
    """
    for prefix in sorted(replacements, key=len, reverse=True):
        if prefix:
            text = text.replace(prefix, replacements[prefix])
    return text
