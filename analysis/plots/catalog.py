"""The catalog of every figure in ``figures/``: what it shows and where it comes from.

Each entry names the file stem (``figures/<stem>.png``, ``.svg`` and the table
behind it, ``<stem>.csv``), what the figure shows, the notebook that writes it, the
``plot_*`` function that draws it and the function that computes its table.
:func:`write_figures_readme` turns the catalog into ``figures/README.md``;
``tests/test_figures.py`` fails when a file in ``figures/`` has no entry here or
an entry has no file.

To add a figure: add one :class:`FigureEntry` to :data:`FIGURES` below (keep the
list sorted by notebook, then stem), then run ``make figures``.

Examples
--------
>>> FIGURES["document_lengths"].function
'plot_document_lengths'
>>> catalog_table().columns.tolist()
['stem', 'shows', 'notebook', 'function', 'table']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..paths import figures_dir
from .save import atomic_write

__all__ = [
    "CATALOG_COLUMNS",
    "FIGURES",
    "FIGURE_FORMATS",
    "FigureEntry",
    "catalog_table",
    "expected_files",
    "figures_readme",
    "write_figures_readme",
]

#: Formats every catalogued figure is saved in (plus the ``.csv`` table).
FIGURE_FORMATS = ("png", "svg")

#: Columns of :func:`catalog_table`.
CATALOG_COLUMNS = ["stem", "shows", "notebook", "function", "table"]

#: File in ``figures/`` that is generated from the catalog itself.
README_NAME = "README.md"


@dataclass(frozen=True)
class FigureEntry:
    """One figure of ``figures/``.

    Attributes
    ----------
    stem : str
        File stem: ``<stem>.png``, ``<stem>.svg`` and ``<stem>.csv``.
    shows : str
        One sentence: what a reader sees.
    notebook : str
        File name of the notebook that writes it.
    function : str
        The ``plot_*`` function (in ``analysis.plots``) that draws it.
    table : str
        The function call that computes the table it draws.
    """

    stem: str
    shows: str
    notebook: str
    function: str
    table: str


_ENTRIES = [
    FigureEntry(
        "document_lengths",
        "Tokens per document, one bar per document coloured by source, annotated with "
        "its sentences and terms.",
        "01-corpus-overview.ipynb",
        "plot_document_lengths",
        "corpus_summary(docs)",
    ),
    FigureEntry(
        "vocabulary_overlap",
        "Distinct terms of each source, split into terms shared with another source "
        "(grey) and terms used by that source alone.",
        "01-corpus-overview.ipynb",
        "plot_vocabulary_overlap",
        "vocabulary_overlap(docs, by='source')",
    ),
    FigureEntry(
        "term_rates_by_source",
        "Every term's rate per 1,000 terms in one source against the other (log scales); "
        "terms far from the diagonal are used more by one source.",
        "02-word-frequencies.ipynb",
        "plot_frequency_scatter",
        "keyness(term_counts(docs), target='Le Monde', reference='Unsigned', "
        "sort_by='log_odds_z')",
    ),
    FigureEntry(
        "document_similarity",
        "Cosine similarity of the sources' TF-IDF vectors, as a heatmap with the values "
        "written in the cells.",
        "03-tfidf-comparison.ipynb",
        "plot_similarity_heatmap",
        "similarity(docs, by='source')",
    ),
    FigureEntry(
        "keyness_bootstrap_intervals",
        "Log ratio of the most distinctive terms with bootstrap intervals (sentences "
        "resampled): the terms whose interval excludes zero are the robust ones.",
        "04-keyness.ipynb",
        "plot_log_ratio_intervals",
        "keyness_bootstrap(docs, target='Le Monde', reference='Unsigned', n_boot=1000, "
        "top_k=10, random_state=0)",
    ),
    FigureEntry(
        "keyness_by_source",
        "Back-to-back bars: the terms most distinctive of each source by signed "
        "log-likelihood G2, each labelled with its counts in the two sources.",
        "04-keyness.ipynb",
        "plot_keyness_bars",
        "keyness(term_counts(docs), target='Le Monde', reference='Unsigned', "
        "correction='bh')",
    ),
    FigureEntry(
        "keyness_prior_sensitivity",
        "How the log-odds ranking of the top terms changes with the Dirichlet prior "
        "(pooled or uniform, weaker or stronger, or ordinary Italian).",
        "04-keyness.ipynb",
        "plot_prior_sensitivity",
        "prior_sensitivity(term_counts(docs), target='Le Monde', reference='Unsigned', "
        "priors=..., top_k=8)",
    ),
    FigureEntry(
        "entity_cooccurrence",
        "One network per source: the entities it names, joined when named in the same "
        "sentence (line width: number of sentences).",
        "05-entities.ipynb",
        "plot_cooccurrence_network",
        "cooccurrence(entities(docs), by='source')",
    ),
    FigureEntry(
        "entity_frequencies",
        "How often each source names each person, place or institution, per 1,000 terms, "
        "one dot per source joined by a line.",
        "05-entities.ipynb",
        "plot_entity_frequencies",
        "entity_frequencies(entities(docs), by='source', docs=docs)",
    ),
    FigureEntry(
        "entity_salience",
        "Where each document first names each entity (fraction of the text before the "
        "first mention); a star marks an entity also in the headline.",
        "05-entities.ipynb",
        "plot_entity_salience",
        "entity_salience(entities(docs), docs)",
    ),
    FigureEntry(
        "share_of_voice",
        "Each speaker's share of the quoted words (left) and of the attributed "
        "statements (right) in each source, one bar per source.",
        "06-voices.ipynb",
        "plot_share_of_voice",
        "voices(quotes(docs, mentions=entities(docs)), by='source')",
    ),
    FigureEntry(
        "numbers_by_source",
        "The figures each source states (number and what it counts), in reading order, "
        "side by side, with lines joining a figure both sources give.",
        "07-shared-and-unique-content.ipynb",
        "plot_numbers",
        "numbers(docs)",
    ),
    FigureEntry(
        "sentence_alignment",
        "The sentences of the two sources in reading order, with lines joining sentences "
        "that report the same fact (solid: shared, dashed: paraphrased); filled marks "
        "have no counterpart in the other source.",
        "07-shared-and-unique-content.ipynb",
        "plot_alignment",
        "align_sentences(docs, 'Unsigned', 'Le Monde')",
    ),
    FigureEntry(
        "frame_profile",
        "Frame cues per 1,000 terms in each source, one row per frame of the codebook, "
        "with the number of hits and a bootstrap interval.",
        "08-frames.ipynb",
        "plot_frame_profile",
        "frame_scores(docs, codebook=codebook, by='source', n_boot=1000, random_state=0)",
    ),
]

#: Every figure of ``figures/``, by stem.
FIGURES: dict[str, FigureEntry] = {entry.stem: entry for entry in _ENTRIES}


def catalog_table() -> pd.DataFrame:
    """The catalog as a table, sorted by notebook then stem.

    Returns
    -------
    pandas.DataFrame
        Columns ``stem, shows, notebook, function, table``.
    """
    rows = sorted(FIGURES.values(), key=lambda e: (e.notebook, e.stem))
    return pd.DataFrame([vars(e) for e in rows], columns=CATALOG_COLUMNS)


def expected_files() -> list[str]:
    """File names that ``figures/`` must hold: every format and table of every entry.

    Examples
    --------
    >>> expected_files()[:3]
    ['README.md', 'document_lengths.csv', 'document_lengths.png']
    """
    names = {README_NAME}
    for stem in FIGURES:
        names.update(f"{stem}.{ext}" for ext in (*FIGURE_FORMATS, "csv"))
    return sorted(names)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def figures_readme() -> str:
    """Markdown text of ``figures/README.md``, generated from the catalog.

    Examples
    --------
    >>> figures_readme().splitlines()[0]
    '# Figures'
    """
    lines = [
        "# Figures",
        "",
        "Generated by `make figures` from `analysis/plots/catalog.py`; do not edit by hand.",
        "Every figure is saved as PNG (slides, web) and SVG (print), next to the CSV",
        "table it draws (same stem). Rebuild all of them, byte for byte, with",
        "`make figures`; `tests/test_figures.py` checks they are up to date.",
        "",
        "| Figure | What it shows | Notebook | Drawn by | Table (`<stem>.csv`) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in catalog_table().itertuples(index=False):
        files = " ".join(f"[{ext}]({row.stem}.{ext})" for ext in FIGURE_FORMATS)
        lines.append(
            f"| `{row.stem}` {files} | {_cell(row.shows)} | "
            f"[{row.notebook}](../notebooks/{row.notebook}) | "
            f"`analysis.plots.{row.function}` | `{_cell(row.table)}` |"
        )
    return "\n".join(lines) + "\n"


def write_figures_readme(folder: str | Path | None = None) -> Path:
    """Write ``README.md`` into the figures folder (atomically) and return its path.

    Parameters
    ----------
    folder : str or pathlib.Path, optional
        Default :func:`analysis.paths.figures_dir`.

    Returns
    -------
    pathlib.Path
    """
    folder = Path(folder) if folder is not None else figures_dir()
    text = figures_readme()
    return atomic_write(
        folder / README_NAME,
        lambda tmp: Path(tmp).write_text(text, encoding="utf-8", newline="\n"),
    )
