"""Figures reproduce byte for byte, and ``figures/`` matches the catalog and the code.

* Catalog <-> folder: every file in ``figures/`` has an entry in
  ``analysis/plots/catalog.py`` and every entry has its PNG, SVG and CSV; every
  ``save_figure(fig, "stem")`` in a notebook is catalogued with that notebook.
* Byte-identical: the figure pipeline run twice, in two processes with different
  hash seeds (so set and dict ordering cannot leak into the output), gives the
  same bytes.
* Up to date: every numbered notebook is executed into a scratch folder (as
  ``make figures`` does) and its output is compared with the committed
  ``figures/``: the CSV tables first (a difference there means the numbers
  changed), then the images (a difference only there means the drawing changed).
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import analysis.plots as plots
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT, SEEDS_DIR
from analysis.plots.catalog import (
    FIGURE_FORMATS,
    FIGURES,
    README_NAME,
    catalog_table,
    expected_files,
    figures_readme,
)
from analysis.report import build_report

COMMITTED = PROJECT_ROOT / "figures"
CATALOG_FILE = "analysis/plots/catalog.py"
SAVE_CALL = re.compile(r"""save_(figure|table)\(\s*[^,()]+,\s*["']([^"']+)["']""")


def numbered_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


def saved_stems() -> dict[str, set[tuple[str, str]]]:
    """``stem -> {(notebook, "figure"|"table")}`` for every save call in a notebook."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in numbered_notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                for kind, stem in SAVE_CALL.findall(cell.source):
                    found.setdefault(stem, set()).add((path.name, kind))
    return found


# ---------------------------------------------------------------------------
# Catalog <-> figures/ <-> notebooks
# ---------------------------------------------------------------------------


def test_every_file_in_figures_is_catalogued():
    present = {p.name for p in COMMITTED.iterdir() if not p.name.startswith(".")}
    extra = sorted(present - set(expected_files()))
    assert not extra, (
        f"figures/ holds files the catalog does not know: {extra}. Add a FigureEntry for "
        f"each new figure to _ENTRIES in {CATALOG_FILE} (what it shows, notebook, plot_* "
        "function, table), or delete files of figures that no longer exist; then run "
        "`make figures`."
    )


def test_every_catalog_entry_is_in_figures():
    present = {p.name for p in COMMITTED.iterdir()}
    missing = sorted(set(expected_files()) - present)
    assert not missing, f"figures/ lacks {missing}; run `make figures` and commit figures/"


def test_every_saved_figure_is_catalogued_with_its_notebook():
    problems = []
    for stem, uses in sorted(saved_stems().items()):
        kinds = {kind for _, kind in uses}
        notebooks = sorted({nb for nb, _ in uses})
        if stem not in FIGURES:
            problems.append(f"{stem!r} (saved by {notebooks}) has no entry in {CATALOG_FILE}")
            continue
        if kinds != {"figure", "table"}:
            problems.append(f"{stem!r}: a notebook must save both the figure and its table "
                            f"with the same stem (found only {sorted(kinds)})")
        if FIGURES[stem].notebook not in notebooks:
            problems.append(f"{stem!r}: the catalog says {FIGURES[stem].notebook}, "
                            f"but it is saved by {notebooks}")
    assert not problems, "\n".join(problems)


def test_every_catalog_entry_is_saved_by_a_notebook():
    saved = saved_stems()
    orphans = sorted(stem for stem in FIGURES if stem not in saved)
    assert not orphans, (f"catalog entries no notebook saves: {orphans}; remove them from "
                         f"{CATALOG_FILE} or save them in their notebook")


@pytest.mark.parametrize("stem", sorted(FIGURES), ids=str)
def test_catalog_entry_is_complete(stem):
    entry = FIGURES[stem]
    assert entry.stem == stem and re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", stem), (
        f"{stem!r}: stems are lower_snake_case and describe content")
    assert not re.fullmatch(r"(fig|figure|plot)_?\d+.*", stem), f"{stem!r} names a position"
    assert (NOTEBOOKS_DIR / entry.notebook).is_file(), f"{stem}: no notebook {entry.notebook}"
    assert entry.function.startswith("plot_") and callable(getattr(plots, entry.function, None)), (
        f"{stem}: analysis.plots has no {entry.function}")
    assert entry.shows.endswith(".") and len(entry.shows) > 20
    assert entry.table


def test_catalog_table_is_sorted_and_complete():
    table = catalog_table()
    assert sorted(table["stem"]) == sorted(FIGURES)
    keys = list(zip(table["notebook"], table["stem"]))
    assert keys == sorted(keys)


def test_figures_readme_is_generated_from_the_catalog():
    committed = (COMMITTED / README_NAME).read_text(encoding="utf-8")
    assert committed == figures_readme(), (
        "figures/README.md is out of date with the catalog; run `make figures`")
    for stem in FIGURES:
        for ext in FIGURE_FORMATS:
            assert f"]({stem}.{ext})" in committed


def test_project_readme_lists_every_figure_with_its_notebook_and_function():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for row in catalog_table().itertuples():
        line = f"| `{row.stem}` | `{row.notebook}` | `{row.function}` |"
        assert line in readme, f"README.md 'Where each figure comes from' lacks: {line}"


# ---------------------------------------------------------------------------
# Byte-identical across runs and processes
# ---------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_figure_pipeline_is_byte_identical_across_processes(tmp_path):
    first = tmp_path / "first"
    build_report(SEEDS_DIR, first, progress=False)
    second = tmp_path / "second"
    code = ("import sys; from analysis.report import build_report; "
            "build_report(sys.argv[1], sys.argv[2], progress=False)")
    subprocess.run(
        [sys.executable, "-c", code, str(SEEDS_DIR), str(second)],
        check=True, cwd=tmp_path,
        env={**os.environ, "PYTHONHASHSEED": "12345", "MPLBACKEND": "Agg"},
    )
    a, b = _files(first), _files(second)
    assert sorted(a) == sorted(b)
    assert any(name.endswith(".png") for name in a) and any(name.endswith(".svg") for name in a)
    different = [name for name in a if a[name] != b[name]]
    assert not different, f"not byte-identical across runs: {different}"


def test_saved_files_carry_no_date_or_version(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import corpus_summary, load_corpus

    fig = plots.plot_document_lengths(corpus_summary(load_corpus()))
    paths = plots.save_figure(fig, "document_lengths", folder=tmp_path, formats=("png", "svg"))
    plt.close(fig)
    svg = paths[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    png = paths[0].read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png.lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["document_lengths.png",
                                                          "document_lengths.svg"]


# ---------------------------------------------------------------------------
# The committed figures/ are what the notebooks write now
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Execute every numbered notebook (like `make figures`) into a scratch folder."""
    folder = tmp_path_factory.mktemp("regenerated")
    env = {**os.environ, "ANALYSIS_FIGURES_DIR": str(folder), "MPLBACKEND": "Agg",
           "JUPYTER_PREFER_ENV_PATH": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "run_notebooks.py"),
         *map(str, numbered_notebooks())],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, f"a notebook failed:\n{done.stdout}\n{done.stderr}"
    return folder


def _stems_and(ext: str) -> list[str]:
    return [f"{stem}.{ext}" for stem in sorted(FIGURES)]


@pytest.mark.slow
@pytest.mark.notebooks
def test_notebooks_write_exactly_the_catalogued_files(regenerated):
    written = sorted(p.name for p in regenerated.iterdir())
    expected = sorted(set(expected_files()) - {README_NAME})
    assert written == expected, (
        f"notebooks write {sorted(set(written) - set(expected))} not in the catalog "
        f"({CATALOG_FILE}) and do not write {sorted(set(expected) - set(written))}")


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("name", _stems_and("csv"), ids=str)
def test_committed_tables_are_up_to_date(regenerated, name):
    new = (regenerated / name).read_text(encoding="utf-8")
    old = (COMMITTED / name).read_text(encoding="utf-8")
    if new != old:
        diff = "".join(list(difflib.unified_diff(
            old.splitlines(True), new.splitlines(True), f"figures/{name}", "regenerated"))[:40])
        pytest.fail(f"figures/{name} is out of date (the numbers changed); "
                    f"run `make figures`:\n{diff}")


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("name", [n for ext in FIGURE_FORMATS for n in _stems_and(ext)], ids=str)
def test_committed_images_are_up_to_date(regenerated, name):
    table = Path(name).with_suffix(".csv").name
    tables_agree = (regenerated / table).read_bytes() == (COMMITTED / table).read_bytes()
    assert (regenerated / name).read_bytes() == (COMMITTED / name).read_bytes(), (
        f"figures/{name} differs from what its notebook draws now "
        + ("(same table, so the drawing code changed)" if tables_agree
           else f"(its table {table} changed too)")
        + "; run `make figures`")
