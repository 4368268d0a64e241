"""Tab-separated tables: rows with their line numbers, multi-value cells, key=value cells.

The row reader checks a table's shape (UTF-8, exact header, cell count) and hands each data row to
the caller together with a reporter that files problems against that row's line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.core.errors import Problem
from kg.core.paths import rel


def split_multi(cell: str) -> tuple[str, ...]:
    """Split a ` | `-separated cell.

    >>> split_multi("a | b |  | c")
    ('a', 'b', 'c')
    """
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def parse_pairs(cell: str) -> list[tuple[str, str]] | None:
    """Parse ``key=value; key=value``; return None if a part has no '='.

    >>> parse_pairs("numerator=27; denominator=39")
    [('numerator', '27'), ('denominator', '39')]
    """
    pairs: list[tuple[str, str]] = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            return None
        key, value = part.split("=", 1)
        pairs.append((key.strip(), value.strip()))
    return pairs


@dataclass
class Row:
    """One data row of a table: its cells by column, its line, and the problems filed against it."""

    cells: dict[str, str]
    where: str
    line: int
    problems: list[Problem]
    _before: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self._before = len(self.problems)

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def report(self, column: str, reason: str, fix: str) -> None:
        """File a problem against this row's line and ``column``."""
        self.problems.append(Problem(self.where, self.line, reason, fix, column))

    @property
    def ok(self) -> bool:
        """True if no problem was filed against the row since it was read."""
        return len(self.problems) == self._before


def tsv_rows(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> Iterator[Row]:
    """Yield the data rows of a TSV file, checking its shape; problems are appended."""
    for number, cells in _raw_rows(path, columns, problems):
        yield Row(cells, rel(path), number, problems)


def _raw_rows(
    path: Path, columns: tuple[str, ...], problems: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, cells) for data lines of a TSV file, checking its shape."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel(path), None, f"not UTF-8 ({exc})", "save the file as UTF-8"))
        return
    header: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = next(csv.reader([raw], delimiter="\t", quoting=csv.QUOTE_NONE))
        if header is None:
            header = cells
            if tuple(header) != columns:
                problems.append(
                    Problem(
                        rel(path),
                        number,
                        f"header is {header!r}",
                        "use exactly these tab-separated columns: " + " ".join(columns),
                    )
                )
                return
            continue
        if len(cells) != len(columns):
            problems.append(
                Problem(
                    rel(path),
                    number,
                    f"{len(cells)} cells, expected {len(columns)}",
                    "check for a missing or extra tab in this row",
                )
            )
            continue
        yield number, {c: v.strip() for c, v in zip(columns, cells, strict=True)}
    if header is None:
        problems.append(Problem(rel(path), None, "empty file", "add the header row"))


def tsv_files(directory: Path) -> list[Path]:
    """The .tsv files of ``directory``, sorted; none if it does not exist."""
    return sorted(directory.glob("*.tsv")) if directory.is_dir() else []
