"""The Oxigraph server over the persistent store: find its binary, start it on loopback, stop it.

The server is the ``oxigraph`` command of the PyPI package ``oxigraph``, pinned to the version of
pyoxigraph that writes the store, so both read the same storage format. A server is a child
process, stopped by its process id (:meth:`ServerProcess.stop`); nothing here stops a process by
name.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO

from kg.core.errors import KGError
from kg.graph.store import DATABASE


class ServerError(KGError):
    """A SPARQL server cannot be found, does not start, or is of the wrong version."""


def oxigraph_binary() -> Path:
    """The ``oxigraph`` command of the running environment (or the PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerError(
        "the Oxigraph server is not installed: pip install 'oxigraph==<the pyoxigraph version>'"
    )


def check_oxigraph_version(binary: Path) -> str:
    """The server's version; ServerError unless it equals pyoxigraph's (same storage format)."""
    out = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout.split()
    version = out[-1] if out else "unknown"
    try:
        wanted = metadata.version("pyoxigraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - pyoxigraph is a dependency
        return version
    if version != wanted:
        raise ServerError(
            f"oxigraph {version} cannot be trusted with a store written by pyoxigraph {wanted}: "
            f"pip install oxigraph=={wanted}"
        )
    return version


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def answers(host: str, port: int, path: str = "/", timeout: float = 2.0) -> bool:
    """Whether an HTTP server at host:port answers a GET of ``path`` (any status)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


@dataclass
class ServerProcess:
    """A server started as a child process, reachable at ``host:port``."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def output(self) -> str:
        """What the server wrote to stdout and stderr so far (last 2,000 characters)."""
        if self.log is None:
            return ""
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-2000:]

    def wait_until_up(self, path: str = "/", timeout: float = 30.0) -> None:
        """Wait until the server answers HTTP; ServerError if it exits or stays silent."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                code = self.process.returncode
                raise ServerError(f"the server exited with {code}: {self.output()}")
            if answers(self.host, self.port, path):
                return
            time.sleep(0.05)
        self.stop()
        raise ServerError(f"the server did not answer within {timeout:.0f} s: {self.output()}")

    def stop(self, grace: float = 5.0) -> None:
        """Stop the process by its id: SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(grace)
        if self.log is not None:
            self.log.close()
            self.log = None


def start_oxigraph(
    store: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    read_only: bool = True,
    timeout_s: int | None = None,
) -> ServerProcess:
    """Start ``oxigraph serve-read-only`` (or ``serve``) on the store folder, and wait for it.

    ``store`` is a store folder written by ``histiokg build`` (its database is ``store/oxigraph``)
    or, for ``read_only=False``, any folder (a new writable database is made in it). Port 0
    picks a free port.
    """
    binary = oxigraph_binary()
    check_oxigraph_version(binary)
    database = store / DATABASE
    if read_only and not database.is_dir():
        raise ServerError(f"no built store at {store}; run 'histiokg build'")
    chosen = port or free_port(host)
    command = [
        str(binary),
        "serve-read-only" if read_only else "serve",
        "--location",
        str(database),
        "--bind",
        f"{host}:{chosen}",
    ]
    if timeout_s is not None:
        command += ["--timeout-s", str(timeout_s)]
    log = tempfile.TemporaryFile()  # noqa: SIM115 (kept open as long as the server runs)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    server = ServerProcess(process, host, chosen, log)
    server.wait_until_up("/query?query=ASK%7B%7D")
    return server
