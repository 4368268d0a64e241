"""The ``histiokg`` entry point: registers the command modules, maps errors to exit codes once.

Exit codes: 0 OK; 1 the data fails validation or a QC query returns rows; 2 usage or source error
(bad file, bad CURIE, unknown query) with file:line and the fix; 3 unexpected internal error.
"""

from __future__ import annotations

import signal
import sys
import traceback
from collections.abc import Sequence

import click

# Importing the command modules registers their commands on the group.
import kg.cli.view  # noqa: F401
from kg.cli import ask, clinical, graph_commands  # noqa: F401
from kg.cli import diff as _diff  # noqa: F401
from kg.cli import maintain_vocab as _maintain_vocab  # noqa: F401
from kg.cli import serve as _serve  # noqa: F401
from kg.cli import synth as _synth  # noqa: F401
from kg.cli.common import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    cli,
    err,
)
from kg.core.errors import KGError, OutputError, SourceError, ValidationError
from kg.graph.store import StoreError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI, mapping errors to exit codes in one place."""
    args = list(sys.argv[1:] if argv is None else argv)
    stacktrace = "--stacktrace" in args
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(args=args, prog_name="histiokg", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        err("aborted")
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except ValidationError:
        err("validation failed")
        return EXIT_INVALID
    except (SourceError, OutputError, StoreError) as exc:
        err(f"error: {exc}")
        return EXIT_USAGE
    except KGError as exc:
        err(f"error: {exc}")
        return EXIT_INVALID
    except Exception as exc:
        if stacktrace:
            traceback.print_exc()
        err(f"internal error: {type(exc).__name__}: {exc} (rerun with --stacktrace)")
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every temporary file and folder is removed on the way."""
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    raise SystemExit(main())
