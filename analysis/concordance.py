"""Concordances (keyword in context) and collocations, to read terms where they occur.

Every word-level claim ("source A says *truppe*, source B never does") should be
checked in context. :func:`kwic` lists each occurrence of a word, a phrase or a
pattern with the words around it and its character offsets into ``docs.text``;
:func:`collocations` lists the word pairs each group uses together more often than
chance (PMI and G2, scored by NLTK's collocation finder) with the place of their
first occurrence. Both read the project's token table
(:func:`analysis.tokens.tokens_table`), so they agree with the counts on what a
term is.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "lang": ["it"],
...                      "text": ["Il leader nordcoreano Kim ha ricevuto Lavrov."]})
>>> kwic(docs, "Kim", window=2)[["left", "match", "right", "start", "end"]].values.tolist()
[['leader nordcoreano', 'Kim', 'ha ricevuto', 22, 25]]
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd
import regex
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

from .langs import check_lang
from .normalize import normalize_term
from .tokens import terms, tokenize, tokens_table

__all__ = ["COLLOCATION_COLUMNS", "KWIC_COLUMNS", "collocations", "kwic"]

#: Columns of :func:`kwic`, in order.
KWIC_COLUMNS = ["doc_id", "source", "sent", "left", "match", "right", "start", "end"]
#: Columns of :func:`collocations`, in order.
COLLOCATION_COLUMNS = ["group", "w1", "w2", "n", "n_w1", "n_w2", "pmi", "g2",
                       "doc_id", "sent", "start", "end"]

_MEASURES = ("pmi", "g2")


def _require(docs: pd.DataFrame, columns) -> None:
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be the docs table (a DataFrame), got {type(docs).__name__}")
    missing = [c for c in columns if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass the table from load_corpus")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _stemmed(term: str, lang: str, cache: dict) -> str:
    key = (term, lang)
    if key not in cache:
        out = terms(term, lang, stopwords=False, stem=True)
        cache[key] = out[0] if len(out) == 1 else term
    return cache[key]


def _pattern_parts(pattern, lang: str, *, use_regex: bool, over_terms: bool, stopwords, stem,
                   cache) -> list:
    if use_regex:
        parts = pattern.split()
        compiled = []
        for part in parts:
            try:
                compiled.append(regex.compile(part))
            except regex.error as err:
                raise ValueError(f"pattern={pattern!r}: {part!r} is not a valid regular "
                                 f"expression ({err})") from None
        return compiled
    if over_terms:
        parts = terms(pattern, lang, stopwords=stopwords)
    else:
        parts = [normalize_term(t) for t in tokenize(pattern, lang)]
    if stem:
        parts = [_stemmed(p, lang, cache) for p in parts]
    return parts


def kwic(
    docs: pd.DataFrame,
    pattern: str,
    *,
    window: int | str = 8,
    regex: bool = False,
    stopwords: bool | Iterable[str] = False,
    stem: bool = False,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of a word, phrase or pattern.

    Matching is on normalised terms (lower case, apostrophes unified), so
    ``"Kim"`` finds ``Kim`` and ``KIM``, and a phrase is written as it is read:
    ``"Corea del Nord"``.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`): ``doc_id``, ``text``, and
        ``source`` and ``lang`` when present.
    pattern : str
        A word, a phrase (words separated by spaces, matched on consecutive tokens),
        or with ``regex=True`` one regular expression per word, each matched in full
        against one term (``"nordcorean[aoie]"``, ``"sostegno \\\\w+"``).
    window : int or "sentence", default 8
        Words (punctuation is shown but not counted) of context on each side, or
        ``"sentence"`` for the rest of the sentence(s) the match is in.
    regex : bool, default False
        Read ``pattern`` as regular expressions over terms.
    stopwords : bool or collection of str, default False
        ``False`` matches over every token, so a phrase never jumps over a comma or
        a function word. ``True`` (or a list) matches over the analysis terms of each
        sentence, stopwords and punctuation removed, exactly as n-gram terms are
        built: use it to find a bigram term such as ``"corea nord"``.
    stem : bool, default False
        Compare Snowball stems (as ``terms(..., stem=True)``), so ``"nordcorean"``
        finds *nordcoreano*, *nordcoreana* and *nordcoreani*.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KWIC_COLUMNS`: ``sent`` is the sentence index of the match's
        first token (as in :func:`analysis.sentence_spans`), ``start``/``end`` offsets
        into that document's ``text`` (``match == text[start:end]``), ``left`` and
        ``right`` the context with whitespace collapsed. Rows follow the order of
        ``docs``, then ``start``.

    Raises
    ------
    ValueError
        For an empty pattern, an invalid regular expression, a bad ``window`` or a
        docs table without ``doc_id``/``text``.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "lang": ["it"],
    ...     "text": ["La Corea del Nord invia truppe. Truppe nordcoreane in Russia."]})
    >>> kwic(docs, "truppe", window=1)[["sent", "left", "match", "right"]].values.tolist()
    [[0, 'invia', 'truppe', '. Truppe'], [1, 'truppe.', 'Truppe', 'nordcoreane']]
    >>> kwic(docs, "corea nord", stopwords=True, window=0)["match"].tolist()
    ['Corea del Nord']
    >>> kwic(docs, "nordcorean[aoie]", regex=True, window="sentence")["right"].tolist()
    ['in Russia.']
    """
    _require(docs, ["doc_id", "text"])
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError(f"pattern={pattern!r} must be a non-empty word, phrase or regex")
    if window != "sentence" and (isinstance(window, bool) or not isinstance(window, numbers.Integral)
                                 or window < 0):
        raise ValueError(f"window={window!r} must be a whole number >= 0 or 'sentence'")
    over_terms = stopwords is not False and stopwords is not None
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    sources = docs["source"] if "source" in docs.columns else docs["doc_id"]
    cache: dict = {}
    rows = []
    for doc_id, source, text, lang in zip(docs["doc_id"], sources, docs["text"], langs):
        lang = check_lang(lang, argument=f"lang of document {doc_id!r}")
        parts = _pattern_parts(pattern, lang, use_regex=regex, over_terms=over_terms,
                               stopwords=stopwords if over_terms else False, stem=stem,
                               cache=cache)
        if not parts:
            raise ValueError(f"pattern={pattern!r} has no terms to match (only stopwords or "
                             "punctuation?); pass stopwords=False to match every token")
        one = pd.DataFrame({"doc_id": [doc_id], "text": [text], "lang": [lang]})
        toks = tokens_table(one, stopwords=stopwords if over_terms else True)
        starts = toks["start"].to_numpy()
        ends = toks["end"].to_numpy()
        sents = toks["sent"].to_numpy()
        is_word = ~toks["is_punct"].to_numpy()
        words = toks["term"].tolist()
        if stem:
            words = [_stemmed(w, lang, cache) if p else w for w, p in zip(words, is_word)]
        if over_terms:
            keep = np.flatnonzero(is_word & ~toks["is_stop"].to_numpy())
        else:
            keep = np.arange(len(toks))
        seq = [words[k] for k in keep]
        seq_sent = sents[keep]
        k_len = len(parts)
        for i in range(len(seq) - k_len + 1):
            if over_terms and seq_sent[i] != seq_sent[i + k_len - 1]:
                continue  # n-gram terms never cross a sentence boundary
            if regex:
                ok = all(p.fullmatch(seq[i + j]) for j, p in enumerate(parts))
            else:
                ok = all(seq[i + j] == p for j, p in enumerate(parts))
            if not ok:
                continue
            first, last = keep[i], keep[i + k_len - 1]
            start, end = int(starts[first]), int(ends[last])
            left_from, right_to = _context(first, last, window, starts, ends, sents, is_word)
            rows.append({"doc_id": doc_id, "source": source, "sent": int(sents[first]),
                         "left": _collapse(text[left_from:start]), "match": text[start:end],
                         "right": _collapse(text[end:right_to]), "start": start, "end": end})
    table = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return table.astype({"sent": "int64", "start": "int64", "end": "int64"})


def _context(first, last, window, starts, ends, sents, is_word) -> tuple[int, int]:
    """Character offsets where the left context starts and the right one ends."""
    if window == "sentence":
        same = np.flatnonzero(sents == sents[first])
        after = np.flatnonzero(sents == sents[last])
        return int(starts[same[0]]), int(ends[after[-1]])
    left_words = np.flatnonzero(is_word[:first])
    if window == 0:
        left_from = int(starts[first])
    elif len(left_words) >= window:
        left_from = int(starts[left_words[-window]])
    else:
        left_from = int(starts[0]) if first > 0 else int(starts[first])
    right_words = np.flatnonzero(is_word[last + 1:]) + last + 1
    if window == 0:
        right_to = int(ends[last])
    elif len(right_words) >= window:
        right_to = int(ends[right_words[window - 1]])
    else:
        right_to = int(ends[-1])
    return left_from, right_to


def collocations(
    docs: pd.DataFrame,
    *,
    by: str = "source",
    measure: str = "pmi",
    min_freq: int = 2,
    window: int = 2,
    stopwords: bool | Iterable[str] = True,
    top: int | None = None,
) -> pd.DataFrame:
    """Word pairs each group uses together more often than chance.

    Pairs are counted over the analysis terms of each sentence (stopwords and
    punctuation removed, never across a sentence boundary) with NLTK's
    :class:`~nltk.collocations.BigramCollocationFinder`, and scored with its
    pointwise mutual information, ``log2(P(w1 w2) / (P(w1) P(w2)))``, and Dunning's
    log-likelihood G2 on the pair's 2x2 table. PMI rewards rare exclusive pairs,
    which is why ``min_freq`` matters; G2 rewards pairs that are both frequent and
    exclusive.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table.
    by : str, default "source"
        Grouping column.
    measure : {"pmi", "g2"}, default "pmi"
        Sort order within each group (both are always reported).
    min_freq : int, default 2
        Keep pairs seen at least this many times in the group.
    window : int, default 2
        2 for adjacent terms; ``w`` counts ``w2`` up to ``w - 1`` terms after ``w1``.
    stopwords : bool or collection of str, default True
        As in :func:`analysis.terms`.
    top : int, optional
        Keep the first ``top`` pairs of each group.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLLOCATION_COLUMNS`: the group, the pair, its count and the
        counts of each word in the group, ``pmi`` and ``g2``, and where the pair first
        occurs (``doc_id``, ``sent``, and ``start``/``end`` from the first word's start
        to the second word's end in ``docs.text``). Sorted by group, ``measure``
        (descending), then ``w1``, ``w2``.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "lang": ["it"],
    ...     "text": ["La Corea del Nord e la Russia. La Corea del Nord arma Mosca."]})
    >>> collocations(docs)[["w1", "w2", "n", "start", "end"]].values.tolist()
    [['corea', 'nord', 2, 3, 17]]
    """
    _require(docs, ["doc_id", "text", by])
    if measure not in _MEASURES:
        raise ValueError(f"measure={measure!r} must be 'pmi' or 'g2'")
    for name, value, low in (("min_freq", min_freq, 1), ("window", window, 2)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{name}={value!r} must be a whole number >= {low}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, numbers.Integral)
                            or top < 1):
        raise ValueError(f"top={top!r} must be a whole number >= 1 or None")
    toks = tokens_table(docs, stopwords=stopwords)
    toks = toks[~toks["is_stop"] & ~toks["is_punct"]]
    group_of = dict(zip(docs["doc_id"], docs[by].astype(str)))
    measures = BigramAssocMeasures()
    frames = []
    for group in sorted(set(group_of.values())):
        ids = [d for d in docs["doc_id"] if group_of[d] == group]
        words: list = []
        first: dict = {}
        for doc_id in ids:
            doc = toks[toks["doc_id"] == doc_id]
            for sent, sub in doc.groupby("sent", sort=True):
                seq = sub["term"].tolist()
                st, en = sub["start"].to_numpy(), sub["end"].to_numpy()
                for i in range(len(seq)):
                    for j in range(i + 1, min(i + window, len(seq))):
                        first.setdefault((seq[i], seq[j]), (doc_id, int(sent), int(st[i]),
                                                            int(en[j])))
                words.extend(seq)
                words.extend([None] * (window - 1))  # pairs never cross sentences
        finder = BigramCollocationFinder.from_words(words, window_size=window)
        finder.apply_freq_filter(min_freq)
        pmi = dict(finder.score_ngrams(measures.pmi))
        g2 = dict(finder.score_ngrams(measures.likelihood_ratio))
        rows = []
        for (w1, w2), value in pmi.items():
            doc_id, sent, start, end = first[(w1, w2)]
            rows.append({"group": group, "w1": w1, "w2": w2, "n": finder.ngram_fd[(w1, w2)],
                         "n_w1": finder.word_fd[w1], "n_w2": finder.word_fd[w2],
                         "pmi": value, "g2": g2[(w1, w2)], "doc_id": doc_id, "sent": sent,
                         "start": start, "end": end})
        frame = pd.DataFrame(rows, columns=COLLOCATION_COLUMNS)
        frame = frame.sort_values([measure, "w1", "w2"], ascending=[False, True, True],
                                  kind="stable")
        frames.append(frame.head(top) if top is not None else frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=COLLOCATION_COLUMNS)
    return table.astype({"n": "int64", "n_w1": "int64", "n_w2": "int64", "sent": "int64",
                         "start": "int64", "end": "int64", "pmi": "float64",
                         "g2": "float64"}).reset_index(drop=True)
