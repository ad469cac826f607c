"""Exports: GraphML that networkx and igraph read back, GEXF, JSON, ClaimReview, dossiers."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import networkx as nx
import pytest
from click.testing import CliRunner

from claimtrack.cli import main
from claimtrack.export import ExportError, export, prepare, render
from claimtrack.export.dossier import flag_explanation
from claimtrack.export.dossier import h as escape
from claimtrack.export.dossier import md as md_escape
from claimtrack.flags import Assessment
from claimtrack.models import Claim, Evidence, Figure, Mention, Question, QuestionOrigin, Source

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"
NMTOKEN = re.compile(r"^[\w.:\-\u00b7]+$")
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)

# Article text that must never become markup.
SCRIPT_TITLE = (
    "<script>document.body.appendChild(Object.assign(document.createElement('div'),"
    "{id:'xss-ran'}))</script>Chatbot math"
)
ATTR_BREAKER = '"><img id=xss-img src=x onerror="document.title=\'pwned\'">'


def build_case(ws):
    """A small Klarna case: four sources (one hostile), three claims, evidence, a question."""
    fc = Source(
        id="s-00000000000a",
        url="https://www.fastcompany.com/91039401/klarna-ai-assistant-700",
        title="Klarna's chatbot is said to equal 700 agents",
        author="C. Zara",
        publisher="Fast Company",
        published="2024-02-27",
        retrieved_at=T0,
    )
    press = Source(
        id="s-00000000000b",
        url="https://www.klarna.com/international/press/ai-assistant-first-month/",
        title="Klarna's assistant: first month in numbers",
        publisher="Klarna",
        published="2024-02-26",
        kind="press_release",
        retrieved_at=T0,
    )
    ibt = Source(
        id="s-00000000000c",
        url="https://www.ibtimes.co.uk/klarna-chatbots-700-people-2000-jobs",
        title="Klarna to shed nearly 2,000 roles as software takes over",
        publisher="IBTimes",
        published="2024-08-28",
        derived_from=["s-00000000000b"],
        retrieved_at=T0,
    )
    hostile = Source(
        id="s-00000000000d",
        url="javascript:document.title='pwned'",
        title=SCRIPT_TITLE,
        publisher=ATTR_BREAKER,
        kind="note",
        retrieved_at=T0,
    )
    agents = Claim(
        id="c-000000000001",
        text="Klarna's AI assistant does the work of 700 full-time agents",
        claimant="Klarna",
        figures=[Figure(text="700 full-time agents", value=700, unit="agents", kind="count")],
        tags=["ai", "labour"],
        created_at=T0,
        mentions=[
            Mention(
                source=fc.id,
                quote="Klarna says the assistant now handles the load of 700 staff.",
                claimant="Klarna",
                cue="says",
            ),
            Mention(source=press.id, quote="The assistant does the work of 700 agents."),
            Mention(source=ibt.id, quote="Its chatbot reportedly matches 700 service agents."),
            Mention(source=hostile.id, quote="<b>bold</b> & <script>alert(1)</script> | pipe"),
        ],
    )
    jobs = Claim(
        id="c-000000000002",
        text="Klarna will cut nearly 2,000 jobs",
        claimant="Klarna",
        figures=[
            Figure(text="nearly 2,000 jobs", value=2000, unit="jobs", qualifier="nearly"),
        ],
        created_at=T0,
        mentions=[Mention(source=ibt.id, quote="The firm plans to lose nearly 2,000 jobs.")],
    )
    profit = Claim(
        id="c-000000000003",
        text="The assistant could add $40 million to profit in 2024",
        claimant="Klarna",
        created_at=T0,
        mentions=[
            Mention(
                source=fc.id,
                quote="Klarna estimates a $40 million profit boost this year.",
                cue="estimates",
                hedged=True,
            )
        ],
    )
    ev1 = Evidence(
        id="e-000000000001",
        claim=agents.id,
        source=press.id,
        stance="supports",
        quote="The assistant does the work of 700 agents.",
        author="desk",
        created_at=T0,
    )
    ev2 = Evidence(
        id="e-000000000002",
        claim=agents.id,
        source=fc.id,
        stance="context",
        quote="A spokesperson could not say how the figure was worked out.",
        note="No method given.",
        unverified=True,
        created_at=T0,
    )
    q = Question(
        id="q-000000000001",
        claim=agents.id,
        text="How did Klarna compute the 700-agent equivalence?",
        origin=QuestionOrigin(
            rule="non-answer",
            source=fc.id,
            sentence="A spokesperson could not say how the figure was worked out.",
        ),
        created_at=T0,
    )
    ws.save_many([fc, press, ibt, hostile, agents, jobs, profit, ev1, ev2, q])
    return ws.records()


@pytest.fixture
def case(ws):
    return build_case(ws)


def _bundle(records, **kw):
    """The export bundle, assessed by claimtrack.flags. build_case's claims come out as:
    c-1 (700 agents) unsupported, flags no-evidence (its only support is Klarna's own press
    release) and open-question; c-2 (2,000 jobs) unsupported, self-reported and no-evidence
    (its only source repeats the press release); c-3 ($40 million) unsupported, no-evidence
    and hedged."""
    return prepare(records, **kw)


def _partly_assessed(records):
    """The bundle with c-3's assessment left out: a claim the caller did not assess."""
    full = prepare(records)
    kept = {cid: a for cid, a in full.assessments.items() if cid != "c-000000000003"}
    return prepare(records, assessments=kept)


def test_build_case_has_the_states_the_export_tests_rely_on(case):
    states = {
        cid: (a.status, [f.code for f in a.flags]) for cid, a in _bundle(case).assessments.items()
    }
    assert states == {
        "c-000000000001": ("unsupported", ["no-evidence", "open-question"]),
        "c-000000000002": ("unsupported", ["self-reported", "no-evidence"]),
        "c-000000000003": ("unsupported", ["no-evidence", "hedged"]),
    }


# -- GraphML ---------------------------------------------------------------------------------


def test_graphml_follows_the_schema_rules(case):
    bundle = _bundle(case)
    text = render(bundle, "graphml")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == GRAPHML + "graphml"
    keys = root.findall(GRAPHML + "key")
    ids = [k.get("id") for k in keys]
    assert len(ids) == len(set(ids)), "key ids must be unique"
    domains: dict[str, str] = {}
    for k in keys:
        assert k.get("for") in {"node", "edge", "graph", "all"}
        assert k.get("attr.type") in {"boolean", "int", "long", "float", "double", "string"}
        assert NMTOKEN.match(k.get("attr.name")), k.get("attr.name")
        assert NMTOKEN.match(k.get("id"))
        domains[k.get("id")] = k.get("for")
    node_names = {k.get("attr.name") for k in keys if k.get("for") == "node"}
    edge_names = {k.get("attr.name") for k in keys if k.get("for") == "edge"}
    assert {"label", "type", "status", "flags"} <= node_names
    assert {"label", "relation"} <= edge_names
    # The same attribute name in both domains gets two different key ids.
    label_keys = {k.get("for"): k.get("id") for k in keys if k.get("attr.name") == "label"}
    assert label_keys["node"] != label_keys["edge"]

    graph = root.find(GRAPHML + "graph")
    assert graph.get("edgedefault") == "directed"
    nodes = graph.findall(GRAPHML + "node")
    edges = graph.findall(GRAPHML + "edge")
    node_ids = [n.get("id") for n in nodes]
    edge_ids = [e.get("id") for e in edges]
    assert len(node_ids) == len(set(node_ids)) == bundle.graph.number_of_nodes()
    assert len(edge_ids) == len(set(edge_ids)) == bundle.graph.number_of_edges()
    for i in node_ids + edge_ids:
        assert NMTOKEN.match(i), i
    for domain, elements in (("node", nodes), ("edge", edges)):
        for el in elements:
            names = set()
            for d in el.findall(GRAPHML + "data"):
                assert domains[d.get("key")] in {domain, "all"}, d.get("key")
                assert (d.text or "") not in ("None", "null")
                names.add(d.get("key"))
            assert label_keys[domain] in names
    for e in edges:
        assert e.get("source") in node_ids and e.get("target") in node_ids

    by_id = {n.get("id"): n for n in nodes}
    status_key = next(
        k.get("id") for k in keys if k.get("attr.name") == "status" and k.get("for") == "node"
    )
    flags_key = next(
        k.get("id") for k in keys if k.get("attr.name") == "flags" and k.get("for") == "node"
    )
    agents = {d.get("key"): d.text for d in by_id["c-000000000001"].findall(GRAPHML + "data")}
    assert agents[status_key] == "unsupported"
    assert agents[flags_key] == "no-evidence open-question"
    partial = ET.fromstring(render(_partly_assessed(case), "graphml").encode("utf-8"))
    profit = next(n for n in partial.iter(GRAPHML + "node") if n.get("id") == "c-000000000003")
    profit_keys = {d.get("key") for d in profit}
    assert label_keys["node"] in profit_keys
    assert status_key not in profit_keys  # not assessed: no status rather than "None"


def test_graphml_round_trips_through_networkx(case):
    bundle = _bundle(case)
    path_text = render(bundle, "graphml")
    import io

    g = nx.read_graphml(io.BytesIO(path_text.encode("utf-8")))
    assert g.number_of_nodes() == bundle.graph.number_of_nodes()
    assert g.number_of_edges() == bundle.graph.number_of_edges()
    assert g.is_directed() and g.is_multigraph()
    for node, attrs in bundle.graph.nodes(data=True):
        assert g.nodes[node]["label"] == attrs["label"]
        assert g.nodes[node]["type"] == attrs["type"]
    assert g.nodes["c-000000000001"]["status"] == "unsupported"
    assert g.nodes["c-000000000001"]["flag_count"] == 2
    assert g.nodes["c-000000000001"]["tags"] == "ai; labour"
    assert g.nodes["s-00000000000d"]["label"] == bundle.graph.nodes["s-00000000000d"]["label"]
    relations = sorted(d["relation"] for *_, d in g.edges(data=True))
    assert relations == sorted(d["relation"] for *_, d in bundle.graph.edges(data=True))
    hedged = [d for *_, d in g.edges(data=True) if d.get("cue") == "estimates"]
    assert hedged and hedged[0]["hedged"] is True


def test_graphml_booleans_are_xml_schema_literals(case):
    # attr.type="boolean" is XML Schema's boolean: "true" or "false", not Python's "True".
    root = ET.fromstring(render(_bundle(case), "graphml").encode("utf-8"))
    boolean_keys = {
        k.get("id") for k in root.findall(GRAPHML + "key") if k.get("attr.type") == "boolean"
    }
    values = {d.text for d in root.iter(GRAPHML + "data") if d.get("key") in boolean_keys}
    assert boolean_keys and values == {"true", "false"}


def test_graphml_round_trips_through_igraph(case, tmp_path):
    igraph = pytest.importorskip("igraph")
    bundle = _bundle(case)
    path = tmp_path / "case.graphml"
    path.write_text(render(bundle, "graphml"), encoding="utf-8")
    g = igraph.Graph.Read_GraphML(str(path))
    assert g.vcount() == bundle.graph.number_of_nodes()
    assert g.ecount() == bundle.graph.number_of_edges()
    assert g.is_directed()
    assert g.vs["id"] == list(bundle.graph.nodes)
    assert g.vs["label"] == [a["label"] for _, a in bundle.graph.nodes(data=True)]
    assert g.es["label"] == [a["label"] for *_, a in bundle.graph.edges(data=True)]
    assert sorted(g.es["relation"]) == sorted(
        a["relation"] for *_, a in bundle.graph.edges(data=True)
    )
    claim = g.vs.find(id="c-000000000001")
    assert claim["status"] == "unsupported"
    assert claim["type"] == "claim"


def test_graphml_survives_text_xml_cannot_hold(ws):
    ws.save(
        Claim(
            id="c-0000000000ff",
            text="Control\x0bcharacters\x00 and a carriage\r\nreturn",
            claimant="Bell\x07Corp",
            created_at=T0,
        )
    )
    text = export(ws.records(), "graphml", assessments={})
    import io

    g = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert g.nodes["c-0000000000ff"]["text"] == "Controlcharacters and a carriage\r\nreturn"
    assert g.number_of_nodes() == 2  # the claim and its claimant


# -- GEXF ------------------------------------------------------------------------------------


def test_gexf_colours_nodes_by_type_and_loads_in_networkx(case):
    import io

    bundle = _bundle(case)
    text = render(bundle, "gexf")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == GEXF + "gexf" and root.get("version") == "1.3"
    colours: dict[str, set] = {}
    type_attr = next(
        a.get("id")
        for a in root.iter(GEXF + "attribute")
        if a.get("title") == "type" and a in root.find(f"{GEXF}graph/{GEXF}attributes")
    )
    for node in root.iter(GEXF + "node"):
        kind = next(
            v.get("value") for v in node.iter(GEXF + "attvalue") if v.get("for") == type_attr
        )
        c = node.find(VIZ + "color")
        colours.setdefault(kind, set()).add((c.get("r"), c.get("g"), c.get("b")))
    assert set(colours) == {"claim", "source", "question", "entity"}
    assert all(len(c) == 1 for c in colours.values()), "one colour per node type"
    assert len({next(iter(c)) for c in colours.values()}) == 4, "types have distinct colours"

    g = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    assert g.number_of_nodes() == bundle.graph.number_of_nodes()
    assert g.number_of_edges() == bundle.graph.number_of_edges()
    for node, attrs in bundle.graph.nodes(data=True):
        assert g.nodes[node]["label"] == attrs["label"]
    assert g.nodes["c-000000000001"]["status"] == "unsupported"


# -- JSON ------------------------------------------------------------------------------------


def test_json_is_node_link_plus_records(case):
    bundle = _bundle(case)
    data = json.loads(render(bundle, "json"))
    assert data["claimtrack_export"] == 1
    g = nx.node_link_graph(data["graph"], edges="links")
    assert g.number_of_nodes() == bundle.graph.number_of_nodes()
    assert g.number_of_edges() == bundle.graph.number_of_edges()
    assert g.nodes["c-000000000001"]["flags"] == ["no-evidence", "open-question"]
    assert g.nodes["c-000000000001"]["figures"] == ["700 full-time agents"]
    claims = [Claim.model_validate(c) for c in data["records"]["claims"]]
    assert [c.id for c in claims] == sorted(case.claims)
    assert claims[0] == case.claims[claims[0].id]
    assert len(data["records"]["sources"]) == 4
    assert {e["id"] for e in data["records"]["evidence"]} == {"e-000000000001", "e-000000000002"}
    by_claim = {a["claim"]: a for a in data["assessments"]}
    jobs = bundle.assessments["c-000000000002"]
    assert by_claim["c-000000000002"] == {
        "claim": "c-000000000002",
        "status": "unsupported",
        "flags": [{"code": f.code, "detail": f.detail} for f in jobs.flags],
        "origins": 1,
        "mentions": 1,
    }
    assert [f["code"] for f in by_claim["c-000000000002"]["flags"]] == [
        "self-reported",
        "no-evidence",
    ]
    unassessed = json.loads(render(_partly_assessed(case), "json"))
    assert {a["claim"]: a["status"] for a in unassessed["assessments"]}["c-000000000003"] is None


# -- ClaimReview -----------------------------------------------------------------------------


def test_claimreview_one_review_per_assessed_claim(case):
    bundle = _bundle(case)
    reviews = json.loads(
        render(bundle, "claimreview", author="Jane Doe", publisher="The Desk", date="2026-11-23")
    )
    assert [r["identifier"] for r in reviews] == [
        "c-000000000001",
        "c-000000000002",
        "c-000000000003",
    ]
    partial = json.loads(render(_partly_assessed(case), "claimreview", author="Jane Doe"))
    assert [r["identifier"] for r in partial] == ["c-000000000001", "c-000000000002"]
    r = reviews[0]
    assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
    assert r["claimReviewed"] == "Klarna's AI assistant does the work of 700 full-time agents"
    assert r["datePublished"] == "2026-11-23"
    assert r["author"] == {"@type": "Person", "name": "Jane Doe"}
    assert r["publisher"] == {"@type": "Organization", "name": "The Desk"}
    item = r["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"]["name"] == "Klarna"
    urls = [a["url"] for a in item["appearance"]]
    # Sources with an http(s) URL, earliest first; the press release came a day before.
    assert urls[0] == "https://www.klarna.com/international/press/ai-assistant-first-month/"
    assert set(urls) == {
        "https://www.fastcompany.com/91039401/klarna-ai-assistant-700",
        "https://www.klarna.com/international/press/ai-assistant-first-month/",
        "https://www.ibtimes.co.uk/klarna-chatbots-700-people-2000-jobs",
    }
    assert item["firstAppearance"]["url"] == urls[0]
    assert item["firstAppearance"]["datePublished"] == "2024-02-26"
    assert r["reviewRating"]["alternateName"] == "Unsupported"
    assert "no-evidence" in r["reviewRating"]["ratingExplanation"]
    assert "self-reported" in reviews[1]["reviewRating"]["ratingExplanation"]


def test_claimreview_needs_an_author_and_an_iso_date(case):
    bundle = _bundle(case)
    with pytest.raises(ExportError, match="author"):
        render(bundle, "claimreview")
    with pytest.raises(ExportError, match="ISO 8601"):
        render(bundle, "claimreview", author="Jane", date="23/11/2026")


def test_cli_claimreview_uses_workspace_settings(ws, run):
    build_case(ws)
    result = run("export", "--format", "claimreview")
    assert result.exit_code == 1
    assert "needs an author" in result.output and "Traceback" not in result.output
    ws.set_setting("author", "Fact desk")
    ws.set_setting("publisher", "The Daily")
    result = run("export", "--format", "claimreview", "--date", "2026-01-02")
    assert result.exit_code == 0, result.output
    reviews = json.loads(result.output)
    assert {r["author"]["name"] for r in reviews} == {"Fact desk"}
    assert {r["publisher"]["name"] for r in reviews} == {"The Daily"}
    assert {r["datePublished"] for r in reviews} == {"2026-01-02"}


# -- dossiers --------------------------------------------------------------------------------


def test_html_dossier_escapes_article_text(case):
    html = render(_bundle(case), "html", date="2026-11-23")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;document.body.appendChild" in html
    assert "<img" not in html and 'onerror="' not in html
    assert 'href="javascript:' not in html.lower()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    # One self-contained file: no external resource is loaded.
    assert not re.search(r'(src|href)="(https?:)?//(?!www\.(fastcompany|klarna|ibtimes))', html)
    assert "<link" not in html and "@import" not in html
    assert "Content-Security-Policy" in html
    # The graph and the claim table are there, and every claim has its section.
    assert html.count('<g class="node claim') == 3
    assert html.count("<tr data-claim=") == 3
    for cid in case.claims:
        assert f'<article class="claim" id="{cid}"' in html


def test_html_dossier_shows_status_flags_evidence_questions(case):
    html = render(_bundle(case), "html")
    article = html.split('<article class="claim" id="c-000000000001"')[1].split("</article>")[0]
    assert "unsupported" in article
    assert "no-evidence" in article
    assert "the only supporting evidence comes from Klarna&#x27;s own origin" in article
    why = flag_explanation("no-evidence")
    assert why and escape(why) in article  # the flag explained
    assert "supports" in article and "context" in article
    assert "quote not found in the archived source" in article
    assert "How did Klarna compute the 700-agent equivalence?" in article
    assert 'href="https://www.klarna.com/international/press/ai-assistant-first-month/"' in article
    # Claims with flags come first in the table.
    rows = re.findall(r'<tr data-claim="([^"]+)"', html)
    assert rows[-1] == "c-000000000003"


def test_markdown_dossier(case):
    md = render(_bundle(case), "markdown", date="2026-11-23")
    assert md.startswith("# Claim dossier\n")
    assert "<script" not in md.lower() and "<img" not in md
    assert "&lt;script&gt;document.body.appendChild" in md
    assert "](<javascript:" not in md
    assert "data:image/svg+xml;base64," in md
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + 3  # header and one row per claim
    assert all(line.count(" | ") == 6 for line in table), "pipes in text are escaped"
    assert "> Klarna says the assistant now handles the load of 700 staff." in md
    assert "`self-reported`" in md and md_escape(flag_explanation("self-reported")) in md
    assert "How did Klarna compute the 700\\-agent" not in md  # '-' is left alone
    assert "How did Klarna compute the 700-agent equivalence?" in md
    linked = render(_bundle(case), "markdown", svg_href="dossier.svg")
    assert "![Claim graph](<dossier.svg>)" in linked and "base64" not in linked


def test_cli_markdown_with_output_writes_svg_alongside(ws, run, tmp_path):
    build_case(ws)
    result = run("export", "-f", "markdown", "-o", str(tmp_path / "dossier.md"))
    assert result.exit_code == 0, result.output
    md = (tmp_path / "dossier.md").read_text(encoding="utf-8")
    svg = (tmp_path / "dossier.svg").read_text(encoding="utf-8")
    assert "![Claim graph](<dossier.svg>)" in md
    root = ET.fromstring(svg.encode("utf-8"))  # a well-formed standalone SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.count('<g class="node claim') == 3


# -- neighbourhoods, CLI ---------------------------------------------------------------------


def test_claim_option_exports_a_neighbourhood(ws, run):
    build_case(ws)
    result = run("export", "--format", "json", "--claim", "c-0000000000002")
    assert result.exit_code == 1  # too long a prefix: no such claim
    assert result.output.count("\n") == 1
    result = run("export", "--format", "json", "--claim", "c-00000000000")
    assert result.exit_code == 1 and "ambiguous" in result.output
    result = run("export", "--format", "json", "--claim", "c-000000000002")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    ids = {n["id"] for n in data["graph"]["nodes"]}
    assert ids == {"c-000000000002", "s-00000000000c", "entity:klarna"}
    assert data["focus"] == ["c-000000000002"]
    assert [c["id"] for c in data["records"]["claims"]] == ["c-000000000002"]
    assert data["records"]["evidence"] == [] and data["records"]["questions"] == []


def test_cli_writes_file_or_stdout_and_leaves_workspace_alone(ws, run, tmp_path):
    from conftest import snapshot_tree

    build_case(ws)
    before = snapshot_tree(ws.root)
    out = run("export", "--format", "graphml")
    assert out.exit_code == 0 and out.output.startswith("<?xml")
    result = run("export", "--format", "graphml", "-o", str(tmp_path / "g.graphml"))
    assert result.exit_code == 0
    assert (tmp_path / "g.graphml").read_text(encoding="utf-8") == out.output
    # An export is made to be shared: normal permissions, not a temporary file's 0600.
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "g.graphml").stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert snapshot_tree(ws.root) == before
    for wrong in ("yesterday", "2026-13-45"):
        bad = run("export", "--format", "html", "--date", wrong)
        assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_claim_with_nothing_and_unicode_everywhere_exports_in_every_format(ws, run, tmp_path):
    igraph = pytest.importorskip("igraph")
    ws.save_many(
        [
            Claim(
                id="c-00000000a11e",
                text="Ållébolaget säger: 7 av 10 kunder 😊 föredrar «chat» — 中文 «引用»",
                claimant="Åsa Ødegård–Łukasiewicz",
                created_at=T0,
            ),
            Source(
                id="s-00000000a11e",
                title="Заголовок «статьи» 📰",
                publisher="Ünïcödé Ťïmes",
                retrieved_at=T0,
            ),
        ]
    )
    records = ws.records()
    ws.set_setting("author", "Zoë Çelik")
    for fmt in ("graphml", "gexf", "json", "claimreview", "markdown", "html"):
        result = run("export", "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert result.exit_code == 0, (fmt, result.output)
        text = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
        if fmt == "claimreview":
            # One review when claimtrack.flags gives the claim a status, none otherwise.
            for review in json.loads(text):
                assert review["claimReviewed"].endswith("中文 «引用»")
                assert review["author"]["name"] == "Zoë Çelik"
        else:
            assert "😊" in text, fmt
    g = igraph.Graph.Read_GraphML(str(tmp_path / "out.graphml"))
    assert g.vcount() == 3  # claim, claimant, source
    assert "Ållébolaget säger: 7 av 10 kunder 😊 föredrar «chat» — 中文 «引用»"[:40] in (
        " ".join(g.vs["label"])
    )
    n = nx.read_graphml(tmp_path / "out.graphml")
    assert n.nodes["c-00000000a11e"]["text"].endswith("中文 «引用»")
    claimant = [v for v in n.nodes if n.nodes[v]["type"] == "entity"][0]
    assert n.nodes[claimant]["label"] == "Åsa Ødegård–Łukasiewicz"
    assert nx.read_gexf(tmp_path / "out.gexf").number_of_nodes() == 3
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "Ållébolaget" in html and "No source carries it yet." in html
    reviews = render(
        prepare(records, assessments={"c-00000000a11e": Assessment("c-00000000a11e", "disputed")}),
        "claimreview",
        author="Zoë",
    )
    (review,) = json.loads(reviews)
    assert review["itemReviewed"]["author"]["name"] == "Åsa Ødegård–Łukasiewicz"
    assert "appearance" not in review["itemReviewed"]
    assert review["reviewRating"]["alternateName"] == "Disputed"


def test_mention_of_a_missing_source_still_exports(ws):
    ws.save(
        Claim(
            id="c-0000000000aa",
            text="A claim whose source file was lost",
            created_at=T0,
            mentions=[Mention(source="s-0000000000ee", quote="lost words")],
        )
    )
    records = ws.records()
    for fmt in ("graphml", "gexf", "json", "markdown", "html"):
        assert export(records, fmt, assessments={})
    html = export(records, "html", assessments={})
    assert "missing from the workspace" in html
    g = nx.read_graphml(__import__("io").BytesIO(export(records, "graphml").encode()))
    assert g.nodes["s-0000000000ee"]["missing"] is True


def test_unknown_format_is_a_clean_error(case):
    with pytest.raises(ExportError, match="unknown export format"):
        export(case, "pdf")


def test_export_as_a_subprocess_writes_utf8_whatever_the_locale(ws, tmp_path):
    import os
    import subprocess
    import sys

    ws.save(Claim(id="c-00000000beef", text="Ünïcode «claim» 😊", claimant="Zoë", created_at=T0))
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    env.pop("CLAIMTRACK_WORKSPACE", None)
    cmd = [sys.executable, "-m", "claimtrack", "-w", str(ws.root), "export", "-f", "graphml"]
    done = subprocess.run(cmd, capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    g = nx.read_graphml(__import__("io").BytesIO(done.stdout))
    assert g.nodes["c-00000000beef"]["text"] == "Ünïcode «claim» 😊"
    bad = subprocess.run(
        [*cmd[:-3], "export", "-f", "html", "--claim", "c-ffff"],
        capture_output=True,
        env=env,
        timeout=60,
        text=True,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("Error: ") and bad.stderr.count("\n") == 1
    assert bad.stdout == ""


def test_dossier_shows_origins_from_claimtrack_flags(case):
    # The real assessment (no fake): the dossier explains which origins stand behind a claim.
    html = export(case, "html")
    article = html.split('<article class="claim" id="c-000000000001"')[1].split("</article>")[0]
    assert "<h4>Origins (" in article
    assert "the claimant&#x27;s own word" in article or "independent of the claimant" in article
    md = export(case, "markdown")
    assert "**Origins (" in md


def test_a_corrupt_record_is_named_and_the_rest_exported(ws, run):
    build_case(ws)
    (ws.root / "claims" / "c-0000000000bb.json").write_text("{not json", encoding="utf-8")
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()  # click >= 8.2 keeps stderr apart by itself
    result = runner.invoke(main, ["export", "-f", "graphml"])
    assert result.exit_code == 0
    assert "c-0000000000bb.json" in result.stderr and "Traceback" not in result.stderr
    g = nx.read_graphml(__import__("io").BytesIO(result.stdout_bytes))
    assert "c-000000000001" in g and "c-0000000000bb" not in g


def test_neighbourhood_keeps_the_sources_its_claims_name(case):
    from claimtrack.export.flatten import neighbourhood

    bundle = _bundle(case)
    bundle.graph.add_edge(
        "c-000000000002", "c-000000000003", key="x", relation="conflicts_with", reason="test"
    )
    near = neighbourhood(bundle, ["c-000000000002"])
    assert set(near.records.claims) == {"c-000000000002", "c-000000000003"}
    # c-3 is one edge away; its source is two, so not in the graph, but its record is kept so
    # that the dossier can name it.
    assert "s-00000000000a" not in near.graph
    assert "s-00000000000a" in near.records.sources
    html = render(near, "html")
    assert "missing from the workspace" not in html
    assert "Klarna&#x27;s chatbot is said to equal 700 agents" in html
