"""The synthetic cohort: deterministic, marked synthetic, loadable, shaped by the curated rows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.cli.main import main
from kg.core import paths
from kg.graph.build import build_graph
from kg.sources.cases import load_cases
from kg.sources.curation import load_curation
from kg.sources.records import Curation
from kg.sources.synthetic import MIX, ONSET_YEARS, disorder_profiles, generate_cohort
from kg.sources.terms import TermIndex

SEED = 11
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YEARS = {"day": 1 / 365.25, "week": 7 / 365.25, "month": 1 / 12, "year": 1.0}


@pytest.fixture(scope="module")
def curation() -> Curation:
    return load_curation()


@pytest.fixture(scope="module")
def cohort(curation: Curation) -> dict[str, str]:
    return generate_cohort(400, SEED, curation)


@pytest.fixture(scope="module")
def docs(cohort: dict[str, str]) -> list[dict[str, Any]]:
    return [yaml.load(text, Loader=LOADER) for text in cohort.values()]


def write(files: dict[str, str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_same_seed_same_bytes_and_a_smaller_cohort_is_a_prefix(
    curation: Curation, cohort: dict[str, str]
) -> None:
    again = generate_cohort(400, SEED, curation)
    assert list(again) == list(cohort) and again == cohort
    small = generate_cohort(5, SEED, curation)
    assert small == {name: cohort[name] for name in small}


def test_different_seeds_give_different_cases(curation: Curation) -> None:
    one, two = generate_cohort(20, 1, curation), generate_cohort(20, 2, curation)
    assert list(one) == [f"synthetic-1-{n}.yaml" for n in range(1, 21)]
    strip = re.compile(r"synthetic-\d+-|seed \d+")
    changed = [
        a
        for a, b in zip(one.values(), two.values(), strict=True)
        if strip.sub("", a) != strip.sub("", b)
    ]
    assert len(changed) >= 18


def test_every_case_is_marked_synthetic_and_cites_no_real_source(
    docs: list[dict[str, Any]],
) -> None:
    for n, doc in enumerate(docs, 1):
        assert doc["id"] == f"synthetic-{SEED}-{n}"
        assert doc["title"].startswith("Synthetic case") and "not a real patient" in doc["title"]
        pub = doc["publication"]
        assert pub["key"] == doc["id"] and "synthetic" in pub["title"].lower()
        assert pub["pmid"] == pub["doi"] == pub["url"] == "" and "no PMID" in pub["note"]
        assert any(s["section"] == "Synthetic data notice" for s in doc["report"])


def test_generated_cases_pass_the_case_reader(
    tmp_path: Path, cohort: dict[str, str], docs: list[dict[str, Any]], curation: Curation
) -> None:
    """Schema and meaning checks: every quote verbatim in its sentence, every term resolves."""
    first_of_each = {doc["diagnosis"]["coded"]["term"]: doc["id"] for doc in reversed(docs)}
    names = {f"{cid}.yaml" for cid in first_of_each.values()} | set(list(cohort)[:60])
    cases = load_cases(write({n: cohort[n] for n in names}, tmp_path), TermIndex(curation.terms))
    assert sorted(f"{c.id}.yaml" for c in cases) == sorted(names)
    assert {c.diagnosis for c in cases} == {d for d, _ in MIX}


def test_twenty_cases_build_into_a_graph_and_weigh_like_real_cases(
    tmp_path: Path, cohort: dict[str, str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "curated").symlink_to(paths.CURATED, target_is_directory=True)
    empty = build_graph(curated=data / "curated", cases_dir=(data / "none"))
    built = build_graph(
        curated=data / "curated", cases_dir=write(dict(list(cohort.items())[:20]), data / "cases")
    )
    assert len(built.cases) == 20
    per_case = (len(built.graph) - len(empty.graph)) / 20
    assert 600 < per_case < 1600, per_case
    assert {c.id for c in built.cases} == {name.removesuffix(".yaml") for name in list(cohort)[:20]}


def test_disorder_mix_follows_the_design(docs: list[dict[str, Any]]) -> None:
    counts = Counter(doc["diagnosis"]["coded"]["term"] for doc in docs)
    total = sum(w for _, w in MIX)
    for disease, weight in MIX:
        assert abs(counts[disease] / len(docs) - weight / total) < 0.06, (disease, counts)
    assert counts.most_common(1)[0][0] == "MONDO:0018310"  # LCH


def test_marker_polarities_follow_the_curated_rows(
    curation: Curation, docs: list[dict[str, Any]]
) -> None:
    predicates: dict[tuple[str, str], set[str]] = defaultdict(set)
    for st in curation.statements:
        if st.predicate.endswith("_marker"):
            predicates[st.subject, st.object].add(st.predicate)
    tested: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc in docs:
        for marker in doc.get("markers", []):
            tested[doc["diagnosis"]["coded"]["term"], marker["marker"]].append(marker["result"])
    profiles = disorder_profiles(curation, [d for d, _ in MIX])
    checked = disagreeing = 0
    for (disease, marker), results in tested.items():
        assert marker in {m for m, _, _ in profiles[disease].markers}, (disease, marker)
        kinds = predicates.get((disease, marker))
        if not kinds or len(results) < 10 or len(kinds) > 1:
            continue
        positive = results.count("positive") / len(results)
        if kinds == {"hkg:expresses_marker"}:
            checked += 1
            assert positive > 0.75, (disease, marker, positive)
            disagreeing += results.count("negative")
        elif kinds == {"hkg:lacks_marker"}:
            checked += 1
            assert positive < 0.25, (disease, marker, positive)
            disagreeing += results.count("positive")
    assert checked >= 15 and disagreeing > 0, "profiles followed, with some noise"


def test_ages_follow_the_curated_onsets_and_drugs_the_curated_links(
    curation: Curation, docs: list[dict[str, Any]]
) -> None:
    profiles = disorder_profiles(curation, [d for d, _ in MIX])
    targets = defaultdict(set)
    for st in curation.statements:
        if st.predicate == "hkg:has_target":
            targets[st.subject].add(st.object)
    for doc in docs:
        profile = profiles[doc["diagnosis"]["coded"]["term"]]
        age = doc["patient"]["age"]
        years = age["value"] * _YEARS[age["unit"]]
        ranges = [ONSET_YEARS.get(o, (1.0, 75.0)) for o, _ in profile.onsets] or [(1.0, 75.0)]
        assert any(low - 1 / 12 <= years <= high for low, high in ranges), (doc["id"], years)
        driver = doc.get("molecular", [{}])[0].get("alteration", "")
        term = curation.terms.get(driver)
        genes = (
            {driver, *(term.prop(k) for k in ("gene", "five_prime", "three_prime"))}
            if term
            else set()
        )
        for line in doc.get("treatment_lines", []):
            for agent in line["agents"]:
                assert agent in profile.drugs or targets[agent] & genes, (doc["id"], agent)
        numbers = [line["number"] for line in doc.get("treatment_lines", [])]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 3


def test_synth_writes_the_cohort_and_its_marker(
    tmp_path: Path, cohort: dict[str, str], capsys
) -> None:
    out = tmp_path / "cases"
    assert main(["synth", "--cases", "12", "--seed", str(SEED), "--out", str(out)]) == 0
    written = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.yaml")}
    assert written == {name: cohort[name] for name in written} and len(written) == 12
    assert (out / ".histiokg-synthetic").is_file()
    assert main(["synth", "--cases", "3", "--seed", str(SEED), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.yaml")) == [
        f"synthetic-{SEED}-{n}.yaml" for n in (1, 2, 3)
    ]
    assert "wrote 3 synthetic cases" in capsys.readouterr().err


def test_synth_gives_the_same_bytes_in_another_process(
    tmp_path: Path, cohort: dict[str, str]
) -> None:
    """No set or hash order leaks into the files (another PYTHONHASHSEED, same bytes)."""
    out = tmp_path / "cases"
    args = ["synth", "--cases", "8", "--seed", str(SEED), "--out", str(out)]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    run = subprocess.run(
        [sys.executable, "-m", "kg", *args],
        env=env,
        cwd=paths.ROOT,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.yaml")} == dict(
        list(cohort.items())[:8]
    )


def test_synth_refuses_a_folder_it_did_not_write(tmp_path: Path, capsys) -> None:
    (tmp_path / "mine.yaml").write_text("format: histiokg-case/1\n", encoding="utf-8")
    assert main(["synth", "--cases", "2", "--out", str(tmp_path)]) == 2
    assert "not written by histiokg synth" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


def test_synth_help_ends_with_an_example(capsys) -> None:
    assert main(["synth", "--help"]) == 0
    assert "Example: histiokg synth --cases" in capsys.readouterr().out
