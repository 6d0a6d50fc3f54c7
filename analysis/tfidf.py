"""TF-IDF per document or per source, similarity between them, and a background reference.

TF-IDF is scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
given the project's analyzer (:class:`analysis.Analyzer`), so it counts the same
terms as :func:`analysis.term_counts`; :func:`tfidf` and :func:`similarity` analyse
each text once and give the vectorizer's numbers to the last bit (see ``_fit``).
Every setting is written out in :func:`tfidf_vectorizer`: raw term counts as tf
(``sublinear_tf=False``), smoothed idf ``ln((1 + n) / (1 + df)) + 1``
(``smooth_idf=True``), rows scaled to unit Euclidean length (``norm="l2"``), float64;
``lowercase`` is off because the analyzer already normalises case.

**Read TF-IDF with few documents carefully.** With ``n`` documents idf takes at most
``n`` values. With two it takes exactly two: ``ln(3/3) + 1 = 1`` for a term both use
and ``ln(3/2) + 1 = 1.405`` for a term only one uses, so the top of each document's
list is mostly terms the other document never uses. :func:`tfidf` warns
(:class:`~analysis.keyness.SmallCorpusWarning`) below :data:`FEW_DOCUMENTS`; for a
two-group contrast use :func:`analysis.keyness`.

**Background reference.** :func:`background_frequencies` turns the word lists of the
pinned ``wordfreq`` package (bundled data, offline; frequencies estimated from
Wikipedia, subtitles, news, books, web text and social media) into a reference of
ordinary Italian or English, stopwords removed as in our counts, so one article can
be compared with ordinary language (:func:`background_keyness`).

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"], "lang": "it",
...                      "text": ["Kim incontra Lavrov.", "Lavrov parla."]})
>>> table = tfidf(docs, warn=False)
>>> table[["group", "term", "n", "idf"]].round(3).values.tolist()
[['a', 'incontra', 1, 1.405], ['a', 'kim', 1, 1.405], ['a', 'lavrov', 1, 1.0], ['b', 'parla', 1, 1.405], ['b', 'lavrov', 1, 1.0]]
"""

from __future__ import annotations

import numbers
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from .counts import TermCounts
from .keyness import SmallCorpusWarning, keyness
from .langs import check_lang
from .normalize import normalize_term
from .tokens import Analyzer, _bound_terms, stopwords as stopword_list

__all__ = [
    "BACKGROUND_COLUMNS",
    "BACKGROUND_SIZE",
    "FEW_DOCUMENTS",
    "SIMILARITY_COLUMNS",
    "TFIDF_COLUMNS",
    "background_counts",
    "background_frequencies",
    "background_keyness",
    "similarity",
    "tfidf",
    "tfidf_vectorizer",
    "top_terms",
]

#: Columns of :func:`tfidf`, in order.
TFIDF_COLUMNS = ["group", "term", "n", "df", "idf", "tfidf"]
#: Columns of :func:`similarity`, in order.
SIMILARITY_COLUMNS = ["group_a", "group_b", "n_shared", "cosine_tf", "cosine_tfidf"]
#: Columns of :func:`background_frequencies`.
BACKGROUND_COLUMNS = ["term", "frequency"]
#: Below this many documents (groups), :func:`tfidf` warns that idf is coarse.
FEW_DOCUMENTS = 5
#: Notional size (terms) of the background reference corpus in
#: :func:`background_counts`: large enough that its own sampling error is negligible,
#: so G2 tests an article against fixed ordinary-language rates.
BACKGROUND_SIZE = 1_000_000_000


def _require(docs, columns) -> None:
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be the docs table (a DataFrame), got {type(docs).__name__}")
    missing = [c for c in columns if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass the table from load_corpus "
                         "and a by= column it has")


def tfidf_vectorizer(lang: str = "it", *, stopwords=True, stem: bool = False,
                     ngram_range: tuple[int, int] = (1, 1)) -> TfidfVectorizer:
    """The configured TF-IDF vectorizer: scikit-learn's, with the project's analyzer.

    Every setting is spelled out (most are scikit-learn's defaults) so that a reader
    knows exactly what was computed.

    Examples
    --------
    >>> v = tfidf_vectorizer("it")
    >>> v.norm, v.smooth_idf, v.sublinear_tf, v.use_idf
    ('l2', True, False, True)
    """
    return TfidfVectorizer(
        analyzer=Analyzer(check_lang(lang), stopwords=stopwords, stem=stem,
                          ngram_range=ngram_range),
        lowercase=False,      # the analyzer already lower-cases and normalises
        use_idf=True,         # weight by inverse document frequency
        smooth_idf=True,      # idf = ln((1 + n) / (1 + df)) + 1, as if one extra document
        sublinear_tf=False,   # tf is the raw count, not 1 + ln(count)
        norm="l2",            # each row scaled to unit Euclidean length
        dtype=np.float64,
    )


def _check_one_lang(docs: pd.DataFrame) -> str:
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    found = sorted({check_lang(v, argument="lang in docs") for v in langs})
    if len(found) != 1:
        raise ValueError(f"docs mixes languages {found}: TF-IDF compares one vocabulary, so "
                         "filter docs to one language first (docs[docs.lang == 'it'])")
    return found[0]


def _grouped_texts(docs: pd.DataFrame, by: str) -> tuple[list[str], list[str], str]:
    """Sorted group labels, each group's texts joined in docs order, and the language.

    One pass over the docs (the reference scans every document once per group)."""
    lang = _check_one_lang(docs)
    buckets: dict[str, list[str]] = {}
    for text, label in zip(docs["text"].tolist(), docs[by].astype(str).tolist()):
        buckets.setdefault(label, []).append(text)
    groups = sorted(buckets)
    texts = ["\n\n".join(buckets[g]) for g in groups]  # a blank line ends a sentence
    return groups, texts, lang


def _warn_few_groups(n_groups: int, idf: np.ndarray, by: str, stacklevel: int) -> None:
    distinct = np.unique(np.round(idf, 6))
    values = ", ".join(f"{v:.3f}" for v in distinct)
    warnings.warn(
        f"TF-IDF over only {n_groups} {by} group(s): idf takes {len(distinct)} value(s) "
        f"({values}), one per number of groups using a term, so the ranking mostly "
        "promotes terms found in one group only"
        + (" (with two: a term in one document gets 1.405, in both 1.0)" if n_groups == 2
           else "")
        + "; for a contrast between two groups use keyness()",
        SmallCorpusWarning, stacklevel=stacklevel + 1)


class _Fitted(NamedTuple):
    """Everything one fit gives: rows are groups, columns the sorted vocabulary."""

    groups: list[str]
    vocab: np.ndarray       # sorted terms (object array of str)
    n: np.ndarray           # int64 counts, aligned with counts.data
    counts: sp.csr_array    # float64 counts, exactly CountVectorizer's matrix
    weights: sp.csr_array   # L2-normalised tf-idf, the same sparsity structure as counts
    idf: np.ndarray
    df: np.ndarray          # int64, groups using each term


def _fit(docs, by, stopwords, stem, ngram_range, warn) -> _Fitted:
    """Count every group's terms once and weigh them.

    Why this equals ``tfidf_vectorizer(...).fit_transform(texts)`` bit for bit: the
    analyzer output is the same (``_bound_terms`` is :func:`analysis.terms` with the
    options resolved once) and so is the count matrix, built here exactly as
    scikit-learn's ``CountVectorizer`` builds it: inside each row the entries are
    ordered by the term's first occurrence in the corpus (groups in order), and the
    column of a term is its rank in the sorted vocabulary. The weights then come from
    the same ``TfidfTransformer`` settings, whose L2 norm sums each row in that stored
    order, so even the last bit of every weight matches.
    """
    _require(docs, ["text", by])
    if len(docs) == 0:
        raise ValueError("docs has no documents")
    groups, texts, lang = _grouped_texts(docs, by)
    settings = tfidf_vectorizer(lang, stopwords=stopwords, stem=stem, ngram_range=ngram_range)
    analyze = _bound_terms(lang, stopwords=stopwords, stem=stem, ngram_range=ngram_range)
    # one Counter per group: its keys in first-occurrence order within the group
    counters = [Counter(analyze(text)) for text in texts]
    first = dict.fromkeys(chain.from_iterable(counters))  # first occurrence in the corpus
    if not first:
        raise ValueError("docs has no terms to weigh (empty texts, or only stopwords)")
    code = dict(zip(first, range(len(first))))
    by_first = list(first)
    ranked = sorted(range(len(by_first)), key=by_first.__getitem__)
    vocab = np.empty(len(ranked), dtype=object)
    vocab[:] = [by_first[k] for k in ranked]
    index_dtype = np.int32 if sum(map(len, counters)) <= np.iinfo(np.int32).max else np.int64
    column = np.empty(len(ranked), dtype=index_dtype)  # first-occurrence code -> column
    column[ranked] = np.arange(len(ranked), dtype=index_dtype)
    lengths = np.fromiter(map(len, counters), dtype=np.int64, count=len(counters))
    codes = np.fromiter(map(code.__getitem__, chain.from_iterable(counters)), dtype=np.int64,
                        count=int(lengths.sum()))
    n = np.fromiter(chain.from_iterable(c.values() for c in counters), dtype=np.int64,
                    count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(groups)), lengths)
    order = np.lexsort((codes, rows))  # by row, then first occurrence (CountVectorizer's order)
    n = n[order]
    indptr = np.zeros(len(groups) + 1, dtype=index_dtype)
    np.cumsum(lengths, out=indptr[1:])
    counts = sp.csr_array((n.astype(np.float64), column[codes[order]], indptr),
                          shape=(len(groups), len(vocab)))
    transformer = TfidfTransformer(norm=settings.norm, use_idf=settings.use_idf,
                                   smooth_idf=settings.smooth_idf,
                                   sublinear_tf=settings.sublinear_tf)
    weights = transformer.fit(counts).transform(counts, copy=True)
    if warn and len(groups) < FEW_DOCUMENTS:
        _warn_few_groups(len(groups), transformer.idf_, by, stacklevel=3)
    df = np.bincount(counts.indices, minlength=len(vocab)).astype(np.int64)
    return _Fitted(groups, vocab, n, counts, sp.csr_array(weights), transformer.idf_, df)


def tfidf(
    docs: pd.DataFrame,
    *,
    by: str = "doc_id",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
    warn: bool = True,
) -> pd.DataFrame:
    """TF-IDF weight of every term in every document (or group of documents).

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table, one language.
    by : str, default "doc_id"
        ``"doc_id"`` for one row per document, ``"source"`` (or any column) to join
        each group's texts into one document first.
    stopwords, stem, ngram_range
        Analyzer options, as in :func:`analysis.terms`.
    warn : bool, default True
        Warn when there are fewer than :data:`FEW_DOCUMENTS` groups.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TFIDF_COLUMNS`: ``n`` the raw count (tf), ``df`` the number of
        groups using the term, ``idf`` and the L2-normalised ``tfidf``; one row per
        group and term used, sorted by group, ``tfidf`` (descending), then term.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "source": ["A", "A", "B"],
    ...                      "text": ["Kim parla.", "Kim tace.", "Lavrov parla."]})
    >>> table = tfidf(docs, by="source", warn=False)
    >>> table[["group", "term", "n", "df"]].values.tolist()[:3]
    [['A', 'kim', 2, 1], ['A', 'tace', 1, 1], ['A', 'parla', 1, 2]]
    """
    fit = _fit(docs, by, stopwords, stem, ngram_range, warn)
    weights = fit.weights
    # weights has the structure of counts (the transformer rescales the stored values
    # and keeps their order), so entry j of weights.data and of fit.n is one (group, term)
    rows = np.repeat(np.arange(len(fit.groups)), np.diff(weights.indptr))
    cols = weights.indices
    # groups are sorted and columns follow the sorted vocabulary, so sorting by
    # (row, -tfidf, column) is sorting by (group, tfidf descending, term); the key is
    # unique, so the order is the reference's stable sort
    order = np.lexsort((cols, -weights.data, rows))
    cols = cols[order]
    group_labels = np.empty(len(fit.groups), dtype=object)
    group_labels[:] = fit.groups
    table = pd.DataFrame({
        "group": group_labels[rows[order]],
        "term": fit.vocab[cols],
        "n": fit.n[order],
        "df": fit.df[cols],
        "idf": fit.idf[cols],
        "tfidf": weights.data[order],
    }, columns=TFIDF_COLUMNS)
    return table.astype({"n": "int64", "df": "int64"})


def top_terms(table: pd.DataFrame, *, column: str = "tfidf", n: int = 10) -> pd.DataFrame:
    """The ``n`` highest rows of ``column`` per group, with their rank.

    Works on any long table with ``group`` and ``term`` columns: :func:`tfidf`, or
    ``term_counts(docs).to_frame()`` with ``column="n"``.

    Returns
    -------
    pandas.DataFrame
        The table's columns plus ``rank`` (1 = highest), sorted by group, rank; ties
        broken by term.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["A", "A", "A", "B"], "term": ["y", "x", "z", "x"],
    ...                   "n": [2, 2, 1, 5]})
    >>> top_terms(t, column="n", n=2).values.tolist()
    [['A', 'x', 2, 1], ['A', 'y', 2, 2], ['B', 'x', 5, 1]]
    """
    missing = [c for c in ("group", "term", column) if c not in table.columns]
    if missing:
        raise ValueError(f"table is missing column(s) {missing}; pass tfidf() or "
                         "term_counts(...).to_frame() and a column it has")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n={n!r} must be a whole number >= 1")
    ordered = table.sort_values(["group", column, "term"], ascending=[True, False, True],
                                kind="stable")
    ordered = ordered.assign(rank=ordered.groupby("group").cumcount() + 1)
    return ordered[ordered["rank"] <= n].reset_index(drop=True)


def similarity(
    docs: pd.DataFrame,
    *,
    by: str = "doc_id",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
    warn: bool = True,
) -> pd.DataFrame:
    """Cosine similarity between every pair of documents (or groups).

    Two cosines: of raw term counts (``cosine_tf``) and of TF-IDF vectors
    (``cosine_tfidf``). Idf lowers the weight of shared terms, so with few documents
    ``cosine_tfidf`` is lower than ``cosine_tf``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SIMILARITY_COLUMNS`, one row per ordered pair (self-pairs
        included, cosine 1), sorted by ``group_a``, ``group_b``; ``n_shared`` is the
        number of distinct terms both use.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "lang": "it",
    ...                      "text": ["Kim incontra Lavrov.", "Lavrov parla."]})
    >>> similarity(docs, warn=False).round(3).values.tolist()[1]
    ['a', 'b', 1, 0.408, 0.261]
    """
    fit = _fit(docs, by, stopwords, stem, ngram_range, warn)
    groups = fit.groups
    tf = fit.counts.toarray()  # whole counts as float64, as the reference adds them up
    norms = np.linalg.norm(tf, axis=1, keepdims=True)
    tf_unit = tf / np.where(norms > 0, norms, 1)
    w = fit.weights.toarray()
    cos_tf = tf_unit @ tf_unit.T
    cos_tfidf = w @ w.T
    used = tf > 0
    shared = used.astype(int) @ used.T.astype(int)
    rows = [(a, b, int(shared[i, j]), float(cos_tf[i, j]), float(cos_tfidf[i, j]))
            for i, a in enumerate(groups) for j, b in enumerate(groups)]
    return pd.DataFrame(rows, columns=SIMILARITY_COLUMNS)


# ---------------------------------------------------------------------------
# Reference implementations: the first, plain versions of tfidf and similarity
# (scikit-learn's TfidfVectorizer, the analyzer run twice per text). Kept unchanged
# as the definition the fast versions above are tested against
# (tests/test_tfidf_speed.py).
# ---------------------------------------------------------------------------


def _reference_grouped_texts(docs: pd.DataFrame, by: str) -> tuple[list[str], list[str], str]:
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    found = sorted({check_lang(v, argument="lang in docs") for v in langs})
    if len(found) != 1:
        raise ValueError(f"docs mixes languages {found}: TF-IDF compares one vocabulary, so "
                         "filter docs to one language first (docs[docs.lang == 'it'])")
    labels = docs[by].astype(str).to_numpy()
    groups = sorted(set(labels))
    texts = ["\n\n".join(t for t, g in zip(docs["text"], labels) if g == group)
             for group in groups]  # a blank line ends a sentence: n-grams never cross
    return groups, texts, found[0]


def _reference_fit(docs, by, stopwords, stem, ngram_range, warn):
    _require(docs, ["text", by])
    if len(docs) == 0:
        raise ValueError("docs has no documents")
    groups, texts, lang = _reference_grouped_texts(docs, by)
    vectorizer = tfidf_vectorizer(lang, stopwords=stopwords, stem=stem, ngram_range=ngram_range)
    try:
        weights = vectorizer.fit_transform(texts)
    except ValueError:
        raise ValueError("docs has no terms to weigh (empty texts, or only stopwords)") from None
    if warn and len(groups) < FEW_DOCUMENTS:
        distinct = np.unique(np.round(vectorizer.idf_, 6))
        values = ", ".join(f"{v:.3f}" for v in distinct)
        warnings.warn(
            f"TF-IDF over only {len(groups)} {by} group(s): idf takes {len(distinct)} value(s) "
            f"({values}), one per number of groups using a term, so the ranking mostly "
            "promotes terms found in one group only"
            + (" (with two: a term in one document gets 1.405, in both 1.0)" if len(groups) == 2
               else "")
            + "; for a contrast between two groups use keyness()",
            SmallCorpusWarning, stacklevel=3)
    return groups, texts, vectorizer, weights


def _reference_tfidf(
    docs: pd.DataFrame,
    *,
    by: str = "doc_id",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
    warn: bool = True,
) -> pd.DataFrame:
    """Reference implementation of :func:`tfidf`: the same arguments and table."""
    groups, texts, vectorizer, weights = _reference_fit(docs, by, stopwords, stem,
                                                        ngram_range, warn)
    analyzer = vectorizer.build_analyzer()
    vocab = vectorizer.get_feature_names_out()
    index = {t: k for k, t in enumerate(vocab)}
    weights = weights.tocsr()
    df = np.asarray((weights > 0).sum(axis=0)).ravel()
    rows = []
    for g, (group, text) in enumerate(zip(groups, texts)):
        raw: dict[str, int] = {}
        for term in analyzer(text):
            raw[term] = raw.get(term, 0) + 1
        for term, n in raw.items():
            k = index[term]
            rows.append((group, term, n, int(df[k]), float(vectorizer.idf_[k]),
                         float(weights[g, k])))
    table = pd.DataFrame(rows, columns=TFIDF_COLUMNS)
    table = table.sort_values(["group", "tfidf", "term"], ascending=[True, False, True],
                              kind="stable").reset_index(drop=True)
    return table.astype({"n": "int64", "df": "int64"})


def _reference_similarity(
    docs: pd.DataFrame,
    *,
    by: str = "doc_id",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
    warn: bool = True,
) -> pd.DataFrame:
    """Reference implementation of :func:`similarity`: the same arguments and table."""
    groups, texts, vectorizer, weights = _reference_fit(docs, by, stopwords, stem,
                                                        ngram_range, warn)
    raw = vectorizer.build_analyzer()
    vocab = {t: k for k, t in enumerate(vectorizer.get_feature_names_out())}
    tf = np.zeros((len(groups), len(vocab)))
    for g, text in enumerate(texts):
        for term in raw(text):
            tf[g, vocab[term]] += 1
    norms = np.linalg.norm(tf, axis=1, keepdims=True)
    tf_unit = tf / np.where(norms > 0, norms, 1)
    w = weights.toarray()
    cos_tf = tf_unit @ tf_unit.T
    cos_tfidf = w @ w.T
    used = tf > 0
    shared = used.astype(int) @ used.T.astype(int)
    rows = [(a, b, int(shared[i, j]), float(cos_tf[i, j]), float(cos_tfidf[i, j]))
            for i, a in enumerate(groups) for j, b in enumerate(groups)]
    return pd.DataFrame(rows, columns=SIMILARITY_COLUMNS)


# ---------------------------------------------------------------------------
# Background reference: ordinary language from wordfreq
# ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _background(lang: str, stopwords: bool) -> pd.DataFrame:
    from wordfreq import get_frequency_dict  # bundled data; no network

    freqs = get_frequency_dict(lang, wordlist="best")
    words = [w if w.isascii() and w.isalnum() and w.islower() else normalize_term(w)
             for w in freqs]  # the fast path is exactly what normalize_term returns
    table = pd.DataFrame({"term": words, "frequency": list(freqs.values())})
    # wordfreq writes every digit as 0 ("0000" stands for all four-digit numbers):
    # those entries are placeholders, not terms
    table = table[~table["term"].str.fullmatch(r"[0.,]+")]
    if stopwords:
        stop = stopword_list(lang)
        # wordfreq drops the apostrophe of elisions ("dell" for "dell'"): both are stopwords
        elided = table["term"] + "'"
        table = table[~table["term"].isin(stop) & ~elided.isin(stop)]
    table = table.groupby("term", as_index=False, sort=False)["frequency"].sum()
    table["frequency"] = table["frequency"] / table["frequency"].sum()
    table = table.sort_values(["frequency", "term"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def background_frequencies(lang: str = "it", *, stopwords: bool = True) -> pd.DataFrame:
    """Relative frequencies of ordinary Italian or English words (``wordfreq``).

    Words are normalised like our terms (:func:`analysis.normalize_term`); wordfreq's
    digit placeholders (``0000`` stands for every four-digit number) are dropped, so a
    number gets the floor frequency; with ``stopwords=True`` the shipped stopwords are
    removed (also in wordfreq's apostrophe-less spelling, ``dell`` for ``dell'``) and
    the rest renormalised, so the frequencies are "per non-stopword term", like our
    rates.

    Parameters
    ----------
    lang : {"it", "en"}
    stopwords : bool, default True

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BACKGROUND_COLUMNS` (``frequency`` sums to 1), sorted by
        frequency (descending), then term. Usable as ``keyness(..., prior=table)``.

    Examples
    --------
    >>> bg = background_frequencies("it")
    >>> bg["frequency"].sum().round(6), "il" in set(bg["term"])
    (np.float64(1.0), False)
    """
    return _background(check_lang(lang), bool(stopwords)).copy()


def background_counts(
    lang: str = "it",
    *,
    terms: Iterable[str] | None = None,
    size: float = BACKGROUND_SIZE,
    stopwords: bool = True,
) -> pd.Series:
    """Expected counts of terms in a notional ordinary-language corpus of ``size`` terms.

    Parameters
    ----------
    lang : {"it", "en"}
    terms : iterable of str, optional
        Only these terms (normalised); a term missing from the word list gets the
        list's smallest frequency (the word list stops at about 1 in 10^8).
    size : float, default :data:`BACKGROUND_SIZE`
        Total of the notional corpus (the reference total in keyness).
    stopwords : bool, default True

    Returns
    -------
    pandas.Series
        Term -> expected count (float), index sorted.

    Examples
    --------
    >>> counts = background_counts("it", terms=["guerra", "wonsan"], size=1e6)
    >>> bool(counts["guerra"] > 100 * counts["wonsan"])
    True
    """
    if not isinstance(size, numbers.Real) or not np.isfinite(size) or size <= 0:
        raise ValueError(f"size={size!r} must be a positive number of terms")
    table = _background(check_lang(lang), bool(stopwords))
    freq = pd.Series(table["frequency"].to_numpy(), index=table["term"].to_numpy())
    if terms is not None:
        if isinstance(terms, str):
            raise TypeError("terms must be a collection of terms, not one string")
        wanted = sorted({normalize_term(str(t)) for t in terms})
        freq = freq.reindex(wanted).fillna(float(table["frequency"].min()))
    return (freq * float(size)).sort_index()


def background_keyness(
    counts,
    *,
    lang: str = "it",
    target: str | None = None,
    size: float = BACKGROUND_SIZE,
    sort_by: str = "g2",
    **options,
) -> pd.DataFrame:
    """Keyness of one text (or group) against ordinary language.

    The reference is :func:`background_counts` over the target's own terms, with a
    notional total of ``size`` terms, so only the target's terms are listed: the
    question is "which of these words are unusually frequent here?". Expect names
    and the topic at the top: background keyness finds what an article is about,
    not how it frames it; compare two articles' lists to see framing.

    Parameters
    ----------
    counts : mapping or TermCounts
        A term -> count mapping, or a TermCounts with ``target=`` naming the group.
    lang : {"it", "en"}
    target : str, optional
        The group, with a TermCounts.
    size : float, default :data:`BACKGROUND_SIZE`
    sort_by : str, default "g2"
    **options
        Passed to :func:`analysis.keyness` (``correction``, ``prior``...).

    Returns
    -------
    pandas.DataFrame
        The :func:`analysis.keyness` table; ``n_reference`` is the (fractional)
        expected count in the background.
    """
    if isinstance(counts, TermCounts):
        if target is None:
            raise ValueError(f"target= is required with a TermCounts; groups: {list(counts.groups)}")
        mapping = counts.column(target)
        total = counts.total(target)
    elif isinstance(counts, (Mapping, pd.Series)):
        if target is not None:
            raise ValueError("target= names a group of a TermCounts; with a mapping leave it out")
        mapping = dict(counts)
        total = float(sum(mapping.values()))
    else:
        raise TypeError(f"counts must be a term -> count mapping or a TermCounts, got "
                        f"{type(counts).__name__}")
    if not mapping:
        raise ValueError("target is empty (no terms counted)")
    reference = background_counts(lang, terms=mapping.keys(), size=size)
    return keyness(mapping, reference, totals=(total, float(size)), sort_by=sort_by, **options)
