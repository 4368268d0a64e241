"""Clinical commands: differential diagnosis, treatment options, checking and adding case files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from kg.cli.common import (
    cli,
    err,
    format_table,
    open_graph,
    term_index,
)
from kg.core import paths
from kg.core.files import write_atomic
from kg.core.paths import rel
from kg.graph.queries import case_ids
from kg.graph.store import ResultTable
from kg.sources.terms import UnknownTermError


@cli.command()
@click.argument("markers", nargs=-1)
@click.option(
    "--case", "case_file", type=click.Path(exists=True, path_type=Path), help="A case file."
)
@click.option("--age", help="Age at presentation, e.g. 2m, 6w, 45y, or a range: 30-39y.")
@click.option("--alteration", "alterations", multiple=True, help="A driver found, e.g. KIF5B-ALK.")
@click.option("--site", "sites", multiple=True, help="An involved site, e.g. skin.")
@click.option("--finding", "features", multiple=True, help="A finding, e.g. emperipolesis.")
@click.option("--top", default=5, show_default=True)
@click.option("--explain/--no-explain", default=True, show_default=True)
def diagnose(
    markers: tuple[str, ...],
    case_file: Path | None,
    age: str | None,
    alterations: tuple[str, ...],
    sites: tuple[str, ...],
    features: tuple[str, ...],
    top: int,
    explain: bool,
) -> None:
    """Rank histiocytic disorders by fit to a marker profile (method: docs/methods.md).

    Example: histiokg diagnose ALK+ CD1a- langerin- S100- CD68+ --age 2m --alteration KIF5B-ALK
    """
    from kg.answers.diagnose import rank_disorders
    from kg.answers.findings import (
        FindingParseError,
        findings_from_case,
        parse_age,
        parse_findings,
    )
    from kg.answers.profiles import load_profiles
    from kg.answers.separation import assess

    graph = open_graph()
    years: float | tuple[float, float] | None
    try:
        if case_file is not None:
            # the case reader (YAML, both JSON Schema validators) loads only when a file is read
            from kg.sources.cases import load_case

            findings, years = findings_from_case(load_case(case_file, term_index()), term_index())
        else:
            findings = parse_findings(markers, term_index(), alterations, sites, features)
            years = _age_option(age, parse_age) if age else None
    except (UnknownTermError, FindingParseError) as exc:
        raise click.UsageError(str(exc)) from exc
    if not findings:
        raise click.UsageError("give at least one finding, e.g. ALK+ CD1a-")
    profiles = load_profiles(graph)
    ranked = rank_disorders(graph, findings, years, profiles)
    verdict = assess(ranked, findings, profiles)
    if not verdict.sufficient:
        click.echo(f"insufficient data: {verdict.reason}; the ranking below does not separate")
        click.echo("the candidates. Tests that would best tell the top candidates apart:")
        for test in verdict.tests:
            expected = "; ".join(f"{d}: {e}" for d, e in test.expectations)
            click.echo(f"  {test.label} ({test.kind}; spread {test.spread:.2f}): {expected}")
        click.echo("")
    for r in ranked[:top]:
        click.echo(
            f"{r.rank}. {r.label} ({r.disease})  score {r.score:+.2f}  p {r.probability:.3f}"
        )
        if not explain:
            continue
        for title, items in (("supports", r.supports), ("contradicts", r.contradicts)):
            for c in items:
                cite = f" [{'; '.join(c.sources)}]" if c.sources else ""
                click.echo(f"   {title}: {c.finding}: {c.expectation} ({c.llr:+.2f}){cite}")
        for c in r.missing:
            click.echo(f"   not tested: {c.finding} ({c.expectation}) [{'; '.join(c.sources)}]")


def _age_option(text: str, parse: Callable[[str], float]) -> float | tuple[float, float]:
    """``--age 2m`` (exact) or ``--age 30-39y`` (a range, the unit after the second number)."""
    if "-" in text.strip("-"):
        low, high = text.split("-", 1)
        unit = high.lstrip("0123456789. ")
        lo, hi = parse(low + unit), parse(high)
        if lo > hi:
            raise click.UsageError(f"age range {text!r} is reversed")
        return (lo, hi)
    return parse(text)


@cli.command()
@click.argument("target")
@click.option(
    "--disorder", help="With an alteration as TARGET: the disorder to judge evidence for."
)
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table")
def options(target: str, disorder: str | None, fmt: str) -> None:
    """Drugs acting on a case's drivers (or an alteration), ordered by evidence for the disorder.

    Example: histiokg options hkgd:seed-alk-h-infant
    """
    from kg.answers.options import case_drivers, case_options, drug_options, why_none

    graph = open_graph()
    if disorder:
        alterations = [_resolve_any(target)]
        found = drug_options(graph, alterations[0], _resolve_any(disorder))
    else:
        alterations = case_drivers(graph, target)
        if not alterations:
            raise click.UsageError(
                f"{target} has no driver alteration in the graph (or is not a case); "
                "give an alteration and --disorder instead"
            )
        found = case_options(graph, target)
    if not found:
        for alteration in alterations:
            err(f"no options for {alteration}: {why_none(graph, alteration)}")
    table = ResultTable(
        (
            "drug",
            "target",
            "route",
            "approved_for_disorder",
            "evidence_level",
            "evidence_sources",
            "class_evidence",
            "approvals",
            "classes",
            "cns",
        ),
        tuple(
            (
                o.label,
                o.target_label,
                o.route,
                "yes" if o.approved_for_disorder else "no",
                o.evidence_level or "none curated",
                "; ".join(o.evidence_sources),
                "; ".join(o.class_evidence + o.class_evidence_sources),
                " | ".join(o.approvals),
                "; ".join(o.classes),
                "; ".join(o.cns_sources),
            )
            for o in found
        ),
    )
    click.echo(format_table(table, fmt))


def _resolve_any(name: str) -> str:
    try:
        return term_index().resolve(name, ("gene_fusion", "sequence_variant", "gene", "disease"))
    except UnknownTermError as exc:
        raise click.UsageError(str(exc)) from exc


@cli.group()
def case() -> None:
    """Check and add case files.

    Example: histiokg case check my-case.yaml
    """


@case.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def case_check(file: Path) -> None:
    """Check a case file and list every problem at once (exit 2 if any).

    Example: histiokg case check kg/data/cases/seed-alk-h-infant.yaml
    """
    from kg.sources.cases import load_case

    checked = load_case(file, term_index())
    click.echo(f"{file}: OK ({checked.id}; {len(checked.markers)} marker results)")


@case.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def case_add(file: Path) -> None:
    """Check a case file and, only if it is valid and its id is new, copy it into kg/data/cases.

    Example: histiokg case add new-case.yaml
    """
    from kg.core.errors import CaseError
    from kg.sources.cases import load_case, load_cases
    from kg.sources.duplicates import duplicate_problems

    graph = open_graph()
    checked = load_case(file, term_index())
    if checked.id in case_ids(graph):
        raise click.UsageError(f"a case with id {checked.id!r} is already in {paths.CASES_DIR}")
    existing = load_cases(paths.CASES_DIR, term_index())
    problems = [
        p
        for p in duplicate_problems([*existing, checked])
        if checked.id in p.reason or p.path == checked.file
    ]
    if problems:
        raise CaseError(problems)
    target = paths.CASES_DIR / f"{checked.id}.yaml"
    write_atomic(target, file.read_bytes())
    err(f"added {rel(target)}; run 'histiokg validate' to rebuild and check the graph")


@case.command("migrate")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def case_migrate(files: tuple[Path, ...]) -> None:
    """Rewrite case files of format histiokg-case/1 as histiokg-case/2, in place.

    Version 2 holds everything version 1 does, so only the format line changes; each file is
    checked before and after, and written atomically. Files already at version 2 are left alone.
    Example: histiokg case migrate kg/data/cases/*.yaml
    """
    from kg.sources.case_files import CURRENT_FORMAT, migrate_text
    from kg.sources.cases import load_case

    index = term_index()
    for file in files:
        text = file.read_text(encoding="utf-8")
        migrated = migrate_text(text)
        if migrated == text:
            err(f"{rel(file)}: already {CURRENT_FORMAT}")
            continue
        load_case(file, index)
        write_atomic(file, migrated.encode("utf-8"))
        try:
            load_case(file, index)
        except Exception:
            write_atomic(file, text.encode("utf-8"))
            raise
        err(f"{rel(file)}: migrated to {CURRENT_FORMAT}")


@cli.command("eval-diagnosis")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=paths.ROOT / "docs" / "diagnosis-evaluation.md",
    show_default=True,
)
def eval_diagnosis(out: Path) -> None:
    """Rank every case with its own publication left out of the profiles; write the table.

    Example: histiokg eval-diagnosis --out docs/diagnosis-evaluation.md
    """
    from kg.answers.evaluation import evaluate
    from kg.formats.evaluation_report import evaluation_markdown
    from kg.sources.cases import load_cases

    graph = open_graph()
    cases = load_cases(paths.CASES_DIR, term_index())
    ev = evaluate(graph, cases, term_index())
    write_atomic(out, evaluation_markdown(ev, rel(paths.CASES_DIR)).encode("utf-8"))
    err(f"top-1 {ev.accuracy(1):.2f}, top-3 {ev.accuracy(3):.2f} over {len(cases)} cases")
    err(f"wrote {rel(out)}")
