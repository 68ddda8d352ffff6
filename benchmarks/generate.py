"""Generate a synthetic Greater Bay Area collaboration graph in the gbakg ontology, for benchmarks.

The graph follows the project's evidence model exactly: qualified nodes (agreements, strengths,
posts) carry their own source and quote, every other fact about an entity is asserted and backed by
an ``rdf:Statement``. All evidence points at one synthetic web source (``schema:url``), so
``gbakg validate`` accepts it and reports its quotes as unverifiable. Every synthetic entity is
named ``gbr:syn-…`` and labelled "Synthetic …": nothing here is a fact about the real world except
the eleven cities and their being part of the Greater Bay Area.

Deterministic: the same ``--seed`` and size give the same bytes. Streaming: each entity is
formatted and written as it is drawn, so a million triples take a few seconds.

    python benchmarks/generate.py --size 1m            # -> benchmarks/data/synthetic-1m.ttl
    python benchmarks/generate.py --triples 2000 --out tiny.ttl
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

SOURCE = "gbs:synthetic-benchmark"
PREFIXES = """\
@prefix gba: <https://w3id.org/gbakg/ontology#> .
@prefix gbr: <https://w3id.org/gbakg/id/> .
@prefix gbs: <https://w3id.org/gbakg/source/> .
@prefix gbe: <https://w3id.org/gbakg/evidence/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""
SOURCE_BLOCK = f"""\
{SOURCE} a gba:Source ;
    rdfs:label "Synthetic benchmark data (not real)"@en ;
    dcterms:title "Synthetic benchmark data for gbakg: generated, not real"@en ;
    dcterms:date "2024-01-01"^^xsd:date ;
    schema:url <https://example.org/gbakg/synthetic-benchmark> .

"""
SOURCE_TRIPLES = 5

# The eleven cities with a rough weight for how much activity each draws.
CITIES = (
    ("hong-kong", "Hong Kong", 16),
    ("macao", "Macao", 3),
    ("guangzhou", "Guangzhou", 16),
    ("shenzhen", "Shenzhen", 20),
    ("zhuhai", "Zhuhai", 5),
    ("foshan", "Foshan", 8),
    ("huizhou", "Huizhou", 4),
    ("dongguan", "Dongguan", 9),
    ("zhongshan", "Zhongshan", 4),
    ("jiangmen", "Jiangmen", 3),
    ("zhaoqing", "Zhaoqing", 2),
)
# Organisation classes: (class, slug word, label word, weight).
ORG_CLASSES = (
    ("gba:Company", "company", "Company", 45),
    ("gba:University", "university", "University", 10),
    ("gba:ResearchInstitute", "institute", "Research Institute", 18),
    ("gba:GovernmentBody", "government-body", "Government Body", 12),
    ("gba:Facility", "facility", "Facility", 15),
)
STAGES = (
    "research",
    "application",
    "commercialisation",
    "marketing",
    "ip-protection",
    "manufacturing",
    "financing",
    "professional-services",
)
ROLES = ("president", "director", "chair", "chief-executive", "chief-scientist", "secretary-general", "partner")
SECTORS = (
    "artificial intelligence",
    "biotech",
    "semiconductors",
    "fintech",
    "new energy",
    "advanced materials",
    "robotics",
    "digital economy",
    "marine science",
    "smart manufacturing",
)
PARTY_COUNTS = (2, 2, 2, 2, 3, 3, 4)

# Average triples per organisation, its agreements, people, posts and strengths included
# (measured on the output); used to size the graph from a target triple count.
TRIPLES_PER_ORG = 61.0


@dataclass
class Counts:
    """What was written: triples, and entities by kind."""

    triples: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)  # entities the benchmark queries start from

    def add(self, kind: str, n: int = 1) -> None:
        self.entities[kind] = self.entities.get(kind, 0) + n


class _Writer:
    """Buffered Turtle output that counts the triples it writes."""

    def __init__(self, out, counts: Counts) -> None:  # type: ignore[no-untyped-def]
        self.out = out
        self.counts = counts
        self.buf: list[str] = []

    def write(self, text: str, triples: int) -> None:
        self.buf.append(text)
        self.counts.triples += triples
        if len(self.buf) >= 2000:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buf))
        self.buf.clear()

    def fact(self, s: str, p: str, o: str, quote: str) -> None:
        """A triple and the rdf:Statement that cites it: 7 triples. The statement is named by a hash of
        what it says, as the curated graph's are (graph/README.md), so the data loads idempotently."""
        digest = hashlib.sha256(f"{s} {p} {o} {quote}".encode()).hexdigest()[:16]
        self.write(
            f"{s} {p} {o} .\n"
            f"gbe:st-{digest} a rdf:Statement ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;\n"
            f'    prov:wasDerivedFrom {SOURCE} ; gba:quote "{quote}" .\n',
            7,
        )


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(rng: random.Random) -> str:
    year = rng.randint(2012, 2024)
    if rng.random() < 0.2:
        return f'"{year}"^^xsd:gYear'
    return f'"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^xsd:date'


class _Weighted:
    """Draw items by fixed weights in O(log n), reproducibly."""

    def __init__(self, items: list, weights: list[float]) -> None:  # type: ignore[type-arg]
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def weight(self, i: int) -> float:
        return self.cum[i] - (self.cum[i - 1] if i else 0.0)

    def uniform(self, rng: random.Random):  # type: ignore[no-untyped-def]
        return self.items[rng.randrange(len(self.items))]

    def draw(self, rng: random.Random):  # type: ignore[no-untyped-def]
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def generate(out_path: str | Path, triples: int, seed: int = 8) -> Counts:
    """Write a synthetic graph of about ``triples`` triples to ``out_path``; return what was written."""
    rng = random.Random(seed)
    counts = Counts()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    n_orgs = max(12, round((triples - 400) / TRIPLES_PER_ORG))
    with out_path.open("w", encoding="utf-8", newline="\n") as out:
        w = _Writer(out, counts)
        w.write(PREFIXES + SOURCE_BLOCK, SOURCE_TRIPLES)
        places = _places(w, rng, n_orgs)
        orgs = _organisations(w, rng, n_orgs, places)
        _agreements(w, rng, round(1.2 * n_orgs), orgs)
        _people(w, rng, round(1.3 * n_orgs), orgs)
        _strengths(w, rng, round(0.3 * n_orgs), orgs)
        w.flush()
    counts.anchors = {"hub": orgs.items[max(range(len(orgs.items)), key=orgs.weight)], "city": "gbr:shenzhen"}
    return counts


def _places(w: _Writer, rng: random.Random, n_orgs: int) -> list[tuple[str, str, str]]:
    """The region, the eleven cities and synthetic districts; returns (iri, label, city label)."""
    w.write('gbr:greater-bay-area rdfs:label "Greater Bay Area"@en .\n', 1)
    w.fact("gbr:greater-bay-area", "rdf:type", "gba:Region", "Synthetic record: the Greater Bay Area is a region.")
    w.counts.add("gba:Region")
    per_city = min(20, max(1, n_orgs // 800))
    places = []
    for slug, label, _weight in CITIES:
        city = f"gbr:{slug}"
        w.write(f"{city} rdfs:label {_lit(label)}@en .\n", 1)
        w.fact(city, "rdf:type", "gba:City", f"Synthetic record: {label} is a city.")
        w.fact(city, "gba:partOf", "gbr:greater-bay-area", f"Synthetic record: {label} is in the Greater Bay Area.")
        w.counts.add("gba:City")
        places.append((city, label, label))
        for d in range(1, per_city + 1):
            district, name = f"gbr:syn-{slug}-district-{d:02d}", f"Synthetic District {d} of {label}"
            w.write(f"{district} rdfs:label {_lit(name)}@en .\n", 1)
            w.fact(district, "rdf:type", "gba:District", f"Synthetic record: {name} is a district.")
            w.fact(district, "gba:partOf", city, f"Synthetic record: {name} is part of {label}.")
            w.counts.add("gba:District")
            places.append((district, name, label))
    return places


def _organisations(w: _Writer, rng: random.Random, n: int, places: list[tuple[str, str, str]]) -> _Weighted:
    """Organisations of every class; returns a heavy-tailed draw over the non-facility ones."""
    city_weight = {label: weight for _slug, label, weight in CITIES}
    place_draw = _Weighted(places, [city_weight[city] for _iri, _name, city in places])
    class_draw = _Weighted(list(ORG_CLASSES), [c[3] for c in ORG_CLASSES])
    numbers: dict[str, int] = {}
    actors: list[str] = []
    activity: list[float] = []
    operators: list[str] = []
    for _ in range(n):
        cls, word, title, _weight = class_draw.draw(rng)
        numbers[word] = numbers.get(word, 0) + 1
        i = numbers[word]
        iri = f"gbr:syn-{word}-{i:06d}"
        place, _place_name, city = place_draw.draw(rng)
        name = f"Synthetic {title} {i}"
        block = f"{iri} rdfs:label {_lit(name)}@en"
        triples = 1
        if rng.random() < 0.5:
            block += f' ; skos:altLabel "S{word[0].upper()}{i}"'
            triples += 1
        w.write(block + " .\n", triples)
        w.fact(iri, "rdf:type", cls, f"Synthetic record: {name} is a {title.lower()}.")
        w.fact(iri, "gba:locatedIn", place, f"Synthetic record: {name} is located in {city}.")
        for sector in rng.sample(SECTORS, rng.choice((0, 1, 1, 2))):
            w.fact(iri, "gba:focusArea", _lit(sector), f"Synthetic record: {name} works on {sector}.")
        if cls == "gba:Facility":
            if operators:
                runner = operators[rng.randrange(len(operators))]
                w.fact(iri, "gba:runBy", runner, f"Synthetic record: {name} is run by {runner[4:]}.")
            if rng.random() < 0.5:
                _milestone(w, rng, iri, name, i)
        else:
            actors.append(iri)
            activity.append(rng.paretovariate(1.3))
            if cls != "gba:Company":
                operators.append(iri)
        w.counts.add(cls)
    return _Weighted(actors, activity)


def _milestone(w: _Writer, rng: random.Random, facility: str, name: str, i: int) -> None:
    """An opening, achieved or planned, as a qualified node."""
    planned = rng.random() < 0.3
    year = rng.randint(2025, 2030) if planned else rng.randint(2005, 2024)
    status, verb = ("gba:Planned", "will open") if planned else ("gba:Achieved", "opened")
    w.write(
        f"gbr:syn-milestone-{i:06d} a gba:Milestone ;\n"
        f'    rdfs:label "{name} opening"@en ;\n'
        f'    gba:milestoneOf {facility} ; gba:event "opened" ; gba:date "{year}"^^xsd:gYear ; gba:status {status} ;\n'
        f"    prov:wasDerivedFrom {SOURCE} ;\n"
        f'    gba:quote "Synthetic record: {name} {verb} in {year}." .\n',
        8,
    )
    w.counts.add("gba:Milestone")


def _agreements(w: _Writer, rng: random.Random, n: int, orgs: _Weighted) -> None:
    """Agreements between 2-4 parties with signing dates; some also assert collaboratesWith."""
    pairs: set[tuple[str, str]] = set()
    for i in range(1, n + 1):
        k = min(rng.choice(PARTY_COUNTS), len(orgs.items))
        parties: list[str] = []
        while len(parties) < k:
            party = orgs.draw(rng)
            if party not in parties:
                parties.append(party)
        iri = f"gbr:syn-agreement-{i:07d}"
        names = ", ".join(p[4:] for p in parties)
        lines = [f"{iri} a gba:Agreement", f'rdfs:label "Synthetic Agreement {i}"@en']
        lines += [f"gba:party {p}" for p in parties]
        lines.append(f"gba:signedOn {_date(rng)}")
        extra = 0
        if rng.random() < 0.7:
            lines.append(f"gba:focusArea {_lit(rng.choice(SECTORS))}")
            extra = 1
        lines.append(f"prov:wasDerivedFrom {SOURCE}")
        lines.append(f'gba:quote "Synthetic record: agreement {i} was signed by {names}."')
        w.write(" ;\n    ".join(lines) + " .\n", 5 + k + extra)
        w.counts.add("gba:Agreement")
        a, b = sorted(parties[:2])
        if rng.random() < 0.25 and (a, b) not in pairs:
            pairs.add((a, b))
            w.fact(a, "gba:collaboratesWith", b, f"Synthetic record: {a[4:]} collaborates with {b[4:]}.")


def _people(w: _Writer, rng: random.Random, n: int, orgs: _Weighted) -> None:
    """Roles, people and their posts (org:Membership)."""
    for role in ROLES:
        iri, name = f"gbr:syn-role-{role}", role.replace("-", " ").title()
        # Several synthetic people may hold a role at one organisation at once: a shared post.
        w.write(f"{iri} rdfs:label {_lit(name)}@en ; gba:sharedPost true .\n", 2)
        w.fact(iri, "rdf:type", "org:Role", f"Synthetic record: {name} is a role.")
        w.counts.add("org:Role")
    post = 0
    for i in range(1, n + 1):
        person, name = f"gbr:syn-person-{i:07d}", f"Synthetic Person {i}"
        w.write(f"{person} rdfs:label {_lit(name)}@en .\n", 1)
        w.fact(person, "rdf:type", "gba:Person", f"Synthetic record: {name} is a person.")
        w.counts.add("gba:Person")
        for _ in range(1 if rng.random() < 0.8 else 2):
            post += 1
            organisation, role = orgs.uniform(rng), rng.choice(ROLES)
            w.write(
                f"gbr:syn-membership-{post:07d} a org:Membership ;\n"
                f'    rdfs:label "Synthetic Post {post}"@en ;\n'
                f"    org:member {person} ; org:organization {organisation} ; org:role gbr:syn-role-{role} ;\n"
                f"    gba:date {_date(rng)} ;\n"
                f"    prov:wasDerivedFrom {SOURCE} ;\n"
                f'    gba:quote "Synthetic record: {name} holds the post of {role} at {organisation[4:]}." .\n',
                8,
            )
            w.counts.add("org:Membership")


def _strengths(w: _Writer, rng: random.Random, n: int, orgs: _Weighted) -> None:
    """Strengths at a value-chain stage, held by cities (a fifth) or organisations."""
    for i in range(1, n + 1):
        holder = f"gbr:{rng.choice(CITIES)[0]}" if rng.random() < 0.2 else orgs.draw(rng)
        stage = rng.choice(STAGES)
        iri = f"gbr:syn-strength-{i:07d}"
        lines = [
            f"{iri} a gba:Strength",
            f'rdfs:label "Synthetic Strength {i}"@en',
            f"gba:holder {holder}",
            f"gba:stage gbr:stage-{stage}",
        ]
        sector = ""
        if rng.random() < 0.6:
            sector = rng.choice(SECTORS)
            lines.append(f"gba:sector {_lit(sector)}")
        lines.append(f"prov:wasDerivedFrom {SOURCE}")
        lines.append(f'gba:quote "Synthetic record: {holder[4:]} is strong at {stage} {sector}."')
        w.write(" ;\n    ".join(lines) + " .\n", 6 + bool(sector))
        w.fact(holder, "gba:hasStrength", iri, f"Synthetic record: {holder[4:]} has strength {i}.")
        w.counts.add("gba:Strength")


def default_path(size: str) -> Path:
    return DATA_DIR / f"synthetic-{size}.ttl"


def ensure(size: str, seed: int = 8) -> Path:
    """The data file for a named size, generated once (the generator is deterministic)."""
    path = default_path(size)
    if not path.exists() or not meta_path(path).exists() or read_meta(path).get("generator") != _version():
        tmp = path.with_suffix(".tmp")
        counts = generate(tmp, SIZES[size], seed)
        write_meta(path, counts, seed)
        tmp.replace(path)
    return path


def meta_path(data: Path) -> Path:
    return data.with_suffix(".json")


def write_meta(data: Path, counts: Counts, seed: int) -> None:
    """Beside the data: its triple count, entities by class, seed and anchor entities."""
    meta = {"triples": counts.triples, "seed": seed, "entities": counts.entities, "anchors": counts.anchors}
    meta["generator"] = _version()
    meta_path(data).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _version() -> str:
    """A hash of this file: data generated by an older generator is generated again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def read_meta(data: Path) -> dict:
    return json.loads(meta_path(data).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--size", choices=sorted(SIZES), default="10k", help="named size (default 10k)")
    group.add_argument("--triples", type=int, help="target triple count instead of a named size")
    parser.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
    parser.add_argument("--out", type=Path, help="output file (default benchmarks/data/synthetic-SIZE.ttl)")
    args = parser.parse_args(argv)
    target = args.triples if args.triples else SIZES[args.size]
    out = args.out or (default_path(args.size) if not args.triples else DATA_DIR / f"synthetic-{target}.ttl")
    start = time.perf_counter()
    counts = generate(out, target, args.seed)
    write_meta(out, counts, args.seed)
    took = time.perf_counter() - start
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(counts.entities.items()))
    print(f"wrote {out}: {counts.triples} triples in {took:.1f} s ({kinds})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
