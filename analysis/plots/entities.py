"""Figures of the entity analysis (notebook 05): frequency, salience, co-occurrence."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .style import NEUTRAL, new_axes, source_colors, style

__all__ = ["plot_entity_frequencies", "plot_entity_salience", "plot_cooccurrence_network"]


def _top_entities(table: pd.DataFrame, value: str, top: int) -> list[str]:
    """Entities ordered by their largest value over groups, then by name."""
    best = table.groupby("canonical")[value].max()
    order = sorted(best.index, key=lambda c: (-best[c], c))
    return order[:top]


def plot_entity_frequencies(
    frequencies: pd.DataFrame,
    *,
    ax=None,
    colors: Mapping[str, str] | None = None,
    value: str = "per_1k",
    top: int = 15,
):
    """Dot plot: how often each source names each entity.

    One row per entity (the ``top`` entities by their highest value), one dot per
    group, joined by a grey line so the gap between sources reads at a glance.

    Parameters
    ----------
    frequencies : pandas.DataFrame
        The table from :func:`analysis.entities.entity_frequencies`.
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Group -> colour; default :func:`source_colors` of the groups.
    value : {"per_1k", "mentions", "share"}, default "per_1k"
    top : int, default 15

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = {"per_1k": "mentions per 1,000 terms", "mentions": "mentions",
              "share": "share of the source's entity mentions"}
    if value not in labels:
        raise ValueError(f"value={value!r} must be one of {', '.join(labels)}")
    colors = dict(colors) if colors is not None else source_colors(frequencies["group"])
    names = _top_entities(frequencies, value, top) if len(frequencies) else []
    groups = sorted(frequencies["group"].unique())
    with style():
        fig, ax = new_axes(ax, (6.8, 0.9 + 0.32 * max(len(names), 1)))
        y = {name: len(names) - 1 - k for k, name in enumerate(names)}
        wide = frequencies.pivot_table(index="canonical", columns="group", values=value,
                                       aggfunc="sum", fill_value=0) if len(frequencies) else None
        for name in names:
            vals = [wide.loc[name, g] if g in wide.columns else 0 for g in groups]
            ax.plot([min(vals), max(vals)], [y[name]] * 2, color=NEUTRAL, lw=1.2, zorder=1)
        for k, group in enumerate(groups):
            vals = [wide.loc[name, group] if group in wide.columns else 0 for name in names]
            offset = (k - (len(groups) - 1) / 2) * 0.12
            ax.scatter(vals, [y[n] + offset for n in names], s=42, color=colors.get(group, NEUTRAL),
                       label=group, zorder=2, edgecolor="white", linewidth=0.6)
        ax.set_yticks([y[n] for n in names], names)
        ax.set_ylim(-0.7, len(names) - 0.3)
        ax.set_xlim(left=0)
        ax.set_xlabel(labels[value] + (" (metonyms counted for the actor)" if value == "per_1k" else ""))
        ax.grid(axis="y", visible=False)
        ax.legend(title=None, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        ax.set_title("Who each source names, and how often")
    return fig


def plot_entity_salience(
    salience: pd.DataFrame,
    *,
    ax=None,
    colors: Mapping[str, str] | None = None,
    top: int = 15,
):
    """Where each source first names each entity (0 = first word, 1 = last).

    Dots are placed at the fraction of the text before the first mention; a
    star marks an entity that is also in the document's headline. Size grows with
    the number of sentences naming the entity.

    Parameters
    ----------
    salience : pandas.DataFrame
        The table from :func:`analysis.entities.entity_salience`.
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Source -> colour; default :func:`source_colors`.
    top : int, default 15
        Entities kept: those mentioned earliest in any document.

    Returns
    -------
    matplotlib.figure.Figure
    """
    colors = dict(colors) if colors is not None else source_colors(salience["source"])
    if len(salience):
        first = salience.groupby("canonical")["first_fraction"].min()
        names = sorted(first.index, key=lambda c: (first[c], c))[:top]
    else:
        names = []
    table = salience[salience["canonical"].isin(names)]
    sources = sorted(table["source"].unique())
    with style():
        fig, ax = new_axes(ax, (6.8, 1.0 + 0.32 * max(len(names), 1)))
        y = {name: len(names) - 1 - k for k, name in enumerate(names)}
        for k, source in enumerate(sources):
            rows = table[table["source"] == source]
            offset = (k - (len(sources) - 1) / 2) * 0.14
            headline = rows["in_headline"].fillna(False).astype(bool).to_numpy()
            sizes = 18 + 14 * rows["n_sentences"].to_numpy()
            ys = np.array([y[c] + offset for c in rows["canonical"]])
            xs = rows["first_fraction"].to_numpy()
            ax.scatter(xs[~headline], ys[~headline], s=sizes[~headline], color=colors[source],
                       label=source, edgecolor="white", linewidth=0.6, zorder=2)
            if headline.any():
                ax.scatter(xs[headline], ys[headline], s=sizes[headline] * 1.8, marker="*",
                           color=colors[source], edgecolor="black", linewidth=0.5, zorder=3,
                           label=f"{source}: also in the headline")
        ax.set_yticks([y[n] for n in names], names)
        ax.set_ylim(-0.7, len(names) - 0.3)
        ax.set_xlim(-0.03, 1.03)
        ax.set_xlabel("position of the first mention (fraction of the text; 0 = start)")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=0.7)
        ax.set_title("How early each source names each entity (dot size: sentences naming it)")
    return fig


def _wrap(name: str, width: int = 18) -> str:
    """Break a long node label into lines of at most ``width`` characters."""
    lines, line = [], ""
    for word in name.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _circle_positions(nodes: list[str]) -> dict[str, tuple[float, float]]:
    n = len(nodes)
    return {node: (math.cos(math.pi / 2 - 2 * math.pi * k / n),
                   math.sin(math.pi / 2 - 2 * math.pi * k / n)) for k, node in enumerate(nodes)}


def plot_cooccurrence_network(
    cooccurrence: pd.DataFrame,
    *,
    ax=None,
    colors: Mapping[str, str] | None = None,
    min_sentences: int = 1,
    top: int = 14,
):
    """One network per group: entities joined when named in the same sentence.

    Nodes sit on a circle in alphabetical order (deterministic, and the same place
    in every panel, so panels compare at a glance); line width grows with the
    number of shared sentences. Only the ``top`` entities with most co-occurrences
    over all groups are drawn.

    Parameters
    ----------
    cooccurrence : pandas.DataFrame
        The table from :func:`analysis.entities.cooccurrence`.
    ax : matplotlib.axes.Axes or sequence of Axes, optional
        One axes per group (sorted group names); new ones if omitted.
    colors : mapping, optional
        Group -> colour; default :func:`source_colors`.
    min_sentences : int, default 1
        Leave out pairs sharing fewer sentences.
    top : int, default 14

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    colors = dict(colors) if colors is not None else source_colors(cooccurrence["group"])
    table = cooccurrence[cooccurrence["sentences"] >= min_sentences]
    groups = sorted(table["group"].unique()) or sorted(cooccurrence["group"].unique()) or [""]
    weight = pd.concat([table.groupby("entity_a")["sentences"].sum(),
                        table.groupby("entity_b")["sentences"].sum()]).groupby(level=0).sum()
    keep = sorted(weight.index, key=lambda c: (-weight[c], c))[:top]
    nodes = sorted(keep)
    pos = _circle_positions(nodes) if nodes else {}
    with style():
        if ax is None:
            fig, axes = plt.subplots(1, len(groups), figsize=(6.2 * len(groups), 4.9))
            axes = np.atleast_1d(axes)
        else:
            axes = np.atleast_1d(ax)
            fig = axes[0].figure
        if len(axes) != len(groups):
            raise ValueError(f"ax must hold {len(groups)} axes, one per group: {groups}")
        widest = max(table["sentences"].max(), 1) if len(table) else 1
        for axis, group in zip(axes, groups):
            rows = table[(table["group"] == group) & table["entity_a"].isin(nodes)
                         & table["entity_b"].isin(nodes)]
            degree = pd.concat([rows["entity_a"], rows["entity_b"]]).value_counts()
            for a, b, n in zip(rows["entity_a"], rows["entity_b"], rows["sentences"]):
                (x0, y0), (x1, y1) = pos[a], pos[b]
                axis.plot([x0, x1], [y0, y1], color=colors.get(group, NEUTRAL),
                          lw=0.6 + 3.4 * n / widest, alpha=0.7, zorder=1,
                          solid_capstyle="round")
            for node in nodes:
                x, y = pos[node]
                present = node in degree.index
                axis.scatter([x], [y], s=40 + 25 * degree.get(node, 0),
                             color=colors.get(group, NEUTRAL) if present else "white",
                             edgecolor=colors.get(group, NEUTRAL) if present else NEUTRAL,
                             zorder=2, linewidth=1)
                ha = "left" if x > 0.15 else "right" if x < -0.15 else "center"
                va = "bottom" if y > 0.15 else "top" if y < -0.15 else "center"
                axis.annotate(_wrap(node), (x, y), xytext=(x * 9, y * 9), textcoords="offset points",
                              ha=ha, va=va, fontsize=8,
                              color="black" if present else NEUTRAL)
            axis.set_xlim(-1.9, 1.9)
            axis.set_ylim(-1.35, 1.35)
            axis.set_aspect("equal")
            axis.axis("off")
            axis.set_title(f"{group}: entities named in the same sentence", fontsize=10)
        fig.suptitle("Co-occurrence of entities within sentences (line width: shared sentences)",
                     fontsize=11, y=0.97)
    return fig
