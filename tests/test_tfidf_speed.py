"""The fast tfidf and similarity give exactly the tables of the kept reference versions.

``analysis.tfidf.tfidf`` and ``similarity`` analyse every text once and build the
count matrix directly; ``_reference_tfidf`` and ``_reference_similarity`` are the
first versions (scikit-learn's ``TfidfVectorizer`` with the project's analyzer, the
analyzer run twice per text). Equality here is exact: same columns, dtypes, row
order and every float to the last bit. ``ANALYSIS_FUZZ=long`` raises the number
of random corpora.
"""

import importlib
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from analysis import Analyzer, SmallCorpusWarning, load_corpus
from analysis.tfidf import (
    _fit,
    _reference_grouped_texts,
    _reference_similarity,
    _reference_tfidf,
    similarity,
    tfidf,
    tfidf_vectorizer,
)

BENCH = Path(__file__).resolve().parents[1] / "build" / "bench" / "news-10k.jsonl"
tfidf_module = importlib.import_module("analysis.tfidf")  # the package attribute is the function
LONG = os.environ.get("ANALYSIS_FUZZ", "short") == "long"


def assert_same_table(fast, reference):
    """Same columns, dtypes, index, row order and values, floats compared bit for bit."""
    pd.testing.assert_frame_equal(fast, reference, check_exact=True)
    for column in fast.columns:
        if fast[column].dtype.kind == "f":
            assert np.array_equal(fast[column].to_numpy(), reference[column].to_numpy())


def both_tfidf(docs, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCorpusWarning)
        return tfidf(docs, **options), _reference_tfidf(docs, **options)


def both_similarity(docs, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCorpusWarning)
        return similarity(docs, **options), _reference_similarity(docs, **options)


def corpus(texts, sources=None, lang="it"):
    n = len(texts)
    return pd.DataFrame({"doc_id": [f"d{k:02d}" for k in range(n)],
                         "source": sources if sources is not None else ["S"] * n,
                         "lang": lang, "text": texts})


OPTIONS = [
    {},
    {"stem": True},
    {"stopwords": False},
    {"stopwords": ["kim", "Il", "LAVROV", "corea"]},  # normalised: "il", "lavrov"
    {"ngram_range": (1, 2)},
    {"ngram_range": (2, 2)},  # as in notebook 03
    {"ngram_range": (2, 3), "stem": True},
]


# --- hand-made corpora, one rule each ------------------------------------------------
# Mixed sources in interleaved order (the joined text of a group keeps docs order), a
# group whose texts are empty or only stopwords (an empty row), duplicated doc ids
# (joined like a group), and texts whose joins matter: a capitalised stopword after a
# text ending in a term is kept as part of a name ("Kim" + "Il ..."), an initial at the
# end of one text and a capital at the start of the next, closing marks after a full stop.
SMALL = {
    "two_docs": corpus(["Kim incontra Lavrov.", "Lavrov parla."], ["A", "B"]),
    "mixed_sources": corpus(
        ["Kim parla a Wonsan.", "Lavrov parla a Mosca.", "Kim tace, Lavrov no.",
         "La Corea del Nord e la Russia.", "Mosca e Pyongyang: l’intesa.",
         "Il ministro russo Sergej Lavrov e Kim Jong Un."],
        ["B", "A", "B", "C", "A", "C"]),
    "empty_and_stopwords": corpus(
        ["", "Kim parla.", "il la di che", "   \n  ", "Lavrov parla di pace."],
        ["Vuoto", "A", "Vuoto", "Vuoto", "B"]),
    "joins_matter": corpus(
        ["Lo disse Kim", "Il ministro arrivò.", "Firmato J.", "Kim Jong Un parla.",
         "Fine.", "» e poi il ministro", "Lavrov, 6.000 soldati", "E' vero"],
        ["A", "A", "A", "A", "B", "B", "B", "B"]),
    "accents_and_order": corpus(
        ["Città, città e CITTÀ. Perché? Caffè e caffe\u0301.",
         "«Zar» e “zar”, Ärger, élite, Élite, 10 e 9 e 100.",
         "dell’intelligence e dell'intelligence, po' di pace"],
        ["Z", "a", "É"]),
    "needs_reference_scanner": corpus(
        ["zero\u200bwidth e bom\ufeff, un separatore\x1cqui", "J. R. Tolkien e U.S. Army",
         "vedi www.lemonde.fr e redazione@esempio.it @KCNA_news #Wonsan"],
        ["A", "B", "A"]),
    "repeated_doc_ids": pd.DataFrame({"doc_id": ["x", "y", "x"], "source": ["A", "A", "B"],
                                      "lang": "it",
                                      "text": ["Kim parla.", "Kim tace.", "Lavrov parla."]}),
    "english": corpus(["Russia's army didn't move. Mr. Lavrov arrived.",
                       "The U.S. Army and the UN: Kim's army."], ["A", "B"], lang="en"),
}


@pytest.mark.parametrize("name", sorted(SMALL))
@pytest.mark.parametrize("by", ["doc_id", "source"])
@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_small_corpora_equal_reference(name, by, options):
    fast, reference = both_tfidf(SMALL[name], by=by, **options)
    assert_same_table(fast, reference)
    fast, reference = both_similarity(SMALL[name], by=by, **options)
    assert_same_table(fast, reference)


def test_group_labels_are_compared_as_strings():
    # an integer column is grouped by its text, so "10" sorts before "9"
    docs = SMALL["mixed_sources"].assign(issue=[9, 10, 9, 100, 10, 9])
    fast, reference = both_tfidf(docs, by="issue")
    assert_same_table(fast, reference)
    assert fast["group"].unique().tolist() == ["10", "100", "9"]


def test_hand_computed_order_with_an_empty_group():
    # A: "Kim parla." -> kim, parla; B: "Lavrov parla di pace." -> lavrov, parla, pace
    # Vuoto: no terms, so no rows. idf over 3 groups: a term in 1 of them
    # ln(4/2) + 1 = 1.693147, in 2 of them ln(4/3) + 1 = 1.287682
    fast, reference = both_tfidf(SMALL["empty_and_stopwords"], by="source")
    assert_same_table(fast, reference)
    assert fast[["group", "term", "n", "df"]].values.tolist() == [
        ["A", "kim", 1, 1], ["A", "parla", 1, 2],
        ["B", "lavrov", 1, 1], ["B", "pace", 1, 1], ["B", "parla", 1, 2]]
    assert fast["idf"].round(6).tolist() == [1.693147, 1.287682, 1.693147, 1.693147, 1.287682]


# --- the seeds ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds():
    return load_corpus()


@pytest.mark.parametrize("by", ["doc_id", "source"])
@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_seeds_equal_reference(seeds, by, options):
    fast, reference = both_tfidf(seeds, by=by, **options)
    assert_same_table(fast, reference)
    fast, reference = both_similarity(seeds, by=by, **options)
    assert_same_table(fast, reference)


def test_seed_golden_values(seeds):
    # "truppe": 4 times in the unsigned article, never in Le Monde's, so idf = ln(3/2) + 1
    table = tfidf(seeds, by="source", warn=False).set_index(["group", "term"])
    row = table.loc[("Unsigned", "truppe")]
    assert (row["n"], row["df"]) == (4, 1)
    assert row["idf"] == pytest.approx(1.405465, abs=1e-6)
    assert table.loc[("Le Monde", "kim"), "n"] == 4


@pytest.mark.parametrize("options", OPTIONS[:4], ids=repr)
def test_fit_matches_scikit_learn_bit_for_bit(seeds, options):
    """The count matrix is CountVectorizer's (same stored order) and the weights are
    TfidfVectorizer's: same data, indices and indptr arrays, same idf."""
    groups, texts, lang = _reference_grouped_texts(seeds, "source")
    fit = _fit(seeds, "source", options.get("stopwords", True), options.get("stem", False),
               (1, 1), False)
    assert fit.groups == groups
    vectorizer = tfidf_vectorizer(lang, **options)
    weights = vectorizer.fit_transform(texts)
    assert fit.vocab.tolist() == vectorizer.get_feature_names_out().tolist()
    counts = CountVectorizer(analyzer=Analyzer(lang, **options), lowercase=False,
                             dtype=np.float64).fit_transform(texts)
    for mine, theirs in ((fit.counts, counts), (fit.weights, weights)):
        assert mine.shape == theirs.shape
        for attribute in ("data", "indices", "indptr"):
            a, b = getattr(mine, attribute), getattr(theirs, attribute)
            assert a.dtype == b.dtype and np.array_equal(a, b)
    assert np.array_equal(fit.idf, vectorizer.idf_)
    assert np.array_equal(fit.n, counts.data.astype(np.int64))


# --- a sample of the benchmark corpus ----------------------------------------------------


@pytest.fixture(scope="module")
def bench():
    if not BENCH.exists():
        pytest.skip(f"{BENCH} not generated (python -m benchmarks.generate)")
    return pd.read_json(BENCH, lines=True, nrows=300)


@pytest.mark.parametrize("by", ["source", "doc_id"])
def test_bench_sample_equals_reference(bench, by):
    fast, reference = both_tfidf(bench, by=by)
    assert_same_table(fast, reference)
    assert fast["group"].nunique() == bench[by].nunique()


@pytest.mark.parametrize("options", [{"stem": True, "stopwords": ["anno", "Governo"]},
                                     {"ngram_range": (1, 2)}], ids=repr)
def test_bench_sample_with_options_equals_reference(bench, options):
    sample = bench.iloc[:60]  # n-grams take the scanner (slow): a smaller sample
    fast, reference = both_tfidf(sample, by="source", **options)
    assert_same_table(fast, reference)
    fast, reference = both_similarity(sample, by="source", **options)
    assert_same_table(fast, reference)


# --- random corpora ---------------------------------------------------------------------

# words and marks whose joins and neighbours matter: capitalised stopwords, initials,
# elisions with both apostrophes, numbers, closing marks, line breaks, a character
# that sends the text to the reference scanner
PIECES = ["Kim", "kim", "Lavrov", "Il", "il", "Un", "un", "E'", "J.", "R.", "U.S.", "sig.",
          "dell’agenzia", "l'intesa", "6.000", "3,5", "«", "»", "“Pace”", ".", ",", "?",
          "Città", "città", "Mosca", "\n", "\n\n", "po'", "\u200b", "truppe", "di"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join)
CORPORA = st.lists(st.tuples(TEXTS, st.sampled_from(["A", "B", "C", "Le Monde"])),
                   min_size=1, max_size=6)
RANDOM_OPTIONS = st.fixed_dictionaries({
    "stopwords": st.sampled_from([True, False, ("kim", "Il", "città")]),
    "stem": st.booleans(),
    "ngram_range": st.sampled_from([(1, 1), (1, 2), (2, 2)]),
})


def outcome(function, docs, **options):
    """The table, or the type and message of the error, with any warning's message."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = function(docs, **options)
        except (ValueError, TypeError) as error:
            result = (type(error), str(error))
    return result, [str(w.message) for w in caught]


@settings(max_examples=1000 if LONG else 80, deadline=None, derandomize=not LONG,
          database=settings.default.database if LONG else None,
          suppress_health_check=[HealthCheck.too_slow])
@given(CORPORA, st.sampled_from(["doc_id", "source"]), RANDOM_OPTIONS)
def test_random_corpora_equal_reference(rows, by, options):
    docs = corpus([t for t, _ in rows], [s for _, s in rows])
    for fast_function, reference_function in ((tfidf, _reference_tfidf),
                                              (similarity, _reference_similarity)):
        fast, fast_warnings = outcome(fast_function, docs, by=by, **options)
        reference, reference_warnings = outcome(reference_function, docs, by=by, **options)
        assert fast_warnings == reference_warnings
        if isinstance(reference, tuple):  # no terms at all: the same error
            assert fast == reference
        else:
            assert_same_table(fast, reference)


# --- errors, warnings, and "analysed once" -----------------------------------------------


@pytest.mark.parametrize("docs, options", [
    (SMALL["two_docs"].assign(text=["il", "la"]), {}),                  # only stopwords
    (SMALL["two_docs"].assign(text=["", " "]), {}),                     # empty texts
    (SMALL["two_docs"].assign(lang=["it", "en"]), {}),                  # mixed languages
    (SMALL["two_docs"], {"by": "outlet"}),                              # missing column
    (SMALL["two_docs"].iloc[:0], {}),                                   # no documents
    (SMALL["two_docs"], {"stopwords": "il"}),                           # a string
    (SMALL["two_docs"].assign(text=["Kim parla.", None]), {}),          # a missing text
    ("not a table", {}),
], ids=["stopwords-only", "empty", "mixed-langs", "missing-column", "no-docs",
        "stopword-string", "missing-text", "not-a-table"])
def test_same_errors_and_messages(docs, options):
    for fast_function, reference_function in ((tfidf, _reference_tfidf),
                                              (similarity, _reference_similarity)):
        with pytest.raises((ValueError, TypeError)) as fast:
            fast_function(docs, warn=False, **options)
        with pytest.raises((ValueError, TypeError)) as reference:
            reference_function(docs, warn=False, **options)
        assert (fast.type, str(fast.value)) == (reference.type, str(reference.value))


def test_bad_ngram_range_is_named():
    # the reference reported this as "no terms to weigh"; the options are now checked
    # before any text is analysed, so the message names the argument
    with pytest.raises(ValueError, match=r"ngram_range=\(2, 1\)"):
        tfidf(SMALL["two_docs"], ngram_range=(2, 1))


def test_same_small_corpus_warning(seeds):
    with pytest.warns(SmallCorpusWarning) as fast:
        tfidf(seeds, by="source")
    with pytest.warns(SmallCorpusWarning) as reference:
        _reference_tfidf(seeds, by="source")
    assert [str(w.message) for w in fast] == [str(w.message) for w in reference]
    assert "idf takes 2 value(s) (1.000, 1.405)" in str(fast[0].message)
    assert fast[0].filename == __file__  # points at the caller's line


def test_every_text_is_analysed_once(monkeypatch):
    calls = []
    real = tfidf_module._bound_terms

    def counting(*args, **kwargs):
        analyze = real(*args, **kwargs)

        def spy(text):
            calls.append(text)
            return analyze(text)

        return spy

    monkeypatch.setattr(tfidf_module, "_bound_terms", counting)
    docs = SMALL["mixed_sources"]
    tfidf(docs, by="source", warn=False)
    # one call per group, on the group's texts joined by a blank line in docs order
    assert calls == ["Lavrov parla a Mosca.\n\nMosca e Pyongyang: l’intesa.",
                     "Kim parla a Wonsan.\n\nKim tace, Lavrov no.",
                     "La Corea del Nord e la Russia.\n\n"
                     "Il ministro russo Sergej Lavrov e Kim Jong Un."]
    calls.clear()
    similarity(docs, by="doc_id", warn=False)
    assert sorted(calls) == sorted(docs["text"])


def test_inputs_are_not_mutated(seeds):
    before = seeds.copy(deep=True)
    tfidf(seeds, by="source", warn=False, ngram_range=(1, 2))
    similarity(seeds, by="source", warn=False)
    pd.testing.assert_frame_equal(seeds, before)


# --- the package imports matplotlib only when a figure or the report is used ------------
# (analysis/__init__.py loads .plots and .report on first use; a fresh interpreter is
# needed to see what `import analysis` imports)


def run_fresh(code: str) -> str:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_counting_does_not_import_matplotlib():
    out = run_fresh(
        "import sys, analysis.counts, analysis\n"
        "before = 'matplotlib' in sys.modules\n"
        "from analysis import plot_numbers\n"
        "print(before, 'matplotlib' in sys.modules)")
    assert out == "False True"


def test_lazy_names_are_the_same_public_names():
    out = run_fresh(
        "import json, analysis\n"
        "before = dir(analysis)\n"
        "values = {name: getattr(analysis, name) for name in analysis.__all__}\n"
        "import analysis.plots as plots, analysis.report as report\n"
        "same = all(values[n] is getattr(plots if m == 'plots' else report, n)\n"
        "           for n, m in analysis._LAZY_NAMES.items())\n"
        "print(json.dumps({'before': before, 'after': dir(analysis), 'all': analysis.__all__,\n"
        "                  'same': same, 'lazy': sorted(analysis._LAZY_NAMES)}))")
    import json

    seen = json.loads(out)
    assert seen["before"] == seen["after"]  # dir() does not depend on what was loaded
    assert set(seen["all"]) | {"plots", "report"} <= set(seen["before"])
    assert not {"_LAZY", "_LAZY_NAMES", "__getattr__", "__dir__"} & set(seen["before"])
    assert set(seen["lazy"]) <= set(seen["all"]) and "plot_similarity_heatmap" in seen["lazy"]
    assert seen["same"]


def test_from_import_and_unknown_names():
    import analysis

    from analysis import ReportError, plot_alignment, plots, report, source_colors  # noqa: F401

    assert plot_alignment is plots.plot_alignment and ReportError is report.ReportError
    assert callable(source_colors)
    with pytest.raises(AttributeError, match="module 'analysis' has no attribute 'plot_nothing'"):
        analysis.plot_nothing  # noqa: B018
    assert not hasattr(analysis, "_LAZY_missing")
