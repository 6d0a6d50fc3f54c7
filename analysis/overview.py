"""First look at a corpus: sizes per document and shared vocabulary per group.

Examples
--------
>>> from analysis import load_corpus
>>> summary = corpus_summary(load_corpus())
>>> summary[["source", "n_tokens", "n_sentences"]].values.tolist()
[['Unsigned', 604, 20], ['Le Monde', 385, 12]]
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from .tokens import sentence_spans, terms, token_spans

__all__ = ["SUMMARY_COLUMNS", "OVERLAP_COLUMNS", "corpus_summary", "vocabulary_overlap"]

#: Columns of :func:`corpus_summary`.
SUMMARY_COLUMNS = [
    "doc_id",
    "source",
    "title",
    "n_chars",
    "n_tokens",
    "n_sentences",
    "n_terms",
    "n_types",
]
#: Columns of :func:`vocabulary_overlap`.
OVERLAP_COLUMNS = ["group", "n_types", "n_shared", "n_unique", "pct_unique"]


def _require(docs: pd.DataFrame, columns: list[str], name: str = "docs") -> None:
    missing = [c for c in columns if c not in docs.columns]
    if missing:
        raise ValueError(
            f"{name} is missing column(s) {missing}; pass the table from load_corpus"
        )


def corpus_summary(docs: pd.DataFrame, *, stopwords: bool = True) -> pd.DataFrame:
    """Size of every document: characters, tokens, sentences, terms and types.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`).
    stopwords : bool, default True
        Whether ``n_terms`` and ``n_types`` leave stopwords out.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, source, title, n_chars, n_tokens, n_sentences,
        n_terms, n_types``, one row per document in the order of ``docs``.
        ``n_tokens`` counts punctuation too; ``n_terms`` counts analysis terms
        (:func:`analysis.terms`) and ``n_types`` distinct terms.
    """
    _require(docs, ["doc_id", "source", "text", "lang"])
    rows = []
    for doc in docs.itertuples(index=False):
        doc_terms = terms(doc.text, doc.lang, stopwords=stopwords)
        rows.append(
            {
                "doc_id": doc.doc_id,
                "source": doc.source,
                "title": getattr(doc, "title", None),
                "n_chars": len(doc.text),
                "n_tokens": len(token_spans(doc.text, doc.lang)),
                "n_sentences": len(sentence_spans(doc.text, doc.lang)),
                "n_terms": len(doc_terms),
                "n_types": len(set(doc_terms)),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def vocabulary_overlap(
    docs: pd.DataFrame, *, by: str = "source", stopwords: bool = True
) -> pd.DataFrame:
    """How much of each group's vocabulary no other group uses.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table.
    by : str, default "source"
        Column that defines the groups (any docs column).
    stopwords : bool, default True
        Leave stopwords out of the vocabularies.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, n_types, n_shared, n_unique, pct_unique``, one row per
        group sorted by group name: distinct terms, how many of them at least
        one other group also uses, how many only this group uses, and the
        unique share in percent.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"],
    ...                      "text": ["Kim incontra Lavrov.", "Lavrov incontra Choe."],
    ...                      "lang": ["it", "it"]})
    >>> vocabulary_overlap(docs).values.tolist()
    [['A', 3, 2, 1, 33.3], ['B', 3, 2, 1, 33.3]]
    """
    _require(docs, [by, "text", "lang"])
    vocab: dict[str, set[str]] = {}
    for group, text, lang in zip(docs[by], docs["text"], docs["lang"]):
        vocab.setdefault(str(group), set()).update(terms(text, lang, stopwords=stopwords))
    groups_using = Counter(t for v in vocab.values() for t in v)
    rows = []
    for group in sorted(vocab):
        n_types = len(vocab[group])
        n_unique = sum(1 for t in vocab[group] if groups_using[t] == 1)
        rows.append(
            {
                "group": group,
                "n_types": n_types,
                "n_shared": n_types - n_unique,
                "n_unique": n_unique,
                "pct_unique": round(100.0 * n_unique / n_types, 1) if n_types else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=OVERLAP_COLUMNS)
