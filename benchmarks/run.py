"""Benchmark histiokg against raw pyoxigraph, side by side, at several cohort sizes.

Usage::

    .venv/bin/python benchmarks/run.py [--levels 0,100,1000] [--name results] [--tree head]

Each level is the shipped cases plus N synthetic ones (``histiokg synth``). Every command runs
as a child process with HISTIOKG_DATA_DIR and HISTIOKG_BUILD_DIR in a temporary folder, on a
snapshot of the project (``git archive`` of HEAD by default, so edits made in the working tree
during the run cannot change what is measured), and is measured by :mod:`measure`:

(a) ``build``, ``validate`` and ``export --format nt`` against one raw pyoxigraph bulk load +
    N-Triples dump of the same triples (``raw_load.py``);
(b) each competency query through histiokg against the same text on raw pyoxigraph on the
    same store (``query_timing.py``);
(c) ``query``, ``diagnose``, ``options`` and ``traverse`` end to end against Python + pyoxigraph
    + the raw query (``raw_query.py``).

Steps behind a missed target are profiled with cProfile. The results go to
``benchmarks/results/NAME.md`` (tables and verdicts), ``NAME.png`` (plot) and ``NAME.json``
(the numbers, for ``--render-only``). Progress shows on a terminal only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from measure import run_measured
from render import Profile, render
from report import Run, Verdict, format_count, scrub_paths
from targets import BASELINE, STEPS, LevelResult, evaluate, level_name
from tqdm import tqdm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: What a snapshot of the project holds: the package, the TBox and shapes, the queries.
SNAPSHOT = ("kg", "ontology", "queries")
#: A case every level holds (the shipped cases are in each level).
CASE = "hkgd:seed-alk-h-infant"
ANCESTORS_RQ = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?ancestor WHERE {
  <http://purl.obolibrary.org/obo/MONDO_0022338> rdfs:subClassOf+ ?ancestor
} ORDER BY ?ancestor
"""
#: Benchmark (c): command name -> (CLI arguments, the query files its baseline runs raw).
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "query cq01": (["query", "cq01"], ["queries/cq/cq01-case-driver-alteration.rq"]),
    "diagnose ALK+ CD1a- --age 2m": (
        ["diagnose", "ALK+", "CD1a-", "--age", "2m"],
        ["queries/lib/profiles.rq"],
    ),
    f"options {CASE}": (
        ["options", CASE],
        ["queries/lib/case-drivers.rq", "queries/lib/drug-options.rq"],
    ),
    "traverse ancestors MONDO:0022338": (
        ["traverse", "ancestors", "MONDO:0022338"],
        ["ancestors.rq"],
    ),
}


class Bench:
    """One benchmark run: a temporary folder, a snapshot of the project, and a progress bar."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.src = tmp / "src"
        self.python = sys.executable
        #: Things the results must mention (a child cut short, ...).
        self.notes: list[str] = []
        self.bar = tqdm(total=0, unit="step", disable=not sys.stderr.isatty(), file=sys.stderr)

    # ------------------------------------------------------------ set-up

    def snapshot(self) -> str:
        """Copy the project into the temporary folder; return the commit it stands for."""
        rev = self.args.commit if self.args.tree == "head" else "HEAD"
        commit = _git("rev-parse", "--short=12", rev)
        self.src.mkdir()
        if self.args.tree == "head":
            tar = subprocess.run(
                ["git", "archive", "--format=tar", rev, *SNAPSHOT],
                cwd=ROOT,
                check=True,
                capture_output=True,
            ).stdout
            with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
                archive.extractall(self.src, filter="data")
        else:
            for name in SNAPSHOT:
                shutil.copytree(
                    ROOT / name, self.src / name, ignore=shutil.ignore_patterns("__pycache__")
                )
            if _git("status", "--porcelain", "--", *SNAPSHOT):
                commit += " + uncommitted changes"
        # an installed package has its bytecode: compile it now, not inside the first build
        subprocess.run([self.python, "-m", "compileall", "-q", str(self.src / "kg")], check=True)
        (self.tmp / "ancestors.rq").write_text(ANCESTORS_RQ, encoding="utf-8")
        return commit

    def env(self, level: Path) -> dict[str, str]:
        """The environment of every child: the snapshot first on the path, data in ``level``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("HISTIOKG_")}
        env.update(
            PYTHONPATH=str(self.src),
            HISTIOKG_DATA_DIR=str(level / "data"),
            HISTIOKG_BUILD_DIR=str(level / "build"),
            PYTHONHASHSEED="0",
        )
        return env

    def run(
        self,
        what: str,
        argv: Sequence[str | os.PathLike[str]],
        level: Path,
        ok: Sequence[int] = (0,),
        stdout: Path | None = None,
        timeout: float | None = None,
    ) -> Run:
        """Run and measure one child for ``level``, advancing the progress bar."""
        self.bar.set_postfix_str(f"{level.name}: {what}")
        result = run_measured(
            argv,
            self.env(level),
            cwd=self.tmp,
            log=level / "logs" / f"{what.replace(' ', '_')}.log",
            ok_codes=ok,
            timeout=timeout or self.args.timeout,
            limit_mib=self.args.memory_limit,
            stdout=stdout,
        )
        self.bar.update()
        return result

    def kg(
        self,
        what: str,
        args: Sequence[str | os.PathLike[str]],
        level: Path,
        ok: Sequence[int] = (0,),
        stdout: Path | None = None,
    ) -> Run:
        """Run one ``python -m kg ...`` command for ``level``."""
        return self.run(what, [self.python, "-m", "kg", *args], level, ok, stdout)

    # ------------------------------------------------------------ one level

    def repeats(self, synthetic: int) -> int:
        """Repeats of the pipeline steps: three on the shipped level, one on synthetic ones."""
        if self.args.repeats:
            return int(self.args.repeats)
        return 3 if synthetic == 0 else 1

    def planned_steps(self, synthetic: int) -> int:
        """How many children a level runs (for the progress bar's total)."""
        commands = len(COMMANDS) * self.args.command_repeats * 2
        return (2 if synthetic else 0) + self.repeats(synthetic) * 4 + 1 + commands

    def level(self, synthetic: int) -> LevelResult:
        """Measure one level: the pipeline against its baseline, the queries, the commands."""
        level = self.tmp / f"level-{synthetic}"
        cases = level / "data" / "cases"
        cases.parent.mkdir(parents=True)
        (level / "data" / "curated").symlink_to(self.src / "kg" / "data" / "curated")
        if synthetic:
            seed = str(self.args.seed)
            self.kg(
                "synth", ["synth", "--cases", str(synthetic), "--seed", seed, "--out", cases], level
            )
        cases.mkdir(exist_ok=True)
        for shipped in sorted((self.src / "kg" / "data" / "cases").glob("*.yaml")):
            shutil.copy2(shipped, cases / shipped.name)
        refused = self.refused(level, cases) if synthetic else []
        nt = level / "graph.nt"
        steps: dict[str, list[Run]] = {name: [] for name in (*STEPS, BASELINE)}
        for i in range(self.repeats(synthetic)):
            steps["build"].append(self.kg("build", ["build", "--out", level / "graph.ttl"], level))
            steps["validate"].append(self.kg("validate", ["validate"], level, ok=(0, 1)))
            steps["export"].append(
                self.kg("export", ["export", "--format", "nt", "--out", nt], level)
            )
            raw_store, dump = level / f"raw-store-{i}", level / "raw-dump.nt"
            raw = [self.python, HERE / "raw_load.py", nt, raw_store, dump]
            steps[BASELINE].append(self.run("raw load + dump", raw, level))
            shutil.rmtree(raw_store)
            dump.unlink()
        manifest = json.loads((level / "build" / "store" / "manifest.json").read_text("utf-8"))
        queries = self.query_times(level)
        commands: dict[str, list[Run]] = {name: [] for name in COMMANDS}
        baselines: dict[str, list[Run]] = {name: [] for name in COMMANDS}
        store = level / "build" / "store"
        for _ in range(self.args.command_repeats):
            for name, (args, files) in COMMANDS.items():
                out = level / "command.out"
                commands[name].append(self.kg(name, args, level, stdout=out))
                _check_no_rebuild(level / "logs" / f"{name.replace(' ', '_')}.log")
                texts = [self.src / f if f.startswith("queries/") else self.tmp / f for f in files]
                raw = [self.python, HERE / "raw_query.py", store, *texts]
                baselines[name].append(self.run(f"baseline {name}", raw, level, stdout=out))
        nt.unlink()
        return LevelResult(
            refused=len(refused),
            synthetic=synthetic,
            cases=int(manifest["cases"]),
            triples=int(manifest["triples"]),
            steps=steps,
            queries=queries,
            commands=commands,
            command_baselines=baselines,
        )

    def refused(self, level: Path, cases: Path) -> list[str]:
        """Leave out the synthetic files the case checks refuse; return their names.

        A refused file can make another one refusable only through links, which synthetic
        cases never have, so one pass finds them all; a second pass makes sure.
        """
        out: list[str] = []
        for attempt in range(2):
            listing = level / "refused.txt"
            argv = [self.python, HERE / "check_cases.py"]
            self.run(f"check cases {attempt + 1}", argv, level, stdout=listing)
            names = listing.read_text(encoding="utf-8").split()
            for name in names:
                (cases / name).unlink()
            out += names
            if not names:
                break
        return out

    def query_times(self, level: Path) -> dict[str, dict[str, list[float]]]:
        """Benchmark (b) on the level's store (one child, JSON on its standard output)."""
        out = level / "queries.json"
        argv = [self.python, HERE / "query_timing.py", level / "build" / "store"]
        argv += ["--runs", str(self.args.query_runs)]
        # one child times every query (each within its own budget): give it longer
        run = self.run("queries", argv, level, stdout=out, timeout=3 * self.args.timeout)
        doc: dict[str, dict[str, list[float]]] = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                doc[item.pop("name")] = item
        if run.killed:
            self.notes.append(
                f"cq timing at {level.name} cut short ({run.killed}): {len(doc)} timed"
            )
        for name, times in doc.items():
            if times["rows"] != times["rows_raw"]:
                raise RuntimeError(f"{name}: histiokg and raw pyoxigraph disagree on the rows")
        return doc

    # ------------------------------------------------------------ profiles

    def profiles(self, levels: Sequence[LevelResult], verdicts: Sequence[Verdict]) -> list[Profile]:
        """Profile the steps behind each missed target (one cProfile run each)."""
        missed = {v.key for v in verdicts if not v.met}
        plan: list[tuple[str, LevelResult, str, list[str | os.PathLike[str]]]] = []
        shipped = next((lv for lv in levels if lv.synthetic == 0), None)
        if "shipped" in missed and shipped is not None:
            plan.append(("shipped build", shipped, "build", ["build", "--out", "graph.ttl"]))
            plan.append(("shipped validate", shipped, "validate", ["validate"]))
        small = [lv for lv in levels if lv.synthetic <= self.args.profile_max_cases]
        big = max(small or levels, key=lambda lv: lv.cases, default=None)
        if "pipeline" in missed and big is not None and big is not shipped:
            for step, args in (
                ("build", ["build", "--out", "graph.ttl"]),
                ("validate", ["validate"]),
                ("export", ["export", "--format", "nt", "--out", "graph.nt"]),
            ):
                plan.append((f"{step} at {level_name(big)}", big, step, list(args)))
        largest = max(levels, key=lambda lv: lv.cases)
        if "commands" in missed:
            for name, (args, _) in COMMANDS.items():
                if largest.command(name).wall >= 1.0:
                    plan.append((f"`{name}` at {level_name(largest)}", largest, name, list(args)))
        # levels reused from an earlier run have no folder here: their profiles come along
        plan = [item for item in plan if (self.tmp / f"level-{item[1].synthetic}").is_dir()]
        self.bar.total += len(plan) + (1 if "queries" in missed else 0)
        out: list[Profile] = []
        for title, lv, what, args in plan:
            level = self.tmp / f"level-{lv.synthetic}"
            stats = level / f"{what.replace(' ', '_')}.pstats"
            args = [level / a if str(a).startswith("graph.") else a for a in args]
            argv = [self.python, "-m", "cProfile", "-o", stats, "-m", "kg", *args]
            run = self.run(f"profile {what}", argv, level, ok=(0, 1), stdout=level / "profile.out")
            if run.killed or not stats.is_file():
                self.notes.append(f"profile of {title} cut short ({run.killed or 'no output'})")
                continue
            shown = "python -m cProfile -m kg " + " ".join(
                Path(a).name if isinstance(a, Path) else a for a in args
            )
            out.append(Profile.from_stats(title, shown, stats, self.scrub))
        if "queries" in missed:
            out += self.query_profiles(levels)
        return out

    def query_profiles(self, levels: Sequence[LevelResult]) -> list[Profile]:
        """Profile the ``select`` path of the three queries furthest from raw pyoxigraph."""
        ranked = sorted(
            ((lv.query_ratio(q), q, lv) for lv in levels for q in lv.queries),
            key=lambda t: t[0],
            reverse=True,
        )
        ranked = [t for t in ranked if (self.tmp / f"level-{t[2].synthetic}").is_dir()][:3]
        out: list[Profile] = []
        for lv in {id(lv): lv for _, _, lv in ranked}.values():
            names = [q for _, q, other in ranked if other is lv]
            level = self.tmp / f"level-{lv.synthetic}"
            argv = [self.python, HERE / "query_timing.py", level / "build" / "store"]
            argv += ["--runs", "20", "--profile-out", level / "qprof", "--only", *names]
            run = self.run("profile queries", argv, level)
            for q in names:
                if run.killed or not (level / "qprof" / f"{q}.pstats").is_file():
                    self.notes.append(f"profile of {q} cut short ({run.killed or 'no output'})")
                    continue
                title = f"{q} select at {level_name(lv)} (20 runs)"
                stats = level / "qprof" / f"{q}.pstats"
                out.append(
                    Profile.from_stats(title, f"KnowledgeGraph.select({q})", stats, self.scrub)
                )
        self.bar.update()
        return out

    def scrub(self, text: str) -> str:
        """Text with this machine's paths replaced by neutral names."""
        replacements = {
            f"{self.src}/": "",
            str(self.tmp): "<tmp>",
            str(ROOT): "<repo>",
            str(Path.home()): "~",
        }
        for key in ("purelib", "platlib"):
            replacements[sysconfig.get_paths()[key] + "/"] = "site-packages/"
        for key in ("stdlib", "platstdlib"):
            replacements[sysconfig.get_paths()[key] + "/"] = "<stdlib>/"
        return scrub_paths(text, replacements)


def _reused(
    args: argparse.Namespace, commit: str, measured: Sequence[int]
) -> tuple[list[LevelResult], list[Profile]]:
    """The levels (and profiles) of ``--reuse NAME.json`` that this run does not measure again."""
    if not args.reuse:
        return [], []
    doc = json.loads((args.out / f"{args.reuse}.json").read_text(encoding="utf-8"))
    if doc["facts"].get("commit") != commit:
        raise SystemExit(f"{args.reuse}.json measured {doc['facts'].get('commit')}, not {commit}")
    levels = [LevelResult.from_dict(lv) for lv in doc["levels"]]
    levels = [lv for lv in levels if lv.synthetic not in measured]
    return levels, [Profile(**p) for p in doc["profiles"]]


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def _check_no_rebuild(log: Path) -> None:
    if "rebuilding" in log.read_text(encoding="utf-8", errors="replace"):
        raise RuntimeError(f"a command rebuilt the store (see {log.name}): the timing is void")


def machine_facts() -> dict[str, str]:
    """CPU model, cores, memory, operating system, load average (no host names, no paths)."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "load average at start (1/5/15 min)": load,
    }


def versions() -> dict[str, str]:
    """Python and the libraries whose speed the results depend on."""
    out = {"python": platform.python_version()}
    for name in ("pyoxigraph", "rdflib", "pyshacl"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--levels", default="0,100,1000", help="Synthetic cases per level (0: shipped).")
    p.add_argument("--name", default="results", help="Base name of the files written.")
    p.add_argument("--out", type=Path, default=HERE / "results", help="Folder for the results.")
    p.add_argument(
        "--tree",
        choices=("head", "worktree"),
        default="head",
        help="Measure a commit (git archive, default) or a copy of the working tree.",
    )
    p.add_argument("--commit", default="HEAD", help="The commit measured with --tree head.")
    p.add_argument("--seed", type=int, default=1, help="Seed of the synthetic cohorts.")
    p.add_argument("--repeats", type=int, default=0, help="Pipeline repeats (0: 3 small, 1 large).")
    p.add_argument("--command-repeats", type=int, default=3, help="Repeats of each command.")
    p.add_argument("--query-runs", type=int, default=7, help="Timed runs of each cq (p50).")
    p.add_argument("--timeout", type=float, default=300, help="Seconds before a child is killed.")
    p.add_argument(
        "--memory-limit", type=float, default=16384, help="MiB before a child is killed."
    )
    p.add_argument("--profile-max-cases", type=int, default=1000, help="Largest level profiled.")
    p.add_argument(
        "--reuse",
        metavar="NAME",
        help="Take the levels not given in --levels from NAME.json (same commit).",
    )
    p.add_argument("--no-profile", action="store_true", help="Do not profile missed targets.")
    p.add_argument("--keep", action="store_true", help="Keep the temporary folder (and say where).")
    p.add_argument("--render-only", action="store_true", help="Re-render NAME.json; run nothing.")
    return p.parse_args(argv)


def write_results(
    out: Path,
    name: str,
    facts: dict[str, str],
    levels: list[LevelResult],
    profiles: list[Profile],
) -> list[Path]:
    """Write NAME.md, NAME.png and NAME.json; return their paths."""
    from plot import write_plot  # matplotlib loads only when a plot is drawn

    out.mkdir(parents=True, exist_ok=True)
    verdicts = evaluate(levels)
    md, png, js = out / f"{name}.md", out / f"{name}.png", out / f"{name}.json"
    md.write_text(render(facts, levels, verdicts, profiles, png.name), encoding="utf-8")
    write_plot(levels, facts, png)
    doc = {
        "facts": facts,
        "levels": [dataclasses.asdict(lv) for lv in levels],
        "profiles": [dataclasses.asdict(p) for p in profiles],
    }
    js.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return [md, png, js]


def main(argv: Sequence[str]) -> int:
    """Run the benchmark (or re-render its JSON) and write the results."""
    args = parse_args(argv)
    if args.render_only:
        doc = json.loads((args.out / f"{args.name}.json").read_text(encoding="utf-8"))
        levels = [LevelResult.from_dict(lv) for lv in doc["levels"]]
        profiles = [Profile(**p) for p in doc["profiles"]]
        for path in write_results(args.out, args.name, doc["facts"], levels, profiles):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        return 0
    synthetic = sorted({int(x) for x in args.levels.split(",") if x.strip()})
    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so the temporary folder goes
    signal.signal(signal.SIGTERM, _terminate)
    tmp = Path(tempfile.mkdtemp(prefix="histiokg-bench-"))
    bench = Bench(args, tmp)
    try:
        started = dt.datetime.now(dt.UTC)
        bench.bar.total = 1 + sum(bench.planned_steps(n) for n in synthetic)
        commit = bench.snapshot()
        bench.bar.update()
        facts = {
            "date": started.strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit,
            "measured": f"{args.commit} (git archive)" if args.tree == "head" else "working tree",
            **machine_facts(),
            **versions(),
            "levels (synthetic cases)": ", ".join(format_count(n) for n in synthetic),
            "repeats": f"pipeline {args.repeats or '3 (shipped) / 1 (synthetic)'}, commands "
            f"{args.command_repeats}, cq runs {args.query_runs}",
        }
        reused, old_profiles = _reused(args, commit, synthetic)
        if reused:
            facts["reused levels"] = (
                f"{', '.join(level_name(lv) for lv in reused)} from {args.reuse}.json "
                "(same commit, an earlier run)"
            )
        levels = sorted(reused + [bench.level(n) for n in synthetic], key=lambda lv: lv.cases)
        verdicts = evaluate(levels)
        # the numbers are written first, so a profile that goes wrong cannot lose them
        write_results(args.out, args.name, facts, levels, old_profiles)
        profiles = [] if args.no_profile else bench.profiles(levels, verdicts)
        fresh = {p.title for p in profiles}
        profiles += [p for p in old_profiles if p.title not in fresh]
        ended = dt.datetime.now(dt.UTC)
        facts["load average at end (1/5/15 min)"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        facts["benchmark wall time"] = f"{(ended - started).total_seconds() / 60:.1f} min"
        if bench.notes:
            facts["notes"] = "; ".join(bench.notes)
        bench.bar.close()
        written = write_results(args.out, args.name, facts, levels, profiles)
    finally:
        bench.bar.close()
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for path in written:
        text = path.read_text(encoding="utf-8") if path.suffix != ".png" else ""
        if str(tmp) in text or str(ROOT) in text:
            raise RuntimeError(f"{path.name} names a machine path")
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
