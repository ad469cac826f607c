"""The workspace store: discovery, id prefixes, corrupt files, atomic and concurrent writes."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from claimtrack.errors import AmbiguousId, CorruptRecord, NotFound, WorkspaceError
from claimtrack.models import Claim, Source
from claimtrack.workspace import Workspace, find_workspace


def claim(cid: str, text: str = "A claim") -> Claim:
    return Claim(id=cid, text=text)


def test_init_is_idempotent(tmp_path):
    ws, created = Workspace.init(tmp_path / "claims")
    assert created
    (tmp_path / "claims" / "claims" / "c-000000000001.json").write_text("{}")
    ws2, created2 = Workspace.init(tmp_path / "claims")
    assert not created2 and ws2.root == ws.root
    assert (tmp_path / "claims" / "claims" / "c-000000000001.json").read_text() == "{}"


def test_found_by_walking_up_and_overridden(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMTRACK_WORKSPACE", raising=False)
    Workspace.init(tmp_path / "case" / "claims")
    deep = tmp_path / "case" / "drafts" / "2024"
    deep.mkdir(parents=True)
    assert find_workspace(cwd=deep) == (tmp_path / "case" / "claims").resolve()
    # inside the workspace folder itself
    assert find_workspace(cwd=tmp_path / "case" / "claims") == (tmp_path / "case" / "claims")
    other, _ = Workspace.init(tmp_path / "other")
    monkeypatch.setenv("CLAIMTRACK_WORKSPACE", str(other.root))
    assert find_workspace(cwd=deep) == other.root
    assert find_workspace(tmp_path / "case" / "claims", cwd=deep) == tmp_path / "case" / "claims"
    with pytest.raises(WorkspaceError, match="not a claimtrack workspace"):
        find_workspace(tmp_path / "case" / "drafts")


def test_no_workspace_anywhere(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMTRACK_WORKSPACE", raising=False)
    with pytest.raises(WorkspaceError, match="claimtrack init"):
        find_workspace(cwd=tmp_path)


def test_newer_format_is_refused(ws):
    (ws.root / "claimtrack.json").write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(WorkspaceError, match="newer claimtrack"):
        Workspace.open(ws.root)


def test_prefix_lookup(ws):
    ws.save_many([claim("c-abc000000001"), claim("c-abc000000002"), claim("c-def000000003")])
    assert ws.resolve("c-def") == ("claim", "c-def000000003")
    assert ws.resolve("def", "claim") == ("claim", "c-def000000003")
    assert ws.get("c-abc000000002").id == "c-abc000000002"
    with pytest.raises(AmbiguousId) as info:
        ws.resolve("c-abc")
    assert info.value.candidates == ["c-abc000000001", "c-abc000000002"]
    assert "c-abc000000001" in str(info.value) and "c-abc000000002" in str(info.value)
    with pytest.raises(NotFound, match="no claim"):
        ws.resolve("c-fff")


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "c-\x00", "", "c-ab/../x", "C-ABC"])
def test_hostile_ids_are_refused(ws, hostile):
    with pytest.raises(NotFound):
        ws.resolve(hostile)


def test_merged_alias_resolves_to_survivor(ws):
    survivor = claim("c-111111111111")
    survivor.aliases = ["c-222222222222"]
    ws.save(survivor)
    assert ws.resolve("c-2222") == ("claim", "c-111111111111")


def test_corrupt_record_is_named_and_others_load(ws):
    ws.save_many([claim("c-000000000001", "fine"), claim("c-000000000003", "also fine")])
    bad = ws.root / "claims" / "c-000000000002.json"
    bad.write_text('{"id": "c-000000000002", "text": ')  # cut off mid-write by hand
    wrong = ws.root / "claims" / "c-000000000004.json"
    wrong.write_text(json.dumps({"id": "c-000000000004", "text": 5}))
    records = ws.records()
    assert sorted(records.claims) == ["c-000000000001", "c-000000000003"]
    named = sorted(p.path for p in records.problems)
    assert named == [str(bad), str(wrong)]
    with pytest.raises(CorruptRecord, match="c-000000000002.json"):
        ws.load("claim", "c-000000000002")


def test_record_whose_id_differs_from_its_file_name_is_corrupt(ws):
    ws.save(claim("c-000000000001"))
    src = ws.root / "claims" / "c-000000000001.json"
    (ws.root / "claims" / "c-000000000009.json").write_bytes(src.read_bytes())
    with pytest.raises(CorruptRecord, match="holds id"):
        ws.load("claim", "c-000000000009")


def test_failure_before_rename_keeps_previous_version(ws, monkeypatch):
    ws.save(claim("c-000000000001", "first version"))
    path = ws.path_for("claim", "c-000000000001")
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WorkspaceError, match="No space left"):
        ws.save(claim("c-000000000001", "second version"))
    monkeypatch.undo()
    assert path.read_bytes() == before
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_killed_writer_never_leaves_half_a_record(ws):
    """A writer killed while writing a large record leaves the old or the new file, whole."""
    ws.save(claim("c-000000000001", "old"))
    script = textwrap.dedent(
        f"""
        import sys
        from claimtrack.models import Claim
        from claimtrack.workspace import Workspace
        ws = Workspace.open({str(ws.root)!r})
        print("ready", flush=True)
        for i in range(10_000):
            ws.save(Claim(id="c-000000000001", text="new " + "x" * 200_000 + str(i)))
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"ready"
    import time

    time.sleep(0.3)
    proc.kill()
    proc.wait()
    loaded = Workspace.open(ws.root).load("claim", "c-000000000001")
    assert loaded.text == "old" or loaded.text.startswith("new ")


def test_two_processes_writing_different_records_both_land(ws):
    script = textwrap.dedent(
        """
        import sys
        from claimtrack.models import Claim
        from claimtrack.workspace import Workspace
        ws = Workspace.open(sys.argv[1])
        for i in range(40):
            ws.save(Claim(id=f"c-{sys.argv[2]}{i:010x}", text=f"claim {i}"))
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(ws.root), tag]) for tag in ("aa", "bb")
    ]
    assert [p.wait() for p in procs] == [0, 0]
    ids = ws.ids("claim")
    assert len(ids) == 80
    assert sum(i.startswith("c-aa") for i in ids) == 40


def test_blobs_are_content_addressed(ws):
    sha = ws.put_blob(b"<html>snapshot</html>")
    assert ws.put_blob(b"<html>snapshot</html>") == sha
    assert ws.read_blob(sha) == b"<html>snapshot</html>"
    assert ws.blob_path(sha).parent.name == sha[:2]
    source = Source(id="s-000000000001", text_sha256=ws.put_blob("Texte : 700 agents €".encode()))
    assert ws.source_text(source) == "Texte : 700 agents €"
    with pytest.raises(NotFound, match="missing"):
        ws.read_blob("0" * 64)


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_a_batch_renames_each_record_only_after_its_bytes_are_synced(tmp_path, monkeypatch, syncfs):
    """write_batch: every temporary file is on the disk (one syncfs of the file system, or an
    fsync of each where there is none) before the first file is renamed into place; snapshots
    land before the records that name them."""
    import claimtrack.atomic as workspace

    events: list[tuple[str, str]] = []
    real_replace, real_fsync = os.replace, os.fsync
    if not syncfs:
        monkeypatch.setattr(workspace, "_SYNCFS", [None])

    def replace(src, dst):
        events.append(("replace", os.path.basename(str(dst))))
        return real_replace(src, dst)

    def fsync(fd):
        if not os.path.isdir(f"/proc/self/fd/{fd}"):
            events.append(("fsync", os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))))
        return real_fsync(fd)

    def sync_files(paths):
        events.extend(("synced", os.path.basename(p)) for p in paths)

    monkeypatch.setattr(workspace.os, "replace", replace)
    monkeypatch.setattr(workspace.os, "fsync", fsync)
    if syncfs:
        monkeypatch.setattr(workspace, "sync_files", sync_files)
    old = tmp_path / "claims" / "c-000000000000.json"
    old.parent.mkdir()
    old.write_bytes(b"old")
    records = [(tmp_path / "claims" / f"c-00000000000{i}.json", b"{}\n") for i in range(1, 4)]
    blob = (tmp_path / "snapshots" / "ab" / ("ab" * 32), b"page")
    stats = workspace.write_batch([blob], [*records, (old, None)])

    assert not old.exists() and all(path.read_bytes() == b"{}\n" for path, _ in records)
    assert set(stats) == {blob[0], *(path for path, _ in records)}
    first_rename = next(i for i, (what, _) in enumerate(events) if what == "replace")
    synced = {name for what, name in events[:first_rename] if what in ("synced", "fsync")}
    assert len([n for n in synced if n.endswith(".tmp")]) == 4, events
    renamed = [name for what, name in events if what == "replace"]
    assert renamed[0] == "ab" * 32  # the snapshot before the records that name it
    assert not list(tmp_path.rglob("*.tmp"))


def test_sync_files_falls_back_to_fsync_when_syncfs_is_refused(tmp_path, monkeypatch):
    import errno

    import claimtrack.atomic as workspace

    def refused(fd):
        import ctypes

        ctypes.set_errno(errno.EPERM)
        return -1

    calls: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(workspace, "_SYNCFS", [refused])
    monkeypatch.setattr(workspace.os, "fsync", lambda fd: calls.append(fd) or real_fsync(fd))
    files = [tmp_path / f"f{i}" for i in range(3)]
    for f in files:
        f.write_bytes(b"x")
    workspace.sync_files([str(f) for f in files])
    assert len(calls) == 3
