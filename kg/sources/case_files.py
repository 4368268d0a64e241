"""Case files as documents: YAML parsed with the line of every key, checked against the JSON Schema.

The schema (kg/data/case.schema.json) checks the shape; :mod:`kg.sources.cases` checks the meaning.
"""

from __future__ import annotations

import json
import re
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


#: The case formats the reader knows, newest last, and the schema file of each.
FORMATS = {"histiokg-case/1": paths.CASE_SCHEMA, "histiokg-case/2": paths.CASE_SCHEMA_V2}
CURRENT_FORMAT = "histiokg-case/2"


@cache
def schema_validator(fmt: str = CURRENT_FORMAT) -> jsonschema.Draft202012Validator:
    """The validator of one case format's schema, compiled once per process."""
    return jsonschema.Draft202012Validator(case_schema(fmt))


@cache
def case_schema(fmt: str = CURRENT_FORMAT) -> dict[str, Any]:
    """The JSON Schema of a case format (default: the current one)."""
    schema: dict[str, Any] = json.loads(FORMATS[fmt].read_text(encoding="utf-8"))
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
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if fmt not in FORMATS:
        line = doc.lines.get("format") if isinstance(doc, LineDict) else None
        return doc, [
            Problem(
                where,
                line,
                f"format {fmt!r} is not a case format histiokg reads",
                f"write 'format: {CURRENT_FORMAT}' (see docs/case-format.md)",
                "format",
            )
        ]
    validator = schema_validator(fmt)
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


_V1_LINE = re.compile(r"^format:\s*['\"]?histiokg-case/1['\"]?\s*$", re.MULTILINE)


def migrate_text(text: str) -> str:
    r"""A version-1 case file's text as version 2: the format line changes, nothing else.

    >>> migrate_text("format: histiokg-case/1\nid: x\n")
    'format: histiokg-case/2\nid: x\n'
    """
    return _V1_LINE.sub(f"format: {CURRENT_FORMAT}", text, count=1)
