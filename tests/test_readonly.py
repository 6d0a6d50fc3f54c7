"""Corpora are only ever read: the seeds and a user's corpus are unchanged.

Two checks, after every public stage of the pipeline has run on the corpus:

* **checksums**: the SHA-256, size and mode of every file, and the list of
  files, are the same before and after (no file changed, none created or
  deleted);
* **how files were opened**: a Python audit hook records every ``open`` of a
  path inside the corpus, and every remove, rename, chmod or mkdir there; an
  open for writing (or any of the others) fails the test even if the bytes
  written happened to be the same.

``tests/conftest.py`` also compares the seeds' checksums over the whole test
session, notebooks included.
"""

import hashlib
import importlib
import importlib.util
import os
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis.paths import SEEDS_DIR

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGING_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                    "os.utime", "os.truncate", "os.link", "os.symlink", "shutil.rmtree",
                    "shutil.move", "shutil.copyfile", "shutil.copytree"}
_TO_DESTINATION = {"shutil.copyfile", "shutil.copytree", "os.link", "os.symlink"}


class _Watch:
    """Paths being watched and what touched them (one audit hook per process)."""

    roots: list[Path] = []
    opened: list[tuple[str, object, object]] = []
    changed: list[tuple[str, tuple]] = []
    installed = False

    @classmethod
    def inside(cls, value) -> bool:
        if isinstance(value, int) or value is None:
            return False
        try:
            path = Path(os.fsdecode(value)).resolve()
        except (TypeError, ValueError, OSError):
            return False
        return any(path.is_relative_to(root) for root in cls.roots)

    @classmethod
    def hook(cls, event, args):
        if not cls.roots:
            return
        if event == "open":
            path, mode, flags = args
            if cls.inside(path):
                cls.opened.append((os.fsdecode(path), mode, flags))
        elif event in _CHANGING_EVENTS:
            # copies and links only change their destination
            targets = args[1:2] if event in _TO_DESTINATION else args
            if any(cls.inside(a) for a in targets if isinstance(a, (str, bytes, os.PathLike))):
                cls.changed.append((event, args))


@pytest.fixture
def watch():
    """Watch folders: yields a function that adds one; reports what was done."""
    if not _Watch.installed:
        sys.addaudithook(_Watch.hook)  # cannot be removed: it is inert when no root is set
        _Watch.installed = True
    _Watch.roots, _Watch.opened, _Watch.changed = [], [], []

    def add(folder: Path) -> Path:
        _Watch.roots.append(Path(folder).resolve())
        return folder

    yield add
    _Watch.roots = []


def writes() -> list:
    """Opens for writing and changing calls recorded inside the watched folders."""
    bad = [(path, mode, flags) for path, mode, flags in _Watch.opened
           if (isinstance(mode, str) and set(mode) & set("wax+"))
           or (isinstance(flags, int) and flags & _WRITE_FLAGS)]
    return bad + _Watch.changed


def digests(folder: Path) -> dict[str, tuple]:
    """Checksum, size and permission bits of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                           p.stat().st_size, p.stat().st_mode)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def user_corpus(root: Path) -> Path:
    """A user's corpus: the seeds under other names, plus the usual mess."""
    folder = root / "corpus"
    (folder / "Corriere").mkdir(parents=True)
    text_a = (SEEDS_DIR / "000_4a01d9418e012f08.txt").read_text("utf-8")
    text_b = (SEEDS_DIR / "001_8ff4fca5f0285b44.txt").read_text("utf-8")
    (folder / "a.txt").write_bytes(text_a.replace("\n", "\r\n").encode("utf-8-sig"))
    (folder / "b.txt").write_bytes(text_b.encode("cp1252", "replace"))
    (folder / "Corriere" / "c.txt").write_text("Kim Jong-un ha ricevuto Lavrov a Wonsan.", "utf-8")
    (folder / "empty.txt").write_text("", "utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "sources.csv").write_text(
        "file,source,lang\na.txt,Unsigned,it\nb.txt,Le Monde,it\nCorriere/c.txt,Corriere,it\n"
        "empty.txt,Corriere,it\n", "utf-8")
    return folder


def table_corpus(root: Path) -> Path:
    docs = analysis.load_corpus()
    path = root / "table" / "corpus.parquet"
    path.parent.mkdir()
    docs[["doc_id", "source", "text", "lang"]].to_parquet(path)
    return path


def stage(name: str):
    """A stage module, or ``None`` while it is not in the tree."""
    if importlib.util.find_spec(f"analysis.{name}") is None:
        return None
    return importlib.import_module(f"analysis.{name}")


def run_every_stage(corpus: Path, out: Path) -> list[str]:
    """Run each public stage that exists on ``corpus``; return the names run."""
    ran = []
    docs = analysis.load_corpus(corpus)
    analysis.load_report(docs)
    if corpus.is_dir():
        for path in sorted(corpus.rglob("*.txt")):
            try:
                analysis.read_text(path)
            except ValueError:
                pass
    analysis.corpus_summary(docs)
    analysis.vocabulary_overlap(docs)
    analysis.tokens_table(docs)
    counts = analysis.term_counts(docs)
    ran += ["load_corpus", "load_report", "read_text", "corpus_summary", "vocabulary_overlap",
            "tokens_table", "term_counts"]
    groups = sorted(docs["source"].unique())
    if (keyness := stage("keyness")) is not None:
        keyness.keyness(counts, target=groups[0], reference=None)
        ran.append("keyness")
    mentions = None
    if (entities := stage("entities")) is not None:
        mentions = entities.entities(docs)
        entities.entity_frequencies(mentions)
        entities.entity_salience(mentions, docs)
        entities.cooccurrence(mentions)
        ran.append("entities")
    if (quotes := stage("quotes")) is not None:
        quotes.voices(quotes.quotes(docs, mentions=mentions))
        ran.append("quotes")
    if (align := stage("align")) is not None:
        pairs = align.align_all(docs)
        align.unique_content(pairs)
        align.content_summary(pairs)
        ran.append("align")
    if (numbers := stage("numbers")) is not None:
        numbers.numbers_side_by_side(numbers.numbers(docs))
        ran.append("numbers")
    if (frames := stage("frames")) is not None:
        frames.frame_scores(docs)
        frames.frame_evidence(docs)
        ran.append("frames")
    if (concordance := stage("concordance")) is not None:
        concordance.kwic(docs, "Lavrov")
        concordance.collocations(docs)
        ran.append("concordance")
    if (stream := stage("stream")) is not None and corpus.is_file():
        for part in stream.partitions(corpus):
            stream.read_partition(part)
        ran.append("stream")
    if (report := stage("report")) is not None:
        # the cheapest section: the point is that the corpus is opened read-only
        report.build_report(corpus, out, progress=False, sections=["overview"])
        ran.append("report")
    return ran


@pytest.fixture
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_the_audit_hook_sees_writes(tmp_path, watch):
    folder = watch(tmp_path / "watched")
    folder.mkdir()
    (folder / "a.txt").write_text("x", "utf-8")
    (folder / "a.txt").read_text("utf-8")
    os.remove(folder / "a.txt")
    found = writes()
    assert [entry[0] for entry in found] == [str(folder / "a.txt"), "os.mkdir", "os.remove"]


def test_the_seeds_are_opened_read_only_and_unchanged(tmp_path, watch, quiet):
    before = digests(SEEDS_DIR)
    watch(SEEDS_DIR)
    ran = run_every_stage(SEEDS_DIR, tmp_path / "report")
    assert _Watch.opened, "the hook saw no file opened: the test would prove nothing"
    assert writes() == []
    assert digests(SEEDS_DIR) == before
    assert {"load_corpus", "term_counts"} <= set(ran)


def test_a_user_corpus_folder_is_opened_read_only_and_unchanged(tmp_path, watch, quiet):
    corpus = user_corpus(tmp_path)
    before = digests(corpus)
    watch(corpus)
    run_every_stage(corpus, tmp_path / "report")
    assert {Path(p).name for p, _, _ in _Watch.opened} >= {"a.txt", "b.txt", "c.txt",
                                                          "sources.csv"}
    assert writes() == []
    assert digests(corpus) == before


def test_a_user_table_corpus_is_opened_read_only_and_unchanged(tmp_path, watch, quiet):
    path = table_corpus(tmp_path)
    before = digests(path.parent)
    watch(path.parent)
    run_every_stage(path, tmp_path / "report")
    assert writes() == []
    assert digests(path.parent) == before


def test_loading_leaves_no_trace_in_the_corpus_folder(tmp_path, watch, quiet):
    # no cache, lock or index file appears beside the documents
    corpus = user_corpus(tmp_path)
    names = sorted(p.name for p in corpus.rglob("*"))
    watch(corpus)
    docs = analysis.load_corpus(corpus)
    assert sorted(p.name for p in corpus.rglob("*")) == names
    assert isinstance(docs, pd.DataFrame) and writes() == []
