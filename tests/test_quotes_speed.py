"""The fast path of quotes gives exactly the reference result; quote tallies on Dask.

``quotes`` runs the fast document (:class:`analysis.quotes._Doc`, one
``scan_sentences`` per document, cues looked for only at words that can start one);
``_reference_quotes`` is the implementation it replaced. Every test here compares
the two tables cell by cell (values, dtypes, index) and the warnings they raise.
"""

import os
import sys
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis import entities, load_corpus
from analysis.normalize import normalize
from analysis.paths import PROJECT_ROOT
from analysis.quotes import KINDS, QuotesWarning, load_lexicon, quotes, voices
from analysis.tokens import scan

quotes_module = sys.modules["analysis.quotes"]
_reference_quotes = quotes_module._reference_quotes

BENCH = PROJECT_ROOT / "build" / "bench" / "news-10k.jsonl"
#: ``make fuzz`` sets ANALYSIS_FUZZ=long: ten times the generated examples.
SCALE = 10 if os.environ.get("ANALYSIS_FUZZ", "short") == "long" else 1


def run(func, docs, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = func(docs, **kwargs)
    return table, [(w.category, str(w.message)) for w in caught]


def assert_same(docs, **kwargs):
    """Fast and reference give the same table and the same warnings; returns the table."""
    fast, fast_warnings = run(quotes, docs, **kwargs)
    ref, ref_warnings = run(_reference_quotes, docs, **kwargs)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    assert fast_warnings == ref_warnings
    return fast


def docs_of(texts, lang="it"):
    return pd.DataFrame({"doc_id": [f"d{k}" for k in range(len(texts))],
                         "source": [["A", "B"][k % 2] for k in range(len(texts))],
                         "lang": lang, "text": list(texts)})


# --- the seeds ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds():
    return load_corpus()


@pytest.mark.parametrize("window", [0, 1, 2, 5])
def test_seeds_equal_the_reference(seeds, window):
    table = assert_same(seeds, window=window)
    assert len(table) > 0


def test_seeds_with_mentions_equal_the_reference(seeds):
    mentions = entities(seeds)
    before = mentions.copy()
    table = assert_same(seeds, mentions=mentions)
    pd.testing.assert_frame_equal(mentions, before)  # not mutated
    # the mentions really were used: some canonical name differs from the one without
    plain = quotes(seeds)
    assert (table["speaker_canonical"] != plain["speaker_canonical"]).any()


def test_seeds_with_a_user_lexicon_equal_the_reference(seeds, tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(quotes_module.resource_path(quotes_module.LEXICON_FILE).read_text(
        encoding="utf-8"), encoding="utf-8")
    assert_same(seeds, lexicon=path)
    assert_same(seeds, lexicon=load_lexicon(path))


# --- a sample of the benchmark corpus (absent in CI) ---------------------------------------------
@pytest.fixture(scope="module")
def bench():
    if not BENCH.is_file():
        pytest.skip(f"{BENCH} not generated (python -m benchmarks.generate)")
    return pd.read_json(BENCH, lines=True, nrows=200)


def test_bench_sample_equals_the_reference(bench):
    table = assert_same(bench)
    assert len(table) > 500 and set(table["kind"]) >= {"direct", "indirect", "according_to"}


def test_bench_sample_with_mentions_equals_the_reference(bench):
    docs = bench.iloc[:40]
    assert_same(docs, mentions=entities(docs))


# --- hand-made documents: every kind, every rule ----------------------------------------------
IT_CASES = [
    # direct: postposed cue, cue then colon, standalone quote
    "«Abbiamo parlato di pace», ha detto Lavrov. «Resteremo.» Poi è partito.",
    "Lavrov ha detto: «Abbiamo parlato di pace». Kim ha aggiunto: “Siamo pronti”.",
    '"Restiamo fino a domenica", ha riferito l’agenzia Tass.',
    # a quotation over several sentences, and one across a paragraph break (unbalanced)
    "Kim ha dichiarato: «La guerra finirà. Noi vinceremo. Il nemico cadrà». Poi tacque.",
    "Lavrov ha detto: «Il testo continua\n\nnel paragrafo dopo». Fine.",
    # indirect: che-clause, content before the speaker, noun phrase, gerund, pro-drop
    "Lavrov ha detto che i colloqui sono andati bene. Ha poi aggiunto che tornerà.",
    "I colloqui sono andati bene, il ministero ha detto sabato.",
    "Pyongyang ha ribadito il suo sostegno alla guerra in cui sono morti migliaia.",
    "I media avevano annunciato la visita, dicendo che Lavrov sarebbe rimasto.",
    "Kim ha anche ammesso che la situazione è difficile, mentre Lavrov taceva.",
    # according to, before and after, unattributed, ordinal "secondo"
    "Secondo la Tass, i colloqui sono andati bene. I colloqui, secondo la KCNA, no.",
    "Secondo quanto riferito, Kim ha inviato truppe. Il secondo incontro è domani.",
    "Stando a fonti russe, Kim ha inviato 6.000 soldati. A detta di Lavrov, è vero.",
    # reported by
    "I colloqui sono andati bene, hanno riferito domenica i media ufficiali.",
    "La Tass riferisce che Lavrov è arrivato. Lo riporta l'agenzia Yonhap.",
    # partial and scare quotes: host statement, last source, unattributed
    "Secondo la KCNA, Kim ha detto che la Corea era «pronta» e “determinata”.",
    "Secondo la Tass, i colloqui sono andati bene. I soldati sono “eroici”.",
    "Gli “eroici” soldati sono tornati a casa ‘in festa’.",
    # anaphors and coordinated speakers
    "È stato chiesto al Cremlino di una visita, ma quest'ultimo ha risposto che no.",
    "Gli Stati Uniti e la Corea del Sud hanno detto che va bene.",
    # unbalanced marks: an opener never closed, a closer with no opener, odd ASCII quotes
    "«Abbiamo parlato, ha detto Lavrov. Poi è partito.",
    "Abbiamo parlato», ha detto Lavrov.",
    '"Sì" e "no" e "forse, ha detto Kim.',
    "‘Sì’ ha detto Kim, e l’agenzia ha confermato. Un ’altro’ caso.",
    "«»“”", "", "   \n\n  ", "...", "«", "» » »",
    # characters normalize() changes, and characters whose lower case needs care
    "Lʼagenzia ha detto\u00a0che Kim‑Jong è arrivato. ΣΟΦΙΑ ha detto che è vero.",
    "İSTANBUL ha detto che va bene. L’ONU ha riferito che l’incontro c’è stato.",
    "Kim HA DETTO che va bene. HA DETTO: «SÌ».",
]
EN_CASES = [
    '"We exchanged views," Lavrov said. "We agree." Then he left.',
    "Lavrov said: \"We agree.\" Kim told reporters that the talks went well.",
    "Pyongyang has reportedly armed Moscow, according to Seoul.",
    "According to the KCNA, Kim said the country was \"ready\" and 'willing'.",
    "The talks went well, state media reported on Sunday.",
    "Russia's army didn't move, the ministry said. It didn't say why.",
    "\"Unclosed quote, Lavrov said.", "Closed quote\" he said.",
]


def test_hand_made_documents_equal_the_reference():
    tables = [assert_same(docs_of(IT_CASES, "it")), assert_same(docs_of(EN_CASES, "en"))]
    assert_same(docs_of(IT_CASES + EN_CASES, "it"))  # English text read as Italian, too
    kinds = set(pd.concat(tables)["kind"])
    assert kinds == set(KINDS)  # every kind is exercised
    multi = tables[0][tables[0]["content"].str.contains("Noi vinceremo")]
    assert multi["kind"].tolist() == ["direct"]  # the quote over three sentences


def test_hand_made_documents_one_by_one_and_unbalanced_warnings():
    n_warned = 0
    for lang, cases in (("it", IT_CASES), ("en", EN_CASES)):
        for text in cases:
            _, caught = run(quotes, docs_of([text], lang))
            n_warned += any(c is QuotesWarning for c, _ in caught)
            assert_same(docs_of([text], lang))
    assert n_warned >= 6  # the unbalanced cases do warn


def test_mixed_languages_and_default_columns():
    docs = pd.concat([docs_of(IT_CASES[:6], "it"), docs_of(EN_CASES[:4], "en-GB")],
                     ignore_index=True)
    docs["doc_id"] = range(len(docs))
    assert_same(docs)
    assert_same(docs[["doc_id", "text"]])  # no source, no lang: "" and Italian


def test_mentions_of_documents_with_odd_ids():
    texts = ["«Sì», ha detto il ministero degli Esteri russo.",
             "Gli Stati Uniti e la Corea del Sud hanno detto che va bene."]
    docs = pd.DataFrame({"doc_id": [7, 3], "source": ["A", "B"], "lang": "it", "text": texts})
    # "«Sì», ha detto il " is 18 characters; the ministry's name 28; "Gli " 4, "Stati Uniti"
    # 11, " e la " 6 -> 21, "Corea del Sud" 13
    rows = [{"doc_id": 7, "start": 18, "end": 46, "canonical": "Russian Foreign Ministry"},
            {"doc_id": 3, "start": 4, "end": 15, "canonical": "United States"},
            {"doc_id": 3, "start": 21, "end": 34, "canonical": "South Korea"},
            {"doc_id": 99, "start": 0, "end": 3, "canonical": "Nobody"}]
    mentions = pd.DataFrame(rows)
    assert [texts[0][18:46], texts[1][4:15], texts[1][21:34]] == [
        "ministero degli Esteri russo", "Stati Uniti", "Corea del Sud"]
    table = assert_same(docs, mentions=mentions)
    assert table["speaker_canonical"].tolist() == ["Russian Foreign Ministry",
                                                   "United States + South Korea"]
    # ids given as floats in the mentions still match (1 == 1.0), as a column test would
    assert_same(docs, mentions=mentions.astype({"doc_id": float}))
    assert_same(docs, mentions=mentions.iloc[0:0])  # no mentions at all


# --- the exact pieces -----------------------------------------------------------------------
def test_normalized_chars_are_exactly_what_normalize_changes():
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    norm = normalize(every)
    changed = {a for a, b in zip(every, norm) if a != b}
    assert {c for c in every if quotes_module._NORMALIZED_CHARS.fullmatch(c)} == changed
    # what _lower_tokens relies on: normalize maps one character at a time, and neither
    # the characters it changes nor what they become have a case
    assert len(norm) == len(every) and all(normalize(a) == b for a, b in zip(every, norm)
                                             if a in changed)
    targets = {normalize(c) for c in changed}
    assert all(c.lower() == c for c in changed | targets)
    assert not [c for c in every if len(c.lower()) == 1 and c.lower() in changed | targets
                and c not in changed | targets]


LOWER_ALPHABET = st.sampled_from(list("aAbBzZ ’'ʼ‑-\u00a0\n.,«»ΣσςİIıK\u212aß") +
                                 ["Lʼha", "ΟΔΟΣ", "ΑΣ'Β", "İl", "dell’", "Kim‑Jong"])


@settings(max_examples=150 * SCALE, deadline=None)
@given(st.one_of(st.lists(LOWER_ALPHABET, max_size=20).map("".join), st.text(max_size=40)),
       st.sampled_from(["it", "en"]))
@example(text="ΑΣ'Β", lang="it")  # final sigma depends on the next token
@example(text="Lʼha detto", lang="it")
def test_lowered_tokens_equal_normalised_and_lowered_one_by_one(text, lang):
    toks = scan(text, lang)
    norm = normalize(text)
    assert quotes_module._lower_tokens(text, toks) == [norm[a:b].lower() for a, b, _ in toks]


MARKS = st.lists(st.sampled_from(["«", "»", "“", "”", '"', "‘", "’", "a", "l’a", " ", "\n\n",
                                  "\n \n", "\n", "\n\x1c\n", "\n\u2028\n", "\t", "x"]),
                 max_size=30).map("".join)


@settings(max_examples=300 * SCALE, deadline=None)
@given(MARKS)
@example(text="«a\n\n» “b\n \n\n”")  # breaks inside open quotes, one after the last mark
@example(text="«a «b» c\n\x1c\n»")  # \x1c is not a space for the paragraph pattern
def test_quote_pairs_equal_the_reference(text):
    with warnings.catch_warnings(record=True) as fast_caught:
        warnings.simplefilter("always")
        fast = quotes_module._quote_pairs(text, "d")
    with warnings.catch_warnings(record=True) as ref_caught:
        warnings.simplefilter("always")
        ref = quotes_module._reference_quote_pairs(text, "d")
    assert fast == ref
    assert [str(w.message) for w in fast_caught] == [str(w.message) for w in ref_caught]


# --- generated documents ----------------------------------------------------------------------
FRAGMENTS = ["«", "»", "“", "”", '"', "‘", "’", "Kim", "Lavrov", "la Tass", "l’agenzia",
             "ha detto", "hanno riferito", "ha anche ribadito", "ha", "detto", "che", "secondo",
             "Secondo", "secondo quanto riferito", "stando a", "a detta di", "dicendo", "sostiene",
             "il", "il suo sostegno", "a", "cui", "mentre", ",", ".", ":", ";", "–", "-", "!",
             "va bene", "\n", "\n\n", "said", "told reporters", "according to", "reportedly",
             "the", "did", "didn't", "quest'ultimo", "e", "Stati Uniti", "ΣΟΦΙΑ", "İ", "ʼ",
             "\u00a0", "6.000", "sig.", "J.", "ΑΣ'Β"]


@settings(max_examples=120 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(" ".join),
                min_size=1, max_size=3),
       st.sampled_from(["it", "en"]), st.integers(0, 3))
def test_generated_documents_equal_the_reference(texts, lang, window):
    assert_same(docs_of(texts, lang), window=window)


# --- the fast document answers every question of the patterns like the reference one --------
def assert_same_document(text, lang):
    lex = load_lexicon()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuotesWarning)
        ref = quotes_module._ReferenceDoc(text, lang, "d", lex)
        fast = quotes_module._Doc(text, lang, "d", lex, quotes_module._Tables(lex, lang))
    assert fast.toks == ref.toks and fast.low == ref.low and fast.tok_sent == ref.tok_sent
    assert fast.spans == ref.spans and fast.pairs == ref.pairs
    assert dict(enumerate(fast.first)) == ref.first and dict(enumerate(fast.last)) == ref.last
    for o, c in ref.pairs:
        assert fast.tok_at.get(o) == ref.tok_at.get(o) and fast.tok_at.get(c) == ref.tok_at.get(c)
    assert [fast.inside_quote(k) for k in range(len(ref.toks))] == ref._inside
    assert [fast.first_token_from(pos) for pos in range(len(text) + 2)] == [
        ref.first_token_from(pos) for pos in range(len(text) + 2)]
    assert fast.find_cues() == ref.find_cues()
    bounds = sorted({0, len(text)} | {a for t in ref.toks for a in t[:2]})
    step = 1 + len(bounds) // 40  # about 40 x 40 spans, from token edges and the ends
    for a in bounds[::step]:
        for b in bounds[::step]:
            assert fast.count_words(a, b) == ref.count_words(a, b), (a, b)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_fast_document_equals_the_reference_document(lang, seeds):
    for text in IT_CASES + EN_CASES + list(seeds["text"]):
        assert_same_document(text, lang)


@settings(max_examples=100 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(" ".join),
       st.sampled_from(["it", "en"]))
def test_generated_documents_answer_like_the_reference(text, lang):
    assert_same_document(text, lang)


# --- per-group tallies on Dask --------------------------------------------------------------
def quote_tally(batch):
    """Per-partition tally: statements and quoted words per source and speaker."""
    table = quotes(batch)
    return (table.assign(n=1).groupby(["source", "speaker_canonical", "kind"])[["n", "n_words"]]
            .sum())


def add_tallies(parts):
    return pd.concat(parts).groupby(level=[0, 1, 2]).sum()


@pytest.mark.filterwarnings("ignore::analysis.quotes.QuotesWarning")
def test_quote_tallies_through_map_reduce_equal_the_in_process_result(seeds):
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    dd = pytest.importorskip("dask.dataframe")
    texts = list(seeds["text"]) + IT_CASES[:12]
    docs = pd.DataFrame({"doc_id": [f"d{k:02d}" for k in range(len(texts))],
                         "source": [["Alfa", "Beta", "Gamma"][k % 3] for k in range(len(texts))],
                         "lang": "it", "text": texts})
    expected = quote_tally(docs)
    whole = quotes(docs)
    assert expected["n"].sum() == len(whole) > 20
    # the statements of a batch are those of its documents, whatever the batching
    halves = pd.concat([quotes(docs.iloc[:5]), quotes(docs.iloc[5:])], ignore_index=True)
    pd.testing.assert_frame_equal(halves, whole)
    from analysis.distributed import map_reduce

    # a Dask DataFrame on the local scheduler
    with dask.config.set(scheduler="synchronous"):
        got = map_reduce(dd.from_pandas(docs, npartitions=4), quote_tally, add_tallies)
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index())
    # a LocalCluster with two worker processes, pandas batches scattered to them
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, host="127.0.0.1")
    try:
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            got = map_reduce(docs, quote_tally, add_tallies, client=client, batch_size=3)
            tables = map_reduce(docs, quotes, lambda parts: pd.concat(parts, ignore_index=True),
                                client=client, batch_size=4, split_every=2)
    finally:
        cluster.close()
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index())
    pd.testing.assert_frame_equal(tables, whole)
    # and share of voice computed from the gathered statements equals the in-process one
    pd.testing.assert_frame_equal(voices(tables), voices(whole))
