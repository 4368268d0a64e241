"""A deterministic, seeded synthetic cohort of case files (format histiokg-case/1), for benchmarks.

Each disorder's markers, drivers, sites, findings, onset and drugs come from the curated rows; the
code holds only the simulation's design (disorder mix, noise, lines, report shape). Every case says
it is synthetic in its title, report and publication, which cites no real source. Nothing here
writes files: :func:`generate_cohort` returns {file name: YAML text} and the CLI writes them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from kg.sources.case_files import CURRENT_FORMAT as FORMAT
from kg.sources.records import Curation, Statement
from kg.sources.terms import TermIndex

#: The cohort's disorder mix (design weights, not incidence estimates): LCH most common.
MIX: tuple[tuple[str, int], ...] = (
    ("MONDO:0018310", 40),  # Langerhans cell histiocytosis
    ("MONDO:0975907", 4),  # pulmonary LCH
    ("MONDO:0018153", 16),  # Erdheim-Chester disease
    ("MONDO:0006412", 12),  # Rosai-Dorfman disease
    ("hkgt:cutaneous-RDD", 2),
    ("MONDO:0015534", 10),  # juvenile xanthogranuloma
    ("hkgt:systemic-JXG", 2),
    ("MONDO:0022338", 8),  # ALK-positive histiocytosis
    ("MONDO:0019479", 6),  # histiocytic sarcoma
)
#: P(positive) of a marker whose curated rows have no counts, by predicate; every P is kept in
#: [NOISE, 1 - NOISE], so a marker sometimes disagrees with its profile.
ROW_DEFAULT = {
    "hkg:expresses_marker": 0.95,
    "hkg:variably_expresses_marker": 0.5,
    "hkg:lacks_marker": 0.05,
}
NOISE = 0.03
#: Weight of a site, finding, driver or onset whose rows give neither counts nor percent.
DEFAULT_WEIGHT = 0.3
_DAY = 1 / 365.25
#: Age ranges in years of the HPO onset classes (as HPO defines them); no onset row: ANY_AGE.
ONSET_YEARS = {
    "HP:0003577": (_DAY, 28 * _DAY),  # congenital
    "HP:0003623": (_DAY, 28 * _DAY),  # neonatal
    "HP:0003593": (28 * _DAY, 1.0),  # infantile
    "HP:0011463": (1.0, 5.0),  # childhood
    "HP:0410280": (28 * _DAY, 16.0),  # pediatric
    "HP:0003621": (5.0, 16.0),  # juvenile
    "HP:0003581": (16.0, 80.0),  # adult
    "HP:0003596": (40.0, 60.0),  # middle age
}
ANY_AGE = (1.0, 75.0)
LINES = ((1, 50), (2, 35), (3, 15))  # how many treatment lines (first, second, third)
#: Curated response labels before a next line, and after the last (which holds all of them).
SWITCH_RESPONSES = (("progressive disease", 50), ("stable disease", 25), ("partial response", 25))
FINAL_RESPONSES = (
    *(("complete response", 25), ("remission", 15), ("near-complete response", 10)),
    *(("partial response", 20), ("stable disease", 15), ("progressive disease", 15)),
)
_FOUND = {"gene_fusion": "a {} fusion", "sequence_variant": "{}", "gene": "an alteration of {}"}
_NOTE = "Written by histiokg synth from the curated profiles: no publication, no patient, no PMID."
Weighted = tuple[tuple[str, float], ...]
#: The predicates of the weighted fields of a Profile, in field order.
KINDS = ("hkg:has_driver_alteration", "hkg:involves_site", "biolink:has_phenotype", "hkg:has_onset")


@dataclass(frozen=True)
class Profile:
    """What the curated rows say of one disorder, as sampling weights."""

    disease: str
    markers: tuple[tuple[str, float, str], ...]  # marker, P(positive), curated intensity
    drivers: Weighted
    sites: Weighted
    findings: Weighted
    onsets: Weighted
    drugs: tuple[str, ...]


def share(statements: Sequence[Statement], default: float = DEFAULT_WEIGHT) -> float:
    """Pooled numerator/denominator of the rows (1/1 cannot outweigh 27/32), else percent/100."""
    quals = [dict(st.qualifiers) for st in statements]
    counted = [q for q in quals if q.get("denominator", "0") != "0"]
    if counted:
        numerators = sum(int(q["numerator"]) for q in counted)
        return numerators / sum(int(q["denominator"]) for q in counted)
    return sum(float(q["percent"]) / 100 if "percent" in q else default for q in quals) / len(quals)


def _nearest(disease: str, step: Mapping[str, list[str]], has: Iterable[str]) -> list[str]:
    """The disease itself if in ``has``, else the nearest in ``has`` along ``step`` (up or down)."""
    wanted, level, seen = set(has), [disease], {disease}
    while level:
        hits = sorted(d for d in level if d in wanted)
        if hits:
            return hits
        level = sorted({n for d in level for n in step.get(d, ()) if n not in seen})
        seen.update(level)
    return []


class _World:
    """The curated rows (by subject and predicate) and the terms cases are written with."""

    def __init__(self, curation: Curation) -> None:
        self.terms = curation.terms
        self.rows: dict[tuple[str, str], list[Statement]] = defaultdict(list)
        self.up: dict[str, list[str]] = defaultdict(list)
        self.down: dict[str, list[str]] = defaultdict(list)
        self.drugs: dict[str, set[str]] = defaultdict(set)
        self.targeting: dict[str, set[str]] = defaultdict(set)
        for st in (st for st in curation.statements if not st.contested):
            self.rows[st.subject, st.predicate].append(st)
            if st.predicate == "rdfs:subClassOf":
                self.up[st.subject].append(st.object)
                self.down[st.object].append(st.subject)
            elif st.predicate in ("biolink:treats", "biolink:studied_to_treat"):
                if getattr(curation.terms.get(st.subject), "category", "") == "drug":
                    self.drugs[st.object].add(st.subject)  # not a class-level result
            elif st.predicate == "hkg:has_target":
                self.targeting[st.object].add(st.subject)
        index = TermIndex(curation.terms)
        self.ihc, self.fish, self.ngs, self.dna, *self.imaging = (
            index.resolve(name, ("assay",))
            for name in ("IHC", "FISH", "NGS", "DNA sequencing", "CT", "MRI", "PET")
        )
        self.response = {r: index.resolve(r, ("response_category",)) for r, _ in FINAL_RESPONSES}
        self.profiles = {disease: self.profile(disease) for disease, _ in MIX}

    def by_object(self, disease: str, predicates: Sequence[str]) -> dict[str, list[Statement]]:
        """The disease's rows of these predicates (else its nearest ancestors'), by object."""
        out: dict[str, list[Statement]] = defaultdict(list)
        for d in _nearest(disease, self.up, {s for (s, p) in self.rows if p in predicates}):
            for st in (st for p in predicates for st in self.rows[d, p]):
                out[st.object].append(st)
        return dict(sorted(out.items()))

    def weights(self, disease: str, predicate: str) -> Weighted:
        """Each object of the disease's rows of ``predicate``, with its share."""
        return tuple((o, share(sts)) for o, sts in self.by_object(disease, (predicate,)).items())

    def profile(self, disease: str) -> Profile:
        """The disease's profile (drugs: its own, else its nearest subtypes', else ancestors')."""
        markers = []
        for marker, sts in self.by_object(disease, tuple(ROW_DEFAULT)).items():
            p = sum(ROW_DEFAULT[st.predicate] for st in sts) / len(sts)
            if any("denominator" in dict(st.qualifiers) for st in sts):
                p = share(sts)
            intensity = max(dict(st.qualifiers).get("intensity", "") for st in sts)
            markers.append((marker, min(max(p, NOISE), 1 - NOISE), intensity))
        near = _nearest(disease, self.down, self.drugs) or _nearest(disease, self.up, self.drugs)
        drugs = tuple(sorted({drug for d in near for drug in self.drugs[d]}))
        drivers, sites, findings, onsets = (self.weights(disease, p) for p in KINDS)
        return Profile(disease, tuple(markers), drivers, sites, findings, onsets, drugs)

    def label(self, curie: str) -> str:
        return self.terms[curie].label

    def short(self, curie: str) -> str:
        """An assay's first synonym (CT, FISH), as a report would write it."""
        term = self.terms[curie]
        return term.synonyms[0] if term.synonyms else term.label

    def targeted(self, alteration: str) -> list[str]:
        """Drugs with a curated target in the gene (or a partner gene) of ``alteration``."""
        term = self.terms[alteration]
        genes = [term.prop(k) for k in ("gene", "five_prime", "three_prime") if term.prop(k)]
        return sorted({d for g in genes or [alteration] for d in self.targeting.get(g, ())})


def disorder_profiles(curation: Curation, diseases: Iterable[str]) -> dict[str, Profile]:
    """Each disease's profile from the curated rows; a subtype lacking rows takes its ancestors'."""
    world = _World(curation)
    return {disease: world.profile(disease) for disease in diseases}


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _some(rng: random.Random, weighted: Weighted, cap: int) -> list[str]:
    """Each item with its own probability (at least one when any), shuffled, at most ``cap``."""
    chosen = [k for k, w in weighted if rng.random() < w]
    chosen = chosen or ([_pick(rng, weighted)] if weighted else [])
    rng.shuffle(chosen)
    return chosen[:cap]


def _listing(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


class _Case:
    """Writes one case; ``ev(quote)`` cites the next sentence ``say`` adds, holding the quote."""

    def __init__(self, world: _World, seed: int, number: int) -> None:
        self.w, self.seed, self.count = world, seed, 0
        self.rng = random.Random(f"histiokg-synthetic-{seed}-{number}")
        self.p = world.profiles[_pick(self.rng, MIX)]
        self.sections: list[dict[str, Any]] = []
        self.doc: dict[str, Any] = {"format": FORMAT, "id": f"synthetic-{seed}-{number}"}
        for part in (self.patient, self.pathology, self.molecular, self.diagnosis, self.treatment):
            part()

    def ev(self, quote: str) -> dict[str, str]:
        return {"sentence": f"s{self.count + 1:02d}", "quote": quote}

    def say(self, section: str, text: str) -> None:
        if not self.sections or self.sections[-1]["section"] != section:
            self.sections.append({"section": section, "sentences": []})
        self.count += 1
        self.sections[-1]["sentences"].append({"id": f"s{self.count:02d}", "text": text})

    def patient(self) -> None:
        w, rng, doc, cid = self.w, self.rng, self.doc, self.doc["id"]
        onset = _pick(rng, self.p.onsets) if self.p.onsets else ""
        years = rng.uniform(*ONSET_YEARS.get(onset, ANY_AGE))
        value, unit = (int(years), "year") if years >= 1 else (max(1, int(years * 12)), "month")
        if years < 28 * _DAY:
            value, unit = max(1, round(years / _DAY)), "day"
        sex = rng.choice(("female", "male"))
        who = "infant" if unit != "year" else "child" if value < 16 else "patient"
        age, disease = f"{value}-{unit}-old", w.label(self.p.disease)
        lead = ("An " if str(value).startswith("8") or value in (11, 18) else "A ") + age
        doc["title"] = f"Synthetic case {cid}: {disease}, {age} {sex} (not a real patient)"
        pub = doc["publication"] = {"key": cid, "title": f"Synthetic case report {cid}"}
        pub |= dict.fromkeys(("pmid", "doi", "url"), "") | {"note": _NOTE}
        doc["report"] = self.sections
        self.say("Title", f"Synthetic case {cid}: {disease} in {lead.lower()} {sex} {who}")
        notice = f"This report is synthetic (histiokg synth, seed {self.seed}): it describes no "
        self.say("Synthetic data notice", notice + "real patient and no publication.")
        findings = _some(rng, self.p.findings, 3) if rng.random() < 0.7 else []
        names = {f: w.label(f).lower() for f in findings}
        doc["patient"] = {
            "age": {"value": value, "unit": unit, "evidence": self.ev(lead)},
            "sex": {"value": sex, "evidence": self.ev(f"{sex} {who}")},
        }
        if unit != "year" and rng.random() < 0.5:
            doc["patient"]["born_at_term"] = {"value": True, "evidence": self.ev("born at term")}
            who += ", born at term,"
        if findings:
            doc["findings"] = [{"term": f, "evidence": self.ev(n)} for f, n in names.items()]
        complaint = _listing(list(names.values())) or "a mass found on examination"
        self.say("Case presentation", f"{lead} {sex} {who} presented with {complaint}.")

    def pathology(self) -> None:
        w, rng, doc = self.w, self.rng, self.doc
        sites = _some(rng, self.p.sites, 4)
        where = {x: f"the {w.label(x)}" for x in sites}
        doc["imaging"] = []
        for i, assay in enumerate(rng.sample(w.imaging, rng.choice((1, 2)))):
            said = f"{w.short(assay)} {'confirmed the lesion in' if i else 'showed lesions in'}"
            shown = sites[:1] if i else sites
            doc["imaging"].append({"id": f"im{i + 1}", "assay": assay, "showed": shown})
            doc["imaging"][-1]["evidence"] = self.ev(said)
            if not i:
                doc["sites"] = [{"term": x, "evidence": self.ev(q)} for x, q in where.items()]
            self.say("Case presentation", f"{said} {_listing([where[x] for x in shown])}.")
        taken = [f"biopsy of {where[x]}" for x in sites[: rng.choice((1, 1, 2))]]
        doc["biopsies"] = [{"id": f"b{i + 1}", "site": sites[i]} for i in range(len(taken))]
        for biopsy, quote in zip(doc["biopsies"], taken, strict=True):
            biopsy["evidence"] = self.ev(quote)
        self.say("Pathology", f"A {' and a '.join(taken)} {'were' if taken[1:] else 'was'} taken.")
        panel = [m for m in self.p.markers if rng.random() < 0.85] or list(self.p.markers[:1])
        rng.shuffle(panel)
        doc["markers"] = []
        for start in range(0, len(panel), 6):
            parts = []
            for marker, p_positive, curated in panel[start : start + 6]:
                result = "positive" if rng.random() < p_positive else "negative"
                item: dict[str, Any] = {"marker": marker, "result": result}
                if result == "positive" and rng.random() < 0.6:
                    item["intensity"] = curated or rng.choice(("weak", "moderate", "strong"))
                if result == "positive" and rng.random() < 0.4:
                    item["extent"] = rng.choice(("focal", "diffuse", "patchy"))
                detail = ", ".join(item[k] for k in ("intensity", "extent") if k in item)
                parts.append(f"{w.label(marker)} {result}" + (f" ({detail})" if detail else ""))
                item |= {"assay": w.ihc, "specimens": [b["id"] for b in doc["biopsies"]]}
                doc["markers"].append(item | {"evidence": self.ev(parts[-1])})
            self.say("Pathology", f"Immunohistochemistry showed {_listing(parts)}.")

    def molecular(self) -> None:
        w, rng = self.w, self.rng
        if not self.p.drivers or rng.random() >= 0.8:
            return
        alt = _pick(rng, self.p.drivers)
        kind = w.terms[alt].category
        assays = [w.fish] if kind == "gene_fusion" and rng.random() < 0.5 else []
        assays.append(rng.choice((w.ngs, w.dna)))
        said = "detected " + _FOUND[kind].format(w.label(alt))
        self.doc["molecular"] = [{"alteration": alt, "assays": assays, "evidence": self.ev(said)}]
        self.say("Molecular findings", f"{_listing([w.short(a) for a in assays])} {said}.")

    def diagnosis(self) -> None:
        disease, label = self.p.disease, self.w.label(self.p.disease)
        dx = {"coded": {"term": disease, "evidence": self.ev(f"consistent with {label}")}}
        self.say("Diagnosis", f"The findings were consistent with {label}.")
        synonyms = self.w.terms[disease].synonyms
        if synonyms and self.rng.random() < 0.5:
            said = self.rng.choice(synonyms)
            quote = self.ev(f"reported as {said}")
            dx["reported"] = {"label": said, "closest": disease, "evidence": quote}
            self.say("Diagnosis", f"The diagnosis was reported as {said}.")
        self.doc["diagnosis"] = dx

    def treatment(self) -> None:
        w, rng, doc = self.w, self.rng, self.doc
        targeted = w.targeted(doc["molecular"][0]["alteration"]) if "molecular" in doc else []
        lines: list[dict[str, Any]] = []
        wanted = _pick(rng, LINES)
        for number, ordinal in enumerate(("first", "second", "third")[:wanted], 1):
            used = {a for line in lines for a in line["agents"]}
            fresh = [d for d in targeted if d not in used]
            pool = [d for d in self.p.drugs if d not in used]
            if fresh and (not pool or rng.random() < (0.2 if number == 1 else 0.6)):
                agents = [rng.choice(fresh)]
            elif pool:
                agents = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2))))
            else:
                break
            line: dict[str, Any] = {"number": number, "agents": agents, "intent": f"{ordinal}-line"}
            said = f"{ordinal.capitalize()}-line therapy with "
            said += _listing([w.label(a) for a in agents])
            if not set(agents) & set(targeted) and rng.random() < 0.6:
                line["cycles"] = rng.randint(2, 12)
            said += " was given" + (f" for {line['cycles']} cycles" if "cycles" in line else "")
            line["evidence"] = self.ev(said)
            self.say("Treatment", f"{said}.")
            response = _pick(rng, FINAL_RESPONSES if number == wanted else SWITCH_RESPONSES)
            assay = doc["imaging"][0]["assay"]
            said = f"{w.short(assay)} after {ordinal}-line therapy showed {response}"
            line["response"] = {"category": w.response[response], "assessed_by": assay}
            line["response"] |= {"text": response, "evidence": self.ev(said)}
            self.say("Treatment", f"{said}.")
            lines.append(line)
        if lines:
            doc["treatment_lines"] = lines
        spare = [d for d in targeted if all(d not in line["agents"] for line in lines)]
        if spare and rng.random() < 0.5:
            drug = rng.choice(spare)
            said = f"Targeted therapy with {w.label(drug)}"
            doc["discussed"] = [{"drug": drug, "evidence": self.ev(said)}]
            self.say("Treatment", f"{said} was discussed but not given.")


def _flow(value: Any) -> str:
    """A value in YAML flow style, scalars as JSON (a JSON scalar is a YAML scalar)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(_flow, value)) + "]"
    return "true" if value is True else "false" if value is False else str(value)


def _block(value: dict[str, Any], indent: str = "", width: int = 100) -> list[str]:
    out = []
    for key, item in value.items():
        if isinstance(item, list) and item and isinstance(item[0], dict):
            out.append(f"{indent}{key}:")
            for element in item:
                flow = _flow(element)
                if len(indent) + len(flow) + 4 <= width:
                    out.append(f"{indent}  - {flow}")
                else:
                    lines = _block(element, indent + "    ")
                    out += [f"{indent}  - {lines[0].lstrip()}", *lines[1:]]
        elif isinstance(item, dict) and (not indent or len(indent + key + _flow(item)) > width):
            out += [f"{indent}{key}:", *_block(item, indent + "  ")]
        else:
            out.append(f"{indent}{key}: {_flow(item)}")
    return out


def to_yaml(doc: dict[str, Any], comment: str = "") -> str:
    """Write a case document as YAML: block style, items that fit on a line in flow style.

    >>> print(to_yaml({"id": "x", "patient": {"sex": {"value": "male"}}}, "made up"), end="")
    # made up
    id: "x"
    patient:
      sex: {value: "male"}
    """
    return "\n".join([f"# {comment}"] * bool(comment) + _block(doc)) + "\n"


def generate_cohort(cases: int, seed: int, curation: Curation) -> dict[str, str]:
    """Return {file name: YAML text} of ``cases`` synthetic cases: same (cases, seed), same bytes.

    Case ``n`` depends only on (seed, n): a smaller cohort is a prefix of a larger one.
    """
    world = _World(curation)
    comment = f"Synthetic case (histiokg synth, seed {seed}): no real patient, no publication."
    docs = (_Case(world, seed, number).doc for number in range(1, cases + 1))
    return {f"{doc['id']}.yaml": to_yaml(doc, comment) for doc in docs}
