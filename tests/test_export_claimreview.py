"""ClaimReview round trip: export from one workspace, ``claimtrack import`` into another, export
again, and the reviews name the same claims, claimants and appearances."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import snapshot_tree
from test_export import build_case

from claimtrack.cli import main
from claimtrack.fetch import normalize_url
from claimtrack.workspace import Workspace


def _invoke(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_claimreview_round_trips_through_import(ws, tmp_path):
    build_case(ws)
    exported = tmp_path / "reviews.jsonld"
    common = ["--author", "Fact desk", "--publisher", "The Daily", "--date", "2026-11-23"]
    _invoke("-w", str(ws.root), "export", "-f", "claimreview", *common, "-o", str(exported))
    first = {r["identifier"]: r for r in json.loads(exported.read_text(encoding="utf-8"))}
    assert first, "the claims have a status, so there are reviews"

    other, _ = Workspace.init(tmp_path / "other")
    _invoke("-w", str(other.root), "import", str(exported))
    records = other.records()
    assert set(records.claims) == set(first)  # claimtrack's ids survive the trip
    for cid, review in first.items():
        claim = records.claims[cid]
        assert claim.text == review["claimReviewed"]
        assert claim.claimant == review["itemReviewed"]["author"]["name"]
        urls = {records.sources[m.source].url for m in claim.mentions}
        assert urls == {normalize_url(a["url"]) for a in review["itemReviewed"]["appearance"]}
        assert f"rating:{review['reviewRating']['alternateName']}" in claim.tags

    # Importing the same file again changes nothing.
    before = snapshot_tree(other.root)
    _invoke("-w", str(other.root), "import", str(exported))
    assert snapshot_tree(other.root) == before

    # And out again: the same claims, claimants and appearances.
    again = _invoke("-w", str(other.root), "export", "-f", "claimreview", *common)
    second = {r["identifier"]: r for r in json.loads(again.output)}
    assert set(second) == set(first)
    for cid, review in second.items():
        assert review["claimReviewed"] == first[cid]["claimReviewed"]
        assert review["itemReviewed"]["author"] == first[cid]["itemReviewed"]["author"]
        assert {a["url"] for a in review["itemReviewed"]["appearance"]} == {
            normalize_url(a["url"]) for a in first[cid]["itemReviewed"]["appearance"]
        }
        assert review["author"] == {"@type": "Person", "name": "Fact desk"}
        assert review["datePublished"] == "2026-11-23"


def test_an_external_ref_survives_the_round_trip(ws, tmp_path):
    source = tmp_path / "refs.jsonl"
    source.write_text(
        json.dumps(
            {
                "text": "Northwind's bot handles 700 agents' work",
                "ref": "factdb-1187",
                "claimant": "Northwind",
                "source": "https://news.example/northwind",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    _invoke("-w", str(ws.root), "import", str(source))
    out = _invoke(
        "-w",
        str(ws.root),
        "export",
        "-f",
        "claimreview",
        "--author",
        "Desk",
        "--date",
        "2026-11-23",
    )
    (review,) = json.loads(out.output)
    assert review["url"] == "factdb-1187"
    other, _ = Workspace.init(tmp_path / "other")
    exported = tmp_path / "reviews.jsonld"
    exported.write_text(out.output, encoding="utf-8")
    _invoke("-w", str(other.root), "import", str(exported))
    (claim,) = other.records().claims.values()
    assert claim.ref == "factdb-1187" and claim.id == review["identifier"]
