"""benchmarks/scratch.py: under benchmarks/run.py a benchmark's scratch folders outlive it
(run.py deletes them all after its table), on its own they are deleted when it ends."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import scratch  # noqa: E402


def test_a_benchmark_on_its_own_deletes_its_folder(monkeypatch):
    monkeypatch.delenv(scratch.SHARED, raising=False)
    with scratch.folder("t-") as tmp:
        (tmp / "record.json").write_text("{}")
        assert tmp.is_dir()
    assert not tmp.exists()


def test_under_run_py_the_folder_is_made_in_the_shared_one_and_kept(monkeypatch, tmp_path):
    monkeypatch.setenv(scratch.SHARED, str(tmp_path))
    with scratch.folder("t-") as tmp:
        (tmp / "record.json").write_text("{}")
    assert tmp.parent == tmp_path
    assert (tmp / "record.json").is_file()


def test_a_shared_folder_that_is_gone_falls_back_to_deleting(monkeypatch, tmp_path):
    monkeypatch.setenv(scratch.SHARED, str(tmp_path / "gone"))
    with scratch.folder("t-") as tmp:
        assert tmp.is_dir()
    assert not tmp.exists()
