"""Names compare across case, typography and the two Chinese scripts, in every lookup."""

from __future__ import annotations

import pytest

from conftest import TINY_GRAPH
from gbakg.names import key, simplified, spellings, traditional

ZH = TINY_GRAPH + 'gbr:alpha-university rdfs:label "阿爾法大學"@zh-Hant .\n'


@pytest.mark.parametrize(
    ("a", "b"),
    [("Hong  Kong", "hong kong"), ("澳門大學", "澳门大学"), ("廣州", "广州"), ("HKUST’s", "hkust's")],
)
def test_same_name(a, b):
    assert key(a) == key(b)


def test_scripts_round_trip():
    assert simplified("香港科技大學") == "香港科技大学"
    assert traditional("香港科技大学") == "香港科技大學"
    assert spellings("广州") == ["广州", "廣州"]
    assert spellings("Shenzhen") == ["Shenzhen"]


@pytest.mark.parametrize("name", ["阿爾法大學", "阿尔法大学"])
def test_cli_finds_an_entity_by_either_script(run, write_ttl, name):
    result = run("neighbors", name, "--graph", str(write_ttl(ZH)))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Alpha University (gba:University)")


@pytest.mark.parametrize("name", ["阿爾法大學", "阿尔法大学"])
def test_query_bind_takes_either_script(run, write_ttl, name):
    result = run(
        "query",
        "SELECT ?x WHERE { ?x a gba:University }",
        "--bind",
        f"x={name}",
        "--graph",
        str(write_ttl(ZH)),
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "https://w3id.org/gbakg/id/alpha-university"


def test_did_you_mean_names_each_entity_once(run, write_ttl):
    result = run("neighbors", "Alpha Universty", "--graph", str(write_ttl(ZH)))
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == "Error: unknown entity 'Alpha Universty'; did you mean 'Alpha University', 'Alpha City'?"
    )


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Alpha University"), ("zh", "阿爾法大學"), (None, "Alpha University")]
)
def test_lang_chooses_the_label_language(run, write_ttl, lang, label):
    """--lang zh prints Chinese names where there are some, English elsewhere; tables stay aligned."""
    args = ["centrality", "--graph", str(write_ttl(ZH)), "--format", "csv"] + (["--lang", lang] if lang else [])
    result = run(*args)
    assert result.exit_code == 0, result.output
    import csv

    rows = list(csv.DictReader(line for line in result.output.splitlines() if not line.startswith("#")))
    labels = {row["label"] for row in rows}
    assert label in labels and "Beta Lab" in labels


def test_table_columns_count_wide_characters_twice():
    from gbakg.formats import render, width

    assert width("阿爾法") == 6
    lines = render([{"a": "阿爾法", "b": "x"}, {"a": "abc", "b": "y"}]).splitlines()
    # three wide characters take six columns: x and y line up on screen
    assert width(lines[2][: lines[2].index("x")]) == width(lines[3][: lines[3].index("y")]) == 8
