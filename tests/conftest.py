"""Shared fixtures: the small hand-drawn graph and the real built graph (built once per session)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Commands run in-process write their store under HISTIOKG_BUILD_DIR: keep it out of the tree.
# (Set before kg is imported: kg.core.paths reads it once.)
os.environ.setdefault("HISTIOKG_BUILD_DIR", tempfile.mkdtemp(prefix="histiokg-test-build-"))

import pytest
from hypothesis import settings

from kg.graph.build import Built, build_graph

# Property-based tests: a modest number of examples on every run, more with HYPOTHESIS_PROFILE=slow.
# No example database: nothing is written into the working tree.
settings.register_profile("default", max_examples=40, deadline=None, database=None)
settings.register_profile("slow", max_examples=1000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"


_LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}


@pytest.fixture(autouse=True, scope="session")
def _offline() -> object:
    """The suite runs offline: a Python-level connection beyond this machine fails at once."""
    import socket

    real = socket.getaddrinfo

    def local_only(host: object, *args: object, **kwargs: object) -> object:
        text = host.decode() if isinstance(host, bytes) else host
        if text not in _LOCAL_HOSTS and not str(text).startswith("127."):
            raise OSError(f"tests run offline: no connection to {text!r}")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", local_only)
        yield


@pytest.fixture(scope="session")
def mini() -> Built:
    """The hand-drawn fixture: one disorder, one fusion, two drugs, one case."""
    return build_graph(MINI / "curated", MINI / "cases")


@pytest.fixture(scope="session")
def built() -> Built:
    """The real graph from ontology/ and kg/data/."""
    return build_graph()
