"""Helpers of the server tests: real SPARQL servers on loopback, plain HTTP, answers to compare.

Each server is a child process started here and stopped by its process id; nothing binds
anything but 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.graph.server import ServerProcess, free_port
from kg.sources.query_files import QueryFile, load_queries

#: The graph the build is loaded into on the servers (named, so Virtuoso's own graphs stay out).
GRAPH = "https://w3id.org/histiokg/graph"


def competency_queries() -> list[QueryFile]:
    """Every queries/cq/*.rq file."""
    return [q for q in load_queries().values() if q.kind == "cq"]


CQ_NAMES = [q.name for q in competency_queries()]


def missing(reason: str, script: str) -> None:
    """Fail in CI (its set-up must install what the tests need), skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} in CI: make unit runs {script}")
    pytest.skip(f"{reason} (run: bash {script})")


@dataclass(frozen=True)
class Reply:
    """An HTTP answer."""

    status: int
    content_type: str
    body: bytes


def http(
    method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> Reply:
    """One HTTP request with urllib (no proxies); error statuses are returned, not raised."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=60) as response:
            return Reply(response.status, response.headers.get("Content-Type", ""), response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.headers.get("Content-Type", ""), exc.read())


# ---------------------------------------------------------------- Virtuoso

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {load}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 1G
MaxMemPoolSize = 1000000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""
VSP = Path("/var/lib/virtuoso-opensource-7/vsp")


@dataclass
class Virtuoso:
    """A private Virtuoso server: its HTTP server and its SQL port (for isql)."""

    server: ServerProcess
    sql_port: int
    load_dir: Path

    @property
    def sparql(self) -> str:
        """The SPARQL 1.1 Protocol endpoint."""
        return f"{self.server.base_url}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint that takes digest authentication."""
        return f"{self.server.base_url}/sparql-graph-crud-auth"

    def isql(self, statements: str) -> str:
        """Run SQL statements through isql-vt as dba (default password: loopback only)."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def start_virtuoso(folder: Path) -> Virtuoso:
    """Start virtuoso-t in the foreground from a private virtuoso.ini in ``folder``."""
    binary = shutil.which("virtuoso-t")
    if binary is None or shutil.which("isql-vt") is None:
        missing("Virtuoso (virtuoso-t, isql-vt) is not installed", "scripts/ensure-virtuoso.sh")
    assert binary is not None
    db, load = folder / "db", folder / "load"
    db.mkdir(parents=True)
    load.mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        textwrap.dedent(
            VIRTUOSO_INI.format(db=db, load=load, sql_port=sql_port, http_port=http_port, vsp=VSP)
        ),
        encoding="utf-8",
    )
    return Virtuoso(_run_virtuoso(binary, ini, http_port), sql_port, load)


def _run_virtuoso(binary: str, ini: Path, http_port: int) -> ServerProcess:
    log = (ini.parent / "virtuoso.out").open("a+b")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=ini.parent,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    server = ServerProcess(process, "127.0.0.1", http_port, log)
    server.wait_until_up("/sparql?query=ASK%7B%7D", timeout=120)
    return server


def restart_virtuoso(virtuoso: Virtuoso) -> None:
    """Stop the server by its process id and start it again on the same database and ports."""
    ini = virtuoso.load_dir.parent / "virtuoso.ini"
    stop_virtuoso(virtuoso)
    binary = shutil.which("virtuoso-t")
    assert binary is not None
    virtuoso.server = _run_virtuoso(binary, ini, virtuoso.server.port)


def stop_virtuoso(virtuoso: Virtuoso) -> None:
    """Stop the server by its process id (SIGTERM; SIGKILL after 20 s)."""
    virtuoso.server.stop(grace=20)
    assert not virtuoso.server.alive()
