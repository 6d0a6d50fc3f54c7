"""Figures of the corpus overview (notebook 01)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .style import NEUTRAL, new_axes, source_colors, style

__all__ = ["plot_document_lengths", "plot_vocabulary_overlap"]


def plot_document_lengths(
    summary: pd.DataFrame, *, ax=None, colors: Mapping[str, str] | None = None
):
    """Horizontal bars of tokens per document, coloured by source.

    Parameters
    ----------
    summary : pandas.DataFrame
        The table from :func:`analysis.overview.corpus_summary`.
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Source -> colour; default :func:`source_colors` of the table's sources.

    Returns
    -------
    matplotlib.figure.Figure
    """
    colors = dict(colors) if colors is not None else source_colors(summary["source"])
    with style():
        fig, ax = new_axes(ax, (6.4, 0.6 + 0.5 * len(summary)))
        rows = summary.iloc[::-1]
        labels = [f"{s}\n{d}" for s, d in zip(rows["source"], rows["doc_id"])]
        bars = ax.barh(labels, rows["n_tokens"], color=[colors[s] for s in rows["source"]])
        for bar, n_sent, n_terms in zip(bars, rows["n_sentences"], rows["n_terms"]):
            ax.annotate(
                f"{n_sent} sentences, {n_terms} terms",
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        ax.set_xlabel("tokens (words, numbers and punctuation)")
        ax.set_xlim(0, summary["n_tokens"].max() * 1.45)
        ax.grid(axis="y", visible=False)
        ax.set_title("Length of each document")
    return fig


def plot_vocabulary_overlap(
    overlap: pd.DataFrame, *, ax=None, colors: Mapping[str, str] | None = None
):
    """Stacked bars: each group's distinct terms, shared vs used by it alone.

    Parameters
    ----------
    overlap : pandas.DataFrame
        The table from :func:`analysis.overview.vocabulary_overlap`.
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Group -> colour for the "only here" part; shared terms are grey.

    Returns
    -------
    matplotlib.figure.Figure
    """
    colors = dict(colors) if colors is not None else source_colors(overlap["group"])
    with style():
        fig, ax = new_axes(ax, (6.4, 0.9 + 0.55 * len(overlap)))
        rows = overlap.iloc[::-1]
        ax.barh(rows["group"], rows["n_shared"], color=NEUTRAL)
        ax.barh(
            rows["group"],
            rows["n_unique"],
            left=rows["n_shared"],
            color=[colors[g] for g in rows["group"]],
        )
        for y, (shared, unique, pct) in enumerate(
            zip(rows["n_shared"], rows["n_unique"], rows["pct_unique"])
        ):
            ax.annotate(
                f"{unique} only here ({pct:.0f}%)",
                (shared + unique, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        ax.set_xlabel("distinct terms, stopwords removed (grey: shared with another source)")
        ax.set_xlim(0, overlap["n_types"].max() * 1.4)
        ax.grid(axis="y", visible=False)
        ax.set_title("Vocabulary shared and unique per source")
    return fig
