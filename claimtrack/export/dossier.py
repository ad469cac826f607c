"""The dossier: what an editor reads before publication, as Markdown or one HTML file.

For each claim: its status, its flags with what they mean, every mention and piece of
evidence with its quote and a link to the source, the questions still open, and the claims it
conflicts with; above them a picture of the claim graph (``svg.claim_graph_svg``) and a table
of all claims. Claims that have a status and flags come first.

The HTML is one self-contained file: inline CSS and SVG, no script, no font or CDN, so it works
offline and can be mailed as an attachment. Every piece of article text is escaped, links are
made only from http(s) URLs, and a Content-Security-Policy forbids scripts anyway, so an
article containing ``<script>`` shows as text and never runs.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from ..graph import edges_of
from ..vocabulary import FLAG_CODES, RELATIONS, STANCES, ClaimStatus
from .flatten import Bundle, xml_text
from .svg import NODE_COLOURS, rgb, status_colour

if TYPE_CHECKING:
    from ..flags import Assessment, Flag
    from ..models import Claim, Evidence, Mention, Question, Source

_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def _evidence_notes(ev: Evidence) -> str:
    """What a reader should know about a piece of evidence besides its quote."""
    notes = []
    if ev.unverified:
        notes.append("quote not found in the archived source")
    if ev.author:
        notes.append(f"added by {ev.author}")
    return "; ".join(notes)


def flag_explanation(code: str) -> str:
    """What a flag code means, in one sentence (claimtrack.vocabulary.FLAG_CODES); empty for a
    code it does not know."""
    text = _FLAG_MEANINGS.get(code, "")
    return text[:1].upper() + text[1:] + "." if text else ""


_FLAG_MEANINGS: dict[str, str] = {code: t.meaning for code, t in FLAG_CODES.items()}


@dataclass
class ClaimView:
    """Everything the dossier says about one claim."""

    claim: Claim
    assessment: Assessment | None
    mentions: list[tuple[Mention, Source | None]] = field(default_factory=list)
    evidence: list[tuple[Evidence, Source | None]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status(self) -> ClaimStatus | None:
        return self.assessment.status if self.assessment else None

    @property
    def flags(self) -> list[Flag]:
        return list(self.assessment.flags) if self.assessment else []

    @property
    def origins(self) -> list[tuple[str, int, bool]]:
        """(label, number of sources, is the claimant's own word) of each origin behind it."""
        groups = self.assessment.groups if self.assessment else []
        return [(g.label, len(g.sources), g.claimant) for g in groups]

    @property
    def open_questions(self) -> list[Question]:
        return [q for q in self.questions if q.status == "open"]

    @property
    def source_count(self) -> int:
        return len({m.source for m, _ in self.mentions})


def claim_views(bundle: Bundle) -> list[ClaimView]:
    """The dossier's claims in reading order: the ``--claim`` ones first, then worst first
    (``Assessment.severity``: status, then flag weight), unassessed last."""
    r = bundle.records
    views = {}
    for cid, claim in r.claims.items():
        view = ClaimView(claim=claim, assessment=bundle.assessments.get(cid))
        view.mentions = [(m, r.sources.get(m.source)) for m in claim.mentions]
        views[cid] = view
    for ev in sorted(r.evidence.values(), key=lambda e: (e.created_at, e.id)):
        if ev.claim in views and ev.removed_at is None:
            views[ev.claim].evidence.append((ev, r.sources.get(ev.source)))
    for q in sorted(r.questions.values(), key=lambda q: (q.created_at, q.id)):
        if q.claim in views:
            views[q.claim].questions.append(q)
    for u, v, data in edges_of(bundle.graph, "conflicts_with"):
        reason = str(data.get("reason") or "")
        if u in views:
            views[u].conflicts.append((v, reason))
        if v in views:
            views[v].conflicts.append((u, reason))
    focus = {c: i for i, c in enumerate(bundle.focus)}

    def worst_first(v: ClaimView) -> tuple[object, ...]:
        a = v.assessment
        if a is not None:
            order = a.severity()
        else:
            order = (v.status is None, -len(v.flags), 0, v.claim.id)
        return (focus.get(v.claim.id, len(focus)), v.status is None, order, v.claim.id)

    return sorted(views.values(), key=worst_first)


def graph_svg(bundle: Bundle, views: list[ClaimView]) -> str:
    from .svg import claim_graph_svg

    return claim_graph_svg(
        bundle.graph,
        claim_order=[v.claim.id for v in views],
        statuses={v.claim.id: v.status for v in views},
    )


def _source_name(source: Source | None, source_id: str) -> str:
    if source is None:
        return f"{source_id} (missing from the workspace)"
    return source.title or source.url or source.input or source.id


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def _summary(bundle: Bundle, views: list[ClaimView]) -> str:
    text = ", ".join(
        [
            _n(len(views), "claim"),
            _n(len(bundle.records.sources), "source"),
            _n(sum(len(v.evidence) for v in views), "piece", "pieces") + " of evidence",
            _n(sum(len(v.open_questions) for v in views), "open question"),
        ]
    )
    if bundle.focus:
        text += " (the neighbourhood of " + ", ".join(bundle.focus) + ")"
    return text


def _status_counts(views: list[ClaimView]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for v in views:
        key = v.status or "not assessed"
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# -- HTML ------------------------------------------------------------------------------------


def h(text: object) -> str:
    """``text`` escaped for HTML element content and attribute values."""
    return escape(xml_text("" if text is None else str(text)), quote=True)


def _link(url: str | None, text: str) -> str:
    if url and _SAFE_URL.match(url):
        return f'<a href="{h(url)}" rel="noopener noreferrer">{h(text)}</a>'
    return h(text)


def _source_html(source: Source | None, source_id: str) -> str:
    name = _link(source.url if source else None, _source_name(source, source_id))
    bits = []
    if source is not None:
        bits = [x for x in (source.publisher, source.published, source.kind) if x]
    meta = f' <span class="meta">({h(", ".join(bits))})</span>' if bits else ""
    return f"{name}{meta} <code>{h(source_id)}</code>"


def _badge(status: str | None) -> str:
    text = status or "not assessed"
    return f'<span class="status" style="background:{status_colour(status)}">{h(text)}</span>'


CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f1f1f;margin:0 auto;
max-width:1180px;padding:1.5em 2em}
h1{margin:.2em 0}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin:.2em 0 .4em}
.meta{color:#666;font-size:.9em}
code{font-size:.85em;color:#555}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f5f5f5}
.status{display:inline-block;padding:0 .5em;border-radius:.6em;font-size:.85em;
border:1px solid #ccc;white-space:nowrap}
.flag{font-family:ui-monospace,monospace;font-size:.85em;background:#fff3e0;
border:1px solid #f0c987;border-radius:.3em;padding:0 .3em;white-space:nowrap;
display:inline-block;margin:1px 0}
figure{margin:0;overflow-x:auto;border:1px solid #ddd;border-radius:6px;background:#fff}
figcaption{font-size:.9em;color:#555;padding:.4em .6em}
article.claim{border:1px solid #ddd;border-left:6px solid #e8912d;border-radius:6px;
padding:.8em 1.2em;margin:1.2em 0;page-break-inside:avoid}
blockquote{margin:.3em 0 .6em 0;padding:.2em .8em;border-left:3px solid #ccc;color:#333;
background:#fafafa}
@stances@
ul{padding-left:1.3em}li{margin:.25em 0}
@media print{figure{overflow:visible}a{color:inherit}}
"""


def _text_colour(colour: str) -> str:
    """A relation's colour darkened for text on white (contrast of at least 4.5:1)."""
    return "#" + "".join(f"{int(c * 0.8):02x}" for c in rgb(colour))


# The stances in their relations' colours (claimtrack.vocabulary).
CSS = CSS.replace(
    "@stances@",
    "".join(f".{s}{{color:{_text_colour(RELATIONS[s].colour)}}}" for s in STANCES),
)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def to_html(bundle: Bundle, *, date: str | None = None) -> str:
    """The dossier as one self-contained HTML document."""
    r = bundle.records
    views = claim_views(bundle)
    out: list[str] = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="generator" content="claimtrack">\n',
        "<title>Claim dossier</title>\n",
        f"<style>{CSS}</style>\n</head>\n<body>\n",
        "<header>\n<h1>Claim dossier</h1>\n",
    ]
    summary = _summary(bundle, views)
    if date:
        summary += f"; prepared {date}"
    out.append(f'<p class="meta" id="summary">{h(summary)}</p>\n')
    if views:
        out.append(
            '<p class="meta">Status: '
            + ", ".join(
                f"{_badge(s if s != 'not assessed' else None)}&nbsp;{n}"
                for s, n in _status_counts(views)
            )
            + "</p>\n"
        )
    out.append("</header>\n")

    out.append('<section id="graph">\n<h2>Claim graph</h2>\n<figure>\n')
    out.append(graph_svg(bundle, views))
    out.append(
        "<figcaption>Sources on the left, claims in the middle, questions and claimants on "
        "the right. Hover over a box for its full text.</figcaption>\n</figure>\n</section>\n"
    )

    out.append('<section id="claims-section">\n<h2>Claims</h2>\n')
    if not views:
        out.append("<p>No claims in this export.</p>\n")
    else:
        out.append(
            '<table id="claims" class="claims">\n<thead><tr><th>Claim</th><th>Claimant</th>'
            "<th>Status</th><th>Flags</th><th>Sources</th><th>Evidence</th>"
            "<th>Open questions</th></tr></thead>\n<tbody>\n"
        )
        for v in views:
            c = v.claim
            flags = " ".join(f'<span class="flag">{h(f.code)}</span>' for f in v.flags)
            out.append(
                f'<tr data-claim="{h(c.id)}"><td><a href="#{h(c.id)}">{h(c.text)}</a></td>'
                f"<td>{h(c.claimant or '')}</td><td>{_badge(v.status)}</td><td>{flags}</td>"
                f"<td>{v.source_count}</td><td>{len(v.evidence)}</td>"
                f"<td>{len(v.open_questions)}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    out.append("</section>\n")

    out.append('<section id="details">\n')
    for v in views:
        _claim_html(out, v)
    out.append("</section>\n")

    out.append('<section id="sources">\n<h2>Sources</h2>\n')
    if r.sources:
        out.append(
            '<table id="sources-table">\n<thead><tr><th>Source</th><th>Kind</th>'
            "<th>Publisher</th><th>Published</th><th>Repeats</th></tr></thead>\n<tbody>\n"
        )
        for s in sorted(r.sources.values(), key=lambda s: (s.published or "", s.id)):
            out.append(
                f'<tr id="{h(s.id)}"><td>{_link(s.url, s.title or s.url or s.id)} '
                f"<code>{h(s.id)}</code></td><td>{h(s.kind)}</td><td>{h(s.publisher or '')}</td>"
                f"<td>{h(s.published or '')}</td><td>{h(', '.join(s.derived_from))}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    else:
        out.append("<p>No sources in this export.</p>\n")
    out.append("</section>\n")
    out.append('<footer class="meta"><p>Made with claimtrack.</p></footer>\n</body>\n</html>\n')
    return "".join(out)


def _claim_html(out: list[str], v: ClaimView) -> None:
    c = v.claim
    colour = NODE_COLOURS["claim"]
    out.append(f'<article class="claim" id="{h(c.id)}" style="border-left-color:{colour}">\n')
    out.append(f"<h3>{h(c.text)}</h3>\n")
    meta = [f"<code>{h(c.id)}</code>", _badge(v.status)]
    if c.claimant:
        meta.append(f"claimed by <strong>{h(c.claimant)}</strong>")
    if c.figures:
        meta.append("figures: " + h("; ".join(f.text for f in c.figures)))
    if c.ref:
        meta.append(f"ref {h(c.ref)}")
    out.append(f'<p class="meta">{" · ".join(meta)}</p>\n')

    if v.flags:
        out.append('<h4>Flags</h4>\n<ul class="flags">\n')
        for f in v.flags:
            why = flag_explanation(f.code)
            out.append(
                f'<li><span class="flag">{h(f.code)}</span> {h(f.detail)}'
                + (f' <span class="meta">{h(why)}</span>' if why else "")
                + "</li>\n"
            )
        out.append("</ul>\n")
    if v.origins:
        out.append(f'<h4>Origins ({len(v.origins)})</h4>\n<ul class="origins">\n')
        for label, count, own in v.origins:
            whose = "the claimant's own word" if own else "independent of the claimant"
            out.append(
                f'<li>{h(label)} <span class="meta">{_n(count, "source")}, {whose}</span></li>\n'
            )
        out.append("</ul>\n")

    out.append(f"<h4>Mentions ({len(v.mentions)})</h4>\n")
    if v.mentions:
        out.append('<ul class="mentions">\n')
        for m, src in v.mentions:
            extra = [
                x
                for x in (m.claimant and f"claimant: {m.claimant}", m.cue and f"cue: {m.cue}")
                if x
            ]
            if m.hedged:
                extra.append("hedged")
            if m.origin != "text":
                extra.append(f"from a {m.origin}")
            tail = f' <span class="meta">{h("; ".join(extra))}</span>' if extra else ""
            out.append(
                f"<li>{_source_html(src, m.source)}{tail}<blockquote>{h(m.quote)}</blockquote>"
                "</li>\n"
            )
        out.append("</ul>\n")
    else:
        out.append("<p>No source carries it yet.</p>\n")

    out.append(f"<h4>Evidence ({len(v.evidence)})</h4>\n")
    if v.evidence:
        out.append('<ul class="evidence">\n')
        for ev, src in v.evidence:
            notes = _evidence_notes(ev)
            tail = f' <span class="meta">{h(notes)}</span>' if notes else ""
            quote = f"<blockquote>{h(ev.quote)}</blockquote>" if ev.quote else ""
            note = f"<p>{h(ev.note)}</p>" if ev.note else ""
            out.append(
                f'<li><strong class="{h(ev.stance)}">{h(ev.stance)}</strong> '
                f"{_source_html(src, ev.source)}{tail}{quote}{note}</li>\n"
            )
        out.append("</ul>\n")
    else:
        out.append("<p>No evidence recorded.</p>\n")

    if v.questions:
        out.append(f'<h4>Questions ({len(v.open_questions)} open)</h4>\n<ul class="questions">\n')
        for q in v.questions:
            answer = f" Answer: {h(q.answer)}" if q.answer else ""
            origin = ""
            if q.origin and q.origin.sentence:
                origin = f"<blockquote>{h(q.origin.sentence)}</blockquote>"
            out.append(
                f'<li data-status="{h(q.status)}"><strong>{h(q.status)}</strong> {h(q.text)}'
                f"{answer}{origin}</li>\n"
            )
        out.append("</ul>\n")
    if v.conflicts:
        out.append("<h4>Conflicts with</h4>\n<ul>\n")
        for other, reason in v.conflicts:
            out.append(f'<li><a href="#{h(other)}">{h(other)}</a> {h(reason)}</li>\n')
        out.append("</ul>\n")
    out.append("</article>\n")


# -- Markdown --------------------------------------------------------------------------------

# Inline Markdown punctuation. Text never starts a line here (it follows "- ", "| ", "### "),
# so the line-start markers (#, -, +, 1.) need no escaping.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~!])")


def md(text: object) -> str:
    """``text`` safe as inline Markdown: one line, HTML-escaped (Markdown renders raw HTML)
    and Markdown punctuation backslash-escaped."""
    text = " ".join(xml_text("" if text is None else str(text)).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_link(url: str | None, text: str) -> str:
    if url and _SAFE_URL.match(url):
        target = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        target = target.replace("<", "%3C").replace(">", "%3E")
        return f"[{md(text)}](<{target}>)"
    return md(text)


def _md_source(source: Source | None, source_id: str) -> str:
    name = _md_link(source.url if source else None, _source_name(source, source_id))
    bits = [x for x in (source.publisher, source.published, source.kind) if x] if source else []
    return name + (f" ({md(', '.join(bits))})" if bits else "") + f" `{source_id}`"


def to_markdown(bundle: Bundle, *, date: str | None = None, svg_href: str | None = None) -> str:
    """The dossier as Markdown. The graph picture is linked from ``svg_href`` when given (the
    CLI writes it next to the Markdown file), else embedded as a data: URI."""
    r = bundle.records
    views = claim_views(bundle)
    out: list[str] = ["# Claim dossier\n\n"]
    summary = _summary(bundle, views)
    if date:
        summary += f"; prepared {date}"
    out.append(md(summary) + "\n\n")
    if views:
        out.append(
            "Status: " + ", ".join(f"{md(s)} {n}" for s, n in _status_counts(views)) + "\n\n"
        )
    out.append("## Claim graph\n\n")
    if svg_href is None:
        data = base64.b64encode(graph_svg(bundle, views).encode("utf-8")).decode("ascii")
        out.append(f"![Claim graph](data:image/svg+xml;base64,{data})\n\n")
    else:
        out.append(f"![Claim graph](<{svg_href}>)\n\n")
    out.append(
        "Sources on the left, claims in the middle, questions and claimants on the right.\n\n"
    )
    out.append("## Claims\n\n")
    if not views:
        out.append("No claims in this export.\n\n")
    else:
        out.append("| Claim | Claimant | Status | Flags | Sources | Evidence | Open questions |\n")
        out.append("|---|---|---|---|---|---|---|\n")
        for v in views:
            c = v.claim
            out.append(
                f"| {md(c.text)} `{c.id}` | {md(c.claimant or '')} | {md(v.status or 'not assessed')} "
                f"| {md(' '.join(f.code for f in v.flags))} | {v.source_count} | {len(v.evidence)} "
                f"| {len(v.open_questions)} |\n"
            )
        out.append("\n")
    for v in views:
        _claim_markdown(out, v)
    out.append("## Sources\n\n")
    if not r.sources:
        out.append("No sources in this export.\n\n")
    for s in sorted(r.sources.values(), key=lambda s: (s.published or "", s.id)):
        line = f"- {_md_source(s, s.id)}"
        if s.derived_from:
            line += " repeats " + ", ".join(f"`{p}`" for p in s.derived_from)
        out.append(line + "\n")
    return "".join(out).rstrip("\n") + "\n"


def _claim_markdown(out: list[str], v: ClaimView) -> None:
    c = v.claim
    out.append(f"### {md(c.text)}\n\n")
    meta = [f"`{c.id}`", f"**{md(v.status or 'not assessed')}**"]
    if c.claimant:
        meta.append(f"claimed by {md(c.claimant)}")
    if c.figures:
        meta.append("figures: " + md("; ".join(f.text for f in c.figures)))
    if c.ref:
        meta.append(f"ref {md(c.ref)}")
    out.append(" · ".join(meta) + "\n\n")
    if v.flags:
        out.append("**Flags**\n\n")
        for f in v.flags:
            why = flag_explanation(f.code)
            out.append(f"- `{f.code}` {md(f.detail)}" + (f" *{md(why)}*" if why else "") + "\n")
        out.append("\n")
    if v.origins:
        out.append(f"**Origins ({len(v.origins)})**\n\n")
        for label, count, own in v.origins:
            whose = "the claimant's own word" if own else "independent of the claimant"
            out.append(f"- {md(label)} ({_n(count, 'source')}, {whose})\n")
        out.append("\n")
    out.append(f"**Mentions ({len(v.mentions)})**\n\n")
    if not v.mentions:
        out.append("No source carries it yet.\n\n")
    for m, src in v.mentions:
        extra = [
            x for x in (m.claimant and f"claimant: {m.claimant}", m.cue and f"cue: {m.cue}") if x
        ]
        if m.hedged:
            extra.append("hedged")
        if m.origin != "text":
            extra.append(f"from a {m.origin}")
        tail = f" ({md('; '.join(extra))})" if extra else ""
        out.append(f"- {_md_source(src, m.source)}{tail}\n\n  > {md(m.quote)}\n\n")
    out.append(f"**Evidence ({len(v.evidence)})**\n\n")
    if not v.evidence:
        out.append("No evidence recorded.\n\n")
    for ev, src in v.evidence:
        notes = _evidence_notes(ev)
        tail = f" ({md(notes)})" if notes else ""
        out.append(f"- **{ev.stance}** {_md_source(src, ev.source)}{tail}\n\n")
        if ev.quote:
            out.append(f"  > {md(ev.quote)}\n\n")
        if ev.note:
            out.append(f"  {md(ev.note)}\n\n")
    if v.questions:
        out.append(f"**Questions ({len(v.open_questions)} open)**\n\n")
        for q in v.questions:
            answer = f" Answer: {md(q.answer)}" if q.answer else ""
            out.append(f"- **{q.status}** {md(q.text)}{answer}\n")
        out.append("\n")
    if v.conflicts:
        out.append("**Conflicts with**\n\n")
        for other, reason in v.conflicts:
            out.append(f"- `{other}` {md(reason)}\n")
        out.append("\n")
