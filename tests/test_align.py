"""Sentence alignment: shared, paraphrased and unique content between sources."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import (
    align_all,
    align_sentences,
    content_summary,
    coverage,
    evaluate_alignment,
    load_corpus,
    salience,
    sentence_similarities,
    sentence_spans,
    unique_content,
)
from analysis.align import (
    COVERAGE_COLUMNS,
    PAIRS_COLUMNS,
    SALIENCE_COLUMNS,
    SIMILARITY_COLUMNS,
    SUMMARY_COLUMNS,
    UNIQUE_COLUMNS,
    _match,
    _max_matching,
)

GOLD_FILE = Path(__file__).parent / "gold" / "aligned_sentences_seeds.csv"
U, LM = "000_4a01d9418e012f08", "001_8ff4fca5f0285b44"


def corpus(texts: dict, lang="it") -> pd.DataFrame:
    """One document per source: {source: text}."""
    names = sorted(texts)
    return pd.DataFrame({"doc_id": [n.lower() for n in names], "source": names,
                         "text": [texts[n] for n in names], "lang": lang})


@pytest.fixture(scope="module")
def seeds():
    return load_corpus()


@pytest.fixture(scope="module")
def seed_pairs(seeds):
    return align_sentences(seeds, "Unsigned", "Le Monde")


@pytest.fixture(scope="module")
def gold():
    return pd.read_csv(GOLD_FILE, comment="#")


# ---------------------------------------------------------------------------
# Regression cases on tiny corpora, Italian and English
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text", [
    ("it", "Kim Jong Un ha ricevuto Lavrov a Wonsan."),
    ("en", "Kim Jong Un received Lavrov in Wonsan."),
])
def test_identical_sentences_are_shared_with_similarity_one(lang, text):
    docs = corpus({"A": text, "B": text}, lang)
    pairs = align_sentences(docs, "A", "B")
    assert list(pairs.columns) == PAIRS_COLUMNS
    # identical sentences: identical unit vectors, cosine 1 for words and chars
    assert pairs[["sent_a", "sent_b", "label"]].values.tolist() == [[0, 0, "shared"]]
    assert pairs["similarity"].tolist() == [pytest.approx(1.0)]
    assert pairs.loc[0, "sentence_a"] == pairs.loc[0, "sentence_b"] == text
    assert pairs[["start_a", "end_a", "start_b", "end_b"]].values.tolist() == [
        [0, len(text), 0, len(text)]]


@pytest.mark.parametrize("lang, a, b", [
    ("it",
     "Mosca e Pyongyang hanno firmato un patto di difesa reciproca lo scorso anno.",
     "Le due nazioni hanno siglato lo scorso novembre un accordo militare di difesa reciproca."),
    ("en",
     "Moscow and Pyongyang signed a mutual defence pact last year.",
     "The two nations signed a broad military agreement with a mutual defence clause last November."),
])
def test_paraphrase_is_matched_below_shared(lang, a, b):
    docs = corpus({"A": a, "B": b}, lang)
    sims = sentence_similarities(docs, "A", "B")
    pairs = align_sentences(docs, "A", "B")
    assert pairs["label"].tolist() == ["paraphrased"]
    assert 0.2 <= pairs.loc[0, "similarity"] < 0.5
    assert pairs.loc[0, "similarity"] == pytest.approx(sims.loc[0, "similarity"])


@pytest.mark.parametrize("lang, a, b", [
    ("it", "Kim Jong Un ha ricevuto Lavrov.", "Piove forte su Roma da ieri sera."),
    ("en", "Kim Jong Un received Lavrov.", "Heavy rain fell over Rome overnight."),
])
def test_unrelated_sentences_are_only_in_one_source(lang, a, b):
    docs = corpus({"A": a, "B": b}, lang)
    pairs = align_sentences(docs, "A", "B")
    assert pairs[["sent_a", "sent_b", "label"]].values.tolist() == [[0, -1, "only_a"],
                                                                  [-1, 0, "only_b"]]
    assert pairs["doc_b"].isna().tolist() == [True, False]
    assert pairs["sentence_a"].isna().tolist() == [False, True]
    assert pairs[["start_b", "end_b"]].values.tolist()[0] == [-1, -1]
    assert (pairs["similarity"] < 0.2).all()


def test_empty_document_leaves_every_other_sentence_unique():
    docs = corpus({"A": "", "B": "Kim parla. Lavrov ascolta."})
    pairs = align_sentences(docs, "A", "B")
    assert pairs[["sent_a", "sent_b", "label"]].values.tolist() == [[-1, 0, "only_b"],
                                                                  [-1, 1, "only_b"]]
    assert pairs["similarity"].tolist() == [0.0, 0.0]
    both_empty = align_sentences(corpus({"A": "", "B": "  "}), "A", "B")
    assert list(both_empty.columns) == PAIRS_COLUMNS and len(both_empty) == 0


def test_source_with_one_sentence_pairs_with_its_best_counterpart():
    docs = corpus({"A": "Lavrov ha incontrato Choe Son Hui a Wonsan.",
                   "B": "Piove a Roma. Lavrov ha incontrato Choe Son-hui a Wonsan. Kim tace."})
    pairs = align_sentences(docs, "A", "B")
    assert pairs[["sent_a", "sent_b", "label"]].values.tolist() == [
        [0, 1, "shared"], [-1, 0, "only_b"], [-1, 2, "only_b"]]


def test_stopwords_alone_never_make_a_pair():
    # only function words in common: no shared term; char n-grams of "il", "di" are short
    docs = corpus({"A": "Il prezzo del pane di Roma.", "B": "Il leader di Pyongyang."})
    assert align_sentences(docs, "A", "B")["label"].tolist() == ["only_a", "only_b"]


@pytest.mark.parametrize("a, b, message", [
    ("X", "B", "a='X' is not a value of docs\\['source'\\]"),
    ("A", "X", "b='X' is not a value of docs\\['source'\\]; choose one of \\['A', 'B'\\]"),
    ("A", "A", "a and b must be two different sources"),
])
def test_bad_sources(a, b, message):
    with pytest.raises(ValueError, match=message):
        align_sentences(corpus({"A": "Kim.", "B": "Lavrov."}), a, b)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "bert"}, "method='bert'"),
    ({"match": "random"}, "match='random'"),
    ({"shared_threshold": 1.5}, "shared_threshold"),
    ({"paraphrase_threshold": 0.6}, "must not exceed"),
    ({"paraphrase_threshold": 0}, "above 0"),
    ({"word_weight": -0.1}, "word_weight"),
    ({"by": "outlet"}, "missing column"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        align_sentences(corpus({"A": "Kim.", "B": "Lavrov."}), "A", "B", **kwargs)


def test_docs_must_be_a_table():
    with pytest.raises(TypeError, match="docs must be a pandas DataFrame"):
        align_sentences(["Kim."], "A", "B")


def test_inputs_are_not_mutated(seeds):
    before = seeds.copy()
    align_sentences(seeds, "Unsigned", "Le Monde")
    pd.testing.assert_frame_equal(seeds, before)


def test_several_documents_per_source_keep_their_offsets():
    docs = pd.DataFrame({"doc_id": ["a2", "a1", "b1"], "source": ["A", "A", "B"],
                         "text": ["Piove a Roma.", "Kim riceve Lavrov.", "Kim riceve Lavrov."]})
    pairs = align_sentences(docs, "A", "B")
    # documents of a source in doc_id order: a1 then a2
    assert pairs[["doc_a", "sent_a", "sent_b", "label"]].values.tolist() == [
        ["a1", 0, 0, "shared"], ["a2", 0, -1, "only_a"]]
    assert pairs["doc_b"].isna().tolist() == [False, True]


# ---------------------------------------------------------------------------
# Matching: Hungarian (margin) vs greedy, by hand
# ---------------------------------------------------------------------------

def test_hungarian_maximises_total_margin_greedy_takes_best_first():
    sim = np.array([[0.9, 0.8],
                    [0.8, 0.1]])
    # threshold 0.2: greedy takes (0,0)=0.9 first; (1,1)=0.1 is below the threshold.
    assert _match(sim, 0.2, "greedy") == [(0, 0)]
    # margins over 0.2: {(0,0)} = 0.7; {(0,1), (1,0)} = 0.6 + 0.6 = 1.2 -> two pairs
    assert _match(sim, 0.2, "hungarian") == [(0, 1), (1, 0)]


def test_margin_keeps_one_strong_pair_over_two_weak_ones():
    sim = np.array([[0.50, 0.30],
                    [0.30, 0.00]])
    # plain sum would prefer (0,1)+(1,0) = 0.60 over (0,0) = 0.50; margins over 0.25:
    # (0,0) -> 0.25, (0,1)+(1,0) -> 0.05 + 0.05 = 0.10, so the strong pair wins
    assert _match(sim, 0.25, "hungarian") == [(0, 0)]


def test_max_matching_of_gold_graph():
    # a0-b0, a0-b1, a1-b1: a0->b0, a1->b1 -> 2; a star a0-b0, a0-b1 -> 1
    assert _max_matching({("a0", "b0"), ("a0", "b1"), ("a1", "b1")}) == 2
    assert _max_matching({("a0", "b0"), ("a0", "b1")}) == 1


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

WORDS = ["Kim", "Lavrov", "Wonsan", "soldati", "guerra", "patto", "visita", "Putin",
         "Mosca", "Kursk"]
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(
    lambda ws: " ".join(ws) + ".")
TEXT = st.lists(SENTENCE, min_size=0, max_size=5).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(TEXT, TEXT, st.sampled_from(["hungarian", "greedy"]))
def test_every_sentence_appears_once_and_pairs_are_one_to_one(text_a, text_b, match):
    docs = corpus({"A": text_a, "B": text_b})
    pairs = align_sentences(docs, "A", "B", match=match)
    n_a, n_b = len(sentence_spans(text_a)), len(sentence_spans(text_b))
    a_side = pairs.loc[pairs["sent_a"] >= 0, "sent_a"].tolist()
    b_side = pairs.loc[pairs["sent_b"] >= 0, "sent_b"].tolist()
    assert sorted(a_side) == list(range(n_a))
    assert sorted(b_side) == list(range(n_b))
    assert pairs["similarity"].between(0, 1).all()
    matched = pairs["label"].isin(["shared", "paraphrased"])
    assert (pairs.loc[matched, "similarity"] >= 0.2).all()
    assert ((pairs["label"] == "shared") == (matched & (pairs["similarity"] >= 0.5))).all()
    for r in pairs[pairs["sent_a"] >= 0].itertuples():
        assert text_a[r.start_a:r.end_a] == r.sentence_a


@settings(max_examples=25, deadline=None)
@given(TEXT, TEXT)
def test_swapping_sources_transposes_similarities_and_keeps_the_optimum(text_a, text_b):
    docs = corpus({"A": text_a, "B": text_b})
    ab = sentence_similarities(docs, "A", "B")
    ba = sentence_similarities(docs, "B", "A")
    # same sentences, same IDF: the matrix of B vs A is the transpose of A vs B
    back = ba.rename(columns={"sent_a": "sent_b", "sent_b": "sent_a"}).sort_values(
        ["sent_a", "sent_b"]).reset_index(drop=True)
    np.testing.assert_allclose(back["similarity"], ab["similarity"], atol=1e-9)
    # ties may pick other pairs, but the best total margin over the threshold is the same

    def total(pairs):
        matched = pairs[pairs["label"].isin(["shared", "paraphrased"])]
        return float((matched["similarity"] - 0.2).sum())

    assert total(align_sentences(docs, "A", "B")) == pytest.approx(
        total(align_sentences(docs, "B", "A")), abs=1e-9)


# ---------------------------------------------------------------------------
# Selection, salience, summary and coverage on a tiny corpus
# ---------------------------------------------------------------------------

TINY = corpus({
    "A": "Kim ha ricevuto Lavrov a Wonsan. Piove a Roma. Il patto di difesa reciproca è stato firmato.",
    "B": "Il patto di difesa reciproca è stato firmato. Kim ha ricevuto Lavrov a Wonsan.",
})


def test_unique_content_lists_omissions_with_position():
    table = unique_content(align_sentences(TINY, "A", "B"), lead=1)
    assert list(table.columns) == UNIQUE_COLUMNS
    # A has 3 sentences: "Piove a Roma." is sentence 1 -> position 1 / (3 - 1) = 0.5
    assert table[["source", "other", "sent", "position", "part", "sentence"]].values.tolist() == [
        ["A", "B", 1, 0.5, "later", "Piove a Roma."]]


def test_salience_places_each_shared_fact():
    table = salience(align_sentences(TINY, "A", "B"), lead=1)
    assert list(table.columns) == SALIENCE_COLUMNS
    # A0 <-> B1 (lead of A, end of B), A2 <-> B0 (end of A, lead of B)
    assert table[["sent_a", "position_a", "part_a", "sent_b", "position_b", "part_b",
                  "label"]].values.tolist() == [
        [0, 0.0, "lead", 1, 1.0, "later", "shared"],
        [2, 1.0, "later", 0, 0.0, "lead", "shared"]]


def test_content_summary_counts_by_hand():
    table = content_summary(align_sentences(TINY, "A", "B"), lead=1)
    assert list(table.columns) == SUMMARY_COLUMNS
    a = table.set_index("source").loc["A"]
    # A: 3 sentences, 2 shared, 1 only ("Piove a Roma.", 13 of 32 + 13 + 45 = 90 chars)
    assert [a.n_sentences, a.n_shared, a.n_paraphrased, a.n_only] == [3, 2, 0, 1]
    assert a.pct_only == round(100 / 3, 1)
    assert a.pct_chars_only == round(100 * 13 / 90, 1)
    assert [a.lead_matched, a.lead_only] == [1, 0]
    assert a.mean_position_matched == 0.5 and a.mean_position_only == 0.5
    b = table.set_index("source").loc["B"]
    assert [b.n_sentences, b.n_only, b.pct_only] == [2, 0, 0.0]
    assert np.isnan(b.mean_position_only)


def test_align_all_and_coverage_for_three_sources():
    docs = pd.DataFrame({
        "doc_id": ["a", "b", "c"], "source": ["A", "B", "C"],
        "text": ["Kim ha ricevuto Lavrov a Wonsan. Piove a Roma.",
                 "Kim ha ricevuto Lavrov a Wonsan.",
                 "Il patto di difesa reciproca. Kim ha ricevuto Lavrov a Wonsan."]})
    pairs = align_all(docs)
    assert sorted(set(zip(pairs["source_a"], pairs["source_b"]))) == [
        ("A", "B"), ("A", "C"), ("B", "C")]
    cov = coverage(docs)
    assert list(cov.columns) == [*COVERAGE_COLUMNS, "A", "B", "C"]
    assert cov[["source", "sent", "n_sources", "A", "B", "C"]].values.tolist() == [
        ["A", 0, 3, True, True, True],
        ["A", 1, 1, True, False, False],
        ["B", 0, 3, True, True, True],
        ["C", 0, 1, False, False, True],
        ["C", 1, 3, True, True, True]]
    # from the pairs table directly: the same matrix
    pd.testing.assert_frame_equal(coverage(pairs), cov)


def test_align_all_needs_two_sources():
    with pytest.raises(ValueError, match="at least two"):
        align_all(corpus({"A": "Kim."}))


@pytest.mark.parametrize("func", [unique_content, salience, content_summary])
def test_summaries_reject_other_tables(func):
    with pytest.raises(ValueError, match="pairs is missing column"):
        func(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="lead=-1"):
        func(align_sentences(TINY, "A", "B"), lead=-1)


# ---------------------------------------------------------------------------
# Seeds: gold pairs, precision and recall, exact values
# ---------------------------------------------------------------------------

def test_gold_file_matches_the_sentence_splitter(seeds, gold):
    texts = dict(zip(seeds["doc_id"], seeds["text"]))
    for r in gold.itertuples():
        a0, a1 = sentence_spans(texts[r.doc_a])[r.sent_a]
        b0, b1 = sentence_spans(texts[r.doc_b])[r.sent_b]
        assert texts[r.doc_a][a0:a1].startswith(r.head_a), r
        assert texts[r.doc_b][b0:b1].startswith(r.head_b), r
    assert set(gold["label"]) == {"shared", "paraphrased"}
    assert len(gold) == 18 and (gold["label"] == "shared").sum() == 1


def test_seed_similarity_matrix(seeds):
    sims = sentence_similarities(seeds, "Unsigned", "Le Monde")
    assert list(sims.columns) == SIMILARITY_COLUMNS
    assert len(sims) == 20 * 12
    # the one near-verbatim pair: the Telegram video (U1 / LM2)
    top = sims.sort_values("similarity", ascending=False).iloc[0]
    assert (top.sent_a, top.sent_b) == (1, 2) and top.similarity == pytest.approx(0.728, abs=1e-3)


def test_seed_pairs_exact(seed_pairs):
    matched = seed_pairs[seed_pairs["label"].isin(["shared", "paraphrased"])]
    assert matched[["sent_a", "sent_b", "label"]].values.tolist() == [
        [0, 0, "paraphrased"],   # Lavrov meets Kim / Kim assures Lavrov of support
        [1, 2, "shared"],        # the Telegram video of the handshake and embrace
        [9, 10, "paraphrased"],  # Wonsan, east coast, newly opened resort
        [13, 3, "paraphrased"],  # North Korean troops helped retake Kursk
        [16, 7, "paraphrased"],  # defence pact during Putin's rare visit
    ]
    assert len(seed_pairs) == 20 + 12 - 5


def test_seed_alignment_precision_and_recall(seed_pairs, gold):
    table = evaluate_alignment(seed_pairs, gold).set_index("what")
    print("\n" + table.to_string())
    # 5 predicted pairs, all in the gold; the gold allows at most 8 one-to-one pairs
    assert table.loc["pairs", ["n_predicted", "n_gold", "n_correct"]].tolist() == [5, 8, 5]
    assert table.loc["pairs", "precision"] >= 0.9
    assert table.loc["pairs", "recall"] >= 0.6
    assert table.loc["labels", "precision"] == 1.0
    # every sentence without a gold counterpart is reported as unique (recall 1)
    assert table.loc["only_a", "recall"] == 1.0 and table.loc["only_b", "recall"] == 1.0


@pytest.mark.xfail(reason="lexical similarity misses paraphrases that share almost no words "
                          "(e.g. 'ha armato direttamente Mosca' / 'fornisce proiettili e "
                          "missili', 0.01); recall of pairs is 5/8 on the seeds", strict=True)
def test_seed_alignment_recall_target(seed_pairs, gold):
    assert evaluate_alignment(seed_pairs, gold).set_index("what").loc["pairs", "recall"] >= 0.9


def test_greedy_and_word_only_on_seeds(seeds, gold):
    # greedy and words alone do as well as the default on the seeds; characters
    # alone are weaker (shared attribution phrases and place names weigh more)
    for kwargs, floor in (({"match": "greedy"}, 0.9), ({"method": "words"}, 0.8),
                          ({"method": "chars"}, 0.7)):
        pairs = align_sentences(seeds, "Unsigned", "Le Monde", **kwargs)
        table = evaluate_alignment(pairs, gold).set_index("what")
        assert table.loc["pairs", "precision"] >= floor, kwargs


def test_seed_content_summary_and_unique(seed_pairs):
    summary = content_summary(seed_pairs).set_index("source")
    assert summary.loc["Unsigned", ["n_sentences", "n_shared", "n_paraphrased", "n_only"]].tolist() == [20, 1, 4, 15]
    assert summary.loc["Le Monde", ["n_sentences", "n_shared", "n_paraphrased", "n_only"]].tolist() == [12, 1, 4, 7]
    unique = unique_content(seed_pairs)
    texts = set(unique.loc[unique["source"] == "Unsigned", "sentence"])
    # casualty figures and intelligence assessments are only in the unsigned article
    assert any(t.startswith("Più di 6.000 soldati nordcoreani sono morti") for t in texts)
    assert any(t.startswith("Il servizio di intelligence sudcoreano") for t in texts)
    lm = set(unique.loc[unique["source"] == "Le Monde", "sentence"])
    assert any("ferma convinzione" in t for t in lm)


def test_evaluate_alignment_validates_gold(seed_pairs):
    with pytest.raises(ValueError, match="gold is missing column"):
        evaluate_alignment(seed_pairs, pd.DataFrame({"doc_a": ["x"]}))
    bad = pd.DataFrame({"doc_a": ["x"], "sent_a": [0], "doc_b": ["y"], "sent_b": [0],
                        "label": ["same"]})
    with pytest.raises(ValueError, match="gold labels"):
        evaluate_alignment(seed_pairs, bad)


# ---------------------------------------------------------------------------
# Figures: drawn from the tables above
# ---------------------------------------------------------------------------

def test_plot_alignment_draws_one_line_per_matched_pair(seed_pairs):
    import matplotlib.pyplot as plt

    from analysis import plot_alignment

    fig = plot_alignment(seed_pairs)
    ax = fig.axes[0]
    assert len(ax.lines) == 5  # the five matched pairs
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Unsigned", "Le Monde"]
    # 20 + 12 sentence labels and 5 similarity labels
    assert len(ax.texts) == 20 + 12 + 5
    assert ax.get_title() == "Alignment map: sentences of Unsigned and Le Monde"
    plt.close(fig)


def test_plot_alignment_needs_one_pair_of_sources():
    from analysis import plot_alignment

    docs = corpus({"A": "Kim parla.", "B": "Kim parla.", "C": "Piove."})
    with pytest.raises(ValueError, match="exactly one pair of sources"):
        plot_alignment(align_all(docs))


def test_plot_numbers_joins_figures_both_sources_give(seeds):
    import matplotlib.pyplot as plt

    from analysis import numbers, plot_numbers

    fig = plot_numbers(numbers(seeds))
    ax = fig.axes[0]
    assert len(ax.texts) == 13  # every figure of the seeds
    assert len(ax.lines) == 2   # "due uomini" and "migliaia (soldati)" are in both
    bold = sorted(t.get_text() for t in ax.texts if t.get_fontweight() == "bold")
    assert "più di 6.000 soldati (s5)" in bold and "due uomini (s1)" not in bold
    plt.close(fig)
