"""Writing files so that a failed or interrupted run never leaves a half-written one or loses data.

* :func:`write_atomic` writes one file through a temporary sibling and a rename.
* :func:`write_tree` writes a whole folder the same way: built beside the target, then swapped in.
  A folder histiokg writes holds a marker file (:data:`MARKER`); an existing folder is replaced
  only if it holds that marker (or is empty), so no command can delete what it did not write.

Written files get the usual permissions (0666 less the umask), not the temporary file's 0600.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from kg.core.errors import OutputError

#: The marker file of a folder histiokg wrote; its content says what wrote it.
MARKER = ".histiokg-output"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary sibling and a rename: never half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except (FileExistsError, NotADirectoryError) as exc:
        raise OutputError(f"cannot write {path}: a parent is a file ({exc})") from exc
    except PermissionError as exc:
        raise OutputError(f"cannot write {path}: permission denied") from exc
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).chmod(0o666 & ~_umask())
        if path.is_dir():
            raise OutputError(f"cannot write {path}: it is a folder")
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_output_folder(out_dir: Path) -> None:
    """Refuse a folder that exists, is not empty and was not written by histiokg."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a folder; choose another --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise OutputError(
            f"{out_dir} is not empty and was not written by histiokg (no {MARKER} file); "
            "choose a new or empty folder, so nothing of yours is overwritten"
        )


def write_tree(out_dir: Path, files: Mapping[str, bytes], what: str) -> list[Path]:
    """Write ``files`` (relative path -> bytes) as the folder ``out_dir``, as a whole.

    The folder is built beside ``out_dir`` and swapped in by renames; a previous folder is
    replaced only if histiokg wrote it. On any error or signal the temporary folder is removed
    and the previous folder stays. Returns the written paths.
    """
    check_output_folder(out_dir)
    out_dir = out_dir.absolute()
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".tmp")
        )
    except OSError as exc:
        raise OutputError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc
    mode = 0o666 & ~_umask()
    try:
        for rel_path, data in {**files, MARKER: f"written by histiokg: {what}\n".encode()}.items():
            target = staging / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            target.chmod(mode)
        staging.chmod(0o777 & ~_umask())
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc
        raise
    try:
        swap_in(staging, out_dir)
    except OSError as exc:
        raise OutputError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc
    return [out_dir / p for p in sorted(files)]


def swap_in(staging: Path, target: Path) -> None:
    """Replace the folder ``target`` by the finished folder ``staging`` (a sibling), by renames.

    The previous folder is moved aside first and deleted only once the new one is in place; on
    any error or signal ``staging`` is removed and the previous folder is put back.
    """
    old = target.parent / f".{target.name}.old"
    try:
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.replace(old)
        staging.replace(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old.exists() and not target.exists():
            old.replace(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
