"""Fuzz tests: arbitrary Unicode never crashes a stage, and every span contract holds.

Texts are drawn from all of Unicode (combining marks, emoji, right-to-left
scripts, control and format characters, unassigned code points) and from a
news-like mix of Italian words, punctuation, quotes and line breaks, so that
sentence rules are exercised too.

Lone surrogates (U+D800..U+DFFF) cannot come out of a file: :func:`load_corpus`
decodes strictly, so they never reach the docs table (pandas' Arrow-backed
string columns could not even hold them). They are still valid Python strings,
so the functions that take a ``str`` are fuzzed with them as well ("no
exception, contracts hold"); the tests that build a table or a file leave them
out.

``make test`` runs a small, derandomised number of examples (the same every
run); ``make fuzz`` sets ``ANALYSIS_FUZZ=long`` for thousands of random ones,
with Hypothesis' example database so a failure found once is replayed. Commit
any failure as a regression case in the ``REGRESSIONS`` table below.
"""

import importlib
import importlib.util
import os
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis import (
    load_corpus,
    normalize,
    normalize_term,
    read_text,
    scan,
    sentence_spans,
    sentences,
    terms,
    token_spans,
    tokenize,
    tokens_table,
)
from analysis.normalize import APOSTROPHES, HYPHENS, NEWLINES, SPACES

PROFILE = os.environ.get("ANALYSIS_FUZZ", "short")
if PROFILE not in {"short", "long"}:
    raise ValueError(f"ANALYSIS_FUZZ={PROFILE!r} must be 'short' (make test) or 'long' (make fuzz)")
LONG = PROFILE == "long"

#: Settings for every fuzz test: few fixed examples in `make test`, many random
#: ones in `make fuzz`. Applied per test, so other test modules are not affected.
FUZZ = settings(
    max_examples=2000 if LONG else 40,
    deadline=None,
    derandomize=not LONG,
    database=settings.default.database if LONG else None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

LANGS = st.sampled_from(["it", "en"])
# any code point, surrogates included (valid str, never in a decoded file)
ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]))
PIECES = [
    "Kim", "Jong-un", "Lavrov", "l’", "dell'", "agenzia", "KCNA", "U.S.", "sig.", "ecc.",
    "6.000", "3,5", "10.30", "po'", "E'", "n't", "'s", "http://x.it/a?b=1", "a@b.it", "#tag",
    ".", "...", "…", "!", "?", ",", ";", ":", "-", "—", "–", "«", "»", "“", "”", '"', "'", "(",
    ")", "[", "]", " ", " ", " ", "\n", "\n\n", "\r\n", "\t", "\u00a0", "\u200b", "\u00ad",
    "\u0301", "\u200d", "😀", "👍🏽", "🇮🇹", "שלום", "مرحبا", "\u202e", "\u200f", "\x00",
    "\x1c", "\x85", "\u2028", "İ", "ß", "ﬁ", "Ⅻ", "²", "١٢٣",
]
NEWS_TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHAR, max_size=3)),
                     max_size=60).map("".join)
TEXT = st.one_of(st.text(ANY_CHAR, max_size=200), NEWS_TEXT)
# pandas string columns (Arrow-backed) cannot hold lone surrogates: table texts
_NO_SURROGATES = regex.compile(r"\p{Cs}")
TABLE_TEXT = TEXT.map(lambda s: _NO_SURROGATES.sub("", s))

# Edge cases tried on every run, before the drawn examples; add any failure the
# long fuzz finds here.
REGRESSIONS = [
    "",
    "\u0301",  # a combining mark with nothing to combine with
    "İstanbul",  # lower() makes two characters of one
    "a\u2028b",
    "\ud800",  # a lone surrogate
    ". . .",
    "«»",
    "x'",
]

_WHITESPACE = regex.compile(r"\s")


def _with_regressions(test):
    """Add every regression text as an explicit example (in both languages if asked)."""
    import inspect

    with_lang = "lang" in inspect.signature(test).parameters
    for case in REGRESSIONS:
        for lang in ("it", "en") if with_lang else (None,):
            test = example(text=case, lang=lang)(test) if lang else example(text=case)(test)
    return test


# --- normalize ------------------------------------------------------------------------------
_MAPPED = set(APOSTROPHES) | set(SPACES) | set(HYPHENS) | set(NEWLINES)


@FUZZ
@given(text=TEXT)
@_with_regressions
def test_normalize_keeps_length_and_is_idempotent(text):
    once = normalize(text)
    assert len(once) == len(text)
    assert normalize(once) == once
    for before, after in zip(text, once):
        assert after == before or (before in _MAPPED and after in "' -\n")


@FUZZ
@given(text=TEXT)
@_with_regressions
def test_normalize_term_is_idempotent_and_lowercase(text):
    term = normalize_term(text)
    assert normalize_term(term) == term
    assert term == term.lower()
    assert "\u00ad" not in term


# --- tokens ---------------------------------------------------------------------------------
def check_token_contract(text, spans):
    previous_end = 0
    for a, b in spans:
        assert 0 <= previous_end <= a < b <= len(text), (a, b)
        previous_end = b
    # nothing is lost: every character outside the tokens is white space
    covered = [False] * len(text)
    for a, b in spans:
        covered[a:b] = [True] * (b - a)
    norm = normalize(text)
    lost = [c for c, seen in zip(norm, covered) if not seen
            and not (_WHITESPACE.match(c) or "\x1c" <= c <= "\x1f")]
    assert not lost, f"characters in no token: {lost!r}"


@FUZZ
@given(text=TEXT, lang=LANGS)
@_with_regressions
def test_token_spans_slice_the_text_and_cover_it(text, lang):
    spans = token_spans(text, lang)
    check_token_contract(text, spans)
    assert tokenize(text, lang) == [text[a:b] for a, b in spans]
    assert [(t.start, t.end) for t in scan(text, lang)] == spans
    for token in tokenize(text, lang):
        assert not _WHITESPACE.search(normalize(token)), repr(token)


@FUZZ
@given(text=TEXT, lang=LANGS)
@_with_regressions
def test_sentence_spans_partition_the_tokens(text, lang):
    spans = sentence_spans(text, lang)
    tokens = token_spans(text, lang)
    assert sentences(text, lang) == [text[a:b] for a, b in spans]
    assert bool(spans) == bool(tokens)
    starts = {a for a, _ in tokens}
    ends = {b for _, b in tokens}
    previous_end = 0
    for a, b in spans:
        assert previous_end <= a < b <= len(text)
        assert a in starts and b in ends  # sentences start and end on tokens
        previous_end = b
    # every token lies in exactly one sentence
    for a, b in tokens:
        assert sum(s <= a and b <= e for s, e in spans) == 1, (a, b)


@FUZZ
@given(text=TEXT, lang=LANGS)
@_with_regressions
def test_terms_are_the_normalised_word_tokens(text, lang):
    toks = scan(text, lang)
    kept = [normalize_term(text[t.start:t.end]) for t in toks
            if t.kind in {"word", "number", "abbr", "url", "email", "handle"}]
    assert terms(text, lang, stopwords=False) == kept
    assert all(kept), "no empty terms"
    assert set(terms(text, lang)) <= set(kept)
    # every option combination runs
    stemmed = terms(text, lang, stem=True, ngram_range=(1, 3))
    assert all(isinstance(t, str) and t for t in stemmed)


@FUZZ
@given(texts=st.lists(TABLE_TEXT, min_size=1, max_size=4), lang=LANGS)
def test_tokens_table_offsets_point_into_each_text(texts, lang):
    docs = pd.DataFrame({"doc_id": [f"d{k}" for k in range(len(texts))], "text": texts,
                         "lang": lang})
    table = tokens_table(docs)
    by_id = dict(zip(docs["doc_id"], docs["text"]))
    for row in table.itertuples():
        assert by_id[row.doc_id][row.start:row.end] == row.token
    for _, group in table.groupby("doc_id"):
        assert group["sent"].is_monotonic_increasing and group["i"].tolist() == list(
            range(len(group)))


# --- files ----------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=300))
def test_read_text_decodes_or_refuses_any_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.txt"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                text, encoding = read_text(path)
            except ValueError as err:  # binary, or undecidable: the message names the file
                assert str(path) in str(err)
                return
    assert "\r" not in text and isinstance(encoding, str)


# printable text that a file can hold (no surrogates; no NUL or control bytes,
# which mark a file as binary)
FILE_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs", "Cc"], include_characters="\n\r\t"),
            max_size=200),
    NEWS_TEXT.map(lambda s: "".join(c for c in s if c.isprintable() or c in "\n\r\t")
                  .encode("utf-8", "ignore").decode("utf-8")),
)


@FUZZ
@given(text=FILE_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_text_survives_a_round_trip_through_a_file(text, encoding):
    # a leading U+FEFF is a byte-order mark to every decoder, so it is not text
    expected = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "a.txt").write_bytes(text.encode(encoding))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            docs = load_corpus(folder, headline=False, signature=False)
    assert docs["text"].tolist() == [expected]


ITALIAN_CP1252 = st.text(st.sampled_from(list("abcdefghilmnopqrstuvz ,.\nàèéìòùÈÀ’“”«»–—…€°")),
                         min_size=1, max_size=200)


@FUZZ
@given(text=ITALIAN_CP1252)
@example(text="Sì”, «così»…")  # byte runs that happen to be valid UTF-8 sequences
@example(text="È–")  # every byte run valid UTF-8: read as UTF-8
def test_cp1252_italian_is_always_decided(text):
    data = text.encode("cp1252")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.txt"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decoded, encoding = read_text(path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert (decoded, encoding) == (text, "cp1252")
    else:
        # Bytes that are valid UTF-8 throughout are read as UTF-8: no decoder can
        # tell "È–" in cp1252 (c8 96) from "Ȗ" in UTF-8. Pass encoding= then.
        assert encoding == "utf-8"


# --- later stages, when they exist ---------------------------------------------------------
def stage(name: str):
    """The module analysis.<name>, or skip if it is not in the tree yet."""
    if importlib.util.find_spec(f"analysis.{name}") is None:
        pytest.skip(f"analysis/{name}.py does not exist yet")
    return importlib.import_module(f"analysis.{name}")


def one_doc(text: str, lang: str = "it", source: str = "X") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d"], "source": [source], "title": [None], "text": [text],
                         "lang": [lang]})


# news-like text with names, reporting cues and quotation marks (balanced or not)
STAGE_PIECES = PIECES + [
    "Putin", "Mosca", "Corea del Nord", "il ministro degli Esteri", "Sergej Lavrov",
    "ha detto", "ha dichiarato che", "secondo", "ha aggiunto", "said", "according to",
    "«", "»", "“", "”", "‘", "’", '"', "«Sì»", "“Noi", "»,", " ha detto Kim.", "\n\n«",
]
STAGE_TEXT = st.lists(st.one_of(st.sampled_from(STAGE_PIECES), st.text(ANY_CHAR, max_size=2)),
                      max_size=40).map(lambda s: _NO_SURROGATES.sub("", " ".join(s)))
STAGE_FUZZ = settings(FUZZ, max_examples=1000 if LONG else 10)


def check_sentence_index(text, lang, rows, start, end):
    spans = sentence_spans(text, lang)
    for row in rows.itertuples():
        a, b = getattr(row, start), getattr(row, end)
        assert 0 <= a < b <= len(text), (a, b)
        assert 0 <= row.sent < len(spans)


@STAGE_FUZZ
@given(text=STAGE_TEXT, lang=LANGS)
@example(text="«Non è vero\n\nha detto Putin. «Sì» «forse", lang="it")  # unbalanced, 2 paragraphs
@example(text="«Ha detto: “noi” e ‘voi’» ha detto Kim.", lang="it")  # nested quotes
def test_entities_point_into_the_text(text, lang):
    module = stage("entities")
    mentions = module.entities(one_doc(text, lang))
    assert list(mentions.columns) == module.MENTIONS_COLUMNS
    for row in mentions.itertuples():
        assert text[row.start:row.end] == row.text
    check_sentence_index(text, lang, mentions, "start", "end")


@STAGE_FUZZ
@given(text=STAGE_TEXT, lang=LANGS)
@example(text="«Non è vero\n\nha detto Putin. «Sì» «forse", lang="it")
@example(text="«Ha detto: “noi” e ‘voi’» ha detto Kim.", lang="it")
@example(text="“Noi\n\nsiamo pronti” ha detto Lavrov.", lang="it")  # spans a paragraph break
def test_quotes_point_into_the_text(text, lang):
    module = stage("quotes")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unbalanced marks are warned about
        statements = module.quotes(one_doc(text, lang))
    assert list(statements.columns) == module.QUOTES_COLUMNS
    for row in statements.itertuples():
        assert 0 <= row.content_start <= row.content_end <= len(text)
        assert text[row.content_start:row.content_end] == row.content
        for part in ("speaker", "cue"):
            a, b = getattr(row, f"{part}_start"), getattr(row, f"{part}_end")
            if not pd.isna(a):
                assert 0 <= a < b <= len(text) and text[a:b] == getattr(row, part)
        assert row.kind in module.KINDS
        assert 0 <= row.sent < len(sentence_spans(text, lang))


@STAGE_FUZZ
@given(text_a=STAGE_TEXT, text_b=STAGE_TEXT, lang=LANGS)
@example(text_a="", text_b="Kim parla.", lang="it")
@example(text_a="!!!", text_b="...", lang="it")
@example(text_a="Kim parla.", text_b="Kim parla.", lang="en")
def test_align_sentences_points_into_both_texts(text_a, text_b, lang):
    module = stage("align")
    docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"], "title": [None, None],
                         "text": [text_a, text_b], "lang": [lang, lang]})
    pairs = module.align_sentences(docs, "A", "B")
    assert list(pairs.columns) == module.PAIRS_COLUMNS
    texts = {"a": text_a, "b": text_b}
    for row in pairs.itertuples():
        for side in ("a", "b"):
            doc = getattr(row, f"doc_{side}")
            if pd.isna(doc):
                continue
            start, end = getattr(row, f"start_{side}"), getattr(row, f"end_{side}")
            assert texts[doc][start:end] == getattr(row, f"sentence_{side}")
        assert pd.isna(row.similarity) or 0 <= row.similarity <= 1 + 1e-9
    # every sentence of both texts appears in the pairs (nothing dropped)
    for side, text in (("a", text_a), ("b", text_b)):
        sents = pairs.loc[pairs[f"doc_{side}"].notna(), f"sent_{side}"]  # -1: no sentence
        assert sorted(set(sents)) == list(range(len(sentence_spans(text, lang))))
