"""The Rust schema check (the fast path of case reading) agrees with jsonschema on every document.

``read_case_document`` asks jsonschema-rs first and runs the Python validator (which names every
error) only when the answer is no, so a document the Rust side passes and jsonschema refuses
would be an error lost. Every shipped case, and mutations of each (a key dropped, a value of the
wrong type, an unknown key added, at every depth), must get the same yes/no from both.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.core import paths
from kg.sources.case_files import FORMATS, LineLoader, schema_valid, schema_validator

CASE_FILES = sorted(paths.CASES_DIR.glob("*.yaml"))
WRONG_VALUES: tuple[Any, ...] = (None, 7, -1.5, "", "x", [], {}, True, ["x"])


def _load(path: Path) -> Any:
    loader = LineLoader(path.read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:2]):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


def _parent(doc: Any, where: tuple[Any, ...]) -> Any:
    node = doc
    for key in where[:-1]:
        node = node[key]
    return node


def _mutations(doc: Any) -> Iterator[tuple[str, Any]]:
    for n, where in enumerate(_paths(doc)):
        for i, value in enumerate(WRONG_VALUES):
            if (n + i) % 6:  # a sixth of the (path, value) pairs: every path, every value
                continue
            changed = copy.deepcopy(doc)
            _parent(changed, where)[where[-1]] = value
            yield f"{where} = {value!r}", changed
        changed = copy.deepcopy(doc)
        parent = _parent(changed, where)
        if isinstance(parent, dict):
            del parent[where[-1]]
            yield f"{where} removed", changed
            parent["not_a_field"] = 1
            yield f"{where[:-1]} + not_a_field", changed


def _python_valid(fmt: str, doc: Any) -> bool:
    return next(iter(schema_validator(fmt).iter_errors(doc)), None) is None


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_fast_and_full_schema_checks_agree(path: Path) -> None:
    doc = _load(path)
    fmt = doc["format"]
    assert fmt in FORMATS
    assert schema_valid(fmt, doc) and _python_valid(fmt, doc), path.name
    checked = 0
    for what, changed in _mutations(doc):
        assert schema_valid(fmt, changed) == _python_valid(fmt, changed), f"{path.name}: {what}"
        checked += 1
    assert checked > 50


def test_a_value_the_fast_check_cannot_read_goes_to_the_full_check() -> None:
    import datetime

    doc = _load(CASE_FILES[0])
    doc["publication"]["year"] = datetime.date(2021, 1, 1)
    assert schema_valid(doc["format"], doc) is False
