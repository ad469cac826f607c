"""Questions: add, answer, drop, and list them."""

from __future__ import annotations

import json

from conftest import snapshot_tree

from claimtrack.models import Claim, Evidence, Question, QuestionOrigin

CLAIM = Claim(id="c-0123456789ab", text="Klarna's assistant does the work of 700 agents")
EVIDENCE = Evidence(id="e-0123456789ab", claim=CLAIM.id, source="s-000000000001", stance="context")
RAISED = Question(
    id="q-aaaaaaaaaaaa",
    claim=CLAIM.id,
    text="Not answered: a rep could not give specifics",
    origin=QuestionOrigin(
        rule="non-answer", source="s-000000000001", sentence="A rep could not give specifics."
    ),
)


def lines(result):
    return [json.loads(line) for line in result.output.splitlines()]


def test_add_answer_drop_and_list(ws, run):
    ws.save_many([CLAIM, EVIDENCE, RAISED])
    added = run("question", "add", "c-0123", "How was the 700 figure calculated?")
    assert added.exit_code == 0, added.output
    qid = added.output.split()[0]
    assert ws.load("question", qid).claim == CLAIM.id
    # Asking the same again does not duplicate it.
    assert (
        run("question", "add", CLAIM.id, "How was the  700 figure calculated?").output.split()[0]
        == qid
    )
    rows = lines(run("questions", "--json"))
    assert {r["id"] for r in rows} == {qid, RAISED.id}
    raised = next(r for r in rows if r["id"] == RAISED.id)
    assert raised == {
        "id": RAISED.id,
        "claim": CLAIM.id,
        "claim_text": CLAIM.text,
        "text": RAISED.text,
        "status": "open",
        "answer": None,
        "evidence": None,
        "origin": "non-answer",
        "source": "s-000000000001",
        "sentence": "A rep could not give specifics.",
        "created_at": RAISED.created_at.isoformat(),
    }
    assert next(r for r in rows if r["id"] == qid)["origin"] == "user"

    answered = run("question", "answer", qid, "--evidence", "e-0123", "--note", "Annual report")
    assert answered.exit_code == 0, answered.output
    q = ws.load("question", qid)
    assert (q.status, q.evidence, q.answer) == ("answered", EVIDENCE.id, "Annual report")

    dropped = run("question", "drop", RAISED.id[:6], "--note", "not for this story")
    assert dropped.exit_code == 0
    assert ws.load("question", RAISED.id).status == "dropped"
    assert lines(run("questions", "--open", "--json")) == []
    assert "No open questions" in run("questions", "--open").output
    table = run("questions").output
    assert "answered" in table and "dropped" in table


def test_question_errors_are_one_line_and_change_nothing(ws, run):
    ws.save_many([CLAIM, RAISED])
    before = snapshot_tree(ws.root)
    for args, message in (
        (("question", "add", "c-ffff", "Why?"), "no claim"),
        (("question", "add", CLAIM.id, "   "), "empty"),
        (("question", "answer", RAISED.id), "--evidence"),
        (("question", "answer", RAISED.id, "--evidence", "e-ffff"), "no evidence"),
        (("question", "drop", "q-ffff"), "no question"),
    ):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert snapshot_tree(ws.root) == before


def test_questions_empty_workspace(ws, run):
    assert "No questions yet" in run("questions").output
    assert run("questions", "--json").output == ""
