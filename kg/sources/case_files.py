"""Case files as documents: YAML parsed with the line of every key, checked against the JSON Schema.

The schema (kg/data/case.schema.json) checks the shape; :mod:`kg.sources.cases` checks the meaning.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from kg.core import paths
from kg.core.errors import Problem
from kg.core.paths import rel

#: libyaml's parser where the platform has it (several times faster), else the pure-Python one.
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """A YAML loader that remembers the line of every mapping key."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


class LineDict(dict[str, Any]):
    """A dict that knows the line of itself and of each key in its file."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}


LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


@cache
def schema_validator() -> jsonschema.Draft202012Validator:
    """The case schema's validator, compiled once per process."""
    return jsonschema.Draft202012Validator(case_schema())


@cache
def case_schema() -> dict[str, Any]:
    """The JSON Schema of the case format."""
    schema: dict[str, Any] = json.loads(paths.CASE_SCHEMA.read_text(encoding="utf-8"))
    return schema


def line_of(doc: Any, path: list[Any]) -> int | None:
    """The file line of the value at ``path`` (deepest known)."""
    line: int | None = getattr(doc, "line", None)
    node = doc
    for key in path:
        if isinstance(node, LineDict) and key in node:
            line = node.lines.get(key, line)
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            line = getattr(node, "line", line)
        else:
            break
    return line


def read_case_document(path: Path) -> tuple[Any, list[Problem]]:
    """Parse YAML and check it against the schema; return the document and its problems."""
    where = rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(where, None, f"cannot read ({exc})", "give a readable UTF-8 file")]
    try:
        doc = yaml.load(text, Loader=LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(where, line, f"not valid YAML: {exc}", "fix the YAML syntax")]
    validator = schema_validator()
    problems = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.path))):
        field_path = "/".join(str(p) for p in error.path) or "(top)"
        problems.append(
            Problem(
                where,
                line_of(doc, list(error.path)),
                f"{field_path}: {error.message}",
                "see docs/case-format.md",
                field_path,
            )
        )
    return doc, problems
