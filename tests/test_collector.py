"""claimtrack.collector: the cycle collector is paused for a stretch of work and always
restored, and an ingest never leaves it paused while its caller holds a result."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from claimtrack import collector
from claimtrack.ingest import iter_ingest

ARTICLE = Path(__file__).parent / "fixtures" / "ingest" / "klarna_article.html"


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_paused_restores_the_state_it_found():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # it was off before: it stays off


def test_paused_restores_after_an_error():
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_pause_ends_once_whatever_the_calls():
    pause = collector.Pause()
    pause.end()  # not started: nothing to restore
    assert gc.isenabled()
    pause.start()
    pause.start()
    assert not gc.isenabled()
    pause.end()
    assert gc.isenabled()
    pause.end()
    assert gc.isenabled()


def test_ingest_never_yields_with_the_collector_paused(ws, tmp_path):
    inputs = []
    for k in range(3):
        copy = tmp_path / f"page{k}.html"
        copy.write_bytes(ARTICLE.read_bytes().replace(b"</body>", f"<p>{k}</p></body>".encode()))
        inputs.append(str(copy))
    inputs.append(str(tmp_path / "missing.html"))
    seen = []
    for result in iter_ingest(ws, inputs, jobs=1):
        seen.append((result.error is None, gc.isenabled()))
    assert seen == [(True, True), (True, True), (True, True), (False, True)]
    assert gc.isenabled()


def test_an_ingest_abandoned_midway_leaves_the_collector_on(ws, tmp_path):
    inputs = []
    for k in range(2):
        copy = tmp_path / f"page{k}.html"
        copy.write_bytes(ARTICLE.read_bytes())
        inputs.append(str(copy))
    results = iter_ingest(ws, inputs, jobs=1)
    next(results)
    results.close()
    assert gc.isenabled()
