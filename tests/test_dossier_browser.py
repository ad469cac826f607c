"""The HTML dossier in a real browser: headless Chromium loads it from disk, and the DOM it
dumps must hold the rendered graph and claim table, and nothing an article injected."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from test_export import build_case

from claimtrack.export import export

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary on PATH (Debian: apt-get install chromium; .ci/run installs it)",
)


class Dom(HTMLParser):
    """Every element of a dumped DOM as (tag, attributes), plus the document's title."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False
        self._depth_svg = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "title" and not self.title and self._depth_svg == 0:
            self._in_title = True
        if tag == "svg":
            self._depth_svg += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "svg":
            self._depth_svg -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def having(self, tag: str, **attrs) -> list[dict]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k) == v or (v is True and k in a) for k, v in attrs.items())
        ]


def dump_dom(path, profile) -> Dom:
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Dom()
    dom.feed(result.stdout)
    return dom


def test_dossier_renders_in_chromium_and_injected_script_does_not_run(ws, tmp_path):
    # Control: the same probe in a page that really runs it, so we know scripts do run here
    # and the probe would be seen in the dumped DOM if the dossier let it through.
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><head><title>control</title></head><body>"
        "<script>document.body.appendChild(Object.assign(document.createElement('div'),"
        "{id:'xss-ran'}))</script></body></html>",
        encoding="utf-8",
    )
    assert dump_dom(control, tmp_path / "profile-control").having("div", id="xss-ran")

    records = build_case(ws)
    page = tmp_path / "dossier.html"
    page.write_text(
        export(records, "html", date="2026-11-23"),
        encoding="utf-8",
    )
    dom = dump_dom(page, tmp_path / "profile")

    assert dom.title == "Claim dossier"  # the attribute-breaking publisher did not retitle it
    assert not dom.having("div", id="xss-ran"), "an article's <script> ran"
    assert not dom.having("img"), "an article's <img onerror> became an element"
    assert not dom.having("script")
    assert not [a for _, a in dom.elements if any(k.startswith("on") for k in a)]
    assert not [a for t, a in dom.elements if t == "a" and "javascript" in a.get("href", "")]

    svg = dom.having("svg", **{"class": "claim-graph"})
    assert len(svg) == 1
    nodes = [a for t, a in dom.elements if t == "g" and a.get("class", "").startswith("node ")]
    assert len(nodes) == 4 + 3 + 1 + 1  # sources, claims, question, claimant
    assert len([a for a in nodes if a["class"].startswith("node claim")]) == 3
    assert len(dom.having("path")) >= 9  # the edges were drawn
    assert len(dom.having("table", id="claims")) == 1
    assert sorted(a["data-claim"] for a in dom.having("tr", **{"data-claim": True})) == sorted(
        records.claims
    )
