"""Make the pictures of docs/export*.md from a small Klarna case built here.

    python docs/img/make_images.py          # needs Debian's chromium for the PNGs

Writes into docs/img/:
- ``dossier.png``: the HTML dossier as headless Chromium renders it;
- ``dossier-claim.png``: the dossier of one claim's neighbourhood (``--claim``);
- ``graphml.svg`` / ``graphml.png``: the exported GraphML read back with networkx
  (``read_graphml``) and drawn by claimtrack's own layered SVG layout; igraph reads the same
  file and the script checks both see the same nodes, edges and labels;
The GEXF export is read back too, and the colours it carries by node type are printed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def build_case(ws):
    """Klarna's AI claims, in our own words: five sources, six claims, evidence, questions."""
    from claimtrack.models import (
        Claim,
        Evidence,
        Figure,
        Mention,
        Question,
        QuestionOrigin,
        Source,
    )

    press = Source(
        id="s-1a0000000001",
        url="https://www.klarna.com/international/press/klarna-ai-assistant-first-month/",
        title="Klarna AI assistant: the first month",
        publisher="Klarna",
        published="2024-02-27",
        kind="press_release",
        retrieved_at=T0,
    )
    fc = Source(
        id="s-1a0000000002",
        url="https://www.fastcompany.com/91039401/klarna-ai-virtual-assistant-700",
        title="Klarna says its AI assistant does the work of 700 people",
        author="Christopher Zara",
        publisher="Fast Company",
        published="2024-02-27",
        retrieved_at=T0,
    )
    ibt = Source(
        id="s-1a0000000003",
        url="https://www.ibtimes.co.uk/klarna-axe-2000-jobs-ai-1726522",
        title="Klarna to cut nearly 2,000 jobs as AI takes over",
        publisher="IBTimes",
        published="2024-08-28",
        derived_from=[press.id],
        retrieved_at=T0,
    )
    note = Source(
        id="s-1a0000000004",
        title="Reading note: Fast Company highlights",
        kind="note",
        retrieved_at=T0,
    )
    report = Source(
        id="s-1a0000000005",
        url="https://www.klarna.com/international/about-us/corporate-governance/interim-reports/",
        title="Klarna interim report, first half 2024",
        publisher="Klarna",
        published="2024-08-27",
        kind="report",
        retrieved_at=T0,
    )
    agents = Claim(
        id="c-1a0000000001",
        text="Klarna's AI assistant does the work of 700 full-time agents",
        claimant="Klarna",
        figures=[Figure(text="700 full-time agents", value=700, unit="agents", kind="count")],
        created_at=T0,
        mentions=[
            Mention(
                source=press.id,
                quote="The assistant is doing the equivalent work of 700 full-time agents.",
            ),
            Mention(
                source=fc.id,
                quote="Klarna says its chatbot now does what 700 people did.",
                claimant="Klarna",
                cue="says",
            ),
            Mention(
                source=ibt.id,
                quote="Its chatbot is said to handle the load of 700 service staff.",
                claimant="Klarna",
                cue="said",
            ),
            Mention(
                source=note.id,
                quote="AI assistant equals 700 human agents, per Klarna.",
                origin="highlight",
                claimant="Klarna",
            ),
        ],
    )
    jobs = Claim(
        id="c-1a0000000002",
        text="Klarna will cut nearly 2,000 jobs",
        claimant="Klarna",
        figures=[Figure(text="nearly 2,000 jobs", value=2000, unit="jobs", qualifier="nearly")],
        created_at=T0,
        mentions=[Mention(source=ibt.id, quote="The firm plans to shed nearly 2,000 jobs.")],
    )
    profit = Claim(
        id="c-1a0000000003",
        text="The assistant will lift Klarna's 2024 profit by $40 million",
        claimant="Klarna",
        figures=[Figure(text="$40 million", value=40e6, kind="currency", currency="USD")],
        created_at=T0,
        mentions=[
            Mention(
                source=press.id,
                quote="It is estimated to drive a $40 million profit improvement in 2024.",
                hedged=True,
                cue="estimated",
            ),
            Mention(
                source=fc.id,
                quote="Klarna estimates a $40 million boost to profit this year.",
                claimant="Klarna",
                cue="estimates",
                hedged=True,
            ),
        ],
    )
    markets = Claim(
        id="c-1a0000000004",
        text="The assistant is live in 23 markets and speaks 35 languages",
        claimant="Klarna",
        figures=[
            Figure(text="23 markets", value=23, unit="markets", kind="count"),
            Figure(text="35 languages", value=35, unit="languages", kind="count"),
        ],
        created_at=T0,
        mentions=[
            Mention(
                source=press.id,
                quote="It is available in 23 markets, around the clock, in more than 35 languages.",
            )
        ],
    )
    revenue = Claim(
        id="c-1a0000000005",
        text="Klarna's revenue grew 27% in the first half of 2024",
        claimant="Klarna",
        figures=[Figure(text="27%", value=27, kind="percent")],
        created_at=T0,
        mentions=[Mention(source=ibt.id, quote="Revenue rose 27% in the first half.")],
    )
    ev1 = Evidence(
        id="e-1a0000000001",
        claim=revenue.id,
        source=report.id,
        stance="supports",
        quote="Revenue grew 27% year on year in the first half.",
        author="desk",
        created_at=T0,
    )
    ev2 = Evidence(
        id="e-1a0000000002",
        claim=agents.id,
        source=fc.id,
        stance="context",
        quote="A rep could not immediately say how the figure was calculated.",
        note="No method given for the 700 figure.",
        created_at=T0,
    )
    q1 = Question(
        id="q-1a0000000001",
        claim=agents.id,
        text="How did Klarna calculate the 700-agent equivalence?",
        origin=QuestionOrigin(
            rule="non-answer",
            source=fc.id,
            sentence="A rep could not immediately say how the figure was calculated.",
        ),
        created_at=T0,
    )
    q2 = Question(
        id="q-1a0000000002",
        claim=jobs.id,
        text="Are the 2,000 cuts layoffs or attrition?",
        created_at=T0,
    )
    ws.save_many(
        [press, fc, ibt, note, report, agents, jobs, profit, markets, revenue, ev1, ev2, q1, q2]
    )


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(browser: str, url: str, png: Path, width: int, height: int, profile: Path) -> None:
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> int:
    import igraph
    import networkx as nx

    from claimtrack.export import export
    from claimtrack.export.svg import claim_graph_svg
    from claimtrack.workspace import Workspace

    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="claimtrack-docs-img-") as tmp:
        tmp = Path(tmp)
        ws, _ = Workspace.init(tmp / "claims")
        build_case(ws)
        records = ws.records()

        (tmp / "dossier.html").write_text(export(records, "html", date="2026-11-23"), "utf-8")
        (tmp / "claim.html").write_text(
            export(records, "html", claims=["c-1a0000000001"], date="2026-11-23"), "utf-8"
        )
        graphml = tmp / "case.graphml"
        graphml.write_text(export(records, "graphml"), "utf-8")
        gexf = tmp / "case.gexf"
        gexf.write_text(export(records, "gexf"), "utf-8")

        # GraphML read back by two libraries: same graph either way.
        g = nx.read_graphml(graphml)
        ig = igraph.Graph.Read_GraphML(str(graphml))
        assert (g.number_of_nodes(), g.number_of_edges()) == (ig.vcount(), ig.ecount())
        assert sorted(g.nodes[n]["label"] for n in g) == sorted(ig.vs["label"])
        print(
            f"GraphML: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges in networkx and igraph"
        )
        svg = claim_graph_svg(g, title="GraphML read back by networkx")
        (HERE / "graphml.svg").write_text(svg, "utf-8")

        # GEXF read back: draw it with the colours the file carries.
        x = nx.read_gexf(gexf)
        colours = {
            x.nodes[n]["type"]: "#{:02x}{:02x}{:02x}".format(
                *(int(x.nodes[n]["viz"]["color"][c]) for c in "rgb")
            )
            for n in x
        }
        print(f"GEXF: {x.number_of_nodes()} nodes, {x.number_of_edges()} edges; colours {colours}")

        if browser is None:
            print("no chromium: PNGs not made", file=sys.stderr)
            return 1
        width = int(svg.split('width="', 1)[1].split('"', 1)[0])
        height = int(svg.split('height="', 1)[1].split('"', 1)[0])
        screenshot(
            browser,
            (HERE / "graphml.svg").as_uri(),
            HERE / "graphml.png",
            width,
            height,
            tmp / "p1",
        )
        screenshot(
            browser, (tmp / "dossier.html").as_uri(), HERE / "dossier.png", 1240, 1700, tmp / "p3"
        )
        screenshot(
            browser,
            (tmp / "claim.html").as_uri(),
            HERE / "dossier-claim.png",
            1240,
            1400,
            tmp / "p4",
        )
    print("wrote", ", ".join(p.name for p in sorted(HERE.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
