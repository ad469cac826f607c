"""Fault tests: writers killed with SIGKILL at random points, and many writers at once.

The workspace promises that a crash never leaves half a record and that concurrent writers
serialise on its lock. These tests try to break both promises on purpose. The randomness is
seeded, so a failure can be replayed.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from claimtrack.ids import make_id
from claimtrack.models import Claim, Evidence, Mention, Question, Source
from claimtrack.workspace import Workspace, dump_record

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

KILL_RUNS = 50


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _writer(root: str, run: int, out_fd: int) -> None:
    """Write records forever, reporting each one before ("begin") and after ("done") it lands.

    Runs in a forked child that the test kills with SIGKILL.
    """
    ws = Workspace.open(root)
    rng = random.Random(1000 + run)
    out = os.fdopen(out_fd, "w", buffering=1)
    mine: list[str] = []
    for i in range(100_000):
        roll = rng.random()
        if roll < 0.45 or not mine:
            # A new claim, sometimes large so that the kill often lands inside a write.
            text = (
                f"Run {run} claim {i}: the assistant did the work of {rng.randint(2, 999)} agents."
            )
            padding = "x" * rng.choice([0, 100, 5_000, 150_000])
            claim = Claim(id=make_id("claim", text), text=text, tags=[padding] if padding else [])
            mine.append(claim.id)
            records = [claim]
        elif roll < 0.75:
            # Read-modify-write of an existing claim under the lock: add one mention.
            with ws.lock():
                claim = ws.load("claim", rng.choice(mine))
                claim.mentions.append(Mention(source="s-000000000001", quote=f"quote {run}/{i}"))
                data = dump_record(claim)
                out.write(f"begin claim {claim.id} {_sha(data)}\n")
                ws.save(claim)
                out.write(f"done claim {claim.id} {_sha(data)}\n")
            continue
        elif roll < 0.9:
            claim_id = rng.choice(mine)
            records = [
                Evidence(
                    id=make_id("evidence", claim_id, str(run), str(i)),
                    claim=claim_id,
                    source="s-000000000001",
                    stance=rng.choice(["supports", "contradicts", "context"]),
                    quote=f"passage {i}",
                )
            ]
        else:
            # Several records in one save_many: each lands whole, whatever the others do.
            claim_id = rng.choice(mine)
            records = [
                Question(
                    id=make_id("question", claim_id, str(run), str(i), str(k)),
                    claim=claim_id,
                    text=f"Where does figure {k} of run {run} come from?",
                )
                for k in range(3)
            ]
        for record in records:
            kind = type(record).__name__.lower()
            out.write(f"begin {kind} {record.id} {_sha(dump_record(record))}\n")
        ws.save_many(records)
        for record in records:
            kind = type(record).__name__.lower()
            out.write(f"done {kind} {record.id} {_sha(dump_record(record))}\n")


def _fork_writer(root: str, run: int) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 0
        try:
            os.close(read_fd)
            _writer(root, run, write_fd)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def test_writer_killed_at_random_points_never_loses_committed_records(ws):
    """50 writers, each killed with SIGKILL after a random number of writes plus a random delay.

    After every kill the workspace loads with no corrupt record, every record whose save had
    returned holds exactly what was saved (or the newer version being written when it died),
    and the next writer can take the lock.
    """
    ws.save(Source(id="s-000000000001", title="the source every mention points at"))
    rng = random.Random(20240227)
    committed: dict[str, str] = {}  # id -> sha of the last version whose save returned
    in_flight: dict[str, str] = {}  # id -> sha of a version being written at the kill
    kinds: dict[str, str] = {}
    kills_inside_a_write = 0
    for run in range(KILL_RUNS):
        pid, read_fd = _fork_writer(str(ws.root), run)
        stream = os.fdopen(read_fd, "r")
        wait_for = rng.randint(0, 6)
        lines = []
        done = 0
        while done < wait_for:
            line = stream.readline()
            if not line:
                break
            lines.append(line)
            done += line.startswith("done ")
        time.sleep(rng.uniform(0, 0.02))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the writer stopped before it was killed"
        lines += stream.readlines()
        stream.close()

        in_flight.clear()
        for line in lines:
            if not line.endswith("\n"):
                continue
            event, kind, record_id, sha = line.split()
            kinds[record_id] = kind
            if event == "begin":
                in_flight[record_id] = sha
            else:
                committed[record_id] = sha
                in_flight.pop(record_id, None)
        kills_inside_a_write += bool(in_flight)

        reopened = Workspace.open(ws.root)
        records = reopened.records()
        assert records.problems == [], f"run {run}: {records.problems}"
        for record_id, sha in committed.items():
            path = reopened.path_for(kinds[record_id], record_id)
            on_disk = _sha(path.read_bytes())
            assert on_disk in (sha, in_flight.get(record_id)), f"run {run}: {path.name} changed"
        for record_id, sha in in_flight.items():
            path = reopened.path_for(kinds[record_id], record_id)
            if path.exists():
                on_disk = _sha(path.read_bytes())
                assert on_disk in (sha, committed.get(record_id)), f"run {run}: {path.name} torn"
                # Whichever version survived is what later runs must find.
                committed[record_id] = on_disk
        # The lock died with the writer: the next writer gets it at once.
        started = time.monotonic()
        with reopened.lock():
            pass
        assert time.monotonic() - started < 5
    assert len(committed) > KILL_RUNS  # the writers did get work done
    print(f"{kills_inside_a_write} of {KILL_RUNS} kills landed mid-write")
    assert kills_inside_a_write > 0  # and some kills did land mid-write


def _concurrent_worker(root: str, worker: int, claim_ids: list[str], rounds: int) -> None:
    ws = Workspace.open(root)
    for i in range(rounds):
        claim_id = claim_ids[i % len(claim_ids)]
        ws.save(
            Evidence(
                id=make_id("evidence", claim_id, f"worker {worker}", str(i)),
                claim=claim_id,
                source="s-000000000001",
                stance="supports" if i % 2 else "contradicts",
                quote=f"passage {worker}/{i}",
            )
        )
        ws.save(
            Question(
                id=make_id("question", claim_id, f"worker {worker}", str(i)),
                claim=claim_id,
                text=f"Question {i} from worker {worker}",
            )
        )
        # Read-modify-write of one shared claim: only safe under the workspace lock.
        with ws.lock():
            shared = ws.load("claim", claim_ids[0])
            shared.tags.append(f"w{worker}-{i}")
            ws.save(shared)


def test_eight_processes_adding_evidence_and_questions_lose_nothing(ws):
    claims = [
        Claim(id=make_id("claim", f"shared claim {k}"), text=f"Shared claim {k}") for k in range(3)
    ]
    ws.save_many([*claims, Source(id="s-000000000001", title="common source")])
    claim_ids = [c.id for c in claims]
    workers, rounds = 8, 12
    pids = []
    for worker in range(workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _concurrent_worker(str(ws.root), worker, claim_ids, rounds)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        pids.append(pid)
    statuses = [os.waitpid(pid, 0)[1] for pid in pids]
    assert [os.waitstatus_to_exitcode(s) for s in statuses] == [0] * workers

    records = Workspace.open(ws.root).records()
    assert records.problems == []
    assert len(records.evidence) == workers * rounds
    assert len(records.questions) == workers * rounds
    for claim_id in claim_ids:
        expected = sum(1 for i in range(rounds) if claim_ids[i % 3] == claim_id) * workers
        assert sum(e.claim == claim_id for e in records.evidence.values()) == expected
    tags = records.claims[claim_ids[0]].tags
    assert sorted(tags) == sorted(f"w{w}-{i}" for w in range(workers) for i in range(rounds))
    leftovers = [p for p in ws.root.rglob("*.tmp")]
    assert leftovers == []


def test_eight_cli_processes_adding_evidence_at_once(ws):
    """``claimtrack evidence add`` run by 8 people at the same moment: 8 evidence records."""
    text = " ".join(f"Analyst {k} counted {100 + k} agents on the night shift." for k in range(8))
    source = Source(id="s-0000000000aa", title="Audit", text_sha256=ws.put_blob(text.encode()))
    claim = Claim(id=make_id("claim", "shared"), text="The assistant does the work of 700 agents.")
    ws.save_many([source, claim])
    env = {k: v for k, v in os.environ.items() if k != "CLAIMTRACK_WORKSPACE"}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "claimtrack",
                "--workspace",
                str(ws.root),
                "evidence",
                "add",
                claim.id,
                source.id,
                "--contradicts",
                "--quote",
                f"Analyst {k} counted {100 + k} agents",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for k in range(8)
    ]
    results = [(p.wait(), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [rc for rc, _ in results] == [0] * 8, results
    evidence = Workspace.open(ws.root).records().evidence.values()
    assert sorted(e.quote for e in evidence) == sorted(
        f"Analyst {k} counted {100 + k} agents" for k in range(8)
    )


# -- batch commits ------------------------------------------------------------------------------

BATCH_KILLS = 12


def _batch_writer(root: str, inputs: str, run: int, out_fd: int) -> None:
    """Ingest a folder of notes in small batches, reporting each input once its batch is
    committed (what ``iter_ingest`` yields), with import runs in between."""
    import claimtrack.ingest.pipeline as pipeline
    import claimtrack.workspace as workspace
    from claimtrack.importer import ImportItem, import_items
    from claimtrack.ingest import iter_ingest

    pipeline.BATCH_INPUTS = 3
    workspace.BATCH_RECORDS = 7
    ws = Workspace.open(root)
    out = os.fdopen(out_fd, "w", buffering=1)
    for result in iter_ingest(ws, [inputs], jobs=1):
        if result.source is not None:
            out.write(f"source {result.source.id} {result.source.text_sha256}\n")
    items = [
        ImportItem(text=f"Run {run}: the depot shipped {n * 37 + run} parcels.", sources=["Wire"])
        for n in range(40)
    ]
    result = import_items(ws, items, figures=False)
    for cid in result.new_claims:
        out.write(f"claim {cid} -\n")


class FromFiles:
    """The reference answers (NaiveReads), computed from the record files."""

    def __new__(cls, ws):
        from claimtrack.store.base import NaiveReads

        class Reference(NaiveReads):
            def records(self):
                return ws.read_files()

        return Reference()


def test_a_batch_writer_killed_at_any_moment_leaves_whole_batches_and_a_clean_verify(ws, tmp_path):
    """Ingest and import in small batches, killed at random moments: every record reported
    committed is there and whole, no record is half written, ``verify`` finds nothing wrong,
    and the index's answers are the files' answers."""
    inputs = tmp_path / "notes"
    inputs.mkdir()
    rng = random.Random(4242)
    for n in range(30):
        lines = [
            f"Report {n}: Northwind says it opened {rng.randint(2, 900)} stores in {2000 + n}.",
            f"The firm added {rng.randint(2, 90)} markets, its chief executive said.",
            "Analysts were not convinced by the figures.",
        ]
        (inputs / f"note-{n:02d}.txt").write_text("\n\n".join(lines), encoding="utf-8")
    reported: dict[str, str] = {}
    for run in range(BATCH_KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(read_fd)
                _batch_writer(str(ws.root), str(inputs), run, write_fd)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd) as stream:
            for line in stream.read().splitlines():
                parts = line.split()
                if len(parts) == 3:
                    reported[parts[1]] = parts[2]

        reopened = Workspace.open(ws.root)
        records = reopened.read_files()
        assert records.problems == [], f"run {run}: {records.problems}"
        for record_id, text_sha in reported.items():
            kind = "source" if record_id.startswith("s-") else "claim"
            assert reopened.exists(kind, record_id), f"run {run}: {record_id} reported, missing"
            if kind == "source":
                assert records.sources[record_id].text_sha256 is not None
                assert reopened.blob_path(text_sha).is_file()
        report = reopened.verify()
        assert report.ok, f"run {run}: {[p.to_json() for p in report.problems]}"

        reference = FromFiles(reopened)
        assert reopened.query_claims(order="severity") == reference.query_claims(order="severity")
        assert reopened.mention_counts() == reference.mention_counts()
    print(
        f"{len(reported)} records reported committed; {len(reopened.ids('claim'))} claims on disk"
    )
    assert len(reported) > 10  # the writers got work done between the kills
    leftovers = [p for p in ws.root.rglob("*.tmp") if ".cache" not in p.parts]
    # A kill may leave a temporary file behind; it is never taken for a record.
    assert all(p.name.startswith(".") for p in leftovers)
