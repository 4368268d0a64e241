"""Every file location the project uses, named once."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
#: True in a source checkout; False when installed from a wheel, where the ontology and the
#: queries are package data under kg/ (the wheel copies them in through the links kg/ontology
#: and kg/queries of the checkout) and generated files go to a per-user cache folder.
IN_CHECKOUT = (PACKAGE.parent / "pyproject.toml").is_file() and (
    PACKAGE.parent / "ontology"
).is_dir()
ROOT = PACKAGE.parent if IN_CHECKOUT else PACKAGE
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY = ONTOLOGY_DIR / "histiokg.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
DEFINED_CLASSES = ONTOLOGY_DIR / "defined-classes.ttl"
UBERON_SLICE = ONTOLOGY_DIR / "imports" / "uberon-slice.ttl"
HP_SLICE = ONTOLOGY_DIR / "imports" / "hp-slice.ttl"
METHODS_DOC = ROOT / "docs" / "methods.md"
#: Curated rows and cases; HISTIOKG_DATA_DIR points the CLI at another copy (tests do).
DATA = Path(os.environ.get("HISTIOKG_DATA_DIR") or PACKAGE / "data")
CURATED = DATA / "curated"
TERMS_DIR = CURATED / "terms"
STATEMENTS_DIR = CURATED / "statements"
PUBLICATIONS_DIR = CURATED / "publications"
CASES_DIR = DATA / "cases"
CASE_SCHEMA = PACKAGE / "data" / "case.schema.json"
CASE_SCHEMA_V2 = PACKAGE / "data" / "case-2.schema.json"
#: Pinned third-party JavaScript inlined into `histiokg view` pages (package data; vendor.json).
VENDOR_DIR = PACKAGE / "formats" / "vendor"
QUERIES_DIR = ROOT / "queries"
CQ_DIR = QUERIES_DIR / "cq"
QC_DIR = QUERIES_DIR / "qc"
#: Generated artefacts; HISTIOKG_BUILD_DIR redirects them (tests use a temporary folder).
_USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "histiokg"
BUILD_DIR = Path(
    os.environ.get("HISTIOKG_BUILD_DIR") or (ROOT / "build" if IN_CHECKOUT else _USER_CACHE)
)
#: The persistent Oxigraph store every command opens (written by ``histiokg build``).
STORE_DIR = BUILD_DIR / "store"
BUILD_TTL = BUILD_DIR / "histiokg.ttl"
BUILD_INFERRED = BUILD_DIR / "histiokg-inferred.ttl"
BUILD_GAPS = BUILD_DIR / "terminology-gaps.tsv"


def rel(path: Path) -> str:
    """Path relative to the project root where possible, for messages."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
