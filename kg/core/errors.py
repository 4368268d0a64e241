"""The project's exception hierarchy; the CLI maps these to exit codes in one place."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path


class KGError(Exception):
    """Base of every error histiokg raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file, with where it is and how to fix it."""

    path: Path | str
    line: int | None
    reason: str
    fix: str = ""
    column: str | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        text = f"{where}: {self.reason}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


@dataclass
class SourceError(KGError):
    """One or more problems in input files; readers collect them all before raising."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)


class CurationError(SourceError):
    """Problems in curated TSV rows."""


class CaseError(SourceError):
    """Problems in a case file."""


class QueryError(SourceError):
    """An unknown query, a malformed query file or a bad parameter."""

    def located(self, where: str) -> QueryError:
        """The same problems, with those filed against the bare query text named ``where``."""
        return QueryError(
            [replace(p, path=where) if p.path == "query" else p for p in self.problems]
        )


class ValidationError(KGError):
    """The built graph fails SHACL shapes or a QC query returns rows."""

    def __init__(self, report: str, failures: int) -> None:
        super().__init__(report)
        self.report = report
        self.failures = failures


class InconsistentOntologyError(KGError):
    """The OWL reasoner found the ontology plus data inconsistent."""


class OutputError(KGError):
    """An output cannot be written: unwritable, a file where a folder goes, or a foreign folder."""
