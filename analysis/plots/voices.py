"""Figures of voices: who is given voice by each source (notebook 06)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import source_colors, style

__all__ = ["plot_share_of_voice"]

_MEASURES = (
    ("share_quoted_words", "n_quoted_words", "share of quoted words (%)",
     "Words inside quotation marks"),
    ("share_statements", "n_statements", "share of statements (%)",
     "Attributed statements"),
)


def plot_share_of_voice(
    voices: pd.DataFrame,
    *,
    ax: Sequence | None = None,
    colors: Mapping[str, str] | None = None,
    top: int | None = None,
    wrap: int = 30,
):
    """Grouped bars: each speaker's share of quoted words and of statements, per source.

    Two panels share the speaker axis: on the left the share of the words a
    source puts inside quotation marks (direct and partial quotes), on the right
    its share of attributed statements. One bar per source, in the source's
    colour, labelled with the count behind it. Speakers are ordered by their
    total share over both measures and all sources.

    Parameters
    ----------
    voices : pandas.DataFrame
        The table from :func:`analysis.quotes.voices` (columns ``group, speaker,
        n_statements, n_quoted_words, share_statements, share_quoted_words``).
    ax : pair of matplotlib.axes.Axes, optional
        Two axes to draw the two panels on; default a new figure.
    colors : mapping, optional
        Group -> colour; default :func:`source_colors` of the table's groups.
    top : int, optional
        Draw only the ``top`` speakers (all by default).
    wrap : int, default 30
        Wrap speaker names longer than this many characters.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> v = pd.DataFrame({"group": ["X", "Y"], "speaker": ["Tass", "KCNA"],
    ...                   "n_statements": [2, 1], "n_quoted_words": [10, 0],
    ...                   "share_statements": [1.0, 1.0], "share_quoted_words": [1.0, 0.0]})
    >>> fig = plot_share_of_voice(v)
    >>> [ax.get_title() for ax in fig.axes]
    ['Words inside quotation marks', 'Attributed statements']
    >>> plt.close(fig)
    """
    needed = ["group", "speaker", "n_statements", "n_quoted_words", "share_statements",
              "share_quoted_words"]
    missing = [c for c in needed if c not in voices.columns]
    if missing:
        raise ValueError(f"voices is missing column(s) {missing}; pass the table from voices()")
    groups = sorted(voices["group"].astype(str).unique())
    colors = dict(colors) if colors is not None else source_colors(groups)
    total = (voices.groupby("speaker")[["share_statements", "share_quoted_words"]].sum()
             .sum(axis=1))
    order = sorted(total.index, key=lambda s: (-round(float(total[s]), 9), s))
    if top is not None:
        order = order[:top]
    n = len(order)
    with style():
        if ax is None:
            height_in = 1.4 + max(n, 1) * (0.18 + 0.12 * len(groups))
            fig, axes = plt.subplots(1, 2, figsize=(10.0, height_in), sharey=True)
        else:
            axes = list(ax)
            if len(axes) != 2:
                raise TypeError("ax must be a pair of axes (one per panel) or None")
            fig = axes[0].figure
        height = 0.8 / max(len(groups), 1)
        y = np.arange(n)
        table = voices.set_index(["group", "speaker"])
        for panel, (share, count, label, title) in zip(axes, _MEASURES):
            for k, group in enumerate(groups):
                values, counts = [], []
                for speaker in order:
                    key = (group, speaker)
                    values.append(100.0 * float(table[share].get(key, 0.0)))
                    counts.append(int(table[count].get(key, 0)))
                offset = (k - (len(groups) - 1) / 2) * height
                bars = panel.barh(y + offset, values, height=height * 0.92,
                                  color=colors.get(group, "#777777"), label=group)
                for bar, value, c in zip(bars, values, counts):
                    if c:
                        panel.annotate(f"{c}", (value, bar.get_y() + bar.get_height() / 2),
                                       xytext=(3, 0), textcoords="offset points",
                                       va="center", fontsize=7, color="#333333")
            for sep in y[:-1] + 0.5:
                panel.axhline(sep, color="#e6e6e6", linewidth=0.6, zorder=0)
            panel.set_xlabel(label)
            panel.set_title(title, fontsize=10)
            panel.grid(axis="y", visible=False)
            xmax = max([100.0 * float(v) for v in voices[share]] + [1.0])
            panel.set_xlim(0, xmax * 1.18)
        axes[0].set_yticks(y)
        axes[0].set_yticklabels(["\n".join(textwrap.wrap(s, wrap)) or s for s in order],
                                fontsize=8)
        axes[0].invert_yaxis()
        axes[0].set_ylabel("speaker (canonical)")
        axes[1].legend(title="source", loc="lower right", fontsize=8, title_fontsize=8)
        fig.suptitle("Share of voice by source: who speaks (bar labels: counts)", fontsize=11,
                     y=0.995)
        fig.tight_layout()
    return fig
