"""Write the benchmark's results as Markdown: facts, target verdicts, ratio tables, profiles.

Only the standard library, :mod:`report` and :mod:`targets`; the numbers come in as
:class:`LevelResult`s and rendered profiles, so results can be rendered again from their JSON.
"""

from __future__ import annotations

import math
import pstats
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from report import Verdict, format_count, format_ratio, format_seconds, markdown_table, p50, ratio
from targets import (
    BASELINE,
    COMMAND_WALL_LIMIT,
    QUERY_RATIO_LIMIT,
    STEPS,
    LevelResult,
    level_name,
    slopes,
)

#: Entries of a profile that span (almost) the whole run: interpreter and CLI wrappers.
WRAPPER_SHARE = 0.97
#: Plumbing left out of the cumulative table (the import machinery keeps one line,
#: ``_find_and_load``, which is the time spent importing modules).
PLUMBING = (
    "click/core.py",
    "click/decorators.py",
    "runpy.py",
    "cProfile.py",
    "kg/cli/main.py",
    "kg/__main__.py",
    "_find_and_load_unlocked",
    "_load_unlocked",
    "exec_module",
    "_call_with_frames_removed",
    "_handle_fromlist",
    "builtins.__import__",
    "builtins.exec",
    "<module>",
)


@dataclass(frozen=True)
class Profile:
    """The profile of one slow step, rendered: its short 'why' and its full tables."""

    title: str
    command: str
    summary: str
    tables: str

    @classmethod
    def from_stats(
        cls, title: str, command: str, path: Path, scrub: Callable[[str], str]
    ) -> Profile:
        """Render a cProfile statistics file (machine paths scrubbed)."""
        return cls(title, command, profile_summary(path, scrub), profile_tables(path, scrub))


def facts_table(facts: Mapping[str, object]) -> str:
    """The machine, versions, date and commit as a two-column table."""
    return markdown_table(["fact", "value"], [[k, v] for k, v in facts.items()])


def verdict_table(verdicts: Sequence[Verdict]) -> str:
    """One row per target: what was measured and 'met' or 'missed by how much'."""
    return markdown_table(
        ["target", "measured", "verdict"], [[v.target, v.measured, v.column] for v in verdicts]
    )


def pipeline_table(levels: Sequence[LevelResult]) -> str:
    """Benchmark (a): each step and their sum against raw pyoxigraph load + dump, per level."""
    rows = []
    for lv in levels:
        raw = lv.step(BASELINE)
        parts = [(s, lv.step(s)) for s in STEPS]
        parts += [("build+validate+export", lv.pipeline()), ("raw load + dump", raw)]
        for name, run in parts:
            note = f" (killed: {run.killed}; a lower bound)" if run.killed else ""
            if name == "validate" and run.code == 1:
                note += " (exit 1: data fails a check)"
            rows.append(
                [
                    level_name(lv),
                    format_count(lv.triples),
                    name + note,
                    format_seconds(run.wall),
                    format_seconds(run.cpu),
                    f"{run.peak_mib:,.0f}",
                    f"{lv.mib_per_million(run):,.0f}",
                    format_ratio(ratio(run.wall, raw.wall)),
                    format_ratio(ratio(run.cpu, raw.cpu)),
                ]
            )
    headers = [
        "level",
        "triples",
        "step",
        "wall",
        "CPU",
        "peak MiB",
        "MiB / M triples",
        "wall vs raw",
        "CPU vs raw",
    ]
    return markdown_table(headers, rows)


def refused_note(levels: Sequence[LevelResult]) -> list[str]:
    """Lines saying how many synthetic files the case checks refused at each level, if any."""
    hit = [lv for lv in levels if lv.refused]
    if not hit:
        return []
    parts = ", ".join(
        f"{format_count(lv.refused)} of {format_count(lv.synthetic)} at {level_name(lv)}"
        for lv in hit
    )
    return [
        f"**Left out:** synthetic case files that this commit's own case checks refuse ({parts}); "
        "a level holds the shipped cases plus the synthetic ones that pass "
        "(see docs/benchmarks.md).",
        "",
    ]


def slope_table(levels: Sequence[LevelResult]) -> str:
    """How each cost grows with cases: least-squares slope and growth exponent."""
    rows = [
        [
            s.measure,
            f"{s.per_1000:,.2f}",
            f"{s.intercept:,.2f}",
            f"{s.r2:.3f}",
            "n/a" if math.isnan(s.exponent) else f"{s.exponent:.2f}",
        ]
        for s in slopes(levels)
    ]
    headers = ["measure", "slope per 1,000 cases", "intercept", "r²", "growth exponent"]
    return markdown_table(headers, rows) if rows else "(one level only: no slope)"


def command_table(levels: Sequence[LevelResult]) -> str:
    """Benchmark (c): end-to-end commands against Python + pyoxigraph + the same raw query."""
    rows = []
    for lv in levels:
        for name in lv.commands:
            run, base = lv.command(name), lv.command_baseline(name)
            rows.append(
                [
                    f"`{name}`",
                    level_name(lv),
                    format_seconds(run.wall),
                    format_seconds(run.cpu),
                    f"{run.peak_mib:,.0f}",
                    format_seconds(base.wall),
                    format_ratio(ratio(run.wall, base.wall)),
                    "met" if run.wall < COMMAND_WALL_LIMIT else "missed",
                ]
            )
    headers = [
        "command",
        "level",
        "wall",
        "CPU",
        "peak MiB",
        "baseline wall",
        "wall vs baseline",
        "< 1 s wall",
    ]
    return markdown_table(headers, rows)


def query_summary_table(levels: Sequence[LevelResult]) -> str:
    """Benchmark (b) in brief: the spread of the query ratios at each level."""
    rows = []
    for lv in levels:
        sel = sorted(lv.query_ratio(q) for q in lv.queries)
        rq = sorted(lv.query_ratio(q, "run_query") for q in lv.queries)
        raw_total = sum(p50(t["raw"]) for t in lv.queries.values())
        over = sum(1 for r in sel if not r < QUERY_RATIO_LIMIT)
        rows.append(
            [
                level_name(lv),
                len(sel),
                format_ratio(p50(sel)),
                format_ratio(sel[-1]),
                f"{over}",
                format_ratio(p50(rq)),
                format_seconds(raw_total),
            ]
        )
    headers = [
        "level",
        "queries",
        "median select/raw",
        "worst select/raw",
        "over 1.5x",
        "median run_query/raw",
        "raw p50 summed",
    ]
    return markdown_table(headers, rows)


def query_table(levels: Sequence[LevelResult]) -> str:
    """Benchmark (b) in full: each query's select/raw ratio and p50s at each level."""
    names = sorted({q for lv in levels for q in lv.queries})
    rows = []
    for q in names:
        row: list[object] = [q]
        for lv in levels:
            t = lv.queries.get(q)
            if t is None:
                row.append("")
                continue
            mark = "" if lv.query_ratio(q) < QUERY_RATIO_LIMIT else " ⚠"
            row.append(
                f"{format_ratio(lv.query_ratio(q))}{mark} "
                f"({format_seconds(p50(t['select']))} / {format_seconds(p50(t['raw']))})"
            )
        rows.append(row)
    headers = ["query", *(f"{level_name(lv)}: select/raw (select / raw p50)" for lv in levels)]
    return markdown_table(headers, rows)


# ---------------------------------------------------------------- profiles


def _label(key: tuple[str, int, str], scrub: Callable[[str], str]) -> str:
    file, line, func = key
    if file == "~":
        return func
    return f"{scrub(file)}:{line}({func})"


def profile_summary(path: Path, scrub: Callable[[str], str], top: int = 5) -> str:
    """The few functions with the most self time, as 'name (share)' text: the short 'why'."""
    stats = pstats.Stats(str(path))
    total = stats.total_tt or 1.0
    entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)
    return "; ".join(
        f"`{_label(key, scrub)}` {value[2] / total:.0%}" for key, value in entries[:top]
    )


def profile_tables(path: Path, scrub: Callable[[str], str], top: int = 20) -> str:
    """Top entries by cumulative time (whole-run wrappers left out) and by self time."""
    stats = pstats.Stats(str(path))
    total = stats.total_tt or 1.0
    items = list(stats.stats.items())

    def rows(entries: Sequence[tuple[tuple[str, int, str], tuple[int, int, float, float, object]]]):
        return [
            [
                _label(key, scrub),
                format_count(nc),
                f"{tt:.3f}",
                f"{ct:.3f}",
                f"{ct / total:.0%}",
            ]
            for key, (_, nc, tt, ct, _callers) in entries
        ]

    by_cum = sorted(
        (
            kv
            for kv in items
            if kv[1][3] < WRAPPER_SHARE * total
            and not any(p in _label(kv[0], scrub) for p in PLUMBING)
        ),
        key=lambda kv: kv[1][3],
        reverse=True,
    )[:top]
    by_self = sorted(items, key=lambda kv: kv[1][2], reverse=True)[: top // 2]
    headers = ["function", "calls", "self s", "cumulative s", "cumulative share"]
    return (
        f"Profiled total: {total:.2f} s (cProfile inflates Python-heavy code).\n\n"
        "By cumulative time (whole-run wrappers, click and import plumbing left out; "
        "`_find_and_load` is the time spent importing):\n\n"
        f"{markdown_table(headers, rows(by_cum))}\n\nBy self time:\n\n"
        f"{markdown_table(headers, rows(by_self))}"
    )


def render(
    facts: Mapping[str, object],
    levels: Sequence[LevelResult],
    verdicts: Sequence[Verdict],
    profiles: Sequence[Profile],
    plot_name: str,
) -> str:
    """The whole results page."""
    parts = [
        "# histiokg benchmark results",
        "",
        "Written by `benchmarks/run.py` (`make bench`, `make bench-large`); how to read it: "
        "[docs/benchmarks.md](../../docs/benchmarks.md). Every ratio is against a baseline run "
        "side by side in the same run on the same triples; times are medians of the repeats.",
        "",
        f"![time and peak memory against cases]({plot_name})",
        "",
        facts_table(facts),
        "",
        "## Targets (issue 10 item 8)",
        "",
        verdict_table(verdicts),
        "",
        "## (a) Build, validate, export against raw pyoxigraph bulk load + N-Triples dump",
        "",
        "Each step is one `python -m kg ...` process on the level's data; the baseline is one "
        "Python process that bulk-loads the level's `histiokg export --format nt` into a new "
        "on-disk pyoxigraph store and dumps it as N-Triples. CPU is user + system time of all "
        "threads; peak is the process's maximum resident set.",
        "",
        pipeline_table(levels),
        "",
        *refused_note(levels),
        "### Growth with cases",
        "",
        "Least-squares line of each cost against the number of cases; the growth exponent is "
        "the log-log slope of the cost above the shipped level's (1 = linear).",
        "",
        slope_table(levels),
        "",
        "## (c) Commands end to end on a built store",
        "",
        "Wall time of the whole command (interpreter start, store open and freshness check, "
        "answer, printing) against a Python process that imports pyoxigraph, opens the same "
        "store read-only and runs the command's query text (`query cq01`: cq01; `diagnose`: "
        "queries/lib/profiles.rq; `options`: lib/case-drivers.rq + lib/drug-options.rq; "
        "`traverse ancestors`: `rdfs:subClassOf+` from the disease).",
        "",
        command_table(levels),
        "",
        "## (b) Competency queries: histiokg against raw pyoxigraph on the same store",
        "",
        "`select` is `KnowledgeGraph.select(text, bindings)` (what `histiokg query` runs); "
        "`run_query` also finds and reads the file (what diagnose/options call); raw is "
        "`pyoxigraph.Store.query` of the file's text on the same store files, every row read.",
        "",
        query_summary_table(levels),
        "",
        query_table(levels),
    ]
    if profiles:
        parts += [
            "",
            "## Why: profiles of the steps behind missed targets",
            "",
            "Most self time, per profile (the full tables follow):",
            "",
        ]
        parts += [f"- **{p.title}** (`{p.command}`): {p.summary}" for p in profiles]
        for p in profiles:
            parts += [
                "",
                f"<details><summary>{p.title}: <code>{p.command}</code></summary>",
                "",
                p.tables,
                "",
                "</details>",
            ]
    return "\n".join(parts) + "\n"
