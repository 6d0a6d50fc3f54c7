"""Concordances and collocations."""

import pandas as pd
import pytest

from analysis import collocations, kwic, load_corpus, sentence_spans
from analysis.concordance import COLLOCATION_COLUMNS, KWIC_COLUMNS

DOCS = pd.DataFrame({
    "doc_id": ["a", "b"],
    "source": ["X", "Y"],
    "lang": ["it", "it"],
    "text": ["La Corea del Nord invia truppe. Truppe nordcoreane in Russia.",
             "L’agenzia KCNA: Kim riceve Lavrov, e la Corea del Nord, dice, lo sostiene."],
})


def test_word_match_offsets_point_into_text():
    table = kwic(DOCS, "truppe", window=2)
    assert list(table.columns) == KWIC_COLUMNS
    # "truppe" at 24-30 in sentence 0 and "Truppe" at 32-38 in sentence 1
    assert table[["doc_id", "sent", "match", "start", "end"]].values.tolist() == [
        ["a", 0, "truppe", 24, 30], ["a", 1, "Truppe", 32, 38]]
    for doc_id, start, end, match in table[["doc_id", "start", "end", "match"]].values:
        text = DOCS.set_index("doc_id").loc[doc_id, "text"]
        assert text[start:end] == match
    # window counts words, not punctuation: two words each side
    assert table.loc[0, "left"] == "Nord invia"
    assert table.loc[0, "right"] == ". Truppe nordcoreane"


def test_phrase_matches_consecutive_tokens_only():
    table = kwic(DOCS, "Corea del Nord", window=1)
    assert table["match"].tolist() == ["Corea del Nord", "Corea del Nord"]
    assert table["source"].tolist() == ["X", "Y"]
    # punctuation breaks a phrase: "Lavrov, e" is not "lavrov e"
    assert kwic(DOCS, "Lavrov e").empty
    # an elided pattern is tokenized like the text
    assert kwic(DOCS, "l'agenzia", window=0)["match"].tolist() == ["L’agenzia"]


def test_terms_mode_finds_bigram_terms():
    # stopwords removed, as n-gram terms are built: "corea nord" is "Corea del Nord"
    table = kwic(DOCS, "corea nord", stopwords=True, window=0)
    assert table["match"].tolist() == ["Corea del Nord", "Corea del Nord"]
    # adjacent terms in one sentence
    assert kwic(DOCS, "kim riceve", stopwords=True)["match"].tolist() == ["Kim riceve"]


def test_regex_and_stem():
    table = kwic(DOCS, r"nordcorean[aoie]", regex=True, window="sentence")
    assert table["match"].tolist() == ["nordcoreane"]
    assert table.loc[0, "left"] == "Truppe" and table.loc[0, "right"] == "in Russia."
    assert kwic(DOCS, r"corea \w+", regex=True, window=0)["match"].tolist() == [
        "Corea del", "Corea del"]
    # stems: "truppa" and "truppe" share the Snowball stem "trupp"
    assert len(kwic(DOCS, "truppa", stem=True)) == 2
    assert kwic(DOCS, "truppa").empty


def test_sentence_window_and_sent_index_match_sentence_spans():
    docs = load_corpus()
    table = kwic(docs, "truppe", window="sentence")
    assert len(table) == 4  # all in the unsigned article (checked by reading it)
    text = docs.loc[0, "text"]
    spans = sentence_spans(text)
    for row in table.itertuples():
        a, b = spans[row.sent]
        assert a <= row.start < row.end <= b
        assert " ".join(text[a:b].split()) == " ".join(
            f"{row.left} {row.match} {row.right}".split())


def test_no_match_gives_an_empty_table_with_columns():
    table = kwic(DOCS, "pace")
    assert table.empty and list(table.columns) == KWIC_COLUMNS


@pytest.mark.parametrize("kwargs, message", [
    ({"pattern": ""}, "pattern"),
    ({"pattern": "[", "regex": True}, "not a valid regular expression"),
    ({"pattern": "kim", "window": -1}, "window"),
    ({"pattern": "il", "stopwords": True}, "no terms to match"),
])
def test_kwic_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kwic(DOCS, **kwargs)


def test_kwic_needs_a_docs_table():
    with pytest.raises(ValueError, match="missing column"):
        kwic(DOCS.drop(columns="text"), "kim")


def test_collocations_counts_and_first_occurrence():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["X", "X"], "lang": "it",
                         "text": ["La Corea del Nord e la Russia. Nord Corea.",
                                  "La Corea del Nord arma Mosca."]})
    table = collocations(docs, min_freq=2)
    assert list(table.columns) == COLLOCATION_COLUMNS
    # terms per sentence: [corea nord russia] [nord corea] [corea nord arma mosca]
    # "corea nord" twice (a, b); "nord corea" once (dropped by min_freq)
    assert table[["group", "w1", "w2", "n", "n_w1", "n_w2"]].values.tolist() == [
        ["X", "corea", "nord", 2, 3, 3]]
    # N = 9 terms: PMI = log2(2 * 9 / (3 * 3)) = 1
    assert table.loc[0, "pmi"] == pytest.approx(1.0)
    assert table.loc[0, ["doc_id", "sent", "start", "end"]].tolist() == ["a", 0, 3, 17]
    # a pair never spans a sentence boundary: "russia nord" is not counted
    assert collocations(docs, min_freq=1).query("w1 == 'russia'").empty


def test_collocations_per_source_on_the_seeds():
    table = collocations(load_corpus(), min_freq=2, measure="g2")
    both = set(table.loc[table.group == "Le Monde", "w1"] + " "
               + table.loc[table.group == "Le Monde", "w2"])
    assert {"corea nord", "kim jong-un", "patto difesa"} <= both
    unsigned = table[table.group == "Unsigned"]
    assert ("stati", "uniti") in set(zip(unsigned.w1, unsigned.w2))
    for group, sub in table.groupby("group"):
        assert sub["g2"].is_monotonic_decreasing


@pytest.mark.parametrize("kwargs, message", [
    ({"measure": "dice"}, "measure"), ({"min_freq": 0}, "min_freq"), ({"window": 1}, "window"),
    ({"by": "outlet"}, "missing column"), ({"top": 0}, "top")])
def test_collocations_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        collocations(DOCS, **kwargs)
