"""Language detection, and sources in other languages archived but not read with English
rules. The texts are written for these tests."""

from __future__ import annotations

import json

import pytest

from claimtrack.language import detect, language_of, name, reads_english, skipped

GERMAN = (
    "Die Stadt will bis 2030 die Zahl der Ladestationen für Elektroautos verdoppeln, sagte die "
    "Bürgermeisterin am Dienstag. Ein 18-jähriger Fahrer wurde bei einem Unfall auf der "
    "Hauptstraße leicht verletzt. Der Stadtrat hat dafür 12 Millionen Euro bereitgestellt."
)
FRENCH = (
    "Le gouvernement a annoncé mardi une hausse de 3 % du salaire minimum à partir de janvier. "
    "Les syndicats jugent la mesure insuffisante et appellent à une grève jeudi."
)
ENGLISH = (
    "Klarna says its AI assistant does the work of 700 full-time agents. The company cut "
    "about 700 jobs in 2022, and its valuation fell 85% that year."
)


@pytest.mark.parametrize(
    "text, code",
    [
        (GERMAN, "de"),
        (FRENCH, "fr"),
        (ENGLISH, "en"),
        ("El banco central subió los tipos de interés por tercera vez este año.", "es"),
        ("Revenue rose 27% in the first half, the company said.", "en"),
    ],
)
def test_detects_the_language(text, code):
    assert detect(text) == code


@pytest.mark.parametrize("text", ["", "   ", "700", "\x00\x01 \ud800 ~~"])
def test_unsure_or_odd_input_is_none_not_an_error(text):
    assert detect(text) is None


def test_declared_language_is_the_fallback_and_unknown_reads_as_english():
    assert language_of("", "DE") == "de"
    assert language_of(GERMAN, "en") == "de"  # the text wins over the page's declaration
    assert language_of("", None) is None
    assert reads_english(None) and reads_english("en") and not reads_english("de")
    assert skipped("en") is None and skipped(None) is None
    assert skipped("de") == "in German (de): not read for claims; claimtrack reads English"
    assert name("it") == "Italian" and name("zz") == "zz"


def test_a_german_source_is_recorded_but_not_read_with_english_rules(ws, run, tmp_path):
    path = tmp_path / "stadtrat.txt"
    path.write_text(GERMAN, encoding="utf-8")
    result = run("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert "in German (de): not read for claims" in result.output
    (source,) = ws.load_all("source")
    assert source.language == "de"
    assert ws.load_all("claim") == []  # no "18 jährigen" count, no "12 Millionen" claim
    assert ws.source_text(source).startswith("Die Stadt")  # archived all the same
    shown = run("show", source.id)
    assert "in German (de): not read for claims" in shown.output
    assert json.loads(run("show", source.id, "--json").output)["language"] == "de"


def test_an_english_source_is_read_as_before(ws, run, tmp_path):
    path = tmp_path / "klarna.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    result = run("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert "not read for claims" not in result.output
    (source,) = ws.load_all("source")
    assert source.language == "en"
    assert any(c.figures for c in ws.load_all("claim"))
    assert "skipped" not in run("show", source.id).output
