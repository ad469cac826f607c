"""Linking: mentions of one claim across sources, questions from non-answers, merge, detach,
and the case index behind them."""

from __future__ import annotations

import json

import pytest
from conftest import snapshot_tree

from claimtrack.extract import ExtractedSentence
from claimtrack.linking import attach, detach, match_queries, merge
from claimtrack.models import Evidence, Figure, Question, Source
from claimtrack.store.index import CACHE_DIR, FILE_NAME
from claimtrack.workspace import dump_record


def sentence(text, start=0, *, claimant=None, figures=(), nonanswer=False, cue=None):
    """An extracted sentence at ``start`` in its source; figures are (text, value, unit[, kind,
    qualifier]) with offsets found in the sentence."""
    figs = []
    for spec in figures:
        ftext, value, unit, *rest = spec
        kind = rest[0] if rest else "count"
        qualifier = rest[1] if len(rest) > 1 else "exact"
        at = text.index(ftext)
        figs.append(
            Figure(
                text=ftext,
                start=start + at,
                end=start + at + len(ftext),
                value=value,
                unit=unit,
                kind=kind,
                qualifier=qualifier,
                currency="USD" if kind == "currency" else None,
            )
        )
    return ExtractedSentence(
        sentence=text,
        start=start,
        end=start + len(text),
        is_claim=not nonanswer,
        claimant=claimant,
        cue=cue,
        nonanswer=nonanswer,
        figures=figs,
    )


def src(n: int) -> Source:
    return Source(id=f"s-{n:012x}", url=f"https://news.example/{n}")


FIVE_WAYS = [
    ("Klarna says its AI assistant does the work of 700 people.", "700 people", "people"),
    (
        "The chatbot is equivalent to 700 full-time agents, according to Klarna.",
        "700 full-time agents",
        "full-time agents",
    ),
    (
        "Klarna's AI assistant handles the workload of 700 customer service staff.",
        "700 customer service staff",
        "customer service staff",
    ),
    (
        "Its AI-powered chatbot now manages work equivalent to 700 customer service agents.",
        "700 customer service agents",
        "customer service agents",
    ),
    (
        "Klarna claims the assistant is doing the job of 700 human agents.",
        "700 human agents",
        "human agents",
    ),
]


def test_the_same_claim_five_ways_in_five_sources_is_one_claim_with_five_mentions(ws):
    for n, (text, ftext, unit) in enumerate(FIVE_WAYS):
        result = attach(
            ws, src(n), [sentence(text, 40, claimant="Klarna", figures=[(ftext, 700, unit)])]
        )
        assert result.claims == 1
        assert bool(result.new_claims) == (n == 0)
    claims = ws.load_all("claim")
    assert len(claims) == 1
    claim = claims[0]
    assert len(claim.mentions) == 5
    assert {m.source for m in claim.mentions} == {src(n).id for n in range(5)}
    assert [m.quote for m in claim.mentions] == [t for t, _, _ in FIVE_WAYS]
    # The claim keeps the first wording and its figure with offsets into that wording.
    assert claim.text == FIVE_WAYS[0][0]
    f = claim.figures[0]
    assert claim.text[f.start : f.end] == "700 people"


def test_different_figures_stay_different_claims(ws):
    sentences = [
        sentence(
            "Klarna says the assistant does the work of 700 agents.",
            0,
            claimant="Klarna",
            figures=[("700 agents", 700, "agents")],
        ),
        sentence(
            "The company expects it to add $40 million to profit in 2024.",
            60,
            claimant="Klarna",
            figures=[("$40 million", 40e6, None, "currency")],
        ),
        sentence(
            "Klarna will cut nearly 2,000 jobs.",
            130,
            claimant="Klarna",
            figures=[("nearly 2,000 jobs", 2000, "jobs", "count", "nearly")],
        ),
    ]
    result = attach(ws, src(1), sentences)
    assert len(result.new_claims) == 3 and result.matched_claims == []
    # A second article with the same three figures reworded adds mentions, not claims.
    again = [
        sentence(
            "Klarna's chatbot handles the work of 700 staff.",
            0,
            figures=[("700 staff", 700, "staff")],
        ),
        sentence(
            "Klarna says it is cutting nearly 2,000 jobs.",
            50,
            claimant="Klarna",
            figures=[("nearly 2,000 jobs", 2000, "jobs", "count", "nearly")],
        ),
    ]
    result2 = attach(ws, src(2), again)
    assert result2.new_claims == []
    assert sorted(result2.matched_claims) == sorted([result.new_claims[0], result.new_claims[2]])
    assert len(ws.ids("claim")) == 3


def test_a_conflicting_figure_becomes_its_own_claim(ws):
    attach(
        ws,
        src(1),
        [
            sentence(
                "Klarna says its assistant does the work of 700 agents.",
                figures=[("700 agents", 700, "agents")],
                claimant="Klarna",
            )
        ],
    )
    result = attach(
        ws,
        src(2),
        [
            sentence(
                "The assistant actually does the work of 853 agents.",
                figures=[("853 agents", 853, "agents")],
            )
        ],
    )
    assert len(result.new_claims) == 1
    assert len(ws.ids("claim")) == 2


def test_a_sentence_stating_more_figures_is_a_claim_of_its_own(ws):
    headline = sentence(
        "Harbour council doubles ferry budget after crossings rise 18 percent.",
        figures=[("18 percent", 18, "percent", "percent")],
    )
    attach(ws, src(1), [headline])
    # The same figure reworded is the same claim; a restatement that adds a figure is not,
    # so that its 4.2 million euros is tracked (and flagged) too.
    reworded = sentence(
        "Crossings rose 18 percent, and the harbour council is doubling the ferry budget.",
        figures=[("18 percent", 18, "percent", "percent")],
    )
    more = sentence(
        "The harbour council doubles the ferry budget to 4.2 million euros as crossings "
        "rise 18 percent.",
        100,
        figures=[
            ("4.2 million euros", 4.2e6, None, "currency"),
            ("18 percent", 18, "percent", "percent"),
        ],
    )
    result = attach(ws, src(2), [reworded, more])
    assert len(result.matched_claims) == 1 and len(result.new_claims) == 1
    claims = {c.text: c for c in ws.load_all("claim")}
    assert [m.quote for m in claims[headline.sentence].mentions] == [
        headline.sentence,
        reworded.sentence,
    ]
    assert [m.quote for m in claims[more.sentence].mentions] == [more.sentence]
    # A later sentence with fewer figures than that claim links to it as before.
    fewer = sentence(
        "The ferry budget of the harbour council rises to 4.2 million euros.",
        figures=[("4.2 million euros", 4.2e6, None, "currency")],
    )
    again = attach(ws, src(3), [fewer])
    assert again.new_claims == [] and len(ws.ids("claim")) == 2


def test_reattaching_the_same_source_adds_nothing_and_writes_nothing(ws):
    sentences = [
        sentence(FIVE_WAYS[0][0], 10, claimant="Klarna", figures=[("700 people", 700, "people")]),
        sentence("A spokesperson could not say how the figure was calculated.", 80, nonanswer=True),
    ]
    first = attach(ws, src(1), sentences)
    assert len(first.new_claims) == 1 and len(first.questions) == 1
    before = snapshot_tree(ws.root)
    again = attach(ws, src(1), sentences)
    assert again.claims == 0 and again.questions == []
    assert snapshot_tree(ws.root) == before


def test_a_repeat_within_one_article_is_a_second_mention(ws):
    text = "Klarna says its AI assistant does the work of 700 agents."
    result = attach(
        ws,
        src(1),
        [
            sentence(text, 0, figures=[("700 agents", 700, "agents")]),
            sentence(text, 500, figures=[("700 agents", 700, "agents")]),
        ],
    )
    assert len(result.new_claims) == 1
    (claim,) = ws.load_all("claim")
    assert [m.start for m in claim.mentions] == [0, 500]


def test_nonanswer_becomes_an_open_question_on_the_figure_claim_about_its_subject(ws):
    sentences = [
        sentence(
            "Klarna says its AI assistant does the work of 700 full-time agents.",
            0,
            claimant="Klarna",
            figures=[("700 full-time agents", 700, "full-time agents")],
        ),
        sentence("Chief executive Sebastian Siemiatkowski founded the company.", 70),
        sentence(
            "It expects a $40 million profit boost.",
            140,
            claimant="Klarna",
            figures=[("$40 million", 40e6, None, "currency")],
        ),
        sentence(
            "Asked how it worked out the assistant's human-equivalent output in agents, "
            "a Klarna representative could not immediately give specifics.",
            200,
            nonanswer=True,
        ),
    ]
    result = attach(ws, src(1), sentences)
    assert len(result.questions) == 1
    question = ws.load("question", result.questions[0])
    agents = next(c for c in ws.load_all("claim") if "700" in c.text)
    assert question.claim == agents.id  # not the nearer $40 million claim
    assert question.status == "open"
    assert question.origin.rule == "non-answer"
    assert question.origin.source == src(1).id
    assert question.origin.sentence == sentences[-1].sentence


def test_nonanswer_with_no_subject_words_goes_to_the_nearest_claim(ws):
    sentences = [
        sentence("Revenue rose 27% last year.", 0, figures=[("27%", 27, None, "percent")]),
        sentence("The firm operates in 23 markets.", 40, figures=[("23 markets", 23, "markets")]),
        sentence("It declined to comment.", 80, nonanswer=True),
    ]
    result = attach(ws, src(1), sentences)
    question = ws.load("question", result.questions[0])
    markets = next(c for c in ws.load_all("claim") if "23" in c.text)
    assert question.claim == markets.id


def test_nonanswer_in_a_later_segment_attaches_to_the_sources_existing_claims(ws):
    attach(
        ws,
        src(1),
        [
            sentence(
                "Klarna says its assistant does the work of 700 agents.",
                0,
                figures=[("700 agents", 700, "agents")],
            )
        ],
    )
    result = attach(
        ws,
        src(1),
        [sentence("Klarna did not explain how it counted the agents.", 900, nonanswer=True)],
        origin="highlight",
    )
    assert len(result.questions) == 1
    assert ws.load("question", result.questions[0]).claim == ws.ids("claim")[0]


def test_nonanswer_without_any_claim_raises_nothing(ws):
    result = attach(ws, src(1), [sentence("No comment was given.", 0, nonanswer=True)])
    assert result.questions == [] and ws.ids("question") == []


# -- the persistent index -------------------------------------------------------------------------


def _five(ws, upto=5):
    for n, (text, ftext, unit) in enumerate(FIVE_WAYS[:upto]):
        attach(ws, src(n), [sentence(text, 0, claimant="Klarna", figures=[(ftext, 700, unit)])])


def test_the_cache_is_gitignored_and_derived(ws):
    import sqlite3

    _five(ws, 2)
    cache = ws.root / CACHE_DIR
    assert "*" in (cache / ".gitignore").read_text().split()
    db = sqlite3.connect(cache / FILE_NAME)
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == 1
    db.close()


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage", "old-format", "other-rules"])
def test_a_missing_or_corrupt_cache_is_rebuilt_silently(ws, damage):
    import sqlite3

    _five(ws, 2)
    path = ws.root / CACHE_DIR / FILE_NAME
    ws._index.close()
    for suffix in ("-wal", "-shm"):
        (ws.root / CACHE_DIR / (FILE_NAME + suffix)).unlink(missing_ok=True)
    if damage == "delete":
        import shutil

        shutil.rmtree(ws.root / CACHE_DIR)
    elif damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        path.write_bytes(b"\x00garbage" * 1000)
    else:
        db = sqlite3.connect(path)
        key = "format" if damage == "old-format" else "rules"
        db.execute("UPDATE meta SET value = '999' WHERE key = ?", (key,))
        db.commit()
        db.close()
    fresh = type(ws).open(ws.root)
    text, ftext, unit = FIVE_WAYS[2]
    result = attach(fresh, src(7), [sentence(text, 0, figures=[(ftext, 700, unit)])])
    assert len(result.matched_claims) == 1 and result.new_claims == []
    assert len(fresh.load_all("claim")[0].mentions) == 3


def test_claims_changed_behind_the_index_are_noticed(ws):
    _five(ws, 1)
    (claim,) = ws.load_all("claim")
    # Another tool rewrites the claim (new figures) in place: the index must not be trusted.
    claim.text = "Klarna says its AI assistant does the work of 900 people."
    claim.figures = [Figure(text="900 people", value=900, unit="people", kind="count")]
    path = ws.path_for("claim", claim.id)
    with open(path, "r+b") as handle:
        handle.truncate(0)
        handle.write(dump_record(claim))
    result = attach(
        ws,
        src(9),
        [
            sentence(
                "The assistant handles the work of 900 people, Klarna says.",
                figures=[("900 people", 900, "people")],
            )
        ],
    )
    assert result.matched_claims == [claim.id]


def test_a_deleted_claim_is_not_matched(ws):
    _five(ws, 1)
    (cid,) = ws.ids("claim")
    (ws.root / "claims" / f"{cid}.json").unlink()
    text, ftext, unit = FIVE_WAYS[1]
    result = attach(ws, src(8), [sentence(text, figures=[(ftext, 700, unit)])])
    assert len(result.new_claims) == 1


def test_attach_does_not_load_every_claim(ws, monkeypatch):
    _five(ws, 2)
    extra = [
        sentence(
            f"Claim number {n} about widget {n} says {n + 1000} units shipped.",
            figures=[(f"{n + 1000} units", n + 1000, "units")],
        )
        for n in range(30)
    ]
    attach(ws, src(50), extra)

    def forbidden(*args, **kwargs):
        raise AssertionError("attach must use the index, not load every claim")

    monkeypatch.setattr(type(ws), "load_all", forbidden)
    monkeypatch.setattr(type(ws), "records", forbidden)
    text, ftext, unit = FIVE_WAYS[3]
    result = attach(ws, src(51), [sentence(text, figures=[(ftext, 700, unit)])])
    assert len(result.matched_claims) == 1


def test_store_search_matches_the_in_memory_search(ws):
    _five(ws, 1)
    attach(
        ws,
        src(20),
        [sentence("Klarna will cut nearly 2,000 jobs.", figures=[("2,000 jobs", 2000, "jobs")])],
    )
    from claimtrack.search import MemorySearch

    memory = MemorySearch(ws.load_all("claim"))
    for text in ("the chatbot does the job of 700 agents", "cutting 2,000 jobs"):
        assert ws.search(text) == memory.search(text)


# -- merge and detach -----------------------------------------------------------------------------


def _two_claims(ws):
    a = attach(
        ws,
        src(1),
        [sentence("Klarna says its assistant does the work of 700 agents.", 0)],
    ).new_claims[0]
    b = attach(
        ws,
        src(2),
        [sentence("Klarna's bot replaced a large team of customer service workers.", 0)],
    ).new_claims[0]
    assert a != b
    ws.save_many(
        [
            Evidence(id="e-000000000001", claim=b, source=src(3).id, stance="supports"),
            Question(id="q-000000000001", claim=b, text="Which workers?"),
        ]
    )
    return a, b


def test_merge_moves_mentions_evidence_and_questions_and_keeps_the_old_id(ws, run):
    a, b = _two_claims(ws)
    result = run("merge", a[:6], b)
    assert result.exit_code == 0, result.output
    assert not ws.exists("claim", b)
    survivor = ws.load("claim", a)
    assert b in survivor.aliases
    assert {m.source for m in survivor.mentions} == {src(1).id, src(2).id}
    assert ws.load("evidence", "e-000000000001").claim == a
    assert ws.load("question", "q-000000000001").claim == a
    assert ws.resolve(b) == ("claim", a)
    shown = run("show", b, "--json")
    assert json.loads(shown.output)["id"] == a
    # The index knows: the merged claim is gone and the survivor stands for it.
    (found,) = match_queries(ws, ["Klarna's bot replaced 700 customer service workers"])
    assert found[0][0].id == a and b not in {c.id for c, _ in found}


def test_merge_errors_leave_the_workspace_unchanged(ws, run):
    a, _ = _two_claims(ws)
    before = snapshot_tree(ws.root)
    for args in (("merge", a, a), ("merge", a, "c-ffffffffffff")):
        result = run(*args)
        assert result.exit_code == 1
        assert result.output.startswith("Error:") and "Traceback" not in result.output
    assert snapshot_tree(ws.root) == before


def test_detach_moves_a_wrongly_matched_mention_to_a_new_claim(ws, run):
    _five(ws, 3)
    (cid,) = ws.ids("claim")
    ws.save(
        Question(
            id="q-000000000009",
            claim=cid,
            text="Not answered",
            origin={"rule": "non-answer", "source": src(2).id, "sentence": "..."},
        )
    )
    result = run("detach", cid, "--source", src(2).id)
    assert result.exit_code == 0, result.output
    old = ws.load("claim", cid)
    assert [m.source for m in old.mentions] == [src(0).id, src(1).id]
    new_ids = [i for i in ws.ids("claim") if i != cid]
    assert len(new_ids) == 1
    new = ws.load("claim", new_ids[0])
    assert [m.source for m in new.mentions] == [src(2).id]
    assert new.text == FIVE_WAYS[2][0]
    assert ws.load("question", "q-000000000009").claim == new.id
    # Re-attaching the detached source does not pull the mention back.
    text, ftext, unit = FIVE_WAYS[2]
    again = attach(ws, src(2), [sentence(text, 0, claimant="Klarna", figures=[(ftext, 700, unit)])])
    assert again.claims == 0


def test_detach_by_mention_index_and_its_errors(ws, run):
    _five(ws, 2)
    (cid,) = ws.ids("claim")
    before = snapshot_tree(ws.root)
    for args, message in (
        (("detach", cid), "--source"),
        (("detach", cid, "--mention", "7"), "no mention 7"),
        (("detach", cid, "--source", "s-ffffffffffff"), "no mention in"),
    ):
        result = run(*args)
        assert result.exit_code == 1 and message in result.output, result.output
    assert snapshot_tree(ws.root) == before
    result = run("detach", cid, "--mention", "1")
    assert result.exit_code == 0, result.output
    assert len(ws.load("claim", cid).mentions) == 1
    single = detach
    with pytest.raises(Exception, match="no mention"):
        single(ws, cid, mention=0)
    merged = merge(ws, cid, [i for i in ws.ids("claim") if i != cid][0])
    assert len(merged.mentions) == 2


def test_word_statistics_follow_attach_and_merge(ws):
    towns = ["Arvika", "Boden", "Falun", "Gavle", "Kiruna", "Lulea"]
    for n, town in enumerate(towns):
        attach(
            ws,
            src(60 + n),
            [
                sentence(
                    f"The warehouse in {town} ships {1000 + 100 * n} parcels a day.",
                    figures=[(f"{1000 + 100 * n} parcels", 1000 + 100 * n, "parcels")],
                )
            ],
        )
    from claimtrack.match import content_words

    (word,) = content_words("warehouse")
    assert ws.match_statistics([word]) == (6, {word: 6})
    (found,) = match_queries(ws, ["Kiruna's warehouse ships 1,400 parcels a day"])
    assert is_same(found[0][1])
    kiruna = found[0][0].id
    assert "Kiruna" in ws.load("claim", kiruna).text
    other = next(i for i in ws.ids("claim") if i != kiruna)
    merge(ws, kiruna, other)
    assert ws.match_statistics([word]) == (5, {word: 5})


def is_same(score):
    from claimtrack.match import is_same_claim

    return is_same_claim(score)


def _records(ws) -> dict[str, object]:
    """Every record of a case, without the times it was written at."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not k.endswith("_at")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {
        str(p.relative_to(ws.root)): strip(json.loads(p.read_text("utf-8")))
        for p in sorted(ws.root.glob("*/*.json"))
    }


@pytest.mark.parametrize("batch", [50, 3])
def test_a_batch_prefilter_links_every_sentence_as_searching_does(tmp_path, monkeypatch, batch):
    """Ingest in batches holds the case's claims in memory (``Matcher(prefilter=True)``,
    ``CaseClaims``): it tells the sentences no claim could be the same as without searching,
    and searches the claims it holds rather than the case index. The case it builds is the one
    searching the index for every sentence builds, with fewer searches; in one batch (claims added as they are written) and in batches of 3 inputs (each batch's
    matcher reads the claims of the ones before)."""
    from pathlib import Path

    from claimtrack import linking
    from claimtrack.ingest import ingest_many, pipeline
    from claimtrack.match.claim_index import CaseClaims
    from claimtrack.workspace import Workspace

    monkeypatch.setattr(pipeline, "BATCH_INPUTS", batch)
    monkeypatch.setattr(pipeline, "BATCH_SECONDS", 3600.0)
    fixtures = Path(__file__).parent / "fixtures"
    files = sorted(str(p) for d in ("linking", "story") for p in (fixtures / d).glob("*.txt"))
    cases = {}
    searches: dict[str, list[str]] = {}
    held = CaseClaims.search
    for name, limit in (("prefilter", linking.PREFILTER_CLAIMS), ("search", -1)):
        monkeypatch.setattr(linking, "PREFILTER_CLAIMS", limit)
        ws, _ = Workspace.init(tmp_path / name)
        calls: list[str] = []
        search = ws.search
        monkeypatch.setattr(
            ws, "search", lambda text, top=100, s=search, c=calls: c.append("index") or s(text, top)
        )
        monkeypatch.setattr(
            CaseClaims,
            "search",
            lambda self, text, top=100, c=calls: c.append("held") or held(self, text, top),
        )
        assert all(r.ok for r in ingest_many(ws, files, jobs=1))
        cases[name], searches[name] = _records(ws), calls
    claims = [r for k, r in cases["search"].items() if k.startswith("claims/")]
    assert len(claims) > 10
    assert any(len({m["source"] for m in c["mentions"]}) > 1 for c in claims)  # linked
    assert cases["prefilter"] == cases["search"]
    assert set(searches["search"]) == {"index"}
    assert "held" in searches["prefilter"]
    if batch > len(files):  # one batch: the index is not searched at all
        assert set(searches["prefilter"]) == {"held"}
    assert len(searches["prefilter"]) < len(searches["search"])


def test_case_claims_answer_as_the_case_index_does(tmp_path):
    """``CaseClaims`` (a batch's claims held in memory) gives the case index's answers: the
    same search results and BM25 scores, the claims of each source, the word counts; and
    still does once claims change (a claim's title replaces its search row)."""
    from pathlib import Path

    from claimtrack.ingest import ingest_many
    from claimtrack.match import claim_features
    from claimtrack.match.claim_index import CaseClaims
    from claimtrack.workspace import Workspace

    fixtures = Path(__file__).parent / "fixtures"
    files = sorted(str(p) for d in ("linking", "story") for p in (fixtures / d).glob("*.txt"))
    ws, _ = Workspace.init(tmp_path / "case")
    assert all(r.ok for r in ingest_many(ws, files, jobs=1))

    def same_answers(case: CaseClaims) -> None:
        claims = [ws.load("claim", cid) for cid in ws.ids("claim")]
        queries = [m.quote for c in claims for m in c.mentions] + ["Klarna agents", "", "!!"]
        for text in queries:
            assert case.search(text, 100) == ws.search(text, 100)
            assert case.search(text, 3) == ws.search(text, 3)
        for sid in ws.ids("source"):
            assert case.claims_of_source(sid) == ws.claims_of_source(sid)
        words = sorted({w for c in claims for w in claim_features(c).words} | {"unheard"})
        n, df = ws.match_statistics(words)
        assert (len(case), {w: case.df(w) for w in words}) == (n, {w: df.get(w, 0) for w in words})

    case = CaseClaims(ws.load("claim", cid) for cid in ws.ids("claim"))
    assert len(case) > 10
    same_answers(case)
    claim = ws.load("claim", ws.ids("claim")[0])
    claim.title = "Klarna's assistant does the work of 700 agents, the company says"
    ws.save(claim)
    case.add([claim])
    same_answers(case)
