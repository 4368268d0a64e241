"""Draw the benchmark's PNG: time and peak memory against case count (log-log), with the facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
from report import p50
from targets import BASELINE, COMMAND_WALL_LIMIT, QUERY_RATIO_LIMIT, STEPS, LevelResult


def write_plot(levels: Sequence[LevelResult], facts: Mapping[str, object], path: Path) -> None:
    """Write a 2 x 2 figure: pipeline CPU, peak memory, command wall time, query ratios."""
    xs = [lv.cases for lv in levels]
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    (cpu_ax, mem_ax), (cmd_ax, q_ax) = axes

    for name in STEPS:
        cpu_ax.plot(xs, [lv.step(name).cpu for lv in levels], marker="o", label=f"histiokg {name}")
    cpu_ax.plot(
        xs, [lv.pipeline().cpu for lv in levels], marker="s", lw=2, label="build+validate+export"
    )
    cpu_ax.plot(
        xs, [lv.step(BASELINE).cpu for lv in levels], "k--", marker="^", label="raw load + dump"
    )
    cpu_ax.set_title("(a) CPU seconds (all threads)")
    cpu_ax.set_ylabel("CPU s")

    for name in STEPS:
        mem_ax.plot(xs, [lv.step(name).peak_mib for lv in levels], marker="o", label=name)
    mem_ax.plot(
        xs,
        [lv.step(BASELINE).peak_mib for lv in levels],
        "k--",
        marker="^",
        label="raw load + dump",
    )
    gib = [lv.triples / 1e6 * 1024 for lv in levels]
    mem_ax.plot(xs, gib, ":", color="grey", label="1 GiB per million triples")
    mem_ax.set_title("(a) peak resident memory")
    mem_ax.set_ylabel("MiB")

    for name in levels[0].commands:
        cmd_ax.plot(xs, [lv.command(name).wall for lv in levels], marker="o", label=name)
    cmd_ax.plot(
        xs,
        [max(lv.command_baseline(n).wall for n in lv.commands) for lv in levels],
        "k--",
        marker="^",
        label="baseline (slowest)",
    )
    cmd_ax.axhline(COMMAND_WALL_LIMIT, color="red", ls=":", label="target 1 s")
    cmd_ax.set_title("(c) commands on a built store, wall")
    cmd_ax.set_ylabel("wall s")

    ratios = [sorted(lv.query_ratio(q) for q in lv.queries) for lv in levels]
    q_ax.plot(xs, [p50(r) for r in ratios], marker="o", label="median cq select/raw")
    q_ax.plot(xs, [r[-1] for r in ratios], marker="s", label="worst cq select/raw")
    q_ax.axhline(QUERY_RATIO_LIMIT, color="red", ls=":", label="target 1.5x")
    q_ax.set_title("(b) competency query p50, histiokg / raw pyoxigraph")
    q_ax.set_ylabel("ratio")

    for ax in axes.flat:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cases (shipped + synthetic)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    footer = " · ".join(
        f"{k}: {facts[k]}"
        for k in ("date", "commit", "cpu", "cores", "ram", "python", "pyoxigraph", "rdflib")
        if k in facts
    )
    fig.suptitle("histiokg benchmarks: time and peak memory against case count")
    fig.text(0.5, 0.005, footer, ha="center", fontsize=7)
    fig.tight_layout(rect=(0, 0.02, 1, 0.97))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
