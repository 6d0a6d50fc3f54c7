"""Counting on Dask: a LocalCluster with 2 worker processes gives the in-process result."""

import pandas as pd
import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

from analysis import term_counts  # noqa: E402
from analysis.counts import merge_counts  # noqa: E402
from analysis.distributed import is_dask_collection, map_reduce  # noqa: E402


def same_counts(a, b):
    return (a.terms.tolist() == b.terms.tolist() and a.groups == b.groups
            and (a.matrix != b.matrix).nnz == 0 and a.totals.tolist() == b.totals.tolist()
            and a.n_docs.tolist() == b.n_docs.tolist() and a.by == b.by)


def corpus(n=120):
    words = ["Kim", "Lavrov", "l'agenzia", "dell’incontro", "6.000", "Mosca", "il", "Il",
             "soldati", "«Basta»,", "J.", "Rossi"]
    return pd.DataFrame({
        "doc_id": [f"{k:03d}" for k in range(n)],
        "source": [["Alfa", "Beta", "Gamma"][k % 3] for k in range(n)],
        "text": [" ".join(words[(k * j + j) % len(words)] for j in range(1, 3 + k % 9)) + "."
                 for k in range(n)],
        "lang": "it",
    })


@pytest.fixture(scope="module")
def client():
    # Worker processes are forked, so they start with the package already imported
    # (spawned workers would import it afresh, which takes seconds on a busy machine).
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, host="127.0.0.1")
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_cluster_counts_equal_in_process_counts(client, tmp_path):
    docs = corpus()
    expected = term_counts(docs)
    assert len(client.scheduler_info()["workers"]) == 2
    # a pandas table, scattered in batches
    assert same_counts(term_counts(docs, client=client, batch_size=17), expected)
    # a Dask DataFrame, partition by partition
    ddf = dd.from_pandas(docs, npartitions=5)
    assert is_dask_collection(ddf)
    assert same_counts(term_counts(ddf, client=client), expected)
    # a Parquet archive read by the workers themselves, and with dask.dataframe
    path = tmp_path / "news.parquet"
    docs.to_parquet(path, row_group_size=10)
    assert same_counts(term_counts(path, client=client, batch_size=20), expected)
    assert same_counts(term_counts(dd.read_parquet(path), client=client), expected)
    # grouping and pruning behave as in process
    assert same_counts(term_counts(ddf, client=client, by="doc_id", min_count=3),
                       term_counts(docs, by="doc_id", min_count=3))


def test_map_reduce_runs_any_tally(client):
    docs = corpus(30)

    def docs_per_source(batch):
        return batch["source"].value_counts()

    tally = map_reduce(docs, docs_per_source, lambda parts: pd.concat(parts).groupby(level=0).sum(),
                       client=client, batch_size=7)
    assert tally.sort_index().to_dict() == {"Alfa": 10, "Beta": 10, "Gamma": 10}


def test_dask_collection_without_client_uses_the_local_scheduler():
    docs = corpus(40)
    ddf = dd.from_pandas(docs, npartitions=3)
    with dask.config.set(scheduler="synchronous"):
        got = term_counts(ddf)
    assert same_counts(got, term_counts(docs))
    halves = merge_counts([term_counts(docs.iloc[:20]), term_counts(docs.iloc[20:])])
    assert same_counts(got, halves)


def test_map_reduce_needs_a_cluster_for_pandas_input():
    with pytest.raises(TypeError, match="client="):
        map_reduce(corpus(3), len, sum)
