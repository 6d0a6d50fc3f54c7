"""Scaling: the fast path of terms, streaming readers, n_jobs and pruning give exact results."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_corpus, term_counts, terms
from analysis import tokens as tokens_module
from analysis.counts import count_partition, merge_counts
from analysis.stream import count_rows, partitions, read_batches, read_partition
from analysis.tokens import _bound_terms, _fast_terms, _reference_terms, _stopword_set


def same_counts(a, b):
    """Two TermCounts are equal in every field."""
    return (a.terms.tolist() == b.terms.tolist() and a.groups == b.groups and a.by == b.by
            and (a.matrix != b.matrix).nnz == 0 and a.matrix.shape == b.matrix.shape
            and a.totals.tolist() == b.totals.tolist() and a.n_docs.tolist() == b.n_docs.tolist())


def reference(text, lang="it", stopwords=True, stem=False):
    return _reference_terms(text, lang, _stopword_set(stopwords, lang), stem, 1, 1)


def fast(text, lang="it", stopwords=True, stem=False):
    return _fast_terms(text, lang, _stopword_set(stopwords, lang), stem)


# --- fast path of terms == reference ------------------------------------------------
# Shapes the chunk parser handles itself, and the rare ones it must hand to the scanner.
FAST_CASES = [
    "Il ministro degli Esteri russo, Sergej Lavrov, è arrivato a Wonsan.",
    "dell’intelligence e dell'intelligence, l’Ucraina; all'inizio.",
    "Kim Jong Un e Kim Jong-un. Un accordo? Di certo!",
    "Lo scrisse J. R. Tolkien. Fine. A. e B.",
    "L'on. Rossi e il sig. Bianchi, la dott.ssa Verdi, ecc. e U.S. Army",
    "O'Brien, po' di pace, E' vero, mo' basta",
    "6.000 soldati, 3,5 per cento, alle 10.30, il 20%, nel 2024. 12/07/2025",
    "«Basta», disse. “Incondizionato”. \"certa\" (Tass) [sic] … ...",
    "vedi www.lemonde.fr e https://x.it/a?b=1. redazione@esempio.it @KCNA_news #Wonsan",
    "inter\u00adnazionale CAFFE\u0301 caffè Città PERCHÉ",
    "zero\u200bwidth e bom\ufeff qui, e un separatore\x1cqui",
    "a capo\nIl testo\n\nNuovo paragrafo\u2028riga\u00a0spazio",
    "Russia's army didn't move. I'm here, O'Brien's.",
    "www. www.… A.\u200b Rossi J.\nR.",
]


@pytest.mark.parametrize("text", FAST_CASES)
@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("stopwords", [True, False, ["leader", "Il", "un"]])
@pytest.mark.parametrize("stem", [False, True])
def test_fast_path_equals_reference_on_tricky_text(text, lang, stopwords, stem):
    got = fast(text, lang, stopwords, stem)
    if got is None:  # handed to the reference path
        assert any(c in text for c in "\x1c\u200b\ufeff")
        return
    assert got == reference(text, lang, stopwords, stem)


PIECES = st.sampled_from([
    "il", "Il", "la", "La", "di", "Di", "un", "Un", "e", "E", "kim", "Kim", "Jong", "Un",
    "dell'", "dell’", "l'", "L’", "agenzia", "Ucraina", "on.", "sig.", "J.", "R.", "U.S.",
    "A", ".", ",", ";", ":", "!", "?", "…", "...", "«", "»", "“", "”", '"', "'", "’", "(",
    ")", "-", "–", "6.000", "3,5", "10.30", "20", "%", "2024", "www", "www.", "x.it",
    "@", "#", "po'", "E'", "O'", "Brien", "'s", "n't", "città", "CITTÀ", "é", "\u0301",
    "\u00ad", "🙂", "a", "b", "é", "ß", "Ø", "x",
])
SEPARATORS = st.sampled_from(["", "", "", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0",
                              "\u2009", "\u200b", "\x1c", "\ufeff", "\u2028"])
TEXTS = st.lists(st.tuples(PIECES, SEPARATORS), max_size=25).map(
    lambda pairs: "".join(p + s for p, s in pairs))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["it", "en"]), st.sampled_from([True, False, ("un", "kim")]),
       st.booleans())
def test_fast_path_equals_reference_on_generated_text(text, lang, stopwords, stem):
    got = fast(text, lang, stopwords, stem)
    if got is not None:
        assert got == reference(text, lang, stopwords, stem)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_fast_path_equals_reference_on_any_unicode(text):
    got = fast(text)
    if got is not None:
        assert got == reference(text)


def test_terms_uses_the_fast_path_and_agrees_on_the_seeds():
    assert tokens_module._USE_FAST_PATH
    for doc in load_corpus().itertuples():
        for stem in (False, True):
            assert terms(doc.text, doc.lang, stem=stem) == reference(doc.text, doc.lang, stem=stem)
            assert _bound_terms(doc.lang, stem=stem)(doc.text) == terms(doc.text, doc.lang, stem=stem)


def test_fast_path_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(tokens_module, "_FAST_CACHE_MAX", 5)
    monkeypatch.setattr(tokens_module, "_fast_caches", {})
    text = " ".join(f"parola{k}" for k in range(50))
    assert fast(text) == reference(text)
    assert fast(text) == reference(text)  # the full cache is dropped and rebuilt
    ((cache, initials),) = tokens_module._fast_caches.values()
    assert len(cache) == 50 and not initials  # dropped at the start of the second call, refilled


# --- streaming readers ---------------------------------------------------------------
def corpus(n=60):
    sources = ["Alfa", "Beta", "Gamma"]
    words = ["Kim", "Lavrov", "l'agenzia", "dell’incontro", "6.000", "Mosca", "il", "soldati"]
    rows = []
    for k in range(n):
        text = " ".join(words[(k * j) % len(words)] for j in range(1, 2 + k % 7)) + "."
        rows.append({"doc_id": f"{k:03d}", "source": sources[k % 3], "text": text,
                     "lang": "it", "date": f"2025-07-{1 + k % 28:02d}"})
    return pd.DataFrame(rows)


@pytest.fixture()
def files(tmp_path):
    docs = corpus()
    jsonl = tmp_path / "news.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                             for r in docs.to_dict("records")), encoding="utf-8")
    parquet = tmp_path / "news.parquet"
    docs.to_parquet(parquet, row_group_size=7)
    return docs, jsonl, parquet


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 70))
def test_jsonl_partitions_give_every_line_once(files, batch_size):
    docs, jsonl, _ = files
    parts = partitions(jsonl, batch_size=batch_size)
    ids = [i for p in parts for i in read_partition(p, columns=["doc_id"])["doc_id"]]
    assert ids == docs["doc_id"].tolist()


def test_read_batches_sizes_and_columns(files):
    docs, jsonl, parquet = files
    for path in (jsonl, parquet):
        batches = list(read_batches(path, batch_size=25, columns=["source", "text"]))
        assert [len(b) for b in batches] == [25, 25, 10]
        assert list(batches[0].columns) == ["source", "text"]
        assert pd.concat(batches)["text"].tolist() == docs["text"].tolist()
        assert count_rows(path) == 60
    # parquet partitions are whole row groups of 7 rows: 25 rows -> 4 groups (28 rows)
    assert [p.rows for p in partitions(parquet, batch_size=25)] == [28, 28, 4]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "folder"])
def test_counts_from_a_path_equal_counts_in_memory(files, fmt):
    docs, jsonl, parquet = files
    path = {"jsonl": jsonl, "parquet": parquet, "folder": parquet.parent}[fmt]
    expected = term_counts(docs)
    if fmt == "folder":  # both files: every document twice
        expected = merge_counts([expected, expected])
    got = term_counts(path, batch_size=9, progress=False)
    assert same_counts(got, expected)


def test_stream_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"source": "A", "text": "ok"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl, byte 30: not a JSON object"):
        term_counts(bad, progress=False)
    nosource = tmp_path / "nosource.jsonl"
    nosource.write_text('{"text": "ok"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"nosource.jsonl: no column\(s\) \['source'\]"):
        term_counts(nosource, progress=False)
    (tmp_path / "x.txt").write_text("a", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot stream a .txt file"):
        term_counts(tmp_path / "x.txt")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        term_counts(tmp_path / "missing.parquet")


# --- n_jobs and batches --------------------------------------------------------------
def test_n_jobs_gives_identical_counts(files):
    docs, _, parquet = files
    one = term_counts(docs)
    assert same_counts(term_counts(docs, n_jobs=2, batch_size=7), one)
    assert same_counts(term_counts(parquet, n_jobs=2, batch_size=10, progress=False), one)
    assert same_counts(term_counts(docs, n_jobs=-1, batch_size=50, by="date", min_count=2),
                       term_counts(docs, by="date", min_count=2))


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 61))
def test_any_batch_size_gives_identical_counts(batch_size):
    docs = corpus()
    assert same_counts(term_counts(docs, batch_size=batch_size), term_counts(docs))


def test_counts_equal_the_sum_of_terms_per_group():
    docs = corpus()
    counts = term_counts(docs, batch_size=11)
    for group in counts.groups:
        expected = {}
        for text in docs.loc[docs.source == group, "text"]:
            for t in terms(text):
                expected[t] = expected.get(t, 0) + 1
        assert counts.column(group) == dict(sorted(expected.items()))


@pytest.mark.parametrize("kwargs, message", [
    ({"n_jobs": 0}, "n_jobs"), ({"n_jobs": 1.5}, "n_jobs"), ({"batch_size": 0}, "batch_size"),
    ({"ngram_range": (2, 1)}, "ngram_range"),
])
def test_bad_scale_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        term_counts(corpus(), **kwargs)


def test_docs_of_the_wrong_type():
    with pytest.raises(TypeError, match="docs must be a DataFrame"):
        term_counts(42)


# --- pruning ---------------------------------------------------------------------------
def test_min_count_prunes_after_merging_and_keeps_totals():
    docs = pd.DataFrame({"source": ["A", "B", "A"],
                         "text": ["Kim Lavrov Mosca", "Kim Pyongyang", "Lavrov"]})
    # over all groups: kim 2, lavrov 2, mosca 1, pyongyang 1. Batches of one document
    # each see every term once, so pruning must wait for the merge.
    counts = term_counts(docs, min_count=2, batch_size=1)
    assert counts.terms.tolist() == ["kim", "lavrov"]
    assert counts.wide().values.tolist() == [[1, 1], [2, 0]]
    assert counts.totals.tolist() == [4, 2]  # A: kim lavrov mosca lavrov; B: kim pyongyang
    assert counts.to_frame()["per_1k"].tolist() == [250.0, 500.0, 500.0]


def test_merge_keeps_totals_of_pruned_parts():
    a = term_counts(pd.DataFrame({"source": ["A"], "text": ["Kim Kim Mosca"]}), min_count=2)
    b = term_counts(pd.DataFrame({"source": ["A"], "text": ["Kim Lavrov"]}))
    merged = merge_counts([a, b])
    assert merged.column("A") == {"kim": 3, "lavrov": 1}
    assert merged.totals.tolist() == [5]  # 3 + 2 terms, whatever was pruned


def test_count_partition_checks_columns():
    with pytest.raises(ValueError, match="missing column"):
        count_partition(pd.DataFrame({"text": ["a"]}))
    assert np.array_equal(count_partition(corpus()).n_docs, [20, 20, 20])


def test_a_large_parquet_row_group_is_cut_into_partitions(tmp_path):
    docs = corpus()
    path = tmp_path / "one-group.parquet"
    docs.to_parquet(path, row_group_size=1000)  # all 60 rows in one row group
    parts = partitions(path, batch_size=25)
    assert [(p.rows, p.offset) for p in parts] == [(25, 0), (25, 25), (10, 50)]
    ids = [i for p in parts for i in read_partition(p, columns=["doc_id"])["doc_id"]]
    assert ids == docs["doc_id"].tolist()
    assert same_counts(term_counts(path, n_jobs=2, progress=False), term_counts(docs))


# --- the group counter (count_partition's fast path) == counting reference terms -----
def reference_counts(texts, groups, lang="it", stopwords=True, stem=False):
    """{group: Counter} of the reference terms, the slow and obvious way."""
    from collections import Counter

    out = {}
    for text, group in zip(texts, groups):
        out.setdefault(group, Counter()).update(reference(text, lang, stopwords, stem))
    return out


def group_counts(texts, groups, lang="it", stopwords=True, stem=False):
    """{group: Counter} from the group counter, or None where it hands over."""
    from collections import Counter

    names = sorted(set(groups))
    found = tokens_module._fast_term_counts(
        texts, [names.index(g) for g in groups], len(names), lang,
        _stopword_set(stopwords, lang), stem)
    if found is None:
        return None
    vocab, matrix = found
    assert vocab == sorted(vocab) and matrix.dtype == np.int64
    dense = matrix.toarray()
    return {g: Counter({t: int(n) for t, n in zip(vocab, dense[:, j]) if n})
            for j, g in enumerate(names)}


def safe(text):
    return not tokens_module._has_unsafe(text)


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("stopwords", [True, False, ["leader", "Il", "un"]])
@pytest.mark.parametrize("stem", [False, True])
def test_group_counter_equals_reference_on_tricky_text(lang, stopwords, stem):
    texts = [t for t in FAST_CASES if safe(t)] + [
        "", "   ", "  Il testo  ", "J.", "J. R. Tolkien", "A. B. C. D", "U. E.", "E. E. Cummings",
        "fine J.\nR. Rossi", "Kim Jong Un\tIl\u00a0La\u2028Di", " Un accordo", "vedi J. ",
    ]
    groups = [("Alfa", "Beta", "Gamma")[k % 3] for k in range(len(texts))]
    got = group_counts(texts, groups, lang, stopwords, stem)
    assert got == reference_counts(texts, groups, lang, stopwords, stem)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXTS, st.sampled_from(["A", "B", "C"])), max_size=8),
       st.sampled_from(["it", "en"]), st.sampled_from([True, False, ("un", "kim")]),
       st.booleans())
def test_group_counter_equals_reference_on_generated_text(rows, lang, stopwords, stem):
    rows = [(t, g) for t, g in rows if safe(t)]
    texts, groups = [t for t, _ in rows], [g for _, g in rows]
    got = group_counts(texts, groups, lang, stopwords, stem)
    if got is not None:
        assert got == reference_counts(texts, groups, lang, stopwords, stem)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=5))
def test_group_counter_equals_reference_on_any_unicode(texts):
    texts = [t for t in texts if safe(t)]
    groups = ["A"] * len(texts)
    got = group_counts(texts, groups)
    if got is not None:
        assert got == reference_counts(texts, groups)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXTS, st.sampled_from(["A", "B"])), min_size=1, max_size=6))
def test_chunk_ids_without_arrow_are_the_same(rows):
    texts = [t for t, _ in rows]
    ids_a, chunks_a, lengths_a = tokens_module._chunk_ids_arrow(texts)
    ids_p, chunks_p, lengths_p = tokens_module._chunk_ids_python(texts)
    # Arrow also gives empty chunks for leading and trailing whitespace; otherwise the
    # same chunks in the same order
    seq_a = [chunks_a[i] for i in ids_a.tolist()]
    seq_p = [chunks_p[i] for i in ids_p.tolist()]
    assert [c for c in seq_a if c] == seq_p
    assert lengths_p.tolist() == [len(t.split()) for t in texts]


def test_arrow_splits_whitespace_exactly_like_str_split():
    pa = pytest.importorskip("pyarrow")
    import pyarrow.compute as pc
    import sys

    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"a{c}b{c}{c}c" for c in chars]
    split = pc.utf8_split_whitespace(pa.array(texts)).to_pylist()
    assert [[x for x in got if x] for got in split] == [t.split() for t in texts]


def test_group_counter_falls_back_without_arrow(monkeypatch):
    monkeypatch.setattr(tokens_module, "_chunk_ids_arrow", lambda texts: None)
    texts = [t for t in FAST_CASES if safe(t)] + ["J. R. Tolkien e Il Sole"]
    groups = ["X"] * len(texts)
    assert group_counts(texts, groups) == reference_counts(texts, groups)


def test_count_partition_takes_the_reference_path_where_needed():
    # a lone surrogate (Arrow refuses it), a zero-width space (unsafe), English text
    docs = pd.DataFrame({
        "source": ["A", "A", "B", "B"],
        "text": pd.Series(["Kim \ud800 Il Lavrov", "zero\u200bwidth Il",
                           "Il ministro J. R. Rossi", "Russia's army"], dtype=object),
        "lang": ["it", "it", "it", "en"],
    })
    got = count_partition(docs)
    want = reference_counts(docs.text[:3], docs.source[:3])
    want["B"].update(reference("Russia's army", "en"))
    assert {g: got.column(g) for g in got.groups} == {g: dict(c) for g, c in want.items()}
    assert got.n_docs.tolist() == [2, 2]


@given(st.text(alphabet=st.sampled_from("ab \x1b\x1c\x1d\x1e\x1f\x20\u200a\u200b\u200c\ufeff\ufffe"),
               max_size=12))
def test_unsafe_check_matches_the_pattern(text):
    assert tokens_module._has_unsafe(text) == bool(tokens_module._FAST_UNSAFE.search(text))


def test_texts_ending_in_whitespace_at_a_buffer_end_count_right():
    # pyarrow 26's whitespace split sometimes gives an extra " " chunk for such a text
    # (64 bytes of UTF-8 ending in spaces, last in its buffer): the texts are stripped
    # first, and a chunk with whitespace in it would send the batch to the slow path
    text = "ililIl L’\u2009il\u00a0il  6.0006.000\u2009città 🙂  🙂  🙂\u2009a  "
    assert len(text.encode()) == 64
    for _ in range(50):
        assert group_counts([text], ["A"]) == reference_counts([text], ["A"])


def test_a_chunk_with_whitespace_in_it_is_refused():
    table = tokens_module._ChunkTable()
    stop = _stopword_set(True, "it")
    assert not tokens_module._add_chunks(table, ["kim", "a "], "it", stop, False)
    assert tokens_module._add_chunks(table, ["kim", ""], "it", stop, False)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcIlLaEeWw.,;:!?'’«é9"), min_size=1, max_size=8),
       st.sampled_from([True, False, ("il", "la")]), st.booleans(), st.sampled_from(["it", "en"]))
def test_plain_entry_is_what_simple_entry_gives(chunk, stopwords, stem, lang):
    stop = _stopword_set(stopwords, lang)
    stemmer = tokens_module._stemmer(lang) if stem else None
    plain = tokens_module._plain_entry(chunk, stop, stemmer)
    if plain is not None:
        assert plain == tokens_module._simple_entry(chunk, lang, stop, stemmer)


BENCH_10K = tokens_module.__file__.replace("analysis/tokens.py", "build/bench/news-10k.jsonl")


@pytest.mark.skipif(not __import__("os").path.exists(BENCH_10K),
                    reason="benchmark corpus not generated (make benchmark)")
def test_group_counter_equals_reference_on_benchmark_articles():
    docs = pd.read_json(BENCH_10K, lines=True, nrows=3000).iloc[1000:]
    got = count_partition(docs)
    want = reference_counts(docs.text.tolist(), docs.source.tolist())
    assert {g: got.column(g) for g in got.groups} == {g: dict(c) for g, c in want.items()}
