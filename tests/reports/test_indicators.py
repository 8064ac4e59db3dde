"""The shipped open indicators: every value sourced, dated and licensed; gaps stay empty."""
from __future__ import annotations

import csv

import pytest

from digiready.reports.indicators import COLUMNS, IndicatorError, indicators_dir, load_indicators


def test_every_value_has_source_year_and_licence():
    rows = load_indicators()
    assert rows
    economies = {r.economy for r in rows}
    assert {"pe", "ph", "vn", "id", "pg"} <= economies
    assert economies - {"pe", "ph", "vn", "id", "pg"}, "APEC comparators present"
    for r in rows:
        if r.value is not None:
            assert r.source and r.licence and r.unit, r
            assert r.year is not None or "year" in r.note.lower(), r
    keys = [(r.economy, r.code, r.year) for r in rows if r.value is not None]
    assert len(keys) == len(set(keys)), "one value per economy x indicator x year"


def test_files_have_the_documented_columns():
    for path in indicators_dir().glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header[:len(COLUMNS)] == COLUMNS, path
    assert (indicators_dir() / "README.md").is_file()


def test_a_value_without_source_is_rejected(tmp_path):
    (tmp_path / "x.csv").write_text(",".join(COLUMNS) + "\npe,IT.NET.USER.ZS,Internet,2022,70,%,,\n")
    with pytest.raises(IndicatorError, match="x.csv:2"):
        load_indicators(tmp_path)


def test_missing_values_print_as_no_data(built):
    text = built.pdf_text("needs-assessment")
    assert "no data" in text
    # A value that is shipped appears with its year.
    assert "72.5" in text and "2022" in text


def test_the_dii_comparison_says_how_far_it_is_comparable():
    """Issue 17 item 8: the report no longer says the 12-item count can be read like official
    statistics; it says what is the same (bands, a count of 12) and what is not (items, who
    answers, enterprise size)."""
    from types import SimpleNamespace

    from digiready.reports.model import Paragraph, Section
    from digiready.reports.status import SourceList, dii_comparison

    data = SimpleNamespace(n=10, dii_bands=lambda: {"very_low": 6, "low": 3, "high": 1})
    inputs = SimpleNamespace(economies=["pe"], data={"pe": data}, indicators=load_indicators())
    sec = Section("status", "Status")
    dii_comparison(sec, inputs, SourceList())
    text = " ".join(b.text for _depth, s in sec.walk() for b in s.blocks if isinstance(b, Paragraph))
    assert "only partly comparable" in text
    assert "10 or more persons employed" in text and "micro businesses" in text
    assert "same bands" not in text and "official statistics that use" not in text
