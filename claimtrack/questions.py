"""Open questions: what nobody has answered about a claim yet.

Linking raises them automatically from non-answer sentences ("a rep was not able to provide
specifics"); journalists add their own with ``add``, and close them with ``answer`` (pointing at
the evidence that answers it, or in words) or ``drop``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import ClaimtrackError
from .ids import make_id
from .models import Question, expect

if TYPE_CHECKING:
    from .workspace import Records, Workspace


class QuestionError(ClaimtrackError):
    """A question operation that cannot be done as asked."""


def add(ws: Workspace, claim_ref: str, text: str, *, now: datetime | None = None) -> Question:
    """Ask ``text`` about the claim ``claim_ref``. Asking the same again returns the first."""
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty")
    with ws.lock():
        claim_id = ws.resolve(claim_ref, "claim")[1]
        qid = make_id("question", "user", claim_id, text)
        if ws.exists("question", qid):
            return expect(ws.load("question", qid), Question)
        extra = {"created_at": now} if now is not None else {}
        question = Question(id=qid, claim=claim_id, text=text, **extra)
        ws.save(question)
    return question


def answer(
    ws: Workspace,
    question_ref: str,
    *,
    evidence: str | None = None,
    note: str | None = None,
) -> Question:
    """Mark a question answered, by evidence (an id prefix) and/or a note in words."""
    if not evidence and not (note and note.strip()):
        raise QuestionError("say what answers it: --evidence EVIDENCE and/or --note TEXT")
    with ws.lock():
        question = expect(ws.get(question_ref, "question"), Question)
        evidence_id = ws.resolve(evidence, "evidence")[1] if evidence else None
        question.status = "answered"
        question.evidence = evidence_id
        question.answer = note.strip() if note and note.strip() else question.answer
        ws.save(question)
    return question


def drop(ws: Workspace, question_ref: str, *, note: str | None = None) -> Question:
    """Close a question that no longer matters (kept, with status ``dropped``)."""
    with ws.lock():
        question = expect(ws.get(question_ref, "question"), Question)
        question.status = "dropped"
        if note and note.strip():
            question.answer = note.strip()
        ws.save(question)
    return question


def listing(records: Records, *, open_only: bool = False) -> list[Question]:
    """The questions of a workspace, oldest first (open ones only with ``open_only``)."""
    out = [q for q in records.questions.values() if not open_only or q.status == "open"]
    return sorted(out, key=lambda q: (q.created_at, q.id))


def summary(question: Question, records: Records | None = None) -> dict[str, Any]:
    """The ``questions --json`` contract (docs/linking.md)."""
    claim = records.claims.get(question.claim) if records else None
    origin = question.origin
    return {
        "id": question.id,
        "claim": question.claim,
        "claim_text": claim.text if claim else None,
        "text": question.text,
        "status": question.status,
        "answer": question.answer,
        "evidence": question.evidence,
        "origin": origin.rule if origin else "user",
        "source": origin.source if origin else None,
        "sentence": origin.sentence if origin else None,
        "created_at": question.created_at.isoformat(),
    }
