"""ingest reads a page's metadata with trafilatura's own functions but skips the passes it
does not use (``ingest.page._metadata``); these tests hold it to what trafilatura's whole
metadata pass gives, so that a trafilatura upgrade that changes the pass shows up here."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from claimtrack.ingest.page import _metadata, parse_html

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

JSON_LD = """<html lang="en"><head>
<title>Harbour council doubles ferry budget | The Quay Herald</title>
<meta property="og:site_name" content="The Quay Herald">
<meta name="description" content="The council voted on Tuesday.">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Harbour council doubles ferry budget",
 "author": {"@type": "Person", "name": "Maren Holt"},
 "datePublished": "2025-03-04T09:30:00Z"}
</script></head><body><article>
<h1>Harbour council doubles ferry budget</h1>
<p>The harbour council voted on Tuesday to double the ferry budget to 4.2 million euros,
its largest rise in a decade, after a year in which crossings rose by 18 percent.</p>
<p>Councillor Ines Varga said the money would pay for two new boats and longer hours.</p>
</article></body></html>"""

META_TAGS = """<html><head>
<meta property="og:title" content="Mill town loses its last bakery">
<meta name="author" content="Tomas Reed">
<meta property="article:published_time" content="2024-11-20">
<link rel="canonical" href="https://valley-news.example.org/2024/bakery">
</head><body><div class="content">
<p>The last bakery in the mill town closed on Friday after 63 years, its owner said,
blaming a 40 percent rise in the price of flour since the spring.</p>
<p>About 900 people signed a letter asking the council for help with the rent.</p>
</div></body></html>"""

BARE = "<html><body><p>Nothing but a paragraph of text that says 12 people came.</p></body></html>"


def pages() -> list[tuple[str, str, str | None]]:
    klarna = (FIXTURES / "klarna_article.html").read_text(encoding="utf-8")
    return [
        ("klarna fixture, no URL", klarna, None),
        ("klarna fixture, with URL", klarna, "https://example.com/news/klarna-ai"),
        ("JSON-LD", JSON_LD, "https://quay-herald.example.com/ferry"),
        ("meta tags", META_TAGS, None),
        ("bare paragraph", BARE, "https://example.net/p"),
    ]


@pytest.mark.parametrize(("name", "html", "url"), pages(), ids=[p[0] for p in pages()])
def test_metadata_is_trafilaturas(name: str, html: str, url: str | None) -> None:
    whole = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    _, meta = _metadata(html, url)
    for field in ("title", "author", "url", "sitename", "date"):
        assert getattr(meta, field) == getattr(whole, field), field


def test_page_fields_come_from_the_metadata() -> None:
    page = parse_html(JSON_LD.encode(), url="https://quay-herald.example.com/ferry")
    assert page.title == "Harbour council doubles ferry budget"
    assert page.author == "Maren Holt"
    assert page.publisher == "The Quay Herald"
    assert page.published == "2025-03-04"
    assert "4.2 million euros" in page.segments[0].text
