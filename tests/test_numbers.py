"""Numbers and quantities: formats, units, qualifiers, and the figures of the seeds."""

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import load_corpus, numbers, numbers_side_by_side, sentence_spans
from analysis.numbers import KINDS, NUMBERS_COLUMNS, SIDE_BY_SIDE_COLUMNS, parse_number

GOLD_FILE = Path(__file__).parent / "gold" / "numbers_seeds.csv"


def one(text: str, lang: str = "it") -> pd.DataFrame:
    return numbers(pd.DataFrame({"doc_id": ["d"], "source": ["S"], "text": [text],
                                 "lang": [lang]}))


# token -> (value, kind); Italian separators: "." thousands, "," decimals; English the reverse
@pytest.mark.parametrize("token, lang, expected", [
    ("6.000", "it", (6000.0, "count")),
    ("1.234.567", "it", (1234567.0, "count")),
    ("3,5", "it", (3.5, "count")),
    ("1.234,5", "it", (1234.5, "count")),
    ("2.5", "it", (2.5, "count")),          # lone "." not before 3 digits: decimal point
    ("10mila", "it", (10000.0, "count")),
    ("6,000", "en", (6000.0, "count")),
    ("3.5", "en", (3.5, "count")),
    ("1,234.5", "en", (1234.5, "count")),
    ("2014-2015", "it", (2014.0, "range")),
    ("10:30", "it", (10.5, "time")),
    ("12/07/2025", "it", (12.0, "date")),
    ("20th", "en", (20.0, "ordinal")),
    ("ventitré", "it", (23.0, "count")),    # venti + tré
    ("trentuno", "it", (31.0, "count")),    # trent + uno
    ("duemila", "it", (2000.0, "count")),   # due * 1000
    ("trecentomila", "it", (300000.0, "count")),  # (3 * 100) * 1000
    ("millenovecento", "it", (1900.0, "count")),
    ("venti", "it", (20.0, "count")),
    ("twenty-five", "en", (25.0, "count")),
    ("twelve", "en", (12.0, "count")),
    ("uno", "it", None),       # also article / pronoun: not counted
    ("una", "it", None),
    ("settembre", "it", None),  # sett- is no number word: the whole word must parse
    ("centrale", "it", None),
    ("novembre", "it", None),
    ("1.2.3", "it", None),
])
def test_parse_number(token, lang, expected):
    assert parse_number(token, lang) == expected


# text -> [(text, value, unit, kind, qualifier)]
@pytest.mark.parametrize("text, lang, expected", [
    ("Più di 6.000 soldati nordcoreani sono morti.", "it",
     [("6.000", 6000.0, "soldati", "count", "più di")]),
    ("La Corea ha inviato 6.000 ingegneri.", "it",
     [("6.000", 6000.0, "ingegneri", "count", None)]),
    ("La guerra dura da più di tre anni.", "it",
     [("tre", 3.0, "anni", "count", "più di")]),
    ("Ha inviato migliaia di soldati.", "it",
     [("migliaia", 1000.0, "soldati", "approximate", None)]),
    ("Sono morte migliaia di suoi soldati.", "it",   # possessive skipped
     [("migliaia", 1000.0, "soldati", "approximate", None)]),
    ("Decine di migliaia di persone in piazza.", "it",
     [("Decine di migliaia", 10000.0, "persone", "approximate", None)]),
    ("Un video dei due uomini.", "it",
     [("due", 2.0, "uomini", "count", None)]),
    ("I due hanno discusso.", "it",                # no noun after: no unit
     [("due", 2.0, None, "count", None)]),
    ("L'incontro del 12 luglio 2025.", "it",
     [("12", 12.0, "luglio", "date", None), ("2025", 2025.0, None, "year", None)]),
    ("Nell'estate del 2024.", "it", [("2024", 2024.0, None, "year", None)]),
    ("Sono arrivati 2000 soldati.", "it", [("2000", 2000.0, "soldati", "count", None)]),
    ("L'inflazione al 3,5% e al 2 per cento.", "it",
     [("3,5", 3.5, "%", "percent", None), ("2", 2.0, "%", "percent", None)]),
    ("Costa 6 milioni di euro, circa tre miliardi in tutto.", "it",
     [("6 milioni", 6e6, "euro", "count", None), ("tre miliardi", 3e9, None, "count", "circa")]),
    ("Almeno venti civili e quasi cento feriti.", "it",
     [("venti", 20.0, "civili", "count", "almeno"), ("cento", 100.0, "feriti", "count", "quasi")]),
    ("Lo scorso novembre, più volte, per la prima volta.", "it", []),
    ("Pyongyang è uno dei principali alleati.", "it", []),
    ("More than 6,000 North Korean soldiers died.", "en",
     [("6,000", 6000.0, "north", "count", "more than")]),
    ("They sent thousands of troops and two hundred engineers.", "en",
     [("thousands", 1000.0, "troops", "approximate", None),
      ("two hundred", 200.0, "engineers", "count", None)]),
    ("About 3.5 million people, up to 40% of them.", "en",
     [("3.5 million", 3.5e6, "people", "count", "about"), ("40", 40.0, "%", "percent", "up to")]),
    ("On 12 July 2025 the two men met.", "en",
     [("12", 12.0, "july", "date", None), ("2025", 2025.0, None, "year", None),
      ("two", 2.0, "men", "count", None)]),
    ("Twenty-five soldiers, one of them wounded.", "en",
     [("Twenty-five", 25.0, "soldiers", "count", None), ("one", 1.0, None, "count", None)]),
])
def test_formats(text, lang, expected):
    table = one(text, lang)
    assert list(table.columns) == NUMBERS_COLUMNS
    got = [(r.text, r.value, r.unit if isinstance(r.unit, str) else None, r.kind,
            r.qualifier if isinstance(r.qualifier, str) else None) for r in table.itertuples()]
    assert got == expected
    for r in table.itertuples():
        assert text[r.start:r.end] == r.text


def test_context_window_stays_in_the_sentence():
    table = one("Kim parla. Ha inviato 6.000 ingegneri e costruttori militari ieri. Fine.")
    row = table.iloc[0]
    assert (row.sent, row.left, row.right) == (1, "Ha inviato", "ingegneri e costruttori militari ieri")
    narrow = numbers(pd.DataFrame({"doc_id": ["d"], "source": ["S"],
                                   "text": ["Ha inviato 6.000 ingegneri e costruttori."]}), window=1)
    assert (narrow.loc[0, "left"], narrow.loc[0, "right"]) == ("inviato", "ingegneri")
    zero = numbers(pd.DataFrame({"doc_id": ["d"], "source": ["S"],
                                 "text": ["Ha inviato 6.000 ingegneri."]}), window=0)
    assert (zero.loc[0, "left"], zero.loc[0, "right"]) == ("", "")


def test_left_context_starts_before_the_qualifier():
    row = one("Secondo Londra più di 6.000 soldati sono morti.").iloc[0]
    assert (row.qualifier, row.left) == ("più di", "Secondo Londra")


@pytest.mark.parametrize("kwargs, message", [
    ({"window": -1}, "window=-1"), ({"window": 1.5}, "window=1.5"), ({"by": "outlet"}, "missing column"),
])
def test_bad_arguments(kwargs, message):
    docs = pd.DataFrame({"doc_id": ["d"], "source": ["S"], "text": ["6.000 soldati"]})
    with pytest.raises(ValueError, match=message):
        numbers(docs, **kwargs)


def test_by_another_column_is_kept_for_side_by_side():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["S", "S"], "outlet": ["X", "Y"],
                         "text": ["Tre soldati.", "Due soldati."]})
    table = numbers(docs, by="outlet")
    assert list(table.columns) == [*NUMBERS_COLUMNS, "outlet"]
    assert table["source"].tolist() == ["X", "Y"]
    side = numbers_side_by_side(table, by="outlet")
    assert side[["unit", "n_sources", "X", "Y"]].values.tolist() == [
        ["soldati", 2, "Tre soldati (s0)", "Due soldati (s0)"]]
    assert list(numbers(docs, by="doc_id").columns) == NUMBERS_COLUMNS


def test_empty_and_missing_texts():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["S", "T"], "text": ["", "Nessun numero."]})
    table = numbers(docs)
    assert list(table.columns) == NUMBERS_COLUMNS and len(table) == 0
    assert list(numbers_side_by_side(table).columns) == SIDE_BY_SIDE_COLUMNS


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 10**7).map(lambda n: f"{n:,}".replace(",", ".")),
                          st.sampled_from(["soldati", "e", "di", "tre", "migliaia", "anni",
                                           "più", "luglio", "%", ",", "."])),
                min_size=0, max_size=12))
def test_spans_slice_the_text_and_values_are_finite(words):
    text = " ".join(words)
    table = one(text)
    spans = sentence_spans(text)
    for r in table.itertuples():
        assert text[r.start:r.end] == r.text
        assert math.isfinite(r.value) and r.kind in KINDS
        assert spans[r.sent][0] <= r.start and r.end <= spans[r.sent][1]
    assert table["start"].is_monotonic_increasing


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**9))
def test_italian_thousands_round_trip(n):
    # n written with Italian thousands separators parses back to n
    assert parse_number(f"{n:,}".replace(",", "."), "it") == (float(n), "count")
    assert parse_number(f"{n:,}", "en") == (float(n), "count")


def test_seed_numbers_match_the_gold():
    table = numbers(load_corpus())
    gold = pd.read_csv(GOLD_FILE, comment="#", dtype={"text": str})
    got = [(r.doc_id, r.sent, r.text, r.value, r.unit if isinstance(r.unit, str) else "",
            r.kind, r.qualifier if isinstance(r.qualifier, str) else "")
           for r in table.itertuples()]
    want = [(r.doc_id, r.sent, r.text, float(r.value), r.unit if isinstance(r.unit, str) else "",
             r.kind, r.qualifier if isinstance(r.qualifier, str) else "")
            for r in gold.itertuples()]
    tp = len(set(got) & set(want))
    precision, recall = tp / len(got), tp / len(want)
    print(f"\nnumbers on the seeds: precision {precision:.3f}, recall {recall:.3f} "
          f"({tp} of {len(want)} gold, {len(got)} found)")
    assert got == want


def test_seed_numbers_side_by_side():
    side = numbers_side_by_side(numbers(load_corpus()))
    assert list(side.columns) == [*SIDE_BY_SIDE_COLUMNS, "Le Monde", "Unsigned"]
    rows = {(r.kind, r.unit): (r.n_sources, r._4, r.Unsigned) for r in side.itertuples()}
    # both sources: the two men of the video, thousands of soldiers
    assert rows[("count", "uomini")] == (2, "due uomini (s2)", "due uomini (s1)")
    assert rows[("approximate", "soldati")] == (2, "migliaia (soldati) (s3)", "migliaia (soldati) (s0)")
    # only the unsigned article: casualties, engineers, length of the war
    assert rows[("count", "soldati")] == (1, "", "più di 6.000 soldati (s5)")
    assert rows[("count", "ingegneri")] == (1, "", "6.000 ingegneri (s6)")
    assert rows[("count", "anni")] == (1, "", "più di tre anni (s4)")
    # only Le Monde: the 2024 dates (Kursk incursion, summit)
    assert rows[("year", "")] == (1, "2024 (s3); 2024 (s7)", "")
    assert side["n_sources"].tolist() == sorted(side["n_sources"], reverse=True)
