"""Any text an article can hold survives GraphML and GEXF unchanged (less what XML cannot
hold at all), and never becomes markup in the HTML dossier."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.export import export
from claimtrack.export.flatten import xml_text
from claimtrack.models import Claim, Mention, Source
from claimtrack.workspace import Records

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
# Plenty of markup characters, quotes, whitespace and control characters, plus anything else.
nasty = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>&\"'`*_|[]()#!\\ \t\r\n\x00\x0b\x1f\ufffe\u2028/=;:")),
        st.characters(codec="utf-8"),
    ),
    min_size=1,
    max_size=40,
)


def records(title: str, text: str, quote: str, claimant: str) -> Records:
    source = Source(id="s-00000000abcd", url="https://example.org/a", title=title, retrieved_at=T0)
    claim = Claim(
        id="c-00000000abcd",
        text=text,
        claimant=claimant,
        created_at=T0,
        mentions=[Mention(source=source.id, quote=quote, cue=quote[:5])],
    )
    return Records(claims={claim.id: claim}, sources={source.id: source})


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=nasty, text=nasty, quote=nasty, claimant=nasty)
def test_any_text_round_trips_through_graphml_and_gexf(title, text, quote, claimant):
    recs = records(title, text, quote, claimant)
    g = nx.read_graphml(io.BytesIO(export(recs, "graphml", assessments={}).encode("utf-8")))
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 2
    assert g.nodes["c-00000000abcd"].get("text", "") == xml_text(text)
    assert g.nodes["s-00000000abcd"].get("title", "") == xml_text(title)
    (asserts,) = [d for *_, d in g.edges(data=True) if d["relation"] == "asserts"]
    assert asserts.get("quote", "") == xml_text(quote)
    x = nx.read_gexf(io.BytesIO(export(recs, "gexf", assessments={}).encode("utf-8")))
    assert x.number_of_nodes() == 3 and x.number_of_edges() == 2
    assert x.nodes["c-00000000abcd"].get("text", "") == xml_text(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=nasty, text=nasty, quote=nasty, claimant=nasty)
def test_no_text_becomes_markup_in_the_dossier(title, text, quote, claimant):
    recs = records(title, text, quote, claimant)
    html = export(recs, "html", assessments={})
    parser = Tags()
    parser.feed(html)
    allowed = {
        "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "h4", "p", "span", "section", "figure", "figcaption", "svg", "defs", "marker",
        "path", "rect", "text", "g", "line", "table", "thead", "tbody", "tr", "th", "td",
        "a", "article", "code", "strong", "ul", "li", "blockquote", "footer",
    }  # fmt: skip
    assert parser.tags <= allowed, parser.tags - allowed
    assert not parser.handlers
    # Markdown: the only "<" left are those around link targets, "](<https://...>)".
    md = export(recs, "markdown", assessments={})
    assert "<" not in re.sub(r"\]\(<[^<>\s]+>\)", "](x)", md)
    # Each claim is one table row: no text broke the table.
    assert len([line for line in md.splitlines() if line.startswith("| ")]) == 2
