"""Read large JSONL and Parquet corpora in batches, in bounded memory.

A news-archive export can hold millions of articles, more than fits in memory
as one docs table (and far more than a one-row-per-token table). This module
cuts such a file into **partitions** (byte ranges of a JSONL file, row groups of
a Parquet file) that can be read independently, in any order, by this process
or by a worker process, and reads each into a small docs DataFrame with only
the columns a stage needs. :func:`read_batches` yields the batches in file
order; :func:`analysis.term_counts` accepts the path directly.

* **JSONL** (``.jsonl``, ``.ndjson``): one JSON object per line. A partition is
  a byte range; it holds every line that *starts* inside the range, so ranges
  cut anywhere and still give every line exactly once.
* **Parquet** (``.parquet``): a partition is a run of row groups.
* **CSV** (``.csv``) is read in one piece by pandas (no partitions: quoted
  fields may contain line breaks, so a CSV cannot be cut safely by bytes).
* A **folder** holding such files (e.g. a Parquet dataset ``part-*.parquet``)
  is read file by file in sorted order.

Only text is read as text; missing ``lang`` means ``"it"``. Rows are not
stripped or otherwise changed (whitespace never gives a term, so counts are the
same as from :func:`analysis.load_corpus`).

Examples
--------
>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "news.jsonl"
>>> rows = [{"doc_id": str(k), "source": "AB"[k % 2], "text": f"Testo {k}."} for k in range(5)]
>>> _ = path.write_text("".join(json.dumps(r) + "\\n" for r in rows), encoding="utf-8")
>>> [len(b) for b in read_batches(path, batch_size=2, columns=["source", "text"])]
[2, 2, 1]
>>> count_rows(path)
5
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Partition", "partitions", "read_partition", "read_batches", "count_rows",
           "STREAM_SUFFIXES"]

#: File types :func:`partitions` can read.
STREAM_SUFFIXES = (".jsonl", ".ndjson", ".parquet", ".csv")
_SAMPLE_LINES = 200


@dataclass(frozen=True)
class Partition:
    """A piece of a corpus file that can be read on its own (picklable).

    Attributes
    ----------
    path : str
        The file.
    kind : {"jsonl", "parquet", "csv"}
    start, stop : int
        JSONL: byte range ``[start, stop)`` (lines starting inside it); Parquet:
        row groups ``start`` to ``stop - 1``; CSV: ``0, 0`` (the whole file).
    rows : int or None
        Number of rows when known without reading the data (Parquet).
    offset : int
        Parquet: first row to keep within those row groups (a row group larger
        than the batch size is cut into several partitions).
    """

    path: str
    kind: str
    start: int
    stop: int
    rows: int | None = None
    offset: int = 0


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".csv"):
        return suffix[1:]
    raise ValueError(f"{path}: cannot stream a {suffix or 'suffix-less'} file; use .jsonl, "
                     ".ndjson, .parquet or .csv (or a folder of them)")


def _files(path: str | Path) -> list[Path]:
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"corpus path {p} does not exist; pass a .jsonl, .parquet or "
                                ".csv file or a folder of them")
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in
                       STREAM_SUFFIXES and not any(s.startswith(".") for s in f.relative_to(p).parts))
        if not files:
            raise ValueError(f"{p}: no .jsonl, .ndjson, .parquet or .csv files in the folder")
        return files
    _kind(p)
    return [p]


def _bytes_per_row(path: Path) -> float:
    with open(path, "rb") as fh:
        sizes = [len(line) for _, line in zip(range(_SAMPLE_LINES), fh)]
    return max(1.0, sum(sizes) / len(sizes)) if sizes else 1.0


def partitions(path: str | Path, *, batch_size: int = 10_000) -> list[Partition]:
    """Cut a corpus file (or a folder of files) into independently readable pieces.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.jsonl``/``.ndjson``, ``.parquet`` or ``.csv`` file, or a folder of them.
    batch_size : int, default 10000
        Rows per partition, roughly (JSONL ranges are sized from the average
        length of the first lines; Parquet partitions are whole row groups).

    Returns
    -------
    list of Partition
        In file order.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r} must be a whole number >= 1")
    out: list[Partition] = []
    for f in _files(path):
        kind = _kind(f)
        if kind == "jsonl":
            size = f.stat().st_size
            step = max(1, int(batch_size * _bytes_per_row(f)))
            out.extend(Partition(str(f), kind, a, min(a + step, size))
                       for a in range(0, size, step))
        elif kind == "parquet":
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(f).metadata
            start, rows = 0, 0
            for g in range(meta.num_row_groups):
                group_rows = meta.row_group(g).num_rows
                if group_rows > batch_size and rows == 0:  # cut a large row group
                    out.extend(Partition(str(f), kind, g, g + 1, min(batch_size, group_rows - a), a)
                               for a in range(0, group_rows, batch_size))
                    start = g + 1
                    continue
                rows += group_rows
                if rows >= batch_size or g == meta.num_row_groups - 1:
                    out.append(Partition(str(f), kind, start, g + 1, rows))
                    start, rows = g + 1, 0
        else:
            out.append(Partition(str(f), kind, 0, 0))
    return out


def _jsonl_lines(path: str, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
    """(byte offset, line) of every line that starts in [start, stop)."""
    with open(path, "rb") as fh:
        if start > 0:
            fh.seek(start - 1)
            fh.readline()  # finish the line that byte start - 1 belongs to
        pos = fh.tell()
        while pos < stop:
            line = fh.readline()
            if not line:
                break
            yield pos, line
            pos += len(line)


def read_partition(part: Partition, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read one partition into a DataFrame (one row per document).

    Parameters
    ----------
    part : Partition
        From :func:`partitions`.
    columns : sequence of str, optional
        Keep only these columns (a missing ``lang`` column is simply left out;
        any other missing column is an error naming the file).

    Returns
    -------
    pandas.DataFrame
    """
    cols = list(columns) if columns is not None else None
    if part.kind == "jsonl":
        records = []
        for offset, line in _jsonl_lines(part.path, part.start, part.stop):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as err:
                raise ValueError(f"{part.path}, byte {offset}: not a JSON object ({err}); each "
                                 "line of a .jsonl file must be one JSON object") from None
        frame = pd.DataFrame.from_records(records)
    elif part.kind == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(part.path)
        present = set(pf.schema_arrow.names)
        wanted = None if cols is None else [c for c in cols if c in present]
        table = pf.read_row_groups(list(range(part.start, part.stop)), columns=wanted)
        if part.offset or (part.rows is not None and part.rows < table.num_rows):
            table = table.slice(part.offset, part.rows)
        frame = table.to_pandas()
    else:
        frame = pd.read_csv(part.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if cols is not None:
        missing = [c for c in cols if c not in frame.columns and c != "lang"]
        if missing and len(frame):
            raise ValueError(f"{part.path}: no column(s) {missing} (found {list(frame.columns)}); "
                             "rename them or choose other columns")
        frame = frame.reindex(columns=[c for c in cols if c in frame.columns or
                                       (not len(frame) and c != "lang")])
    if "text" in frame.columns:
        frame["text"] = frame["text"].fillna("").astype(str)
    return frame.reset_index(drop=True)


def read_batches(path: str | Path, *, batch_size: int = 10_000,
                 columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
    """Yield a large corpus file as docs batches, in file order.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.jsonl``/``.ndjson``, ``.parquet`` or ``.csv`` file, or a folder of them.
    batch_size : int, default 10000
        Rows per batch (JSONL batches are exactly this size except the last).
    columns : sequence of str, optional
        Columns to keep (see :func:`read_partition`).

    Yields
    ------
    pandas.DataFrame
    """
    pending: list[pd.DataFrame] = []
    n_pending = 0
    for part in partitions(path, batch_size=batch_size):
        frame = read_partition(part, columns=columns)
        pending.append(frame)
        n_pending += len(frame)
        while n_pending >= batch_size:
            whole = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
            yield whole.iloc[:batch_size].reset_index(drop=True)
            rest = whole.iloc[batch_size:].reset_index(drop=True)
            pending, n_pending = ([rest], len(rest)) if len(rest) else ([], 0)
    if n_pending:
        yield pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]


def count_rows(path: str | Path) -> int:
    """Number of documents in a corpus file (Parquet from metadata, JSONL by lines).

    Examples
    --------
    See the module docstring.
    """
    total = 0
    for f in _files(path):
        kind = _kind(f)
        if kind == "parquet":
            import pyarrow.parquet as pq

            total += pq.ParquetFile(f).metadata.num_rows
        elif kind == "jsonl":
            with open(f, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            total += len(pd.read_csv(f, dtype=str, keep_default_na=False, usecols=[0]))
    return total
