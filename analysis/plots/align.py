"""Figures of shared and unique content (notebook 07): alignment map, numbers side by side."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.lines import Line2D

from ..numbers import figure_label
from .style import NEUTRAL, new_axes, source_colors, style

__all__ = ["plot_alignment", "plot_numbers"]


def _snippet(text, max_chars: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _reading_columns(ax, sources, ylabel: str) -> None:
    """Axes of one column per source, named on top, read from top to bottom (no frame)."""
    ax.set_xticks(range(len(sources)), sources)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, labelsize=10)
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_ylabel(ylabel)


def _side(pairs: pd.DataFrame, own: str) -> pd.DataFrame:
    part = pairs[pairs[f"sent_{own}"] >= 0]
    side = pd.DataFrame({
        "doc": part[f"doc_{own}"].astype(str).to_numpy(),
        "sent": part[f"sent_{own}"].to_numpy(),
        "sentence": part[f"sentence_{own}"].to_numpy(),
        "label": part["label"].to_numpy(),
    }).sort_values(["doc", "sent"], kind="stable").reset_index(drop=True)
    n = len(side)
    side["y"] = [1.0 - k / (n - 1) if n > 1 else 0.5 for k in range(n)]
    multi = side["doc"].nunique() > 1
    side["name"] = [f"{d}:{s}" if multi else f"{s}" for d, s in zip(side["doc"], side["sent"])]
    return side


def plot_alignment(
    pairs: pd.DataFrame,
    *,
    ax=None,
    colors: Mapping[str, str] | None = None,
    max_chars: int = 46,
):
    """Alignment map: the sentences of two sources in reading order, matches joined.

    Source A's sentences are a column of marks on the left, source B's on the
    right, first sentence at the top (each column spread over the same height).
    A solid line joins a ``shared`` pair, a dashed line a ``paraphrased`` one;
    a sentence with no counterpart is a filled mark in its source's colour, a
    matched one a hollow grey mark. Each mark is labelled with its sentence
    index and the sentence's first words.

    Parameters
    ----------
    pairs : pandas.DataFrame
        The table of :func:`analysis.align_sentences` for one pair of sources.
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Source -> colour; default :func:`source_colors` of the two sources.
    max_chars : int, default 46
        Length of the sentence snippets.

    Returns
    -------
    matplotlib.figure.Figure
    """
    sources_a = sorted({str(s) for s in pairs["source_a"]})
    sources_b = sorted({str(s) for s in pairs["source_b"]})
    if len(sources_a) != 1 or len(sources_b) != 1:
        raise ValueError(
            "pairs must compare exactly one pair of sources; select one pair of "
            f"align_all's output first (found a={sources_a}, b={sources_b})"
        )
    a, b = sources_a[0], sources_b[0]
    colors = dict(colors) if colors is not None else source_colors([a, b])
    side_a, side_b = _side(pairs, "a"), _side(pairs, "b")
    ya = {(d, s): y for d, s, y in zip(side_a["doc"], side_a["sent"], side_a["y"])}
    yb = {(d, s): y for d, s, y in zip(side_b["doc"], side_b["sent"], side_b["y"])}
    n = max(len(side_a), len(side_b), 1)
    with style():
        fig, ax = new_axes(ax, (10.0, 1.4 + 0.34 * n))
        matched = pairs[pairs["label"].isin(["shared", "paraphrased"])]
        for r in matched.itertuples(index=False):
            y0, y1 = ya[(str(r.doc_a), r.sent_a)], yb[(str(r.doc_b), r.sent_b)]
            ax.plot([0, 1], [y0, y1], color="#555555", zorder=1,
                    linestyle="-" if r.label == "shared" else "--",
                    linewidth=0.8 + 3.0 * float(r.similarity))
            ax.annotate(f"{r.similarity:.2f}", ((0.5), (y0 + y1) / 2), fontsize=7,
                        ha="center", va="bottom", color="#333333", zorder=3,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"})
        for side, x, source, ha, dx in ((side_a, 0.0, a, "right", -0.03),
                                        (side_b, 1.0, b, "left", 0.03)):
            only = side["label"].str.startswith("only")
            ax.scatter([x] * int((~only).sum()), side.loc[~only, "y"], s=40, marker="o",
                       facecolor="white", edgecolor=NEUTRAL, linewidth=1.2, zorder=2)
            ax.scatter([x] * int(only.sum()), side.loc[only, "y"], s=46, marker="o",
                       color=colors[source], zorder=2)
            for name, sentence, y, is_only in zip(side["name"], side["sentence"], side["y"], only):
                ax.annotate(f"{name}  {_snippet(sentence, max_chars)}" if ha == "left"
                            else f"{_snippet(sentence, max_chars)}  {name}",
                            (x + dx, y), ha=ha, va="center", fontsize=7.5,
                            color=colors[source] if is_only else "#222222")
        ax.set_xlim(-1.55, 2.55)
        ax.set_ylim(-0.06, 1.06)
        _reading_columns(ax, [a, b], "reading order (first sentence at the top)")
        ax.set_xlabel("line: matched pair (width and number: similarity, 0-1); "
                      "filled mark: no counterpart in the other source")
        handles = [
            Line2D([], [], color="#555555", linestyle="-", label="shared (same words)"),
            Line2D([], [], color="#555555", linestyle="--", label="paraphrased (same fact)"),
            Line2D([], [], marker="o", linestyle="", color=colors[a], label=f"only in {a}"),
            Line2D([], [], marker="o", linestyle="", color=colors[b], label=f"only in {b}"),
        ]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=4,
                  fontsize=8)
        ax.set_title(f"Alignment map: sentences of {a} and {b}", pad=22)
    return fig


def plot_numbers(
    numbers_table: pd.DataFrame,
    *,
    ax=None,
    colors: Mapping[str, str] | None = None,
    by: str = "source",
):
    """Numbers side by side: the figures each source gives, in reading order.

    One column per source (sorted names); each figure is written where it comes
    in the text (top first) as ``qualifier number unit (s<sentence>)``. Grey
    lines join figures that count the same thing (same kind and unit) in two
    neighbouring columns; a figure no other source gives is in bold.

    Parameters
    ----------
    numbers_table : pandas.DataFrame
        The table of :func:`analysis.numbers`.
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Source -> colour; default :func:`source_colors` of the table's sources.
    by : str, default "source"
        The column that defines the columns of the figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    sources = sorted({str(s) for s in numbers_table[by]})
    colors = dict(colors) if colors is not None else source_colors(sources)
    table = numbers_table.assign(fig_src=numbers_table[by].astype(str),
                                 fig_key=list(zip(numbers_table["kind"],
                                               numbers_table["unit"].fillna(""))))
    keys_by_source = {s: set(table.loc[table["fig_src"] == s, "fig_key"]) for s in sources}
    n = max([int((table["fig_src"] == s).sum()) for s in sources] + [1])
    with style():
        fig, ax = new_axes(ax, (2.0 + 3.2 * max(len(sources), 1), 1.3 + 0.36 * n))
        placed: dict[str, list] = {}
        for k, source in enumerate(sources):
            rows = table[table["fig_src"] == source].sort_values(["doc_id", "start"], kind="stable")
            placed[source] = []
            for rank, r in enumerate(rows.itertuples(index=False)):
                y = -rank
                unique = sum(r.fig_key in keys_by_source[s] for s in sources) == 1
                ax.text(k, y, f"{figure_label(r)} (s{r.sent})", ha="center", va="center",
                        fontsize=8.5, color=colors[source],
                        fontweight="bold" if unique else "normal", zorder=3,
                        bbox={"boxstyle": "round,pad=0.25", "fc": "white",
                              "ec": colors[source], "lw": 0.6})
                placed[source].append((r.fig_key, y))
        for k in range(len(sources) - 1):
            left, right = placed[sources[k]], placed[sources[k + 1]]
            for key, y0 in left:
                for key1, y1 in right:
                    if key == key1:
                        ax.plot([k, k + 1], [y0, y1], color=NEUTRAL, linewidth=1.0, zorder=1)
        ax.set_xlim(-0.7, len(sources) - 0.3)
        ax.set_ylim(-n + 0.4, 0.8)
        _reading_columns(ax, sources, "order in the text (first figure at the top)")
        ax.set_xlabel("bold: a figure only this source gives; grey line: same kind and unit "
                      "in both; (sN): sentence N")
        ax.set_title("Numbers each source gives", pad=22)
    return fig
