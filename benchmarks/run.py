"""Time each stage on the synthetic corpora, side by side, as medians of several runs.

Every measurement runs in a fresh Python process, so its peak resident memory
(``ru_maxrss``, plus the largest worker process for parallel stages) belongs to
that stage alone, and the stages are interleaved run by run (run 1 of every
stage, then run 2...), so that a burst of load from other processes on the
machine hits all of them alike. Reported: the median wall time, MB/s of UTF-8
text, articles/s, the median peak RSS, and each time as a ratio to
scikit-learn's default ``CountVectorizer`` on the same texts.

Usage (from the project root, after ``python -m benchmarks.generate``)::

    .venv/bin/python -m benchmarks.run --size 10k --repeat 3
    .venv/bin/python -m benchmarks.run --size 1M --stages counts-stream-2 --repeat 1

Stages whose module does not exist yet are skipped and listed as missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("BENCH_DIR", ROOT / "build" / "bench"))
#: Articles given to the entity and quote finders (their cost is per character, so
#: MB/s on a slice is the rate on the whole corpus).
EXTRACTION_DOCS = 1_000
#: Articles (after the first EXTRACTION_DOCS) that the "-warm" stages see before the clock.
WARM_DOCS = 300

#: name -> (description, module it needs or None)
STAGES = {
    "load": ("load_corpus(path) of the JSONL file", None),
    "load-stream": ("analysis.stream.read_batches of the Parquet file", None),
    "split": ("baseline: str.split() of every text", None),
    "regex-counter": ("baseline: re.findall(r'\\w+') + Counter", None),
    "countvectorizer": ("reference: sklearn CountVectorizer() default, fit_transform", None),
    "counts-1": ("term_counts(docs, by='source'), full Italian terms, 1 process", None),
    "counts-2": ("term_counts(docs, by='source', n_jobs=2)", None),
    "counts-stream-2": ("term_counts(parquet path, n_jobs=2, min_count=2), reading included", None),
    "tfidf": ("tfidf(docs, by='source')", "analysis.tfidf"),
    "keyness": ("keyness(counts, target=first source), counts given", "analysis.keyness"),
    "keyness-500k": ("keyness of two synthetic 500,000-term count tables", "analysis.keyness"),
    "entities": (f"entities(docs) on the first {EXTRACTION_DOCS:,} articles", "analysis.entities"),
    "quotes": (f"quotes(docs) on the first {EXTRACTION_DOCS:,} articles", "analysis.quotes"),
    "entities-warm": (f"entities as above, after a first call on {WARM_DOCS} other articles "
                      "(resources loaded, caches filled: the rate inside a long run)",
                      "analysis.entities"),
    "quotes-warm": (f"quotes as above, after a first call on {WARM_DOCS} other articles",
                    "analysis.quotes"),
}
DEFAULT_STAGES = ["load", "load-stream", "split", "regex-counter", "countvectorizer", "counts-1",
                  "counts-2", "counts-stream-2", "tfidf", "keyness", "keyness-500k", "entities",
                  "entities-warm", "quotes", "quotes-warm"]


def _available(module: str | None) -> bool:
    if module is None:
        return True
    sys.path.insert(0, str(ROOT))
    try:
        return importlib.util.find_spec(module) is not None
    finally:
        sys.path.pop(0)


def _read_docs(size: str):
    import pandas as pd

    from analysis.stream import read_batches

    path = BENCH_DIR / f"news-{size}.parquet"
    return pd.concat(read_batches(path, batch_size=50_000,
                                  columns=["doc_id", "source", "text", "lang"]),
                     ignore_index=True)


def _text_bytes(texts) -> int:
    return sum(len(t.encode("utf-8")) for t in texts)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _child(stage: str, size: str) -> dict:
    """Run one stage once in this process; return its measurements."""
    sys.path.insert(0, str(ROOT))
    import re
    from collections import Counter

    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    import analysis  # noqa: F401  (import time is not part of any stage)
    import pyarrow.compute  # noqa: F401  (imported lazily by the counting fast path)
    from analysis import load_corpus, term_counts
    from analysis.stream import count_rows

    needs = STAGES[stage][1]
    if needs:
        importlib.import_module(needs)
    docs = None
    if stage not in ("load", "load-stream", "counts-stream-2", "keyness-500k"):
        docs = _read_docs(size)
        if stage in ("entities", "quotes", "entities-warm", "quotes-warm"):
            warm = docs.iloc[EXTRACTION_DOCS : EXTRACTION_DOCS + WARM_DOCS].reset_index(drop=True)
            docs = docs.iloc[:EXTRACTION_DOCS].reset_index(drop=True)
    prepared = None
    if stage == "entities-warm":
        from analysis.entities import entities

        entities(warm)
    if stage == "quotes-warm":
        from analysis.quotes import quotes

        quotes(warm)
    if stage == "keyness":
        prepared = term_counts(docs, progress=False)
    if stage == "keyness-500k":
        rng = np.random.default_rng(7)
        terms = [f"t{k:06d}" for k in range(500_000)]
        a = rng.zipf(1.3, size=500_000).clip(max=10**6)
        b = rng.zipf(1.3, size=500_000).clip(max=10**6)
        prepared = (dict(zip(terms, a.tolist())), dict(zip(terms, b.tolist())))
    n_docs = len(docs) if docs is not None else 0
    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    n_bytes = _text_bytes(docs["text"]) if docs is not None else 0
    if stage == "load":
        loaded = load_corpus(BENCH_DIR / f"news-{size}.jsonl")
        elapsed = time.perf_counter() - start
        n_docs, n_bytes = len(loaded), _text_bytes(loaded["text"])
    elif stage == "load-stream":
        loaded = _read_docs(size)
        elapsed = time.perf_counter() - start
        n_docs, n_bytes = len(loaded), _text_bytes(loaded["text"])
    elif stage == "split":
        for t in docs["text"]:
            t.split()
        elapsed = time.perf_counter() - start
    elif stage == "regex-counter":
        pattern = re.compile(r"\w+")
        counter = Counter()
        for t in docs["text"]:
            counter.update(pattern.findall(t))
        elapsed = time.perf_counter() - start
    elif stage == "countvectorizer":
        CountVectorizer().fit_transform(docs["text"])
        elapsed = time.perf_counter() - start
    elif stage in ("counts-1", "counts-2"):
        term_counts(docs, n_jobs=1 if stage == "counts-1" else 2, progress=False)
        elapsed = time.perf_counter() - start
    elif stage == "counts-stream-2":
        path = BENCH_DIR / f"news-{size}.parquet"
        counts = term_counts(path, n_jobs=2, min_count=2, progress=False)
        elapsed = time.perf_counter() - start
        n_docs = int(counts.n_docs.sum())
        n_bytes = int(os.environ.get("BENCH_BYTES", "0")) or path.stat().st_size
        assert n_docs == count_rows(path)
    elif stage == "tfidf":
        from analysis.tfidf import tfidf

        tfidf(docs, by="source", warn=False)
        elapsed = time.perf_counter() - start
    elif stage == "keyness":
        from analysis.keyness import keyness

        keyness(prepared, target=prepared.groups[0], small_corpus_warning=False)
        elapsed = time.perf_counter() - start
    elif stage == "keyness-500k":
        from analysis.keyness import keyness

        keyness(*prepared, small_corpus_warning=False)
        elapsed = time.perf_counter() - start
    elif stage in ("entities", "entities-warm"):
        from analysis.entities import entities

        entities(docs)
        elapsed = time.perf_counter() - start
    elif stage in ("quotes", "quotes-warm"):
        from analysis.quotes import quotes

        quotes(docs)
        elapsed = time.perf_counter() - start
    else:
        raise ValueError(f"unknown stage {stage!r}; choose from {', '.join(STAGES)}")
    cpu = _cpu_seconds() - cpu_start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"stage": stage, "seconds": elapsed, "cpu_seconds": cpu, "n_docs": n_docs,
            "n_bytes": n_bytes,
            "rss_mb": self_kb / 1024, "worker_rss_mb": child_kb / 1024}


def _measure(stage: str, size: str, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.run", "--child", stage, "--size", size]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    if proc.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _machine() -> dict:
    import numpy
    import pandas
    import sklearn

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "numpy": numpy.__version__, "pandas": pandas.__version__,
            "scikit-learn": sklearn.__version__, "load_average": os.getloadavg()}


def _table(results: dict, size: str, repeat: int) -> str:
    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    cv = results.get("countvectorizer")
    cv_s = med(cv, "seconds") if cv else None
    cv_cpu = med(cv, "cpu_seconds") if cv else None
    lines = [f"| stage ({size}, median of {repeat}) | wall s | CPU s | MB/s | MB per CPU s | "
             "articles/s | peak RSS MB (largest worker) | wall / CV | CPU / CV |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for stage, runs in results.items():
        s, cpu = med(runs, "seconds"), med(runs, "cpu_seconds")
        mb = runs[0]["n_bytes"] / 1e6
        docs = runs[0]["n_docs"]
        rss, wrss = med(runs, "rss_mb"), med(runs, "worker_rss_mb")
        comparable = cv_s and stage != "keyness-500k" and docs == cv[0]["n_docs"]
        ratio = f"{s / cv_s:.2f}" if comparable else ""
        cpu_ratio = f"{cpu / cv_cpu:.2f}" if comparable else ""
        rate = f"{mb / s:,.1f}" if mb else ""
        cpu_rate = f"{mb / cpu:,.1f}" if mb and cpu else ""
        arts = f"{docs / s:,.0f}" if docs else ""
        workers = f" ({wrss:,.0f})" if wrss > 1 else ""
        lines.append(f"| {stage} | {s:,.2f} | {cpu:,.2f} | {rate} | {cpu_rate} | {arts} "
                     f"| {rss:,.0f}{workers} "
                     f"| {ratio} | {cpu_ratio} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="corpus size label: 1k, 10k, 100k, 1M")
    parser.add_argument("--stages", nargs="+", default=DEFAULT_STAGES, choices=list(STAGES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage (median)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
    parser.add_argument("--table", type=Path, default=None,
                        help="print the table of a saved results file and exit")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.table:
        saved = json.loads(args.table.read_text())
        print(_table(saved["results"], saved["size"], saved["repeat"]))
        return 0
    if args.child:
        print(json.dumps(_child(args.child, args.size)))
        return 0
    for ext in ("jsonl", "parquet"):
        if not (BENCH_DIR / f"news-{args.size}.{ext}").exists():
            print(f"missing {BENCH_DIR / f'news-{args.size}.{ext}'}; run: .venv/bin/python -m "
                  f"benchmarks.generate --sizes {args.size}", file=sys.stderr)
            return 1
    stages = [s for s in args.stages if _available(STAGES[s][1])]
    missing = [s for s in args.stages if s not in stages]
    results: dict[str, list] = {s: [] for s in stages}
    for rep in range(args.repeat):
        for stage in stages:
            r = _measure(stage, args.size, args.timeout)
            results[stage].append(r)
            print(f"run {rep + 1}/{args.repeat} {stage:16s} {r['seconds']:8.2f} s "
                  f"{r['cpu_seconds']:8.2f} s CPU "
                  f"{r['rss_mb']:7.0f} MB", file=sys.stderr, flush=True)
    machine = _machine()
    out = args.out or BENCH_DIR / f"results-{args.size}.json"
    out.write_text(json.dumps({"size": args.size, "repeat": args.repeat, "machine": machine,
                               "missing": missing, "results": results}, indent=2))
    print(f"machine: {machine}")
    if missing:
        print(f"missing stages (module not found): {', '.join(missing)}")
    print(_table(results, args.size, args.repeat))
    print(f"\nresults written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
