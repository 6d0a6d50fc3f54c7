"""Generate a synthetic Italian news corpus for benchmarks, with a fixed seed.

The corpus imitates an archive export of several outlets: a Zipfian vocabulary
drawn from the Italian word list bundled with the pinned ``wordfreq`` package
(the top 100,000 forms of its ``large`` list, sampled in proportion to their
frequency), sentences of 8-35 words with a capital initial, commas and a final
mark, capitalised names of people, places and institutions, elisions written
with both ``'`` and ``’`` (``dell’agenzia``, ``l'incontro``), quotations in
« », “ ” and " " followed by a reporting clause, numbers such as ``6.000``,
``3,5``, ``10.30`` and ``20%``, and paragraphs. Each outlet prefers its own
slice of the vocabulary (2% of the content words four times as likely), its
own quotation marks and its own apostrophe, so that keyness has something to
find.

Articles are made in shards of 10,000 from ``numpy.random.default_rng([seed,
shard])``, so a corpus of ``n`` articles is always the first ``n`` of a larger
one and the output does not depend on the number of worker processes.

Usage (from the project root)::

    .venv/bin/python -m benchmarks.generate --sizes 1k 10k 100k 1M --format jsonl parquet

writes ``build/bench/news-1k.jsonl``, ``build/bench/news-1k.parquet`` and so on
(``build/`` is ignored by git; never commit generated data).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "build" / "bench"
SEED = 20250712
SHARD = 10_000
VOCAB_SIZE = 100_000

#: Outlets: (name, share of articles, quote marks, probability of the typographic apostrophe).
OUTLETS = [
    ("Gazzetta del Nord", 0.30, ("«", "»"), 0.9),
    ("Cronaca Adriatica", 0.25, ("“", "”"), 0.6),
    ("Il Quotidiano Sud", 0.20, ('"', '"'), 0.1),
    ("L'Eco Tirreno", 0.15, ("«", "»"), 0.5),
    ("Notizie Alpine", 0.10, ("“", "”"), 0.0),
]

_FIRST = ["Maria", "Giuseppe", "Anna", "Marco", "Giulia", "Luca", "Francesca", "Paolo",
          "Chiara", "Andrea", "Elena", "Stefano", "Sara", "Roberto", "Laura", "Matteo",
          "Valentina", "Alessandro", "Federica", "Davide", "Sergej", "Olga", "Jean", "Anne"]
_LAST = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
         "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
         "Giordano", "Rizzo", "Lombardi", "Moretti", "Lavrov", "Petrova", "Dupont", "Martin"]
_FAMOUS = ["Kim Jong-un", "Sergej Lavrov", "Choe Son-hui", "Vladimir Putin", "Xi Jinping",
           "Ursula von der Leyen", "António Guterres", "Giorgia Meloni", "Emmanuel Macron",
           "Volodymyr Zelensky", "Marco Rubio", "Kaja Kallas"]
_INSTITUTIONS = ["Nazioni Unite", "Unione Europea", "Ministero degli Esteri", "Cremlino",
                 "Casa Bianca", "Consiglio di Sicurezza", "Banca d’Italia", "Commissione Europea",
                 "Parlamento", "Corte Costituzionale", "Nato", "Istat", "KCNA", "Tass"]
_PLACES = ["Roma", "Milano", "Mosca", "Pyongyang", "Wonsan", "Kiev", "Bruxelles", "Parigi",
           "Washington", "Pechino", "Napoli", "Torino", "Kursk", "Seul"]
_VERBS = ["ha detto", "ha dichiarato", "ha spiegato", "ha aggiunto", "ha affermato",
          "ha sottolineato", "ha ribadito", "ha riferito"]
_ELIDE = {"la": "l'", "lo": "l'", "il": "l'", "una": "un'", "della": "dell'", "dello": "dell'",
          "alla": "all'", "allo": "all'", "nella": "nell'", "nello": "nell'", "dalla": "dall'",
          "dallo": "dall'", "sulla": "sull'", "sullo": "sull'", "quella": "quell'",
          "quello": "quell'", "questa": "quest'", "questo": "quest'", "di": "d'"}
_VOWELS = frozenset("aeiouàèéìòóùh")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[np.ndarray, np.ndarray]:
    """Top Italian word forms and their frequencies (wordfreq, large list)."""
    import regex
    import wordfreq

    keep = regex.compile(r"^\p{Ll}+(?:'\p{Ll}+)?$")
    short_ok = {"a", "e", "i", "o", "è"}
    words, freqs = [], []
    for word, freq in wordfreq.get_frequency_dict("it", wordlist="large").items():
        if (len(word) > 1 or word in short_ok) and keep.match(word):
            words.append(word)
            freqs.append(freq)
            if len(words) == VOCAB_SIZE:
                break
    return np.asarray(words, dtype=object), np.asarray(freqs, dtype=float)


@lru_cache(maxsize=1)
def _outlet_tables() -> list[np.ndarray]:
    """One cumulative distribution per outlet (its preferred words boosted)."""
    words, freqs = _vocabulary()
    rng = np.random.default_rng([SEED, 999_999])
    tables = []
    for _ in OUTLETS:
        p = freqs.copy()
        content = np.arange(300, len(p))  # leave function words alone
        boosted = rng.choice(content, size=len(content) // 50, replace=False)
        p[boosted] *= 4.0
        cdf = np.cumsum(p)
        tables.append(cdf / cdf[-1])
    return tables


def _number(rng: np.random.Generator) -> str:
    kind = rng.integers(6)
    if kind == 0:
        return f"{rng.integers(1, 999)}.000"
    if kind == 1:
        return f"{rng.integers(0, 99)},{rng.integers(1, 9)}"
    if kind == 2:
        return str(rng.integers(1990, 2027))
    if kind == 3:
        return f"{rng.integers(7, 23)}.{rng.integers(0, 60):02d}"
    if kind == 4:
        return f"{rng.integers(1, 99)}%"
    return str(rng.integers(2, 500))


def _name(rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.35:
        return _FAMOUS[rng.integers(len(_FAMOUS))]
    if r < 0.65:
        return f"{_FIRST[rng.integers(len(_FIRST))]} {_LAST[rng.integers(len(_LAST))]}"
    if r < 0.85:
        return _INSTITUTIONS[rng.integers(len(_INSTITUTIONS))]
    return _PLACES[rng.integers(len(_PLACES))]


def _sentence(words: list[str], rng, quote, curly: float) -> str:
    """Turn sampled word forms into one sentence string."""
    out: list[str] = []
    for w in words:
        if out and out[-1] in _ELIDE and len(w) > 2 and w[0] in _VOWELS:
            out[-1] = _ELIDE[out[-1]] + w
        else:
            out.append(w)
    if rng.random() < 0.35:
        out.insert(int(rng.integers(0, len(out))), _name(rng))
    if rng.random() < 0.25:
        out.insert(int(rng.integers(0, len(out))), _number(rng))
    for k in np.flatnonzero(rng.random(len(out)) < 0.06):
        if 0 < k < len(out) - 1:
            out[k] += ","
    text = " ".join(out)
    if curly:
        text = text.replace("'", "’") if rng.random() < curly else text
    text = text[0].upper() + text[1:]
    r = rng.random()
    end = "." if r < 0.9 else "?" if r < 0.95 else "!" if r < 0.97 else "…"
    if rng.random() < 0.12:
        verb = _VERBS[rng.integers(len(_VERBS))]
        return f"{quote[0]}{text.rstrip(',')}{end if end != '.' else ''}{quote[1]}, {verb} {_name(rng)}."
    return text + end


def _article(rng, k: int, outlet: int, cdf: np.ndarray) -> dict:
    words, _ = _vocabulary()
    name, _, quote, curly = OUTLETS[outlet]
    n = int(np.clip(rng.normal(600, 120), 150, 1200))
    drawn = words[np.searchsorted(cdf, rng.random(n), side="right").clip(max=len(words) - 1)]
    lengths = rng.integers(8, 36, size=n // 8 + 2)
    cuts = np.cumsum(lengths)
    cuts = cuts[cuts < n]
    pieces = np.split(drawn, cuts)
    paragraphs, current = [], []
    for piece in pieces:
        if len(piece) == 0:
            continue
        current.append(_sentence(piece.tolist(), rng, quote, curly))
        if len(current) >= 3 and rng.random() < 0.3:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    title_words = drawn[: int(rng.integers(5, 12))].tolist()
    title = " ".join(title_words)
    day = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
    return {"doc_id": f"{k:07d}", "source": name, "date": day.isoformat(),
            "title": title[0].upper() + title[1:], "text": "\n\n".join(paragraphs), "lang": "it"}


def make_shard(shard: int, n: int = SHARD) -> list[dict]:
    """Return the articles of one shard (deterministic for a given shard number)."""
    rng = np.random.default_rng([SEED, shard])
    tables = _outlet_tables()
    shares = np.asarray([o[1] for o in OUTLETS])
    outlets = rng.choice(len(OUTLETS), size=n, p=shares / shares.sum())
    return [_article(rng, shard * SHARD + j, int(o), tables[o]) for j, o in enumerate(outlets)]


def make_corpus(n: int) -> list[dict]:
    """Return the first ``n`` articles in memory (for small sizes and tests)."""
    out: list[dict] = []
    shard = 0
    while len(out) < n:
        out.extend(make_shard(shard, min(SHARD, n - len(out))))
        shard += 1
    return out


def parse_size(text: str) -> int:
    """``"10k"`` -> 10000, ``"1M"`` -> 1000000, ``"2500"`` -> 2500."""
    t = text.strip()
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(t[-1:], 1)
    number = t[:-1] if scale > 1 else t
    try:
        value = int(float(number) * scale)
    except ValueError:
        raise ValueError(f"size {text!r} is not a number like 1k, 10k or 1M") from None
    if value < 1:
        raise ValueError(f"size {text!r} must be at least 1")
    return value


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def _shard_task(args):
    shard, n = args
    return make_shard(shard, n)


def write(sizes: list[int], formats: list[str], out_dir: Path, *, jobs: int = 2,
          progress: bool = True) -> list[Path]:
    """Write corpora of the given sizes (prefixes of one another) to ``out_dir``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    largest = max(sizes)
    tasks = [(s, min(SHARD, largest - s * SHARD)) for s in range((largest + SHARD - 1) // SHARD)]
    jsonl = {n: open(out_dir / f"news-{size_label(n)}.jsonl.tmp", "w", encoding="utf-8")
             for n in sizes if "jsonl" in formats}
    parquet = {}
    schema = pa.schema([(c, pa.string()) for c in ("doc_id", "source", "date", "title", "text", "lang")])
    if "parquet" in formats:
        parquet = {n: pq.ParquetWriter(out_dir / f"news-{size_label(n)}.parquet.tmp", schema)
                   for n in sizes}
    written = 0
    start = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs) as pool:
        for shard_records in pool.imap(_shard_task, tasks):
            for n in sizes:
                take = shard_records[: max(0, n - written)]
                if not take:
                    continue
                if n in jsonl:
                    jsonl[n].write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in take))
                if n in parquet:
                    parquet[n].write_table(pa.Table.from_pylist(take, schema=schema))
            written += len(shard_records)
            if progress:
                rate = written / (time.perf_counter() - start)
                print(f"\r{written:,}/{largest:,} articles ({rate:,.0f}/s)", end="",
                      file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    paths = []
    for n, fh in jsonl.items():
        fh.close()
        final = out_dir / f"news-{size_label(n)}.jsonl"
        Path(fh.name).replace(final)
        paths.append(final)
    for n, writer in parquet.items():
        writer.close()
        final = out_dir / f"news-{size_label(n)}.parquet"
        (out_dir / f"news-{size_label(n)}.parquet.tmp").replace(final)
        paths.append(final)
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "10k"],
                        help="corpus sizes, e.g. 1k 10k 100k 1M (default: 1k 10k)")
    parser.add_argument("--format", nargs="+", default=["jsonl", "parquet"],
                        choices=["jsonl", "parquet"], dest="formats")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default build/bench)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    sizes = sorted({parse_size(s) for s in args.sizes})
    todo = [n for n in sizes if args.force or not all(
        (args.out / f"news-{size_label(n)}.{ext}").exists() for ext in args.formats)]
    if not todo:
        print(f"corpora already in {args.out} (use --force to rewrite)")
        return 0
    for path in write(todo, args.formats, args.out, jobs=args.jobs, progress=not args.no_progress):
        print(f"{path}  {path.stat().st_size / 1e6:,.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
