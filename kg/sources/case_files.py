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
import jsonschema_rs
import yaml

from kg.core import paths
from kg.core.errors import Problem
from kg.core.paths import rel

#: libyaml's parser where the platform has it (several times faster), else the pure-Python one.
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: The largest case file read (bytes); the longest published report is a small fraction of it.
MAX_CASE_BYTES = 1_000_000


class LineLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """A YAML loader that remembers the line of every mapping key and reports duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: (line, reason, fix) of every key that YAML would otherwise drop or mangle silently.
        self.key_problems: list[tuple[int, str, str]] = []


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            loader.key_problems.append(
                (line, f"key {key!r} is not text", "write keys as plain words, e.g. 'sex:'")
            )
            continue
        if key in mapping:
            loader.key_problems.append(
                (
                    line,
                    f"duplicate key {key!r} (first at line {mapping.lines[key]})",
                    "keep one: YAML would silently keep only the last",
                )
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = line
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
def _fast_validator(fmt: str) -> Any:
    """The same schema compiled by jsonschema-rs (Rust): a yes/no answer, ~20x faster."""
    return jsonschema_rs.validator_for(case_schema(fmt), validate_formats=False, offline=True)


def schema_valid(fmt: str, doc: Any) -> bool:
    """True when ``doc`` certainly passes the schema; False means: ask jsonschema for the errors.

    Most case files are valid, so the Rust validator answers first; the Python validator, which
    names every error and where it is, runs only when that answer is no (or the document holds
    a value the Rust side cannot read, such as a YAML date).
    """
    try:
        return bool(_fast_validator(fmt).is_valid(doc))
    except (ValueError, TypeError):
        return False


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
        size = path.stat().st_size
        if size > MAX_CASE_BYTES:
            reason = f"{size} bytes, larger than the {MAX_CASE_BYTES} a case file may have"
            return None, [Problem(where, None, reason, "split it or shorten the report text")]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(where, None, f"cannot read ({exc})", "give a readable UTF-8 file")]
    try:
        aliases = _alias_lines(text)
        if aliases:
            return None, [
                Problem(
                    where,
                    line,
                    "YAML anchors and aliases (*name) are not allowed in case files",
                    "write the value out in full where it is used",
                )
                for line in aliases
            ]
        loader = LineLoader(text)
        try:
            doc = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(where, line, f"not valid YAML: {exc}", "fix the YAML syntax")]
    problems = [Problem(where, line, reason, fix) for line, reason, fix in loader.key_problems]
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if not isinstance(fmt, str) or fmt not in FORMATS:
        line = doc.lines.get("format") if isinstance(doc, LineDict) else None
        return doc, [
            *problems,
            Problem(
                where,
                line,
                f"format {fmt!r} is not a case format histiokg reads",
                f"write 'format: {CURRENT_FORMAT}' (see docs/case-format.md)",
                "format",
            ),
        ]
    errors = [] if schema_valid(fmt, doc) else list(schema_validator(fmt).iter_errors(doc))
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        field_path = "/".join(str(p) for p in error.path) or "(top)"
        line = line_of(doc, list(error.path))
        if error.validator == "additionalProperties" and isinstance(error.instance, LineDict):
            known = error.schema.get("properties", {})
            extra = [k for k in error.instance if k not in known]
            line = error.instance.lines.get(extra[0], line) if extra else line
        problems.append(
            Problem(
                where,
                line,
                f"{field_path}: {error.message}",
                "see docs/case-format.md",
                field_path,
            )
        )
    problems += _identifier_problems(doc, where)
    return doc, problems


def _alias_lines(text: str) -> list[int]:
    """The lines of every YAML alias: a 1 KB file of nested aliases expands to gigabytes."""
    if "*" not in text:
        return []
    events = yaml.parse(text, Loader=_BASE_LOADER)
    marks = [e.start_mark for e in events if isinstance(e, yaml.AliasEvent)]
    return [mark.line + 1 if mark is not None else 1 for mark in marks]


#: Keys whose values name things (ids and references to them): one line of plain text each.
_ID_KEYS = ("id", "sentence", "key", "same_patient_as", "distinct_from", "specimens")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _identifier_problems(doc: Any, where: str) -> list[Problem]:
    """Ids and references holding a control character (a trailing newline passes the schema)."""
    problems: list[Problem] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        if not isinstance(node, LineDict):
            return
        for key, value in node.items():
            values = value if isinstance(value, list) else [value]
            for text in values if key in _ID_KEYS else ():
                m = _CONTROL.search(text) if isinstance(text, str) else None
                if m:
                    problems.append(
                        Problem(
                            where,
                            node.lines.get(key, node.line),
                            f"{key} {text!r} holds control character U+{ord(m.group()):04X}",
                            "write the id on one line, without a trailing newline",
                            key,
                        )
                    )
            visit(value)

    visit(doc)
    return problems


_V1_LINE = re.compile(r"^format:\s*['\"]?histiokg-case/1['\"]?\s*$", re.MULTILINE)


def migrate_text(text: str) -> str:
    r"""A version-1 case file's text as version 2: the format line changes, nothing else.

    >>> migrate_text("format: histiokg-case/1\nid: x\n")
    'format: histiokg-case/2\nid: x\n'
    """
    return _V1_LINE.sub(f"format: {CURRENT_FORMAT}", text, count=1)
