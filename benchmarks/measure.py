"""Run one child process and measure it: wall seconds, CPU seconds (all threads), peak memory.

The figures come from ``os.wait4`` on that child alone (its own ``rusage``: user + system time
of every thread, and the peak resident set of the child and of any descendants it waited for),
so one measurement never leaks into the next, unlike ``RUSAGE_CHILDREN`` maxima.

A watchdog thread ends a child that runs past its time limit or grows past a memory limit (the
machine is shared), and the run is returned marked as cut short instead of failing the benchmark.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from report import Run

#: Seconds between two looks of the watchdog at the child.
POLL = 0.25


class ChildFailedError(RuntimeError):
    """A measured command exited with a code it was not allowed to."""


def resident_mib(pid: int) -> float:
    """The current resident set of a process in MiB (0 when it is gone or unreadable)."""
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _watch(
    child: subprocess.Popen[bytes],
    done: threading.Event,
    timeout: float | None,
    limit_mib: float | None,
    verdict: list[str],
) -> None:
    start = time.monotonic()
    while not done.wait(POLL):
        reason = ""
        if timeout is not None and time.monotonic() - start > timeout:
            reason = "timeout"
        elif limit_mib is not None and resident_mib(child.pid) > limit_mib:
            reason = "memory"
        if reason:
            verdict.append(reason)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            return


def run_measured(
    argv: Sequence[str | os.PathLike[str]],
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    ok_codes: Sequence[int] = (0,),
    timeout: float | None = None,
    limit_mib: float | None = None,
    stdout: Path | None = None,
) -> Run:
    """Run ``argv`` to completion and return its wall time, CPU time and peak memory.

    Standard error (and standard output unless ``stdout`` names a file for it) goes to ``log``.
    A child past ``timeout`` seconds or ``limit_mib`` resident MiB is killed, and its run comes
    back with ``killed`` saying why.

    Raises:
        ChildFailedError: the exit code is not in ``ok_codes`` (the message quotes the log).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    verdict: list[str] = []
    with contextlib.ExitStack() as files:
        err = files.enter_context(log.open("wb"))
        out = files.enter_context(stdout.open("wb")) if stdout is not None else err
        start = time.perf_counter()
        child = subprocess.Popen(
            [os.fspath(a) for a in argv],
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group, so a kill takes its helpers too
        )
        done = threading.Event()
        watchdog = threading.Thread(
            target=_watch, args=(child, done, timeout, limit_mib, verdict), daemon=True
        )
        watchdog.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            # interrupted (Ctrl-C, SIGTERM): the child is in its own session, so end it here
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)
            raise
        finally:
            done.set()
            watchdog.join()
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code  # reaped by wait4: tell Popen, so it never waits again
    run = Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_kib=usage.ru_maxrss,
        code=code,
        killed=verdict[0] if verdict else "",
    )
    if not run.killed and code not in ok_codes:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        shown = " ".join(os.fspath(a) for a in argv[:8])
        raise ChildFailedError(f"{shown} ... exited {code}:\n{tail}")
    return run
