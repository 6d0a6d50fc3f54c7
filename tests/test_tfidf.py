"""TF-IDF, similarity and the background reference."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import (
    SmallCorpusWarning,
    background_counts,
    background_frequencies,
    background_keyness,
    load_corpus,
    similarity,
    stopwords,
    term_counts,
    tfidf,
    top_terms,
)
from analysis.tfidf import FEW_DOCUMENTS, SIMILARITY_COLUMNS, TFIDF_COLUMNS, tfidf_vectorizer

DOCS = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"], "lang": "it",
                     "text": ["Kim incontra Lavrov.", "Lavrov parla."]})
IDF_ONE = math.log(3 / 2) + 1  # smoothed idf of a term in 1 of 2 documents: 1.405465
IDF_BOTH = math.log(3 / 3) + 1  # in both: 1.0


def test_vectorizer_settings_are_written_out():
    v = tfidf_vectorizer("it", ngram_range=(1, 2))
    assert (v.norm, v.use_idf, v.smooth_idf, v.sublinear_tf, v.lowercase) == (
        "l2", True, True, False, False)
    assert v.analyzer.lang == "it" and v.analyzer.ngram_range == (1, 2)


def test_hand_computed_weights():
    with pytest.warns(SmallCorpusWarning, match="idf takes 2 value"):
        table = tfidf(DOCS)
    assert list(table.columns) == TFIDF_COLUMNS
    a = table[table.group == "a"].set_index("term")
    # document a: raw weights incontra 1.405, kim 1.405, lavrov 1.0
    # norm = sqrt(2 * 1.405465^2 + 1) = 2.225008
    norm = math.sqrt(2 * IDF_ONE**2 + IDF_BOTH**2)
    assert a.loc["kim", "idf"] == pytest.approx(IDF_ONE)
    assert a.loc["lavrov", "idf"] == pytest.approx(IDF_BOTH)
    assert a.loc["kim", "tfidf"] == pytest.approx(IDF_ONE / norm)  # 0.631668
    assert a.loc["lavrov", "tfidf"] == pytest.approx(1 / norm)  # 0.449437
    assert a.loc["lavrov", "df"] == 2 and a.loc["kim", "n"] == 1
    # sorted by group, tfidf descending, then term
    assert table["term"].tolist() == ["incontra", "kim", "lavrov", "parla", "lavrov"]


def test_similarity_hand_computed():
    table = similarity(DOCS, warn=False)
    assert list(table.columns) == SIMILARITY_COLUMNS
    ab = table[(table.group_a == "a") & (table.group_b == "b")].iloc[0]
    # counts: a = (1, 1, 1), b = (1, 1) sharing only "lavrov": 1 / (sqrt 3 * sqrt 2)
    assert ab["cosine_tf"] == pytest.approx(1 / math.sqrt(6))  # 0.408248
    # tfidf: lavrov weights 1/2.225008 and 1/sqrt(1 + 1.405465^2) = 1/1.724915
    expected = (1 / math.sqrt(2 * IDF_ONE**2 + 1)) * (1 / math.sqrt(1 + IDF_ONE**2))
    assert ab["cosine_tfidf"] == pytest.approx(expected)  # 0.260556
    assert ab["n_shared"] == 1
    diag = table[table.group_a == table.group_b]
    assert np.allclose(diag["cosine_tf"], 1) and np.allclose(diag["cosine_tfidf"], 1)


def test_by_source_joins_the_texts_of_each_group():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "source": ["A", "A", "B"], "lang": "it",
                         "text": ["Kim parla.", "Kim tace.", "Lavrov parla."]})
    table = tfidf(docs, by="source", warn=False)
    assert sorted(table.group.unique()) == ["A", "B"]
    assert table.set_index(["group", "term"]).loc[("A", "kim"), "n"] == 2


def test_few_documents_warning_threshold():
    many = pd.DataFrame({"doc_id": [f"d{k}" for k in range(FEW_DOCUMENTS)], "lang": "it",
                         "text": [f"Kim parla {k}." for k in range(FEW_DOCUMENTS)]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tfidf(many)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["kim", "lavrov", "mosca", "truppe", "il", "pace"]),
                         min_size=1, max_size=10).map(" ".join), min_size=2, max_size=5))
def test_rows_have_unit_norm(texts):
    docs = pd.DataFrame({"doc_id": [f"d{k}" for k in range(len(texts))], "lang": "it",
                         "text": texts})
    try:
        table = tfidf(docs, warn=False)
    except ValueError:  # only stopwords everywhere
        return
    norms = table.groupby("group")["tfidf"].apply(lambda w: float(np.sum(w**2)))
    assert np.allclose(norms, 1.0)


def test_top_terms_on_the_seeds():
    table = tfidf(load_corpus(), by="source", warn=False)
    top = top_terms(table, n=5)
    assert top.groupby("group").size().tolist() == [5, 5]
    assert top["rank"].tolist() == [1, 2, 3, 4, 5] * 2
    # "truppe" (4 times, only in the unsigned article) is in its top 5
    assert "truppe" in set(top.loc[top.group == "Unsigned", "term"])
    counts = top_terms(term_counts(load_corpus()).to_frame(), column="n", n=1)
    assert counts["term"].tolist() == ["corea", "corea"]  # 6 times in each


@pytest.mark.parametrize("call, message", [
    (lambda: tfidf(DOCS.assign(lang=["it", "en"])), "mixes languages"),
    (lambda: tfidf(DOCS, by="outlet"), "missing column"),
    (lambda: tfidf(DOCS.assign(text=["il", "la"]), warn=False), "no terms"),
    (lambda: top_terms(pd.DataFrame({"term": []}), n=3), "missing column"),
    (lambda: background_counts("it", size=0), "size"),
    (lambda: background_keyness({}), "target is empty"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_background_frequencies_exclude_stopwords_and_sum_to_one():
    bg = background_frequencies("it")
    assert list(bg.columns) == ["term", "frequency"]
    assert bg["frequency"].sum() == pytest.approx(1.0)
    assert not set(bg["term"]) & stopwords("it")
    assert bg["frequency"].is_monotonic_decreasing
    assert background_frequencies("en")["term"].iloc[0] not in stopwords("en")


def test_background_counts_floor_for_unknown_terms():
    counts = background_counts("it", terms=["guerra", "parolainesistentexyz"], size=1e9)
    floor = background_frequencies("it")["frequency"].min() * 1e9
    assert counts["parolainesistentexyz"] == pytest.approx(floor)
    assert counts["guerra"] > 1000 * floor


def test_background_keyness_of_one_article():
    counts = term_counts(load_corpus())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCorpusWarning)
        table = background_keyness(counts, target="Le Monde")
    assert set(table["term"]) == set(counts.column("Le Monde"))
    assert (table["n_target"] > 0).all()
    # rates use the article's 193 terms; the background is a notional 1e9-term corpus
    kim = table.set_index("term").loc["kim"]
    assert kim["per_1k_target"] == pytest.approx(1000 * 4 / 193)
    # names of this story are far more frequent here than in ordinary Italian
    assert {"lavrov", "pyongyang", "kim"} <= set(table.head(15)["term"])
