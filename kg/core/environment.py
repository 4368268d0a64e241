"""The environment variables histiokg reads, checked before any work is done.

* ``HISTIOKG_DATA_DIR``: another copy of the curated tables and cases (must be a folder).
* ``HISTIOKG_BUILD_DIR``: where generated files go (must not be a file).
* ``SOURCE_DATE_EPOCH``: the build date of reproducible releases, in whole seconds since 1970
  (https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from kg.core.errors import Problem, SourceError


def build_epoch(environ: Mapping[str, str] | None = None) -> int | None:
    """SOURCE_DATE_EPOCH as an integer, None if unset; SourceError if it is not whole seconds.

    >>> build_epoch({"SOURCE_DATE_EPOCH": "1767225600"}), build_epoch({})
    (1767225600, None)
    """
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise SourceError(
            [
                Problem(
                    "SOURCE_DATE_EPOCH",
                    None,
                    f"{raw!r} is not a whole number of seconds since 1970-01-01",
                    "set it to e.g. $(git log -1 --format=%ct), or unset it",
                )
            ]
        )
    return int(raw)


def build_timestamp(environ: Mapping[str, str] | None = None) -> str:
    """The build date, UTC, ISO 8601: SOURCE_DATE_EPOCH when set, else now.

    >>> build_timestamp({"SOURCE_DATE_EPOCH": "0"})
    '1970-01-01T00:00:00Z'
    """
    epoch = build_epoch(environ)
    moment = datetime.now(UTC) if epoch is None else datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def environment_problems(environ: Mapping[str, str] | None = None) -> list[Problem]:
    """Every problem of the environment variables histiokg reads (empty if none).

    >>> environment_problems({"SOURCE_DATE_EPOCH": "abc"})[0].path
    'SOURCE_DATE_EPOCH'
    """
    env = os.environ if environ is None else environ
    problems: list[Problem] = []
    try:
        build_epoch(env)
    except SourceError as exc:
        problems += exc.problems
    data = env.get("HISTIOKG_DATA_DIR")
    if data:
        where = Path(data)
        if not where.exists():
            problems.append(
                Problem(
                    "HISTIOKG_DATA_DIR",
                    None,
                    f"{data} does not exist",
                    "point it at a folder holding curated/ and cases/, or unset it",
                )
            )
        elif not where.is_dir():
            problems.append(
                Problem("HISTIOKG_DATA_DIR", None, f"{data} is not a folder", "name a folder")
            )
    build = env.get("HISTIOKG_BUILD_DIR")
    if build and Path(build).exists() and not Path(build).is_dir():
        problems.append(
            Problem("HISTIOKG_BUILD_DIR", None, f"{build} is a file, not a folder", "name a folder")
        )
    return problems
