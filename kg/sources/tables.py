"""Tab-separated tables: rows with their line numbers, multi-value cells, key=value cells.

The row reader checks a table's shape (UTF-8, exact header, cell count) and hands each data row to
the caller together with a reporter that files problems against that row's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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
    """Yield (line number, cells) for data lines of a TSV file, checking its shape.

    A byte-order mark and CRLF line ends are read as if absent. Lines end at LF only (form feeds,
    NEL or U+2028 inside a cell are control characters of that row, not line breaks).
    """
    text = _read_text(path, problems)
    if text is None:
        return
    header: list[str] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")  # no quoting: a cell is everything between two tabs
        if _control_characters(path, number, cells, header or columns, problems):
            continue
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


#: What no cell may hold: C0 controls but tab, DEL, C1 controls, line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file's text (UTF-8, a leading byte-order mark dropped), or None with a problem filed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel(path), None, f"cannot read ({exc.strerror or exc})", ""))
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                rel(path),
                line,
                f"not UTF-8: byte 0x{data[exc.start]:02X} cannot be decoded",
                "save the file as UTF-8 (in a spreadsheet: 'UTF-8 CSV/TSV')",
            )
        )
        return None


def _control_characters(
    path: Path, number: int, cells: list[str], columns: Sequence[str], problems: list[Problem]
) -> bool:
    """File a problem for each cell holding a control character; True if any did."""
    found = False
    for index, value in enumerate(cells):
        m = _CONTROL.search(value)
        if m:
            found = True
            column = columns[index] if index < len(columns) else f"cell {index + 1}"
            problems.append(
                Problem(
                    rel(path),
                    number,
                    f"control character U+{ord(m.group()):04X} in {value!r}",
                    "delete it (often pasted from a PDF or a word processor)",
                    column,
                )
            )
    return found


def tsv_files(directory: Path) -> list[Path]:
    """The .tsv files of ``directory``, sorted; none if it does not exist."""
    return sorted(directory.glob("*.tsv")) if directory.is_dir() else []
