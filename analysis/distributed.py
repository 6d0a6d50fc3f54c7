"""Run the counting stage on a Dask cluster, as a plain map-reduce.

Dask is an optional extra (``pip install .[dask]``). Nothing here is imported
until a Dask client or collection is passed, so the rest of the package works
without it.

The map step is exactly the per-partition function the in-process runner uses
(:func:`analysis.counts.count_partition`) and the reduce step is
:func:`analysis.counts.merge_counts` applied as a tree (``split_every`` partial
results at a time). Integer counts add exactly and the vocabulary is sorted, so
the result equals the in-process one, whatever the partitioning.

Inputs:

* a **Dask DataFrame** (``dask.dataframe.read_parquet("archive/*.parquet")``):
  each partition is counted where it lives; with no ``client`` the current Dask
  scheduler is used;
* with a ``client``: a pandas docs table or an iterable of batches (scattered to
  the workers), or a path to a JSONL/Parquet corpus, whose partitions
  (:func:`analysis.stream.partitions`) are read by the workers themselves, so
  the path must be visible to every worker (a shared file system).

To use a real cluster, connect a client to its scheduler and pass it::

    from dask.distributed import Client
    client = Client("tcp://scheduler.example.org:8786")
    counts = term_counts("/shared/archive.parquet", client=client)

:func:`map_reduce` is the generic runner behind it, for any other per-partition
tally (e.g. quotes per source): a function from a docs batch to a partial result,
and a function that adds a list of partial results. Entity mentions depend on
evidence pooled over the whole corpus, so per-partition entity tallies do not add
up; ``entities(docs, client=...)`` runs its exact two-pass map-reduce instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import partial

import pandas as pd

__all__ = ["is_dask_collection", "map_reduce", "dask_term_counts"]


def is_dask_collection(obj) -> bool:
    """True for a Dask collection (DataFrame, Bag...), without importing Dask.

    Examples
    --------
    >>> is_dask_collection([1, 2])
    False
    """
    if "dask" not in sys.modules:
        return False
    import dask

    return dask.is_dask_collection(obj)


def _as_frame(part):
    if isinstance(part, pd.DataFrame):
        return part
    return pd.DataFrame.from_records(list(part))


def _call_on_frame(part, func, kwargs):
    return func(_as_frame(part), **kwargs)


def _partitions_of(docs, client, batch_size: int) -> list:
    """Delayed partitions (Dask collection) or plain tasks for the client."""
    if is_dask_collection(docs):
        return list(docs.to_delayed())
    if isinstance(docs, pd.DataFrame):
        return [docs.iloc[k : k + batch_size] for k in range(0, len(docs), batch_size)] or [docs]
    if isinstance(docs, (str, os.PathLike)):
        from .stream import partitions

        return list(partitions(docs, batch_size=batch_size))
    if isinstance(docs, Iterable):
        return list(docs)
    raise TypeError(f"docs must be a Dask collection, a DataFrame, an iterable of DataFrames or "
                    f"a corpus path, not {type(docs).__name__}")


def map_reduce(docs, map_func: Callable, reduce_func: Callable, *, client=None,
               batch_size: int = 10_000, split_every: int = 8, **kwargs):
    """Apply ``map_func`` to every partition on Dask and combine with ``reduce_func``.

    Parameters
    ----------
    docs : Dask collection, DataFrame, iterable of DataFrame, or path
        See the module docstring. Without ``client`` it must be a Dask collection.
    map_func : callable
        ``map_func(batch, **kwargs) -> partial`` for a pandas batch (a path's
        partitions are passed as :class:`analysis.stream.Partition`).
    reduce_func : callable
        ``reduce_func(list_of_partials) -> partial``; must be associative.
    client : dask.distributed.Client, optional
        The cluster to run on (``Client("tcp://host:8786")``).
    batch_size : int, default 10000
        Rows per task when ``docs`` is not already partitioned.
    split_every : int, default 8
        Partial results combined per reduce task.
    **kwargs
        Passed to ``map_func``.

    Returns
    -------
    The reduced result.
    """
    import dask

    if client is None and not is_dask_collection(docs):
        raise TypeError("map_reduce needs a Dask collection or client=; pass "
                        "client=dask.distributed.Client(...) to count a pandas table on Dask")
    if split_every < 2:
        raise ValueError(f"split_every={split_every!r} must be at least 2")
    parts = _partitions_of(docs, client, batch_size)
    if not parts:
        raise ValueError("docs has no partitions to process")
    if client is not None and not is_dask_collection(docs):
        if isinstance(docs, (str, os.PathLike)):  # the workers read the partitions
            level = client.map(partial(map_func, **kwargs), parts, pure=False)
        else:
            level = client.map(partial(_call_on_frame, func=map_func, kwargs=kwargs),
                               client.scatter(parts), pure=False)
        while len(level) > 1:
            level = [client.submit(reduce_func, level[k : k + split_every], pure=False)
                     for k in range(0, len(level), split_every)]
        return level[0].result()
    mapped = [dask.delayed(_call_on_frame)(p, map_func, kwargs) for p in parts]
    while len(mapped) > 1:
        mapped = [dask.delayed(reduce_func)(mapped[k : k + split_every])
                  for k in range(0, len(mapped), split_every)]
    final = mapped[0]
    if client is not None:
        return client.compute(final).result()
    return final.compute()


def _merge_present(parts):
    from .counts import merge_counts

    present = [p for p in parts if p is not None]
    return merge_counts(present) if present else None


def dask_term_counts(docs, *, client=None, by: str = "source", stopwords=True, stem=False,
                     ngram_range=(1, 1), min_count: int = 1, batch_size: int = 10_000):
    """:func:`analysis.term_counts` on Dask (called by it for ``client=`` or a Dask input).

    Parameters are those of :func:`analysis.term_counts`.

    Returns
    -------
    TermCounts
        Equal to the in-process result.
    """
    from .counts import _count_task, _prune

    options = {"stopwords": stopwords, "stem": stem, "ngram_range": ngram_range}
    result = map_reduce(docs, _count_task, _merge_present, client=client,
                        batch_size=batch_size, by=by, options=options)
    if result is None:
        raise ValueError("docs has no documents to count")
    return _prune(result, int(min_count))
