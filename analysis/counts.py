"""Term counts per group: the table every word-level statistic starts from.

Counting is a map-reduce: :func:`count_partition` turns one batch of documents
into per-group counts of the project's terms (:func:`analysis.terms`, so counts,
TF-IDF and concordances agree on what a term is), and :func:`merge_counts` adds
partial results. :func:`term_counts` runs both over a docs table, an iterable of
docs batches, or a JSONL/Parquet file or folder streamed in batches
(:mod:`analysis.stream`), in this process, in ``n_jobs`` worker processes, or
on a Dask cluster (``client=``, :mod:`analysis.distributed`). Every runner calls
the same per-partition function and integer counts add exactly, so the result
does not depend on how the corpus was cut or where it was counted.

The result, :class:`TermCounts`, keeps a sparse terms x groups matrix inside, the
total number of terms per group (counted before any pruning, so rates stay
honest), and turns into tidy tables on demand. Memory grows with the vocabulary,
not with the corpus: no table with one row per token is ever built. For very
large corpora, ``min_count=`` drops rare terms at the end (totals still count
them).

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
>>> term_counts(docs, n_jobs=2, batch_size=1).column("X") == counts.column("X")
True
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .langs import check_lang
from .stream import Partition, partitions, read_partition
from .tokens import _bound_counts, _bound_terms, _has_unsafe

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


def _empty_terms() -> np.ndarray:
    return np.asarray([], dtype=str)


def _check_columns(docs: pd.DataFrame, by: str, where: str = "docs") -> None:
    missing = [c for c in ("text", by) if c not in docs.columns]
    if missing:
        raise ValueError(f"{where} is missing column(s) {missing}; pass the table from "
                         f"load_corpus and a by= column it has")


def count_partition(
    docs: pd.DataFrame,
    *,
    by: str = "source",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
) -> TermCounts:
    """Count the terms of one batch of documents per group (the map step).

    Every runner (in process, ``n_jobs`` workers, Dask) calls this function on
    each batch, so all of them give the same counts.

    Parameters
    ----------
    docs : pandas.DataFrame
        Docs table (or a batch of one) with ``text``, the ``by`` column and
        optionally ``lang`` (default ``"it"``).
    by : str, default "source"
    stopwords, stem, ngram_range
        Analyzer options, as in :func:`analysis.terms`.

    Returns
    -------
    TermCounts

    Examples
    --------
    >>> import pandas as pd
    >>> part = count_partition(pd.DataFrame({"source": ["A", "B"],
    ...                                      "text": ["Kim e Lavrov", "l'agenzia di Kim"]}))
    >>> part.terms.tolist(), part.matrix.toarray().tolist()
    (['agenzia', 'kim', 'lavrov'], [[0, 1], [1, 1], [1, 0]])
    """
    _check_columns(docs, by)
    options = {"stopwords": stopwords, "stem": stem, "ngram_range": ngram_range}
    n = len(docs)
    raw_langs = docs["lang"].tolist() if "lang" in docs.columns else ["it"] * n
    group_values = docs[by].astype(str).tolist()
    texts = docs["text"].tolist()
    groups = tuple(sorted(set(group_values)))
    g_index = {g: k for k, g in enumerate(groups)}
    counters = {g: Counter() for g in groups}
    analyzers: dict = {}
    group_counters: dict = {}
    canonical: dict = {}
    fast: dict = {}  # lang -> texts of each group for the group counter
    for text, group, raw in zip(texts, group_values, raw_langs):
        lang = canonical.get(raw)
        if lang is None:
            lang = canonical[raw] = check_lang(raw, argument="lang in docs")
            group_counters[lang] = _bound_counts(lang, **options)
        if group_counters[lang] is not None and isinstance(text, str) \
                and not _has_unsafe(text):
            texts_of, groups_of = fast.setdefault(lang, ([], []))
            texts_of.append(text)
            groups_of.append(g_index[group])
            continue
        analyze = analyzers.get(lang)
        if analyze is None:
            analyze = analyzers[lang] = _bound_terms(lang, **options)
        counters[group].update(analyze(text))
    n_docs = np.bincount([g_index[g] for g in group_values], minlength=len(groups))
    parts = []
    for lang, (lang_texts, lang_groups) in fast.items():
        result = group_counters[lang](lang_texts, lang_groups, len(groups))
        if result is None:  # a chunk the fast path cannot handle: count text by text
            analyze = analyzers.get(lang) or _bound_terms(lang, **options)
            for text, g in zip(lang_texts, lang_groups):
                counters[groups[g]].update(analyze(text))
        else:
            parts.append(result)
    if len(parts) == 1 and not any(counters.values()):
        vocab, matrix = parts[0]
        return _from_matrix(vocab, matrix, groups, n_docs=n_docs, by=by)
    merged = [_from_counters(counters, groups, n_docs=n_docs, by=by)]
    zeros = np.zeros(len(groups), dtype=np.int64)
    merged.extend(_from_matrix(vocab, matrix, groups, n_docs=zeros, by=by)
                  for vocab, matrix in parts)
    return merged[0] if len(merged) == 1 else merge_counts(merged)


def _from_matrix(vocab: list, matrix, groups: tuple, *, n_docs, by: str) -> TermCounts:
    """TermCounts of a sorted vocabulary and its terms x groups int64 CSR matrix."""
    totals = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    terms_ = np.asarray(vocab, dtype=str) if vocab else _empty_terms()
    return TermCounts(terms=terms_, groups=tuple(groups), matrix=matrix, totals=totals,
                      n_docs=np.asarray(n_docs, dtype=np.int64), by=by)


def _from_counters(counters: dict, groups: tuple, *, n_docs, by: str) -> TermCounts:
    vocab = sorted(set().union(*counters.values())) if counters else []
    position = {t: k for k, t in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    data: list[int] = []
    for j, g in enumerate(groups):
        c = counters[g]
        rows.extend(map(position.__getitem__, c.keys()))
        data.extend(c.values())
        cols.extend([j] * len(c))
    matrix = sp.csr_array(
        (np.asarray(data, dtype=np.int64),
         (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=(len(vocab), len(groups)), dtype=np.int64)
    matrix.sort_indices()
    totals = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    terms_ = np.asarray(vocab, dtype=str) if vocab else _empty_terms()
    return TermCounts(terms=terms_, groups=tuple(groups), matrix=matrix, totals=totals,
                      n_docs=np.asarray(n_docs, dtype=np.int64), by=by)


def merge_counts(parts: Iterable[TermCounts]) -> TermCounts:
    """Add partial counts (the reduce step); groups and vocabularies are unioned.

    Parameters
    ----------
    parts : iterable of TermCounts
        Results of :func:`count_partition` (or of earlier merges), all with the
        same ``by``.

    Returns
    -------
    TermCounts
        Counts, totals and document numbers added group by group.

    Examples
    --------
    >>> import pandas as pd
    >>> a = count_partition(pd.DataFrame({"source": ["A"], "text": ["Kim e Lavrov"]}))
    >>> b = count_partition(pd.DataFrame({"source": ["B"], "text": ["Kim parla"]}))
    >>> merge_counts([a, b]).wide().values.tolist()
    [[1, 1], [1, 0], [0, 1]]
    """
    parts = list(parts)
    if not parts:
        raise ValueError("merge_counts needs at least one TermCounts")
    bad = [type(p).__name__ for p in parts if not isinstance(p, TermCounts)]
    if bad:
        raise TypeError(f"merge_counts takes TermCounts, got {bad[0]}")
    bys = {p.by for p in parts}
    if len(bys) > 1:
        raise ValueError(f"cannot merge counts grouped by different columns: {sorted(bys)}")
    groups = tuple(sorted({g for p in parts for g in p.groups}))
    g_index = {g: k for k, g in enumerate(groups)}
    n_docs = np.zeros(len(groups), dtype=np.int64)
    totals = np.zeros(len(groups), dtype=np.int64)
    all_terms = [p.terms.astype(object) for p in parts]
    if sum(len(t) for t in all_terms):
        codes, uniques = pd.factorize(np.concatenate(all_terms))
        order = np.argsort(np.asarray(uniques, dtype=object), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        vocab = np.asarray(uniques, dtype=object)[order]
    else:
        codes, rank, vocab = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    rows, cols, data = [], [], []
    offset = 0
    for p in parts:
        gcols = np.asarray([g_index[g] for g in p.groups], dtype=np.int64)
        coo = p.matrix.tocoo()
        rows.append(rank[codes[offset + coo.row]])
        cols.append(gcols[coo.col])
        data.append(coo.data.astype(np.int64))
        offset += len(p.terms)
        n_docs[gcols] += p.n_docs
        totals[gcols] += p.totals
    if rows:
        matrix = sp.coo_array((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(len(vocab), len(groups))).tocsr()
    else:  # pragma: no cover - parts is never empty here
        matrix = sp.csr_array((len(vocab), len(groups)), dtype=np.int64)
    matrix.sum_duplicates()
    matrix.sort_indices()
    terms_ = np.asarray(vocab, dtype=str) if len(vocab) else _empty_terms()
    return TermCounts(terms=terms_, groups=groups, matrix=matrix.astype(np.int64), totals=totals,
                      n_docs=n_docs, by=parts[0].by)


def _prune(counts: TermCounts, min_count: int) -> TermCounts:
    if min_count <= 1:
        return counts
    keep = np.asarray(counts.matrix.sum(axis=1)).ravel() >= min_count
    return TermCounts(terms=counts.terms[keep], groups=counts.groups,
                      matrix=counts.matrix[keep], totals=counts.totals,
                      n_docs=counts.n_docs, by=counts.by)


def _count_task(task, by: str, options: dict) -> TermCounts | None:
    """Worker function: read a partition if needed, check it, count it."""
    if isinstance(task, Partition):
        columns = ["text", by, "lang"]
        batch = read_partition(task, columns=columns)
        where = task.path
        if not len(batch):
            return None
    else:
        batch, where = task, "docs"
    _check_columns(batch, by, where)
    if not len(batch):
        return None
    return count_partition(batch, by=by, **options)


def _pool_context():
    # The platform's default start method: "fork" on Linux (workers start at once and
    # inherit the warm term cache), "spawn" or "forkserver" elsewhere (a script must
    # then guard its entry point with ``if __name__ == "__main__":``).
    return multiprocessing.get_context()


def _resolve_jobs(n_jobs) -> int:
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"n_jobs={n_jobs!r} must be a whole number: 1 (this process), "
                         "k > 1 worker processes, or -1 for one per core")
    cores = os.cpu_count() or 1
    return int(n_jobs) if n_jobs > 0 else max(1, cores + 1 + int(n_jobs))


_TASKS_PER_WORKER = 2


def _tasks(docs, by: str, batch_size: int, jobs: int):
    """(iterable of tasks, number of documents if known). With several workers, a table
    or file is cut into at least ``_TASKS_PER_WORKER`` tasks per worker, so that all of
    them are busy (few and large tasks: each task has a fixed cost per distinct chunk)."""
    if isinstance(docs, pd.DataFrame):
        _check_columns(docs, by)
        n = len(docs)
        if jobs > 1:
            batch_size = max(1, min(batch_size, -(-n // (_TASKS_PER_WORKER * jobs))))
        return [docs.iloc[k : k + batch_size] for k in range(0, n, batch_size)] or [docs], n
    if isinstance(docs, (str, os.PathLike)):
        parts = partitions(Path(docs), batch_size=batch_size)
        if jobs > 1 and len(parts) < _TASKS_PER_WORKER * jobs:
            smaller = max(1, batch_size * len(parts) // (_TASKS_PER_WORKER * jobs))
            parts = partitions(Path(docs), batch_size=smaller)
        rows = [p.rows for p in parts]
        return parts, (sum(rows) if all(r is not None for r in rows) else None)
    if isinstance(docs, Iterable):
        return docs, None
    raise TypeError(f"docs must be a DataFrame, an iterable of DataFrames or a path to a "
                    f".jsonl/.parquet corpus, not {type(docs).__name__}")


def _show_progress(progress, docs, n_rows) -> bool:
    if progress is None:
        return isinstance(docs, (str, os.PathLike)) or (n_rows or 0) > 100_000
    return bool(progress)


def term_counts(
    docs,
    *,
    by: str = "source",
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 1,
    n_jobs: int | None = 1,
    batch_size: int = 10_000,
    progress: bool | None = None,
    client=None,
) -> TermCounts:
    """Count terms per group: terms x groups, sparse inside, with totals.

    Parameters
    ----------
    docs : DataFrame, iterable of DataFrame, path, or Dask DataFrame
        The docs table; or batches of it (streamed one at a time); or a
        ``.jsonl``/``.ndjson``/``.parquet``/``.csv`` file or a folder of them,
        read in batches (see :mod:`analysis.stream`); or a Dask DataFrame (e.g.
        ``dask.dataframe.read_parquet(...)``), counted partition by partition on
        Dask.
    by : str, default "source"
        Grouping column: any docs column (``source``, ``doc_id``, ``date``...).
    stopwords, stem, ngram_range
        Analyzer options, as in :func:`analysis.terms`.
    min_count : int, default 1
        Drop terms seen fewer times than this over all groups, after counting
        everything (so the result does not depend on the batches). Totals (and
        so rates) still count every term. Use it to bound the vocabulary of a
        large corpus: most of a news archive's distinct terms occur once or twice.
    n_jobs : int, default 1
        Worker processes: 1 counts in this process, ``k > 1`` in ``k`` processes
        (batches are sent to them, or, for a path, read by them), ``-1`` one per
        core. Results are identical for every value.
    batch_size : int, default 10000
        Documents per batch (per task sent to a worker).
    progress : bool, optional
        Show a progress bar (tqdm, on stderr). Default: shown when streaming
        from a path or counting more than 100,000 documents.
    client : dask.distributed.Client, optional
        Count on this Dask cluster instead (see :mod:`analysis.distributed`).

    Returns
    -------
    TermCounts
        Use ``.to_frame()`` for the tidy ``term, group, n, per_1k`` table,
        ``.column(group)`` for a ``{term: count}`` mapping, ``.wide()`` for a
        dense matrix.

    Raises
    ------
    ValueError
        If the ``by`` or ``text`` column is missing, there are no documents,
        or ``min_count``, ``n_jobs`` or ``batch_size`` is not a valid number.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"source": ["A", "B", "A"],
    ...                      "text": ["Kim e Lavrov.", "Kim parla.", "Lavrov parla."]})
    >>> term_counts(docs, min_count=2).wide()  # "e" is a stopword
    source  A  B
    term
    kim     1  1
    lavrov  2  0
    parla   1  1
    """
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"min_count={min_count!r} must be a whole number >= 1")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r} must be a whole number >= 1")
    jobs = _resolve_jobs(n_jobs)
    options = {"stopwords": stopwords, "stem": stem, "ngram_range": ngram_range}
    _bound_terms("it", **options)  # check the analyzer options once, here
    from .distributed import is_dask_collection

    if client is not None or is_dask_collection(docs):
        from .distributed import dask_term_counts

        return dask_term_counts(docs, client=client, by=by, min_count=min_count,
                                batch_size=int(batch_size), **options)
    tasks, n_rows = _tasks(docs, by, int(batch_size), jobs)
    bar = None
    if _show_progress(progress, docs, n_rows):
        from tqdm import tqdm

        bar = tqdm(total=n_rows, unit="doc", desc="counting terms", leave=False)
    pending: list[TermCounts] = []
    merged: TermCounts | None = None

    def collect(part):
        nonlocal merged, pending
        if part is None:
            return
        if bar is not None:
            bar.update(int(part.n_docs.sum()))
        pending.append(part)
        if len(pending) >= 16:
            merged = merge_counts(([merged] if merged is not None else []) + pending)
            pending = []

    try:
        if jobs == 1:
            for task in tasks:
                collect(_count_task(task, by, options))
        else:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context()) as pool:
                running = set()
                for task in tasks:
                    if len(running) >= 2 * jobs:
                        done, running = wait(running, return_when=FIRST_COMPLETED)
                        for fut in done:
                            collect(fut.result())
                    running.add(pool.submit(_count_task, task, by, options))
                for fut in running:
                    collect(fut.result())
    finally:
        if bar is not None:
            bar.close()
    parts = ([merged] if merged is not None else []) + pending
    if not parts:
        raise ValueError("docs has no documents to count")
    return _prune(merge_counts(parts), int(min_count))
