"""The report: builds on the seeds and on tiny corpora, is self-contained and safe.

One report on the seeds is built once per module (a few seconds) and inspected by
many tests; the command-line tests run ``main()`` in-process, plus one real
subprocess to prove that a user error prints no traceback.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from analysis import report as report_module  # noqa: E402
from analysis.__main__ import build_parser, main  # noqa: E402
from analysis.paths import PROJECT_ROOT, SEEDS_DIR  # noqa: E402
from analysis.report import REPORT_SECTIONS, ReportError, build_report  # noqa: E402

AVAILABLE = {
    key: importlib.util.find_spec(module) is not None for key, _title, module in REPORT_SECTIONS
}


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds") / "report"
    path = build_report(SEEDS_DIR, out, progress=False)
    return out, path.read_text(encoding="utf-8")


def write_corpus(folder: Path, files: dict[str, str], metadata: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if metadata is not None:
        (folder / "sources.csv").write_text(metadata, encoding="utf-8")
    return folder


HOSTILE = {
    "a.txt": "Titolo <script>alert('a')</script>\n\n"
             "Il ministro <script>alert(1)</script> ha incontrato Kim a Wonsan. "
             "Lavrov ha parlato di cooperazione & amicizia.\n",
    "b.txt": "Kim ha ricevuto Lavrov a Wonsan. Il ministro ha lodato l'alleanza "
             "<img src=x onerror=alert(2)>. Mosca e Pyongyang firmano.\n",
}
HOSTILE_META = "file,source\na.txt,Fonte <b>A</b>\nb.txt,Fonte B & C\n"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    corpus = write_corpus(base / "corpus", HOSTILE, HOSTILE_META)
    path = build_report(corpus, base / "out", progress=False)
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# The report on the seeds
# ---------------------------------------------------------------------------


def test_report_folder_layout(seeds_report):
    out, _ = seeds_report
    assert sorted(p.name for p in out.iterdir()) == ["figures", "report.html", "tables"]
    figures = sorted(p.name for p in (out / "figures").iterdir())
    stems = sorted({Path(name).stem for name in figures})
    # every figure has its PNG, SVG and the CSV table it draws
    assert figures == sorted(f"{s}.{ext}" for s in stems for ext in ("csv", "png", "svg"))
    assert {"document_lengths", "vocabulary_overlap"} <= set(stems)
    assert (out / "tables" / "corpus_summary.csv").is_file()
    # no temporary siblings are left next to the output folder
    assert [p.name for p in out.parent.iterdir()] == ["report"]


def test_report_is_self_contained(seeds_report):
    _, page = seeds_report
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
    sources = re.findall(r'\bsrc="([^"]*)"', page)
    assert sources, "the report embeds no figure"
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    for src in sources:
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "default-src 'none'" in page  # the browser is told to load nothing else


def test_report_embeds_every_figure_it_writes(seeds_report):
    out, page = seeds_report
    stems = sorted(p.stem for p in (out / "figures").glob("*.png"))
    embedded = re.findall(r'<figure id="fig-([^"]+)">', page)
    assert sorted(embedded) == stems


@pytest.mark.parametrize("key,title,module", REPORT_SECTIONS, ids=[s[0] for s in REPORT_SECTIONS])
def test_every_section_is_there_or_explained(seeds_report, key, title, module):
    _, page = seeds_report
    escaped = title.replace("&", "&amp;")
    if AVAILABLE[key] and f'<section id="{key}">' in page:
        assert f"<h2>{escaped}</h2>" in page
    else:
        # not drawn: the report says so, and why, in the "Skipped sections" block
        assert '<section id="skipped">' in page
        match = re.search(rf"<b>{re.escape(escaped)}</b> (skipped|failed): ([^<]+)</div>", page)
        assert match, f"section {key!r} is neither in the report nor listed as skipped"
        if not AVAILABLE[key]:
            assert module in match.group(2)


def test_no_section_fails_on_the_seeds(seeds_report):
    _, page = seeds_report
    assert "failed:" not in page, re.findall(r"<b>[^<]+</b> failed: [^<]+", page)


def test_overview_section_quotes_the_seed_sizes(seeds_report):
    _, page = seeds_report
    assert '<section id="overview">' in page
    # corpus_summary on the seeds: 604 and 385 tokens, 20 and 12 sentences
    assert '<td class="num">604</td>' in page and '<td class="num">385</td>' in page
    assert "In diretta la guerra in Ucraina" in page  # Le Monde's headline, as text


def test_provenance_block(seeds_report):
    _, page = seeds_report
    block = page.split('<section id="provenance">', 1)[1].split("</section>", 1)[0]
    assert "<dd>seeds</dd>" in block
    assert "2 in 2 group(s) of &#x27;source&#x27;" in block
    assert '<td class="short">Le Monde</td>' in block and '<td class="short">Unsigned</td>' in block
    assert "<dt>package version</dt><dd>0.1.0</dd>" in block
    if AVAILABLE["keyness"] and '<section id="keyness">' in page:
        assert "<dt>statistic</dt>" in block and "<dt>prior</dt>" in block


# ---------------------------------------------------------------------------
# Tiny corpora
# ---------------------------------------------------------------------------


def test_document_text_is_escaped(hostile_report):
    page = hostile_report
    assert "<script" not in page.lower()
    assert "<img src=x" not in page
    assert "<b>A</b>" not in page
    assert "Titolo &lt;script&gt;alert(&#x27;a&#x27;)&lt;/script&gt;" in page  # the headline
    assert "Fonte &lt;b&gt;A&lt;/b&gt;" in page and "Fonte B &amp; C" in page


def test_hostile_report_is_still_self_contained(hostile_report):
    assert "http://" not in hostile_report and "https://" not in hostile_report
    assert all(s.startswith("data:") for s in re.findall(r'\bsrc="([^"]*)"', hostile_report))


def test_one_source_corpus_skips_the_comparisons(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Kim incontra Lavrov a Wonsan.\n",
                                           "b.txt": "Lavrov parla con Kim.\n"},
                          "file,source\na.txt,Solo\nb.txt,Solo\n")
    page = build_report(corpus, tmp_path / "out", progress=False).read_text(encoding="utf-8")
    assert '<section id="overview">' in page
    assert "failed:" not in page
    for key, title, _ in REPORT_SECTIONS:
        if key in ("keyness", "shared"):  # these compare groups
            assert f'<section id="{key}">' not in page
            if AVAILABLE[key]:
                assert (f"<b>{title}</b> skipped: it compares groups, and the corpus has only "
                        "one value of &#x27;source&#x27; (&#x27;Solo&#x27;)") in page


@pytest.mark.skipif(not AVAILABLE["keyness"], reason="analysis.keyness not in this version")
def test_three_sources_compare_each_with_the_rest(tmp_path):
    corpus = write_corpus(tmp_path / "c", {
        "a.txt": "Kim incontra Lavrov a Wonsan. Kim sorride.\n",
        "b.txt": "Lavrov parla di guerra e di soldati.\n",
        "c.txt": "Il vertice di Wonsan riguarda la pace.\n",
    }, "file,source\na.txt,Alfa\nb.txt,Beta\nc.txt,Gamma\n")
    out = tmp_path / "out"
    page = build_report(corpus, out, progress=False, sections=["keyness"]).read_text(
        encoding="utf-8")
    assert '<section id="keyness">' in page and "failed:" not in page
    assert "Each group is compared with all the others pooled." in page
    tables = sorted(p.name for p in (out / "tables").iterdir())
    assert {"keyness_alfa.csv", "keyness_beta.csv", "keyness_gamma.csv"} <= set(tables)
    alfa = pd.read_csv(out / "tables" / "keyness_alfa.csv")
    # Alfa's terms: kim, incontra, lavrov, wonsan, kim, sorride ("a" is a stopword): 6,
    # kim twice. Beta and Gamma never say kim, so kim (2 : 0) is Alfa's top term by G2;
    # lavrov and wonsan (1 : 1) are not key at all.
    assert alfa.loc[0, "term"] == "kim" and alfa.loc[0, "n_target"] == 2
    assert alfa.loc[0, "n_reference"] == 0


def test_files_left_out_of_the_corpus_are_listed(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Kim incontra Lavrov a Wonsan.\n",
                                           "b.txt": "Lavrov parla con Kim.\n"})
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 not text")
    with pytest.warns(UserWarning, match="scan.pdf"):
        page = build_report(corpus, tmp_path / "out", progress=False,
                            sections=["overview"]).read_text(encoding="utf-8")
    assert "not analysed, and why" in page
    assert '<td class="short">scan.pdf</td>' in page and "&lt;NA&gt;" not in page


def test_table_corpus_and_by_column(tmp_path):
    table = pd.DataFrame({
        "doc_id": ["d1", "d2", "d3"],
        "source": ["X", "Y", "X"],
        "date": ["2025-07-12", "2025-07-12", "2025-07-13"],
        "text": ["Kim incontra Lavrov a Wonsan.", "Lavrov incontra Kim.",
                 "Il governo discute il bilancio."],
    })
    table.to_csv(tmp_path / "corpus.csv", index=False)
    out = tmp_path / "out"
    page = build_report(tmp_path / "corpus.csv", out, by="date", progress=False,
                        sections=["overview"]).read_text(encoding="utf-8")
    assert "<dt>grouping</dt><dd>date</dd>" in page
    overlap = pd.read_csv(out / "figures" / "vocabulary_overlap.csv")
    assert overlap["group"].tolist() == ["2025-07-12", "2025-07-13"]
    # grouped by date, the document-length figure (coloured by source) is left out
    assert not (out / "figures" / "document_lengths.png").exists()


def test_inputs_are_not_mutated(tmp_path):
    from analysis import load_corpus

    docs = load_corpus()
    before = docs.copy()
    build_report(docs, tmp_path / "out", progress=False, sections=["overview"])
    pd.testing.assert_frame_equal(docs, before)


def test_unknown_section_and_bad_top_are_user_errors(tmp_path):
    with pytest.raises(ReportError, match="unknown"):
        build_report(SEEDS_DIR, tmp_path / "a", progress=False, sections=["nope"])
    with pytest.raises(ReportError, match="top"):
        build_report(SEEDS_DIR, tmp_path / "b", progress=False, top=0)


def test_a_failing_stage_is_reported_not_fatal(tmp_path, monkeypatch):
    def broken(ctx, section):
        raise RuntimeError("boom <b>")

    monkeypatch.setitem(report_module._BUILDERS, "overview", broken)
    page = build_report(SEEDS_DIR, tmp_path / "out", progress=False,
                        sections=["overview"]).read_text(encoding="utf-8")
    assert "<b>Overview</b> failed: RuntimeError: boom &lt;b&gt;" in page


# ---------------------------------------------------------------------------
# Output folder: refuse, overwrite, and never leave half a report
# ---------------------------------------------------------------------------


def test_overwrite_replaces_a_previous_report(tmp_path):
    out = tmp_path / "out"
    build_report(SEEDS_DIR, out, progress=False, sections=["overview"])
    (out / "stale.txt").write_text("old", encoding="utf-8")
    with pytest.raises(ReportError, match="not empty"):
        build_report(SEEDS_DIR, out, progress=False, sections=["overview"])
    build_report(SEEDS_DIR, out, progress=False, sections=["overview"], overwrite=True)
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_interrupted_run_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_report(SEEDS_DIR, out, progress=False, sections=["overview"])
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real = report_module.render_html

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt  # e.g. Ctrl-C after the figures were written

    monkeypatch.setattr(report_module, "render_html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_report(SEEDS_DIR, out, progress=False, sections=["overview"], overwrite=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # temp folder removed


def test_overwrite_refuses_a_folder_that_is_not_a_report(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(ReportError, match="not a previous report"):
        build_report(SEEDS_DIR, out, progress=False, overwrite=True)
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_out_may_not_overlap_the_corpus(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Kim incontra Lavrov.\n"})
    with pytest.raises(ReportError, match="overlaps the corpus"):
        build_report(corpus, corpus / "report", progress=False)
    with pytest.raises(ReportError, match="overlaps the corpus"):
        build_report(SEEDS_DIR, SEEDS_DIR / "report", progress=False)
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]


def test_an_empty_existing_folder_is_used(tmp_path):
    (tmp_path / "out").mkdir()
    build_report(SEEDS_DIR, tmp_path / "out", progress=False, sections=["overview"])
    assert (tmp_path / "out" / "report.html").is_file()


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _user_errors(tmp_path: Path):
    afile = tmp_path / "afile.txt"
    afile.write_text("x", encoding="utf-8")
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("x", encoding="utf-8")
    empty_corpus = tmp_path / "empty_corpus"
    empty_corpus.mkdir()
    (empty_corpus / "notes.md").write_text("no articles", encoding="utf-8")
    docx = tmp_path / "article.docx"
    docx.write_bytes(b"PK\x03\x04 not a text file")
    bad_meta = write_corpus(tmp_path / "bad_meta", {"a.txt": "Kim.\n"}, "name,source\na.txt,X\n")
    out = str(tmp_path / "out")
    return {
        "missing corpus": (["report", str(tmp_path / "nope"), "--out", out], "does not exist"),
        "out is a file": (["report", str(SEEDS_DIR), "--out", str(afile)], "is a file"),
        "out not empty": (["report", str(SEEDS_DIR), "--out", str(full)], "--overwrite"),
        "out not a report": (["report", str(SEEDS_DIR), "--out", str(full), "--overwrite"],
                             "not a previous report"),
        "no documents": (["report", str(empty_corpus), "--out", out], "cannot load corpus"),
        "bad metadata": (["report", str(bad_meta), "--out", out], "cannot load corpus"),
        "unsupported file": (["report", str(docx), "--out", out], "unsupported corpus file"),
        "bad --by": (["report", str(SEEDS_DIR), "--out", out, "--by", "desk"], "--by desk"),
        "no parent": (["report", str(SEEDS_DIR), "--out", str(tmp_path / "a" / "b")],
                      "does not exist"),
    }


ERROR_IDS = ["missing corpus", "out is a file", "out not empty", "out not a report",
             "no documents", "bad metadata", "unsupported file", "bad --by", "no parent"]


@pytest.mark.parametrize("case", ERROR_IDS)
def test_cli_user_errors_are_one_line_without_traceback(case, tmp_path, capsys):
    argv, expected = _user_errors(tmp_path)[case]
    status = main(argv + ["--no-progress"])
    err = capsys.readouterr().err
    assert status == 2
    lines = [line for line in err.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert expected in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cli_no_write_permission(tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(report_module.os, "access",
                        lambda p, mode: False if Path(p) == locked.resolve() else real_access(p, mode))
    status = main(["report", str(SEEDS_DIR), "--out", str(locked / "out"), "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: no permission to write in")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_cli_really_read_only_parent(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    status = main(["report", str(SEEDS_DIR), "--out", str(locked / "out"), "--no-progress"])
    assert status == 2 and "permission" in capsys.readouterr().err


def test_cli_writes_a_report_and_no_progress_is_quiet(tmp_path, capsys):
    status = main(["report", "seeds", "--out", str(tmp_path / "out"), "--no-progress",
                   "--sections", "overview,numbers"])
    captured = capsys.readouterr()
    assert status == 0
    assert captured.out.strip() == f"report written to {tmp_path / 'out' / 'report.html'}"
    assert captured.err == ""


def test_progress_is_shown_on_stderr(tmp_path, capsys):
    build_report(SEEDS_DIR, tmp_path / "out", progress=True, sections=["overview"])
    assert "report" in capsys.readouterr().err


def test_help_explains_every_option(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["report"]
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    for action in sub._actions:
        assert action.help, f"option {action.option_strings or action.dest} has no help"
        for option in action.option_strings:
            assert option in text
    for required in ("--out", "--overwrite", "--no-progress", "--lang", "--by"):
        assert required in text


def test_cli_sections_option(tmp_path, capsys):
    status = main(["report", "seeds", "--out", str(tmp_path / "out"), "--no-progress",
                   "--sections", "overview"])
    assert status == 0
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<section id="overview">' in page and '<section id="frames">' not in page
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "seeds", "--out", str(tmp_path / "x"), "--sections", "overview,nope"])
    assert exit_info.value.code == 2
    assert "unknown section(s) nope" in capsys.readouterr().err


def test_no_command_prints_usage(capsys):
    assert main([]) == 2
    assert "report" in capsys.readouterr().err


def test_subprocess_user_error_has_no_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "report", str(tmp_path / "missing"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: corpus ") and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_console_script_is_declared():
    text = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'news-framing = "analysis.__main__:main"' in text
    assert callable(main)
