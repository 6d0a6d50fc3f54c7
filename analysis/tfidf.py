"""TF-IDF per document or per source, similarity between them, and a background reference.

TF-IDF is scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
given the project's analyzer (:class:`analysis.Analyzer`), so it counts the same
terms as :func:`analysis.term_counts`. Every setting is written out in
:func:`tfidf_vectorizer`: raw term counts as tf (``sublinear_tf=False``), smoothed
idf ``ln((1 + n) / (1 + df)) + 1`` (``smooth_idf=True``), rows scaled to unit
Euclidean length (``norm="l2"``), float64; ``lowercase`` is off because the analyzer
already normalises case.

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
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from .counts import TermCounts
from .keyness import SmallCorpusWarning, keyness
from .langs import check_lang
from .normalize import normalize_term
from .tokens import Analyzer, stopwords as stopword_list

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


def _grouped_texts(docs: pd.DataFrame, by: str) -> tuple[list[str], list[str], str]:
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


def _fit(docs, by, stopwords, stem, ngram_range, warn):
    _require(docs, ["text", by])
    if len(docs) == 0:
        raise ValueError("docs has no documents")
    groups, texts, lang = _grouped_texts(docs, by)
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
    """
    groups, texts, vectorizer, weights = _fit(docs, by, stopwords, stem, ngram_range, warn)
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
    groups, texts, vectorizer, weights = _fit(docs, by, stopwords, stem, ngram_range, warn)
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
