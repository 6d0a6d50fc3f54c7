"""Term counts per group: the table every word-level statistic starts from.

Counting is a map-reduce: :func:`count_partition` turns one batch of documents
into per-group counts with scikit-learn's :class:`~sklearn.feature_extraction.text.CountVectorizer`
given the project's analyzer (:class:`analysis.Analyzer`), and :func:`merge_counts`
adds partial results. :func:`term_counts` runs both over a docs table or an
iterable of docs batches, so a corpus larger than memory can be streamed; the same
per-partition function serves any parallel or distributed runner.

The result, :class:`TermCounts`, keeps a sparse terms x groups matrix inside, the
total number of terms per group (counted before any pruning, so rates stay
honest), and turns into tidy tables on demand.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "source": ["X", "Y", "X"],
...                      "text": ["Kim incontra Lavrov.", "Lavrov e Kim.", "Kim parla."],
...                      "lang": ["it", "it", "it"]})
>>> counts = term_counts(docs)
>>> counts.to_frame().values.tolist()[:3]
[['incontra', 'X', 1, 200.0], ['kim', 'X', 2, 400.0], ['lavrov', 'X', 1, 200.0]]
>>> counts.column("Y")
{'kim': 1, 'lavrov': 1}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from .langs import check_lang
from .tokens import Analyzer

__all__ = [
    "COUNTS_COLUMNS",
    "TermCounts",
    "count_partition",
    "merge_counts",
    "term_counts",
]

#: Columns of :meth:`TermCounts.to_frame`.
COUNTS_COLUMNS = ["term", "group", "n", "per_1k"]


@dataclass(frozen=True, eq=False)
class TermCounts:
    """Counts of terms per group, sparse inside.

    Attributes
    ----------
    terms : numpy.ndarray of str
        Sorted vocabulary (rows of ``matrix``).
    groups : tuple of str
        Sorted group names (columns of ``matrix``).
    matrix : scipy.sparse.csr_array
        ``len(terms) x len(groups)`` int64 counts.
    totals : numpy.ndarray
        Terms per group before pruning (denominators of every rate).
    n_docs : numpy.ndarray
        Documents per group.
    by : str
        The docs column the groups come from.
    """

    terms: np.ndarray
    groups: tuple
    matrix: sp.csr_array
    totals: np.ndarray
    n_docs: np.ndarray
    by: str = "source"
    _index: dict = field(default=None, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_index", {g: k for k, g in enumerate(self.groups)})

    def __repr__(self) -> str:
        return (f"TermCounts(by={self.by!r}, groups={list(self.groups)!r}, "
                f"terms={len(self.terms)}, totals={self.totals.tolist()!r})")

    def _col(self, group: str) -> int:
        if group not in self._index:
            raise ValueError(f"group {group!r} is not in the counts; groups: {list(self.groups)}")
        return self._index[group]

    def column(self, group: str) -> dict[str, int]:
        """Return ``{term: count}`` for one group (non-zero counts only)."""
        col = self.matrix[:, [self._col(group)]].tocoo()
        order = np.argsort(col.row, kind="stable")
        return {str(self.terms[r]): int(v) for r, v in zip(col.row[order], col.data[order])}

    def total(self, group: str) -> int:
        """Return the number of terms in one group (before pruning)."""
        return int(self.totals[self._col(group)])

    def to_frame(self, *, include_zeros: bool = False) -> pd.DataFrame:
        """Tidy long table: ``term, group, n, per_1k``, sorted by group, then term.

        Parameters
        ----------
        include_zeros : bool, default False
            Also list terms a group does not use (``n == 0``).
        """
        if include_zeros:
            dense = self.matrix.toarray()
            rows, cols = np.nonzero(np.ones_like(dense, dtype=bool))
            values = dense[rows, cols]
        else:
            coo = self.matrix.tocoo()
            rows, cols, values = coo.row, coo.col, coo.data
        totals = self.totals[cols].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_1k = np.where(totals > 0, 1000.0 * values / np.where(totals > 0, totals, 1), 0.0)
        table = pd.DataFrame(
            {
                "term": self.terms[rows],
                "group": np.asarray(self.groups, dtype=object)[cols],
                "n": values.astype("int64"),
                "per_1k": per_1k,
            },
            columns=COUNTS_COLUMNS,
        )
        return table.sort_values(["group", "term"], kind="stable").reset_index(drop=True)

    def wide(self) -> pd.DataFrame:
        """Dense ``terms x groups`` DataFrame of counts (for small corpora)."""
        return pd.DataFrame(self.matrix.toarray(), index=pd.Index(self.terms, name="term"),
                            columns=pd.Index(self.groups, name=self.by))


def _analyzer_for(lang: str, options: Mapping) -> Analyzer:
    return Analyzer(lang=lang, **options)


def count_partition(
    docs: pd.DataFrame,
    *,
    by: str = "source",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
) -> TermCounts:
    """Count the terms of one batch of documents per group (the map step).

    Parameters
    ----------
    docs : pandas.DataFrame
        Docs table (or a batch of one) with ``text``, ``lang`` and the ``by`` column.
    by : str, default "source"
    stopwords, stem, ngram_range
        Analyzer options, as in :func:`analysis.terms`.

    Returns
    -------
    TermCounts
    """
    options = {"stopwords": stopwords, "stem": stem, "ngram_range": ngram_range}
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    group_values = docs[by].astype(str).to_numpy()
    groups = tuple(sorted(set(group_values)))
    g_index = {g: k for k, g in enumerate(groups)}
    parts = []
    for lang in sorted({check_lang(v, argument=f"lang in docs") for v in langs}):
        mask = np.asarray([check_lang(v) == lang for v in langs])
        vectorizer = CountVectorizer(analyzer=_analyzer_for(lang, options), dtype=np.int64)
        texts = docs["text"].to_numpy()[mask]
        try:
            x = vectorizer.fit_transform(texts)
        except ValueError:  # every document empty: no vocabulary
            continue
        rows = np.asarray([g_index[g] for g in group_values[mask]])
        indicator = sp.csr_array(
            (np.ones(len(rows), dtype=np.int64), (rows, np.arange(len(rows)))),
            shape=(len(groups), len(rows)),
        )
        parts.append((vectorizer.get_feature_names_out(), (indicator @ x).T.tocsr()))
    n_docs = np.bincount([g_index[g] for g in group_values], minlength=len(groups))
    return _combine(parts, groups, n_docs=n_docs, by=by)


def _combine(parts, groups, *, n_docs, by) -> TermCounts:
    """Sum (vocabulary, terms x groups matrix) parts into one TermCounts."""
    if parts:
        vocab = np.unique(np.concatenate([np.asarray(v, dtype=object) for v, _ in parts]))
    else:
        vocab = np.asarray([], dtype=object)
    position = {t: k for k, t in enumerate(vocab)}
    matrix = sp.csr_array((len(vocab), len(groups)), dtype=np.int64)
    for terms_, m in parts:
        remap = np.asarray([position[t] for t in terms_], dtype=np.int64)
        coo = m.tocoo()
        matrix = matrix + sp.csr_array(
            (coo.data.astype(np.int64), (remap[coo.row], coo.col)),
            shape=(len(vocab), len(groups)),
        )
    totals = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    return TermCounts(terms=vocab.astype(str) if len(vocab) else np.asarray([], dtype=str),
                      groups=tuple(groups), matrix=matrix.tocsr(), totals=totals,
                      n_docs=np.asarray(n_docs, dtype=np.int64), by=by)


def merge_counts(parts: Iterable[TermCounts]) -> TermCounts:
    """Add partial counts (the reduce step); groups and vocabularies are unioned.

    Parameters
    ----------
    parts : iterable of TermCounts
        Results of :func:`count_partition`, all with the same ``by``.

    Returns
    -------
    TermCounts
    """
    parts = list(parts)
    if not parts:
        raise ValueError("merge_counts needs at least one TermCounts")
    bys = {p.by for p in parts}
    if len(bys) > 1:
        raise ValueError(f"cannot merge counts grouped by different columns: {sorted(bys)}")
    groups = tuple(sorted({g for p in parts for g in p.groups}))
    g_index = {g: k for k, g in enumerate(groups)}
    expanded = []
    n_docs = np.zeros(len(groups), dtype=np.int64)
    for p in parts:
        cols = np.asarray([g_index[g] for g in p.groups], dtype=np.int64)
        coo = p.matrix.tocoo()
        expanded.append((p.terms, sp.csr_array((coo.data, (coo.row, cols[coo.col])),
                                               shape=(len(p.terms), len(groups)))))
        n_docs[cols] += p.n_docs
    return _combine(expanded, groups, n_docs=n_docs, by=parts[0].by)


def _prune(counts: TermCounts, min_count: int) -> TermCounts:
    if min_count <= 1:
        return counts
    keep = np.asarray(counts.matrix.sum(axis=1)).ravel() >= min_count
    return TermCounts(terms=counts.terms[keep], groups=counts.groups,
                      matrix=counts.matrix[keep], totals=counts.totals,
                      n_docs=counts.n_docs, by=counts.by)


def term_counts(
    docs: pd.DataFrame | Iterable[pd.DataFrame],
    *,
    by: str = "source",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 1,
) -> TermCounts:
    """Count terms per group: terms x groups, sparse inside, with totals.

    Parameters
    ----------
    docs : pandas.DataFrame or iterable of pandas.DataFrame
        The docs table, or batches of it (streamed one at a time).
    by : str, default "source"
        Grouping column: any docs column (``source``, ``doc_id``, ``date``...).
    stopwords, stem, ngram_range
        Analyzer options, as in :func:`analysis.terms`.
    min_count : int, default 1
        Drop terms seen fewer times than this over all groups. Totals (and so
        rates) still count every term.

    Returns
    -------
    TermCounts
        Use ``.to_frame()`` for the tidy ``term, group, n, per_1k`` table,
        ``.column(group)`` for a ``{term: count}`` mapping, ``.wide()`` for a
        dense matrix.

    Raises
    ------
    ValueError
        If the ``by`` or ``text`` column is missing, or ``min_count < 1``.
    """
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"min_count={min_count!r} must be a whole number >= 1")
    batches = [docs] if isinstance(docs, pd.DataFrame) else docs
    parts = []
    for batch in batches:
        missing = [c for c in ("text", by) if c not in batch.columns]
        if missing:
            raise ValueError(f"docs is missing column(s) {missing}; pass the table from "
                             f"load_corpus and a by= column it has")
        if len(batch):
            parts.append(count_partition(batch, by=by, stopwords=stopwords, stem=stem,
                                         ngram_range=ngram_range))
    if not parts:
        raise ValueError("docs has no documents to count")
    return _prune(merge_counts(parts), min_count)
