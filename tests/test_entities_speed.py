"""Entities at speed: the fast extraction gives exactly the reference's mentions.

``entities`` runs :func:`analysis.entities._extract` (shortcuts, see its docstring
and :class:`analysis.entities._Extractor`); ``_reference_entities`` runs the kept
reference implementation. Every test here compares the two tables exactly (values,
dtypes, order) on the seeds, on a sample of the benchmark corpus when it exists,
on hand-made texts that exercise every rule, and on generated text; the helper
shortcuts are also checked one by one against the functions they stand for.
"""

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_corpus, load_gazetteer
from analysis import entities as entities_function
from analysis.entities import (
    _CAP,
    _CONTEXT,
    _Evidence,
    _Extractor,
    _fast_is_initial,
    _fast_prev_words,
    _gc_paused,
    _is_initial,
    _normalized,
    _prev_words,
    _reference_entities,
    _shipped,
    entity_frequencies,
)
from analysis.normalize import normalize

BENCH = Path(__file__).resolve().parents[1] / "build" / "bench" / "news-10k.jsonl"


def docs_of(*texts, lang="it", sources=None, titles=None):
    data = {"doc_id": [f"d{k}" for k in range(len(texts))],
            "source": sources or [["Alfa", "Beta"][k % 2] for k in range(len(texts))],
            "text": list(texts), "lang": [lang] * len(texts)}
    if titles is not None:
        data["title"] = titles
    return pd.DataFrame(data)


def assert_same(docs, **options):
    fast = entities_function(docs, **options)
    reference = _reference_entities(docs, **options)
    pd.testing.assert_frame_equal(fast, reference)
    return fast


# --------------------------------------------------------------------- corpora


def test_seeds_text_and_headlines_equal_the_reference():
    seeds = load_corpus()
    mentions = assert_same(seeds)
    assert len(mentions) == 86  # the 86 gold mentions (tests/gold/entities_seeds.csv)
    assert_same(seeds, field="title")


@pytest.mark.skipif(not BENCH.exists(), reason="benchmark corpus not generated (make benchmark)")
def test_benchmark_sample_equals_the_reference():
    docs = pd.read_json(BENCH, lines=True, nrows=250)
    mentions = assert_same(docs)
    assert len(mentions) > 2000  # about 13 mentions per article
    # and with the order of the documents reversed (corpus evidence is order-free)
    assert_same(docs.iloc[::-1].reset_index(drop=True))


# A text per rule (and per shortcut): found by caps, acronym, org_head, hyphen_pair,
# uncased; named by gazetteer, gazetteer_key, alias, metonym, place_reading,
# qualified, partial_name, partial_ambiguous, gazetteer_partial, name_key, surface;
# dropped as elided articles, sentence-initial ordinary words and role words.
EDGE_TEXTS = [
    "Secondo la Tass, Sergei Lavrov ha visto Kim Jong-un. Lavrov è partito.",
    "Mosca tace. Il ministro è arrivato a Mosca. Ha visitato Pyongyang e la regione di Kursk.",
    "L'Ucraina e l'Italia. Dell'Europa, All'Onu, O'Brien e D'Alema.",
    "Di certo Che cosa. La Russia, Il Cremlino; Presidente Putin e il Presidente.",
    "Il ministro degli Esteri russo Sergej Lavrov e il Ministero degli Esteri russo.",
    "Il ministero degli Esteri e il ministro degli Esteri. Il presidente del Consiglio Meloni.",
    "Il Consiglio di sicurezza, la Commissione europea e il Fondo monetario internazionale.",
    "Il Dipartimento della Difesa e il Pentagono. Ministero della Difesa della Corea del Nord.",
    "L'incontro Kim-Lavrov e il vertice Putin-Xi. Smith-Jones e Corea-Russia.",
    "IL MINISTRO DEGLI ESTERI RUSSO SERGEI LAVROV HA VISTO KIM JONG UN A PYONGYANG.",
    "Alfa Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa sono parole. KCNA e TASS e U.S.",
    "Choe Son-hui e Choe Son Hui. Poi Choe ha taciuto. Kim Jong Un e Kim Yo Jong. Kim rise.",
    "La sua controparte nordcoreana Choe Son Hui ha parlato con l'inviato Keith Kellogg.",
    "«Kim» ha detto. “Lavrov” e \"Putin\" (Tass) [Reuters] ‘Xi’ — Wonsan… Mosca!",
    "Ursula von der Leyen e Ludwig van Beethoven. Corea del Sud, Stati Uniti d'America.",
    "Il ministro degli \nEsteri Lavrov e il presidente di \nPutin. Ministero degli\nEsteri.",
    "Paese e paese. Il Paese tace; Nel paese. Abbiamo visto Abbiamo.",
    "Lo ha detto la Farnesina. Palazzo Chigi tace. La Casa Bianca ha detto. Kyiv chiede.",
    "Shoigu ha visitato Pyongyang. Putin a Kiev, consegna di armi a Kiev.",
    "a capo\nKim Jong Un\n\nNuovo paragrafo\u2028Lavrov\u00a0Sergei e Jong\u2011un.",
    "dell\u2019agenzia KCNA; l\u2019Onu e l\u2019ONU, Nato e NATO. 6.000 soldati nel 2024.",
    "ecc. Kim. J. R. Tolkien e il sig. Rossi. Mario Rossi ha detto. Rossi tace.",
    "\x1cKim\x1d Lavrov\u200bPutin\ufeffXi \u0130stanbul \u212aelvin ſ Ministero Degli Esteri",
    "il presidente russo Vladimir Putin, il leader nordcoreano Kim. Il premier Smith-Jones.",
    "",
    "   ",
    "tutto minuscolo senza nomi.",
]
EN_TEXTS = [
    "The Russian Foreign Ministry said so. Sergei Lavrov met Kim Jong Un in Pyongyang.",
    "O'Brien said the U.S. and the UN agree. Moscow denied it. The Kremlin was silent.",
    "On Monday, President Donald Trump said Secretary of State Marco Rubio would go.",
    "The Security Council of the United Nations met the Ministry of Defence of Russia.",
]


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_edge_texts_one_by_one(text):
    assert_same(docs_of(text))


def test_edge_texts_as_one_corpus_with_headlines():
    # corpus-wide evidence (words in lower case elsewhere, capitalised mid-sentence)
    docs = docs_of(*EDGE_TEXTS, titles=["Kim parla", None, "", "Lavrov a Mosca"] * 6 + [
        "Choe", "Putin-Xi", "Tass"])
    assert_same(docs)
    assert_same(docs, field="title")


@pytest.mark.parametrize("text", EN_TEXTS)
def test_english_texts(text):
    assert_same(docs_of(text, lang="en"))


def test_mixed_languages_and_options(tmp_path):
    docs = pd.concat([docs_of(*EDGE_TEXTS[:8]), docs_of(*EN_TEXTS, lang="en")],
                     ignore_index=True)
    docs["doc_id"] = [f"m{k}" for k in range(len(docs))]
    assert_same(docs)
    assert_same(docs, min_zipf=3.0)
    assert_same(docs, aliases={"Wonsan": "Wonsan City", "Kim": "Kim Jong Un"})
    # a user gazetteer with a non-ASCII particle, a particle with a space and new roles:
    # the particle shortcut must step aside for it
    user = tmp_path / "user.yaml"
    user.write_text(
        "entities:\n"
        "  - canonical: Wonsan\n    type: place\n    variants: [Wonsan]\n"
        "cues:\n  it:\n    particles: [\"dell’\", \"sull'\", \"ſu\", \"di la\"]\n"
        "    roles: [inviata, \"capo delegazione\"]\n"
        "    org_heads: [ufficio]\n", encoding="utf-8")
    gaz = load_gazetteer(user)
    texts = ["L'inviata sull'Italia Maria Rossi e l'Ufficio di la Difesa.",
             "Il capo delegazione ſu Kim e l'inviata di la Corea Lee.",
             "Il ministro dell\u2019Interno Piantedosi e il ministro dell'Interno Rossi."]
    assert_same(docs_of(*texts), gazetteer=gaz)
    assert_same(docs_of(*texts))


def test_duplicate_doc_ids_keep_the_reference_order():
    docs = docs_of("Kim ha visto Lavrov.", "Lavrov ha visto Kim.", "Kim Jong Un parla.")
    docs["doc_id"] = ["x", "x", "x"]
    assert_same(docs)


# ------------------------------------------------------------------ generated text

PIECES = st.sampled_from([
    "Kim", "Jong", "Un", "Jong-un", "Kim-Lavrov", "Lavrov", "Sergei", "Sergej", "Mosca",
    "Pyongyang", "Kiev", "Russia", "Corea", "del", "Nord", "Sud", "di", "degli", "della",
    "dell'", "dell’", "d'", "von", "der", "de", "Ministero", "ministero", "ministro",
    "Esteri", "esteri", "Affari", "Consiglio", "sicurezza", "Commissione", "europea",
    "russo", "nordcoreano", "Russian", "presidente", "Presidente", "inviato", "il", "Il",
    "la", "La", "L'", "l'", "a", "A", "in", "nel", "ha", "visitato", "regione", "Di", "Che",
    "E", "Secondo", "Paese", "paese", "KCNA", "TASS", "Tass", "U.S.", "ONU", "O'Brien",
    "Rossi", "Maria", "Choe", "Son", "Hui", "Son-hui", "Casa", "Bianca", "Cremlino",
    "Farnesina", "Xi", "Putin", ".", ",", ";", ":", "!", "?", "…", "«", "»", "“", "”", '"',
    "(", ")", "-", "—", "6.000", "2024", "J.", "sig.", "ecc.", "İ", "ſ", "\u212a", "é",
])
SEPARATORS = st.sampled_from([" ", " ", " ", " ", "", "  ", "\n", "\n\n", "\t", "\u00a0",
                              "\u2028", "\x1c", "\u200b", " \n"])
TEXTS = st.lists(st.tuples(PIECES, SEPARATORS), max_size=30).map(
    lambda pairs: "".join(p + s for p, s in pairs))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=1, max_size=4), st.sampled_from(["it", "en"]))
def test_generated_corpora_equal_the_reference(texts, lang):
    assert_same(docs_of(*texts, lang=lang))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_any_unicode_text_equals_the_reference(text):
    assert_same(docs_of(text))


# ----------------------------------------------------------------- the shortcuts


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(PIECES, SEPARATORS), min_size=1, max_size=25).map(
    lambda pairs: "".join(p + s for p, s in pairs)), st.data())
def test_fast_is_initial_and_prev_words_equal_the_originals(text, data):
    norm = normalize(text)
    sent_start = data.draw(st.integers(0, len(norm) - 1))
    start = data.draw(st.integers(sent_start, len(norm)))
    if start < len(norm):
        assert _fast_is_initial(norm, start, sent_start) == _is_initial(norm, start, sent_start)
    for n in (1, 2, 4):
        assert _fast_prev_words(norm, start, n, sent_start) == _prev_words(norm, start, n, sent_start)


def test_prev_words_short_window_and_fallback():
    norm = "Oggi " + "parola " * 20 + "Kim"
    start = len(norm) - 3
    assert start - _CONTEXT > 0
    assert _fast_prev_words(norm, start, 4) == ["parola"] * 4 == _prev_words(norm, start, 4)
    # one long word fills the short window: falls back to the full window
    norm = "a b " + "x" * 45 + " Kim"
    start = len(norm) - 3
    assert _fast_prev_words(norm, start, 4) == _prev_words(norm, start, 4) == ["a", "b", "x" * 45]


@pytest.mark.parametrize("norm, start, expected", [
    ("Kim", 0, True),                # sentence start
    ("«Kim", 1, True),               # opening mark right before
    ("« Kim", 2, True),              # opening mark, a space, the word
    ("ha visto Kim", 9, False),      # letter, space, word
    ("ha detto, Kim", 10, False),    # punctuation, space, word
    ("dell'Italia", 5, False),       # apostrophe after a letter
    (", Kim", 2, True),              # only punctuation before it in the sentence
    ("«\u00a0Kim", 2, True),         # other whitespace: left to the original
])
def test_fast_is_initial_cases(norm, start, expected):
    assert _fast_is_initial(norm, start, 0) is expected
    assert _is_initial(norm, start, 0) is expected


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_normalized_equals_normalize(text):
    assert _normalized(text) == normalize(text)


def test_normalized_equals_normalize_on_every_code_point():
    every = "".join(chr(c) for c in range(0x110000))
    assert _normalized(every) == normalize(every)


def test_particle_shortcut_never_hides_a_match():
    # "False" from _maybe_after_particle must mean that neither search can match
    ex = _Extractor(_shipped(), "it", _Evidence(set(), set(), 4.5))
    texts = EDGE_TEXTS + ["il ministro degli Esteri", "il ministero dell'Interno",
                          "il ministro Degli Esteri", "il MINISTRO DEGLI Esteri",
                          "ministro di \nPutin", "il ministro dI Esteri"]
    checked = 0
    for text in texts:
        norm = normalize(text)
        for m in _CAP.finditer(norm):
            s = m.start()
            if not ex._maybe_after_particle(norm, s):
                assert not ex.role_before.search(norm, max(0, s - _CONTEXT), s)
                assert not ex.head_before.search(norm, max(0, s - _CONTEXT), s)
            else:
                checked += 1
    assert checked >= 6


def test_single_word_memo_and_lazy_keys():
    # the same word decided at a sentence start and mid-sentence, many times
    text = " ".join(["Di certo Di Maio parla.", "Ieri Di Maio e Rossi. Rossi-Bianchi."] * 5)
    assert_same(docs_of(text, text.lower(), text.upper()))


def test_gc_is_restored():
    import gc

    assert gc.isenabled()
    with _gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with _gc_paused():
            pass
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError):
        with _gc_paused():
            1 / 0
    assert gc.isenabled()


# ------------------------------------------------------------- map-reduce tallies


def _tally(batch):
    mentions = entities_function(batch)
    return Counter(zip(mentions["source"], mentions["canonical"], mentions["type"]))


def _add(parts):
    total = Counter()
    for part in parts:
        total.update(part)
    return total


@pytest.fixture(scope="module")
def local_dask():
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    return dask, dd


def test_tallies_through_map_reduce_of_one_partition_equal_the_in_process_tally(local_dask):
    from analysis.distributed import map_reduce

    dask, dd = local_dask
    seeds = load_corpus()
    with dask.config.set(scheduler="synchronous"):
        got = map_reduce(dd.from_pandas(seeds, npartitions=1, sort=False), _tally, _add)
    assert got == _tally(seeds)
    freq = entity_frequencies(entities_function(seeds))
    assert {(g, c): n for g, c, n in freq[["group", "canonical", "mentions"]].itertuples(
        index=False)} == {(s, c): n for (s, c, _), n in got.items()}


@pytest.mark.xfail(strict=True, reason=(
    "entities() uses corpus-wide evidence (words written in lower case elsewhere, "
    "capitalised mid-sentence), merges unknown spellings and pools type votes over the "
    "whole corpus, so tallies of entities() run on each partition alone differ from the "
    "corpus tally (seeds: Le Monde's 'Choe Son-hui' stays apart from 'Choe Son Hui', "
    "'Paese' is kept); entities(docs, client=...) below is the exact route"))
def test_naive_per_partition_tallies_equal_the_in_process_tally(local_dask):
    from analysis.distributed import map_reduce

    dask, dd = local_dask
    seeds = load_corpus()
    with dask.config.set(scheduler="synchronous"):
        got = map_reduce(dd.from_pandas(seeds, npartitions=2, sort=False), _tally, _add)
    assert got == _tally(seeds)


@pytest.mark.parametrize("doc_ids, sources", [
    ([3, 1, 2], ["A", "B", "A"]),
    ([1.5, 0.5, 2.5], [1, 2, 1]),
    (["b", 7, None], ["A", None, 3]),
])
def test_any_doc_id_and_source_types(doc_ids, sources):
    docs = docs_of("Kim ha visto Lavrov a Mosca.", "Choe Son Hui e Choe.", "Il Cremlino tace.")
    docs["doc_id"], docs["source"] = doc_ids, sources
    assert_same(docs)


def test_chunk_set_is_bounded(monkeypatch):
    import importlib

    module = importlib.import_module("analysis.entities")  # the module, not the function
    docs = docs_of(*EDGE_TEXTS)
    expected = _reference_entities(docs)
    monkeypatch.setattr(module, "_MAX_TEXTS", 2)  # distinct chunks of two texts at a time
    pd.testing.assert_frame_equal(entities_function(docs), expected)


def test_lower_words_without_arrow_are_the_same(monkeypatch):
    import importlib

    module = importlib.import_module("analysis.entities")
    texts = [module._normalized(t) for t in EDGE_TEXTS] + ["  a capo  ", "", "\u2009x\u2009 "]
    with_arrow = module._lower_words(texts)
    monkeypatch.setattr(module, "_distinct_chunks", lambda ts: {c for t in ts for c in t.split()})
    assert module._lower_words(texts) == with_arrow


@pytest.fixture(scope="module")
def cluster_client():
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    # forked workers start with the package imported (as in tests/test_distributed.py)
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, host="127.0.0.1")
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def _frequencies(mentions):
    return entity_frequencies(mentions)[["group", "canonical", "type", "mentions", "documents"]]


def test_entities_on_a_cluster_equal_the_in_process_table(cluster_client, local_dask):
    _, dd = local_dask
    seeds = load_corpus()
    docs = pd.concat([docs_of(*EDGE_TEXTS), seeds[["doc_id", "source", "text", "lang"]]],
                     ignore_index=True)
    if BENCH.exists():
        bench = pd.read_json(BENCH, lines=True, nrows=120)[["doc_id", "source", "text", "lang"]]
        # string ids like the others (Dask turns a mixed object column into strings)
        bench["doc_id"] = "bench-" + bench["doc_id"].astype(str)
        docs = pd.concat([docs, bench], ignore_index=True)
    expected = entities_function(docs)
    assert len(cluster_client.scheduler_info()["workers"]) == 2
    # a pandas table sent in batches, and a Dask DataFrame partition by partition
    got = entities_function(docs, client=cluster_client, batch_size=9)
    pd.testing.assert_frame_equal(got, expected)
    ddf = dd.from_pandas(docs, npartitions=5, sort=False)
    pd.testing.assert_frame_equal(entities_function(ddf, client=cluster_client), expected)
    # the per-source tallies follow
    pd.testing.assert_frame_equal(_frequencies(got), _frequencies(expected))
    pd.testing.assert_frame_equal(
        entities_function(seeds, client=cluster_client, batch_size=1), entities_function(seeds))


def test_entities_on_dask_without_a_client_and_bad_arguments(local_dask, tmp_path):
    dask, dd = local_dask
    seeds = load_corpus()
    with dask.config.set(scheduler="synchronous"):
        got = entities_function(dd.from_pandas(seeds, npartitions=2, sort=False))
    pd.testing.assert_frame_equal(got, entities_function(seeds))
    ddf = dd.from_pandas(seeds, npartitions=2, sort=False)
    with pytest.raises(ValueError, match="field='text'"):
        entities_function(ddf, field="title")
    with pytest.raises(ValueError, match="missing column"):
        entities_function(dd.from_pandas(seeds[["doc_id", "text"]], npartitions=1))
    with pytest.raises(ValueError, match="batch_size"):
        entities_function(ddf, batch_size=0)
    with pytest.raises(TypeError, match="read_parquet"):
        entities_function(str(tmp_path / "x.parquet"), client=object())
