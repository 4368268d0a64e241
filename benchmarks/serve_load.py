"""A bounded load test of ``histiokg serve`` on loopback: N queries from C concurrent clients.

Starts ``histiokg serve`` on a free loopback port (over the built store), sends the seed case's
competency queries round-robin as SPARQL 1.1 Protocol GETs from C threads until N queries are
answered, stops the server by its process id, and reports throughput and latency percentiles.
Every request goes to 127.0.0.1 only; the loop is bounded in count and in time.

Usage: .venv/bin/python benchmarks/serve_load.py [--queries 2000] [--clients 8] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kg.core import paths
from kg.graph.server import answers, free_port
from kg.sources.query_files import bind, bindings_for, find_query

#: Fast, typical questions about one case (each answers in milliseconds on the shipped graph).
QUERIES = ("cq01", "cq02", "cq05", "cq06", "cq08", "cq10", "cq36")
#: No run lasts longer than this, whatever N is.
MAX_SECONDS = 300.0


@dataclass
class LoadReport:
    """What a load run measured."""

    queries: int
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """Answered queries per second."""
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile of the latencies, in milliseconds."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def markdown(self) -> str:
        """The report as a Markdown section."""
        return "\n".join(
            [
                f"- queries answered: {len(self.latencies_ms)} of {self.queries}, "
                f"from {self.clients} concurrent clients; failed requests: {len(self.failures)}",
                f"- wall time: {self.seconds:.2f} s; throughput: {self.throughput:.0f} queries/s",
                f"- latency: p50 {self.percentile(50):.1f} ms, p95 {self.percentile(95):.1f} ms, "
                f"max {max(self.latencies_ms, default=0):.1f} ms, "
                f"mean {statistics.fmean(self.latencies_ms or [0]):.1f} ms",
            ]
        )


def query_urls(base: str) -> list[str]:
    """The GET URLs of the load mix (each query with its default parameters)."""
    urls = []
    for name in QUERIES:
        q = find_query(name)
        text = bind(q.text, bindings_for(q, {}))
        urls.append(f"{base}/query?{urllib.parse.urlencode({'query': text})}")
    return urls


def run_load(base: str, total: int = 2000, clients: int = 8) -> LoadReport:
    """Send ``total`` queries from ``clients`` threads to the endpoint at ``base``."""
    urls = query_urls(base)
    report = LoadReport(total, clients, 0.0)
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + MAX_SECONDS
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            url = urls[n % len(urls)]
            request = urllib.request.Request(
                url, headers={"Accept": "application/sparql-results+json"}
            )
            start = time.perf_counter()
            try:
                with opener.open(request, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
                    problem = f"status {response.status}"
            except (urllib.error.URLError, OSError) as exc:
                ok, problem = False, str(exc)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if ok:
                    report.latencies_ms.append(elapsed)
                else:
                    report.failures.append(f"{QUERIES[n % len(urls)]}: {problem}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - began
    return report


def start_serve(port: int, timeout_s: float = 30.0) -> subprocess.Popen[bytes]:
    """Start ``histiokg serve`` on 127.0.0.1:port and wait until it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), "--timeout", str(timeout_s)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180  # a stale store is rebuilt first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"histiokg serve exited with {process.returncode}")
        if answers("127.0.0.1", port, "/query?query=ASK%7B%7D"):
            return process
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError("histiokg serve did not answer within 180 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server by its process id (SIGTERM, then SIGKILL)."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def main(argv: list[str] | None = None) -> int:
    """Run the load test against a fresh ``histiokg serve`` and print or write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    port = free_port()
    server = start_serve(port)
    try:
        report = run_load(f"http://127.0.0.1:{port}", args.queries, args.clients)
    finally:
        stop(server)
    text = "\n".join(
        [
            "# histiokg serve under load",
            "",
            "Written by `benchmarks/serve_load.py` (a bounded loop on 127.0.0.1; "
            "`tests/test_serve.py` runs the same loop and asserts no request fails).",
            "",
            f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.machine()}",
            "- server: `histiokg serve` (the guard in kg/formats/sparql_proxy.py in front of "
            "`oxigraph serve-read-only`), default limits",
            f"- mix: {', '.join(QUERIES)} round-robin, SPARQL 1.1 Protocol GET, "
            "`Accept: application/sparql-results+json`, a new connection per request",
            report.markdown(),
            "",
            "Numbers from one run on a shared machine: compare runs on the same machine only.",
            "",
        ]
    )
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if report.failures else 0


if __name__ == "__main__":
    os.chdir(paths.ROOT)
    raise SystemExit(main())
