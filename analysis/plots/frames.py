"""Figures of the frames stage (notebook 08)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from .style import NEUTRAL, new_axes, source_colors, style

__all__ = ["plot_frame_profile"]

_PALE = 0.4


def plot_frame_profile(
    scores: pd.DataFrame,
    *,
    ax=None,
    colors: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
):
    """Frame profile per group: hits per 1,000 terms, with the counts written out.

    One band per frame (in the order of the table, i.e. codebook order), one bar
    per group inside it. Each bar is annotated with its hits and the sentences
    they come from, so a rate built on two words reads as such; bars flagged
    ``few_hits`` are pale. When the table has ``per_1k_low``/``per_1k_high``
    (``frame_scores(..., n_boot=...)``), a black line shows the bootstrap
    interval.

    Parameters
    ----------
    scores : pandas.DataFrame
        The table from :func:`analysis.frames.frame_scores`.
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Group -> colour; default :func:`source_colors` of the table's groups.
    labels : mapping, optional
        Frame id -> label for the axis (e.g. ``load_codebook().labels``);
        default the ids with underscores as spaces.

    Returns
    -------
    matplotlib.figure.Figure
    """
    missing = [c for c in ("group", "frame", "hits", "per_1k", "n_sentences", "few_hits")
               if c not in scores.columns]
    if missing:
        raise ValueError(f"scores is missing column(s) {missing}; pass the table from "
                         "frame_scores")
    colors = dict(colors) if colors is not None else source_colors(scores["group"])
    frames = list(dict.fromkeys(scores["frame"]))
    groups = sorted(dict.fromkeys(scores["group"].astype(str)))
    names = [(labels or {}).get(f, f.replace("_", " ")) for f in frames]
    has_ci = {"per_1k_low", "per_1k_high"} <= set(scores.columns)
    height = 0.8 / max(len(groups), 1)
    table = scores.assign(group=scores["group"].astype(str)).set_index(["frame", "group"])
    right = float(scores["per_1k_high"].max() if has_ci else scores["per_1k"].max())
    right = right if right > 0 else 1.0
    with style():
        fig, ax = new_axes(ax, (7.2, 1.0 + 0.32 * len(frames) * max(len(groups), 1)))
        for j, group in enumerate(groups):
            color = colors.get(group, NEUTRAL)
            for i, frame in enumerate(frames):
                if (frame, group) not in table.index:
                    continue
                row = table.loc[(frame, group)]
                y = i - 0.4 + height * (j + 0.5)
                ax.barh(y, row["per_1k"], height=height * 0.9, color=color,
                        alpha=_PALE if row["few_hits"] else 1.0, edgecolor=color,
                        linewidth=0.8)
                end = row["per_1k"]
                if has_ci:
                    ax.plot([row["per_1k_low"], row["per_1k_high"]], [y, y], color="black",
                            linewidth=0.9, solid_capstyle="butt")
                    end = max(end, row["per_1k_high"])
                hits, sents = int(row["hits"]), int(row["n_sentences"])
                text = (f"{hits} hit{'s' if hits != 1 else ''} in {sents} "
                        f"sentence{'s' if sents != 1 else ''}" if hits else "0 hits")
                ax.annotate(text, (end, y), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=7.5, color="#333333")
        ax.set_yticks(np.arange(len(frames)), names)
        ax.set_ylim(len(frames) - 0.5, -0.5)
        ax.set_xlim(0, right * 1.38)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("cue hits per 1,000 terms (dictionary coding; "
                      + ("line: bootstrap interval" if has_ci else "no interval") + ")")
        handles = [Patch(color=colors.get(g, NEUTRAL), label=g) for g in groups]
        handles.append(Patch(facecolor="#777777", alpha=_PALE, label="pale: few hits"))
        ax.legend(handles=handles, loc="best", fontsize=8)
        ax.set_title("Frame profile per source")
    return fig
