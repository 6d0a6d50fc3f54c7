"""Figures: one ``plot_*`` function per figure, each drawing from a table.

Every figure function takes a tidy table, an optional matplotlib ``ax`` and an
optional ``colors`` mapping (source -> colour, default :func:`source_colors`), and
returns the :class:`matplotlib.figure.Figure`. :func:`save_figure` and
:func:`save_table` write a figure and the table behind it reproducibly.

Stage modules never import this package: it draws the tables they return.
"""

from .overview import plot_document_lengths, plot_vocabulary_overlap
from .save import atomic_write, save_figure, save_table
from .style import NEUTRAL, PALETTE, STYLE, new_axes, source_colors, style

__all__ = [
    "NEUTRAL",
    "PALETTE",
    "STYLE",
    "atomic_write",
    "new_axes",
    "plot_document_lengths",
    "plot_vocabulary_overlap",
    "save_figure",
    "save_table",
    "source_colors",
    "style",
]
