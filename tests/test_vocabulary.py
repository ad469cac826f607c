"""One source of truth: each vocabulary is defined once (claimtrack.vocabulary) and the models,
the CLI, the graph, the exports and the flags take their words from it; one claimant rule
(claimtrack.claimants) decides who is who in flags, matching and the graph."""

from __future__ import annotations

import io
import re
from typing import get_args

import click
import networkx as nx
import pytest

from claimtrack import claimants, flags, models, vocabulary
from claimtrack.cli import main
from claimtrack.export import export
from claimtrack.export.svg import claim_graph_svg
from claimtrack.graph import build
from claimtrack.models import Claim, Evidence, Mention, Question, Source
from claimtrack.workspace import Records


def test_every_table_has_exactly_its_types_words_in_order():
    vocabulary.check()
    for _, literal, table in vocabulary.VOCABULARIES:
        assert tuple(table) == get_args(literal)


@pytest.mark.parametrize(
    ("model", "field", "table"),
    [
        (models.Source, "kind", vocabulary.SOURCE_KINDS),
        (models.Figure, "kind", vocabulary.FIGURE_KINDS),
        (models.Figure, "qualifier", vocabulary.QUALIFIERS),
        (models.Mention, "origin", vocabulary.TEXT_ORIGINS),
        (models.Evidence, "stance", vocabulary.STANCES),
        (models.Question, "status", vocabulary.QUESTION_STATUSES),
    ],
)
def test_model_fields_accept_exactly_the_vocabulary(model, field, table):
    annotation = model.model_fields[field].annotation
    assert get_args(annotation) == tuple(table)


def _choices(*path: str) -> dict[str, tuple[str, ...]]:
    command = main
    for name in path:
        command = command.commands[name]
    return {
        p.name: tuple(p.type.choices)
        for p in command.params
        if isinstance(p.type, click.Choice) and p.name
    }


def test_cli_choices_come_from_the_vocabulary():
    kinds = tuple(vocabulary.SOURCE_KINDS)
    assert _choices("ingest")["kind"] == kinds
    assert _choices("evidence", "add")["kind"] == kinds
    assert _choices("flags")["codes"] == tuple(vocabulary.FLAG_CODES)
    stance_flags = [
        p.flag_value for p in main.commands["evidence"].commands["add"].params if p.name == "stance"
    ]
    assert tuple(stance_flags) == tuple(vocabulary.STANCES)


def test_flags_take_codes_weights_statuses_and_own_kinds_from_the_vocabulary():
    assert flags.STATUSES == tuple(vocabulary.CLAIM_STATUSES)
    for code, term in vocabulary.FLAG_CODES.items():
        assert flags.flag_weight(code) == term.weight
    assert vocabulary.OWN_KINDS == {"press_release", "statement"}


def _case() -> Records:
    records = Records()
    source = Source(id="s-000000000001", title="Release", kind="press_release", publisher="Klarna")
    other = Source(id="s-000000000002", title="Copy", derived_from=[source.id])
    records.sources = {s.id: s for s in (source, other)}
    for n, claimant in enumerate(["Klarna", "Klarna AB", "the Klarna Group", "a spokesperson"]):
        claim = Claim(
            id=f"c-00000000000{n}",
            text=f"Claim {n} about 700 agents",
            claimant=claimant,
            mentions=[Mention(source=source.id, quote="The assistant does the work.")],
        )
        records.claims[claim.id] = claim
    records.evidence["e-000000000001"] = Evidence(
        id="e-000000000001", claim="c-000000000000", source=other.id, stance="context"
    )
    records.questions["q-000000000001"] = Question(
        id="q-000000000001", claim="c-000000000000", text="How was it counted?"
    )
    return records


def test_graph_edges_are_the_vocabularys_relations_with_their_labels():
    graph = build(_case())
    for u, v, data in graph.edges(data=True):
        term = vocabulary.RELATIONS[data["relation"]]
        assert data["label"] == term.label
        assert (graph.nodes[u]["type"], graph.nodes[v]["type"]) == (term.tail, term.head)
    assert {d["relation"] for *_, d in graph.edges(data=True)} >= {
        "asserts",
        "context",
        "asks_about",
        "claimed_by",
        "derived_from",
    }


def test_svg_legend_and_gexf_colours_come_from_the_vocabulary():
    records = _case()
    svg = claim_graph_svg(build(records))
    legend = svg.split('<g class="legend"', 1)[1].split("</g>", 1)[0]
    for term in vocabulary.RELATIONS.values():
        assert f'stroke="{term.colour}"' in legend and f">{term.label}</text>" in legend
    for kind, node in vocabulary.NODE_TYPES.items():
        if kind != "other":
            assert f'fill="{node.fill}" stroke="{node.colour}"' in legend
    gexf = export(records, "gexf", assessments={})
    r, g, b = (int(vocabulary.RELATIONS["claimed_by"].colour[i : i + 2], 16) for i in (1, 3, 5))
    assert re.search(rf'kind="claimed_by">\s*(<attvalues>.*?</attvalues>\s*)?'
                     rf'<viz:color r="{r}" g="{g}" b="{b}"', gexf, re.S)  # fmt: skip


def test_one_claimant_node_per_name_as_the_claimant_rule_normalises_it():
    graph = build(_case())
    entities = sorted(n for n, a in graph.nodes(data=True) if a["type"] == "entity")
    # "Klarna", "Klarna AB" and "the Klarna Group" are one party in flags and matching, so one
    # node; a description is a node of its own.
    assert entities == ["entity:a-spokesperson", "entity:klarna"]
    assert graph.in_degree("entity:klarna") == 3
    data = export(_case(), "graphml", assessments={})
    read = nx.read_graphml(io.BytesIO(data.encode("utf-8")))
    assert read.nodes["entity:klarna"]["label"] == "Klarna"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Klarna", "Klarna AB", True),
        ("Klarna", "Klarna Bank AB", True),
        ("Klarna's", "klarna", True),
        ("Klarna", "klarna.com", True),
        ("Siemiatkowski", "Sebastian Siemiatkowski", True),
        ("Klarna", "Klarna CEO Sebastian Siemiatkowski", True),
        ("The New York Times", "New York Times Company", True),
        ("Meta", "Metal Corp", False),
        ("Sebastian Siemiatkowski", "Klarna", False),
        ("a spokesperson", "A spokesperson", True),
        ("the buy-now-pay-later firm", "Klarna", None),
        ("Klarna", None, None),
        ("", "Klarna", None),
    ],
)
def test_the_claimant_rule(a, b, same):
    assert claimants.same_claimant(a, b) is same
    assert claimants.same_claimant(b, a) is same


def test_matching_and_conflicts_use_the_same_rule():
    from claimtrack import match

    for a, b in [("Klarna AB", "Klarna"), ("Meta", "Metal Corp"), ("Klarna", "Klarna Bank AB")]:
        ka, kb = match.claimant_key(a), match.claimant_key(b)
        assert (ka, kb) == (claimants.claimant_key(a), claimants.claimant_key(b))
        assert match.same_claimant(ka, kb) is claimants.same_claimant(a, b)
    assert match.claimant_key("The buy-now-pay-later firm") is None
    # Flags: a press release published by "Klarna AB" is Klarna's own word.
    records = _case()
    records.sources["s-000000000001"].publisher = "Klarna AB"
    assessment = flags.for_claim(records, "c-000000000000")
    assert "self-reported" in {f.code for f in assessment.flags}
