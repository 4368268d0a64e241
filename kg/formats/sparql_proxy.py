"""A guarding HTTP front for a read-only SPARQL server: what ``histiokg serve`` puts on the port.

The Oxigraph server answers the SPARQL 1.1 Protocol (GET, form POST and ``application/
sparql-query`` POST; content negotiation of SPARQL JSON/XML/CSV/TSV and Turtle/N-Triples) and
serves its query page from its own binary, so the page works offline. It has no option to refuse
federated SERVICE calls or to cap a result, and its own timeout can end a response early with a
200 status. This stdlib proxy passes everything else through unchanged and enforces:

=====================================================  ======  ==================================
request                                                status  why
=====================================================  ======  ==================================
malformed query                                        400     the server's parse error, as is
update (``/update``, ``update=``, sparql-update body)  403     the endpoint is read-only
SPARQL text with a SERVICE clause                      403     no federated calls out
result larger than ``max_result_bytes``                403     add a LIMIT (the result is not cut)
PUT, DELETE, PATCH, OPTIONS                            405     GET, HEAD and POST only
POST without a Content-Length                          411     the size must be known first
request body over ``max_request_bytes``                413     not read at all
request line over 64 KiB                               414     (http.server's own limit)
POST body of another media type                        415     form or sparql-query only
server process unavailable                             503     retry
query still running after ``timeout_s``                504     the query is abandoned
=====================================================  ======  ==================================

A query that times out keeps the server process busy, so that process is retired: new requests
go to a fresh one at once, and the old one is stopped (by its process id) as soon as the other
requests it is answering are done.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

#: Paths passed through to the server's own offline query page (YASGUI, served from its binary).
PAGE_PATHS = frozenset({"/", "/yasgui.min.js", "/yasgui.min.css", "/logo.svg"})
QUERY_PATHS = frozenset({"/query", "/sparql"})
_FORWARDED_HEADERS = ("Accept", "Content-Type")
_READ = 64 * 1024
_TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the endpoint."""

    timeout_s: float = 30.0
    max_result_bytes: int = 32 * 1024 * 1024
    max_request_bytes: int = 256 * 1024


class Backend(Protocol):
    """A running SPARQL server process (e.g. :class:`kg.graph.server.ServerProcess`)."""

    host: str
    port: int

    def alive(self) -> bool:
        """Whether the process runs."""

    def stop(self) -> None:
        """Stop the process."""


# ---------------------------------------------------------------- policy on the query text

_IGNORED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRIs
    r"|#[^\n]*",  # comments
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:.-])", re.IGNORECASE)


def uses_service(query: str) -> bool:
    """Whether SPARQL text has a SERVICE clause (strings, IRIs and comments do not count).

    >>> uses_service("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service { ?service <a:b> "SERVICE" } # SERVICE')
    False
    """
    return bool(_SERVICE.search(_IGNORED.sub(" ", query)))


# ---------------------------------------------------------------- the server processes


class Upstream:
    """The server processes behind the proxy: one current, and retired ones still finishing."""

    def __init__(self, start: Callable[[], Backend]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._current = start()
        self._users: dict[int, int] = {id(self._current): 0}
        self._retired: list[Backend] = []
        self.restarts = 0

    @property
    def current(self) -> Backend:
        """The process new requests go to."""
        return self._current

    def acquire(self) -> Backend:
        """The current process, counted as in use until :meth:`release`."""
        with self._lock:
            if not self._current.alive():
                self._replace()
            self._users[id(self._current)] = self._users.get(id(self._current), 0) + 1
            return self._current

    def release(self, backend: Backend, runaway: bool = False) -> None:
        """Done with ``backend``; ``runaway`` says a query was abandoned on it (retire it)."""
        with self._lock:
            self._users[id(backend)] = self._users.get(id(backend), 1) - 1
            if runaway and backend is self._current:
                self._replace()
            for old in [b for b in self._retired if self._users.get(id(b), 0) <= 0]:
                old.stop()
                self._retired.remove(old)
                self._users.pop(id(old), None)

    def _replace(self) -> None:
        self._retired.append(self._current)
        self._current = self._start()
        self._users[id(self._current)] = 0
        self.restarts += 1

    def close(self) -> None:
        """Stop every process."""
        with self._lock:
            for backend in [*self._retired, self._current]:
                backend.stop()
            self._retired.clear()


# ---------------------------------------------------------------- the proxy


class ProxyServer(ThreadingHTTPServer):
    """The HTTP server on the public port; one thread per connection."""

    daemon_threads = True
    request_queue_size = 128  # concurrent clients connect at once; the default 5 drops SYNs

    def __init__(
        self,
        address: tuple[str, int],
        upstream: Upstream,
        limits: Limits,
        log: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.upstream = upstream
        self.limits = limits
        self.log = log

    @property
    def url(self) -> str:
        """The public base URL."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class _RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ProxyServer
    server_version = "histiokg-serve"

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")

    # -------------------------------------------------------- methods

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def do_POST(self) -> None:
        self._handle(send_body=True)

    def _not_allowed(self) -> None:
        self._reply(405, b"method not allowed: use GET, HEAD or POST\n", _TEXT, True)

    def do_PUT(self) -> None:
        self._not_allowed()

    def do_DELETE(self) -> None:
        self._not_allowed()

    def do_PATCH(self) -> None:
        self._not_allowed()

    def do_OPTIONS(self) -> None:
        self._not_allowed()

    # -------------------------------------------------------- policy

    def _handle(self, send_body: bool) -> None:
        try:
            body = self._checked_body()
            self._forward(body, send_body)
        except _RefusedError as refusal:
            message = (refusal.message + "\n").encode("utf-8")
            self._reply(refusal.status, message, _TEXT, send_body)

    def _checked_body(self) -> bytes | None:
        """The request body (None for GET), after every check that refuses a request."""
        path, _, query_string = self.path.partition("?")
        limits = self.server.limits
        if len(self.path) > limits.max_request_bytes:
            raise _RefusedError(414, f"request line over {limits.max_request_bytes} bytes")
        # read (or refuse) a body first, so a refused request never leaves it on the connection
        body = self._read_body() if self.command == "POST" else None
        if path == "/update":
            raise _RefusedError(403, "this endpoint is read-only: updates are refused")
        if path in PAGE_PATHS | {"/store"} and body is None:
            return None
        if path not in QUERY_PATHS:
            raise _RefusedError(403 if path == "/store" else 404, f"{path}: not served here")
        form = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        queries = form.get("query", [])
        if body is not None:
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if kind == "application/x-www-form-urlencoded":
                posted = urllib.parse.parse_qs(body.decode("utf-8", "replace"), True)
                form = {**form, **posted}
                queries = queries + posted.get("query", [])
            elif kind == "application/sparql-query":
                queries = [*queries, body.decode("utf-8", "replace")]
            elif kind == "application/sparql-update":
                raise _RefusedError(403, "this endpoint is read-only: updates are refused")
            else:
                raise _RefusedError(415, "POST a form or application/sparql-query")
        if form.get("update"):
            raise _RefusedError(403, "this endpoint is read-only: updates are refused")
        if any(uses_service(q) for q in queries):
            raise _RefusedError(403, "federated queries (SERVICE) are refused by this endpoint")
        return body

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            raise _RefusedError(411, "a POST needs a Content-Length")
        try:
            size = int(length)
        except ValueError:
            self.close_connection = True
            raise _RefusedError(400, "bad Content-Length") from None
        limit = self.server.limits.max_request_bytes
        if size > limit:
            self.close_connection = True  # the body is not read
            raise _RefusedError(413, f"request body of {size} bytes is over the limit of {limit}")
        return self.rfile.read(size)

    # -------------------------------------------------------- passing through

    def _forward(self, body: bytes | None, send_body: bool) -> None:
        limits = self.server.limits
        upstream = self.server.upstream
        deadline = time.monotonic() + limits.timeout_s
        backend = upstream.acquire()
        runaway = False
        try:
            status, kind, data = self._exchange(backend, body, deadline, limits)
        except TimeoutError:
            runaway = True
            raise _RefusedError(
                504, f"the query ran over the time limit of {limits.timeout_s:g} s"
            ) from None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            status_text = "unavailable" if isinstance(exc, ConnectionRefusedError) else "failed"
            raise _RefusedError(
                503 if status_text == "unavailable" else 502, f"SPARQL server {status_text}"
            ) from None
        finally:
            upstream.release(backend, runaway)
        self._reply(status, data, kind, send_body)

    def _exchange(
        self, backend: Backend, body: bytes | None, deadline: float, limits: Limits
    ) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection(
            backend.host, backend.port, timeout=limits.timeout_s
        )
        try:
            headers = {k: v for k in _FORWARDED_HEADERS if (v := self.headers.get(k))}
            method = "GET" if self.command == "HEAD" else self.command
            connection.request(method, self.path, body=body, headers=headers)
            response = connection.getresponse()
            parts: list[bytes] = []
            size = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                chunk = response.read(_READ)
                if not chunk:
                    break
                size += len(chunk)
                if size > limits.max_result_bytes:
                    raise _RefusedError(
                        403,
                        f"the result is over the size limit of {limits.max_result_bytes} bytes: "
                        "add a LIMIT",
                    )
                parts.append(chunk)
            kind = response.getheader("Content-Type") or "application/octet-stream"
            return response.status, kind, b"".join(parts)
        finally:
            connection.close()

    def _reply(self, status: int, data: bytes, kind: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if status == 405:
            self.send_header("Allow", "GET, HEAD, POST")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if send_body:
            self.wfile.write(data)


def serve(
    start: Callable[[], Backend],
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: Limits | None = None,
    log: Callable[[str], None] | None = None,
    ready: Callable[[ProxyServer], None] | None = None,
) -> None:
    """Start the server process(es) and the proxy on ``host:port``; serve until interrupted.

    ``ready`` is called once the endpoint answers. Every server process is stopped on the way
    out (Ctrl-C, SIGTERM through the CLI, or an error).
    """
    upstream = Upstream(start)
    try:
        with ProxyServer((host, port), upstream, limits or Limits(), log) as proxy:
            if ready is not None:
                ready(proxy)
            proxy.serve_forever(poll_interval=0.2)
    finally:
        upstream.close()
