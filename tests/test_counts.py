"""Term counts per group."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import load_corpus, term_counts, terms
from analysis.counts import COUNTS_COLUMNS, count_partition, merge_counts

DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d"],
        "source": ["X", "Y", "X", "Z"],
        "text": ["Kim incontra Lavrov.", "Lavrov e Kim.", "Kim parla.", ""],
        "lang": ["it", "it", "it", "it"],
    }
)


def test_counts_by_source_with_rates():
    counts = term_counts(DOCS)
    assert counts.groups == ("X", "Y", "Z")
    # X: kim, incontra, lavrov, kim, parla -> 5 terms; Y: lavrov, kim -> 2; Z: none
    assert counts.totals.tolist() == [5, 2, 0]
    assert counts.n_docs.tolist() == [2, 1, 1]
    table = counts.to_frame()
    assert list(table.columns) == COUNTS_COLUMNS
    assert table.values.tolist() == [
        ["incontra", "X", 1, 200.0],  # 1000 * 1 / 5
        ["kim", "X", 2, 400.0],
        ["lavrov", "X", 1, 200.0],
        ["parla", "X", 1, 200.0],
        ["kim", "Y", 1, 500.0],  # 1000 * 1 / 2
        ["lavrov", "Y", 1, 500.0],
    ]
    assert counts.column("X") == {"incontra": 1, "kim": 2, "lavrov": 1, "parla": 1}
    assert counts.total("Y") == 2


def test_counts_by_any_column_and_zero_rows():
    counts = term_counts(DOCS, by="doc_id")
    assert counts.groups == ("a", "b", "c", "d")
    zeros = counts.to_frame(include_zeros=True)
    assert len(zeros) == 4 * 4  # every term x every group
    assert zeros.loc[(zeros.group == "d"), "per_1k"].tolist() == [0.0] * 4


def test_streamed_batches_equal_one_batch():
    whole = term_counts(DOCS)
    streamed = term_counts(DOCS.iloc[k : k + 1] for k in range(len(DOCS)))
    assert whole.to_frame().equals(streamed.to_frame())
    assert whole.totals.tolist() == streamed.totals.tolist()


def test_min_count_prunes_terms_but_keeps_totals():
    counts = term_counts(DOCS, min_count=2)
    assert counts.terms.tolist() == ["kim", "lavrov"]
    assert counts.totals.tolist() == [5, 2, 0]


def test_counts_agree_with_terms_on_the_seeds():
    docs = load_corpus()
    counts = term_counts(docs)
    for doc in docs.itertuples():
        assert counts.total(doc.source) == len(terms(doc.text, doc.lang))


@pytest.mark.parametrize(
    "kwargs, message",
    [({"by": "outlet"}, "missing column"), ({"min_count": 0}, "min_count"),
     ({"min_count": 1.5}, "min_count")],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        term_counts(DOCS, **kwargs)


def test_unknown_group():
    with pytest.raises(ValueError, match="group 'Q' is not in the counts"):
        term_counts(DOCS).column("Q")


def test_merge_needs_same_grouping():
    a = count_partition(DOCS, by="source")
    b = count_partition(DOCS, by="doc_id")
    with pytest.raises(ValueError, match="different columns"):
        merge_counts([a, b])


WORDS = st.sampled_from(["kim", "lavrov", "mosca", "pyongyang", "il", "l'agenzia", "6.000", "."])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.lists(WORDS, max_size=8).map(" ".join), st.sampled_from("ABC")),
                min_size=1, max_size=8), st.integers(1, 4))
def test_merging_any_split_gives_the_same_counts(rows, cut):
    docs = pd.DataFrame({"text": [t for t, _ in rows], "source": [s for _, s in rows],
                         "lang": "it"})
    whole = term_counts(docs)
    parts = term_counts([docs.iloc[:cut], docs.iloc[cut:]])
    assert whole.to_frame().equals(parts.to_frame())
    assert np.array_equal(whole.totals, parts.totals)
