"""Many journalists writing one database case at once, as separate claimtrack processes: the
case's lock and content-derived ids make the result the same as if they had taken turns."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from claimtrack.ids import make_id
from claimtrack.models import Claim, Source


def claimtrack(*args: str, url: str) -> subprocess.Popen:
    env = {**os.environ, "CLAIMTRACK_WORKSPACE": url}
    return subprocess.Popen(
        [sys.executable, "-m", "claimtrack", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(processes: list[subprocess.Popen]) -> list[str]:
    outputs = []
    for p in processes:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        outputs.append(out + err)
    return outputs


def test_journalists_importing_the_same_claims_at_once_end_with_one_claim_each(pg, tmp_path):
    """Four desks import files of 30 claims at the same time; 10 claims are in every file,
    each from that desk's own source. Every claim is there once, and each shared claim has a
    mention from every desk."""
    desks, own, shared = 4, 20, 10
    files = []
    for desk in range(desks):
        rows = [
            {"text": f"Fjord Bank opened {100 + n} branches in the north.", "source": "wire"}
            for n in range(shared)
        ]
        rows = [{**r, "source": f"desk-{desk}"} for r in rows]
        rows += [
            {"text": f"Desk {desk} counted {1000 + n} new accounts.", "source": f"desk-{desk}"}
            for n in range(own)
        ]
        path = tmp_path / f"desk{desk}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        files.append(path)
    finish([claimtrack("import", str(p), "--no-figures", url=pg.url) for p in files])
    claims = pg.load_all("claim")
    assert len(claims) == desks * own + shared
    for n in range(shared):
        claim = pg.load(
            "claim", make_id("claim", f"Fjord Bank opened {100 + n} branches in the north.", None)
        )
        assert len(claim.mentions) == desks
        assert {m.source for m in claim.mentions} == {
            make_id("source", f"desk-{d}") for d in range(desks)
        }
    assert len(pg.ids("source")) == desks


def test_eight_journalists_adding_evidence_to_one_claim_at_once(pg):
    passages = [f"Passage {n} says the bank opened {100 + n} branches." for n in range(8)]
    text = " ".join(passages)
    sha = pg.put_blob(text.encode("utf-8"))
    source = Source(id="s-0000000000aa", title="Annual report", text_sha256=sha, sha256=sha)
    claim = Claim(id="c-0000000000bb", text="Fjord Bank opened 100 branches.")
    pg.save_many([source, claim])
    finish(
        [
            claimtrack(
                "evidence",
                "add",
                claim.id,
                source.id,
                "--supports",
                "--quote",
                passage,
                "--author",
                f"reporter {n}",
                url=pg.url,
            )  # fmt: skip
            for n, passage in enumerate(passages)
        ]
    )
    evidence = pg.load_all("evidence")
    assert len(evidence) == 8
    assert sorted(e.quote for e in evidence) == sorted(passages)
    assert {e.author for e in evidence} == {f"reporter {n}" for n in range(8)}
    assert not any(e.unverified for e in evidence)


def test_two_journalists_ingesting_the_same_claim_at_once(pg, tmp_path):
    """Two reporters ingest their own notes at the same moment; both quote the company's
    figure. One claim, with a mention in each note."""
    paths = []
    for name in ("ana", "ben"):
        path = tmp_path / f"{name}.md"
        path.write_text(
            f"# Notes by {name}\n\nFjord Bank says it opened 140 branches in the north last "
            f"year.\n\nThe weather was {'grey' if name == 'ana' else 'fine'} all week.\n",
            encoding="utf-8",
        )
        paths.append(path)
    finish([claimtrack("ingest", str(p), url=pg.url) for p in paths])
    claims = [c for c in pg.load_all("claim") if "140 branches" in c.text]
    assert len(claims) == 1
    assert len({m.source for m in claims[0].mentions}) == 2
    assert len(pg.ids("source")) == 2
