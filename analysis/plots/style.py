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

import matplotlib
import matplotlib.pyplot as plt

__all__ = [
    "PALETTE",
    "NEUTRAL",
    "STYLE",
    "style",
    "source_colors",
    "new_axes",
    "provenance",
    "provenance_text",
]

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
    """Context manager applying :data:`STYLE` (used by every ``plot_*``).

    Every setting is restored on exit except ``interactive``: when the first
    figure of a session is drawn inside the context, pyplot loads its backend
    there, and Jupyter's inline backend switches interactive mode on as it loads.
    Restoring the old value would stop every later figure of the notebook from
    being shown.
    """
    with plt.rc_context(STYLE):
        yield
        interactive = matplotlib.is_interactive()
    matplotlib.interactive(interactive)


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


def provenance_text(
    *, corpus: str | None = None, statistic: str | None = None, prior: str | None = None,
    note: str | None = None,
) -> str:
    """Compose the short provenance line drawn under a figure.

    Parameters
    ----------
    corpus, statistic, prior, note : str, optional
        What the figure was computed from; empty parts are left out.

    Returns
    -------
    str

    Examples
    --------
    >>> provenance_text(corpus="seeds (2 documents)", statistic="log-likelihood G2")
    'corpus: seeds (2 documents) · statistic: log-likelihood G2'
    >>> provenance_text()
    ''
    """
    parts = [(label, value) for label, value in
             (("corpus", corpus), ("statistic", statistic), ("prior", prior), (None, note))
             if value]
    return " · ".join(f"{label}: {value}" if label else str(value) for label, value in parts)


def provenance(fig, text: str | None = None, **parts):
    """Write a small grey provenance line under a figure and return the figure.

    Give the whole line as ``text`` or its parts as keywords
    (see :func:`provenance_text`). The line sits below the axes at the left
    edge; ``savefig.bbox = "tight"`` keeps it inside the saved image.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> with style():
    ...     fig, ax = new_axes()
    >>> fig = provenance(fig, corpus="seeds", statistic="G2")
    >>> fig.texts[-1].get_text()
    'corpus: seeds · statistic: G2'
    >>> plt.close(fig)
    """
    line = text if text is not None else provenance_text(**parts)
    if not line:
        return fig
    x, y = 0.0, -0.02
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    if get_renderer is not None:
        # Below everything already drawn (tick labels, axis labels, legends), so the
        # line never overlaps them; the tight bounding box is in inches.
        with style():
            box = fig.get_tightbbox(get_renderer())
        x = box.x0 / fig.get_figwidth()
        y = (box.y0 - 0.06) / fig.get_figheight()
    fig.text(x, y, line, ha="left", va="top", fontsize=7, color="#555555",
             fontfamily=STYLE["font.family"], transform=fig.transFigure)
    return fig
