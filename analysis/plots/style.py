"""One visual style and one colour per source for every figure of the project.

Colours come from the colour-blind-safe palette of Okabe and Ito (2008), assigned
from the sorted source names, so a source keeps its colour in every figure as long
as the same set of sources is drawn.

Examples
--------
>>> source_colors(["Unsigned", "Le Monde"])
{'Le Monde': '#0072B2', 'Unsigned': '#D55E00'}
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

import matplotlib.pyplot as plt

__all__ = ["PALETTE", "NEUTRAL", "STYLE", "style", "source_colors", "new_axes"]

#: Okabe-Ito colour-blind-safe palette, in the order sources receive colours.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
#: Neutral colour for "shared" or "all sources".
NEUTRAL = "#999999"

#: The project's matplotlib style (fonts shipped with matplotlib, so every machine
#: renders the same glyphs).
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "svg.hashsalt": "news-framing",
    "svg.fonttype": "path",
    "path.simplify": False,
}


@contextmanager
def style():
    """Context manager applying :data:`STYLE` (used by every ``plot_*``)."""
    with plt.rc_context(STYLE):
        yield


def source_colors(sources: Iterable[str]) -> dict[str, str]:
    """Assign one palette colour per source, from the sorted unique names.

    Parameters
    ----------
    sources : iterable of str
        Source names (duplicates allowed), e.g. ``docs["source"]``.

    Returns
    -------
    dict
        ``{source: hex colour}``; beyond eight sources colours repeat.
    """
    names = sorted({str(s) for s in sources})
    return {name: PALETTE[k % len(PALETTE)] for k, name in enumerate(names)}


def new_axes(ax=None, figsize=(6.4, 4.0)):
    """Return ``(figure, axes)``: the given axes and its figure, or new ones."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    return fig, ax


