"""Figures: one ``plot_*`` function per figure, each drawing from a table.

Every figure function takes a tidy table, an optional matplotlib ``ax`` and an
optional ``colors`` mapping (source -> colour, default :func:`source_colors`), and
returns the :class:`matplotlib.figure.Figure`. :func:`save_figure` and
:func:`save_table` write a figure and the table behind it reproducibly.

Stage modules never import this package: it draws the tables they return.
"""

from .align import plot_alignment, plot_numbers
from .entities import plot_cooccurrence_network, plot_entity_frequencies, plot_entity_salience
from .frames import plot_frame_profile
from .overview import plot_document_lengths, plot_vocabulary_overlap
from .save import atomic_write, save_figure, save_table
from .voices import plot_share_of_voice
from .words import (
    plot_frequency_scatter,
    plot_keyness_bars,
    plot_log_ratio_intervals,
    plot_prior_sensitivity,
    plot_similarity_heatmap,
)
from .style import (
    NEUTRAL,
    PALETTE,
    STYLE,
    new_axes,
    provenance,
    provenance_text,
    source_colors,
    style,
)

__all__ = [
    "NEUTRAL",
    "PALETTE",
    "STYLE",
    "atomic_write",
    "new_axes",
    "plot_cooccurrence_network",
    "plot_entity_frequencies",
    "plot_entity_salience",
    "plot_alignment",
    "plot_document_lengths",
    "plot_frame_profile",
    "plot_numbers",
    "plot_share_of_voice",
    "plot_vocabulary_overlap",
    "plot_frequency_scatter",
    "plot_keyness_bars",
    "plot_log_ratio_intervals",
    "plot_prior_sensitivity",
    "plot_similarity_heatmap",
    "provenance",
    "provenance_text",
    "save_figure",
    "save_table",
    "source_colors",
    "style",
]
