"""Figures of the word-level comparison (notebooks 02-04).

Each function draws one table: :func:`analysis.keyness` (bars, scatter),
:func:`analysis.keyness_bootstrap` (intervals), :func:`analysis.prior_sensitivity`
and :func:`analysis.tfidf.similarity`. The target side is always drawn in the
target's source colour and the reference side in the reference's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .style import NEUTRAL, new_axes, source_colors, style

__all__ = [
    "plot_frequency_scatter",
    "plot_keyness_bars",
    "plot_log_ratio_intervals",
    "plot_prior_sensitivity",
    "plot_similarity_heatmap",
]

_LABELS = {
    "g2": "signed log-likelihood G2 (dashed: p = 0.05, unadjusted)",
    "log_ratio": "log ratio (binary log of the ratio of rates per 1,000 terms)",
    "log_odds_z": "log-odds z-score (informative Dirichlet prior)",
    "log_odds": "log-odds ratio (informative Dirichlet prior)",
    "pct_diff": "%DIFF of rates per 1,000 terms",
}
_G2_CRITICAL = 3.841458820694124  # chi-square, 1 df, upper 5 %


def _require(table: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"table is missing column(s) {missing}; pass the table from {name}")


def _side_colors(colors, target, reference):
    colors = dict(colors) if colors is not None else source_colors([target, reference])
    for name in (target, reference):
        if name not in colors:
            raise ValueError(f"colors has no colour for {name!r}; pass source_colors(docs.source)")
    return colors[target], colors[reference]


def plot_keyness_bars(
    table: pd.DataFrame,
    *,
    target: str,
    reference: str,
    measure: str = "g2",
    n: int = 10,
    ax=None,
    colors: Mapping[str, str] | None = None,
):
    """Back-to-back bars: the terms most distinctive of each side, with their counts.

    The ``n`` terms with the largest positive ``measure`` (the target's) point right
    in the target's colour; the ``n`` most negative (the reference's) point left in
    the reference's colour. Each bar is labelled ``term (n_target : n_reference)``.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`analysis.keyness` table.
    target, reference : str
        Names of the two sides (source names, for colours and the legend).
    measure : str, default "g2"
        A signed measure column: ``g2``, ``log_ratio``, ``log_odds``, ``log_odds_z``.
    n : int, default 10
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Source -> colour; default :func:`source_colors` of the two names.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require(table, ["term", "n_target", "n_reference", measure], "keyness()")
    c_t, c_r = _side_colors(colors, target, reference)
    values = table[measure].astype(float)
    pos = table[values > 0].assign(_v=values).sort_values(["_v", "term"], ascending=[False, True])
    neg = table[values < 0].assign(_v=values).sort_values(["_v", "term"], ascending=[True, True])
    pos, neg = pos.head(n), neg.head(n)
    rows = max(len(pos), len(neg), 1)
    with style():
        fig, ax = new_axes(ax, (7.6, 1.2 + 0.36 * rows))
        span = max([abs(v) for v in list(pos["_v"]) + list(neg["_v"])] + [1.0])
        for side, frame, color, ha, sign in (("t", pos, c_t, "left", 1), ("r", neg, c_r, "right", -1)):
            y = np.arange(len(frame))
            ax.barh(y, frame["_v"], color=color, height=0.7)
            for yy, (term, v, a, b) in zip(y, frame[["term", "_v", "n_target", "n_reference"]]
                                           .itertuples(index=False)):
                ax.annotate(f"{term} ({a:g} : {b:g})", (v, yy), xytext=(sign * 3, 0),
                            textcoords="offset points", ha=ha, va="center", fontsize=8)
        if measure == "g2":
            for x in (-_G2_CRITICAL, _G2_CRITICAL):
                ax.axvline(x, color=NEUTRAL, linestyle="--", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlim(-span * 2.0, span * 2.0)
        ax.set_ylim(rows - 0.4, -0.6)
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(_LABELS.get(measure, measure))
        ax.text(0.99, 1.0, f"more in {target} →", transform=ax.transAxes, ha="right",
                va="bottom", color=c_t, fontsize=9)
        ax.text(0.01, 1.0, f"← more in {reference}", transform=ax.transAxes, ha="left",
                va="bottom", color=c_r, fontsize=9)
        ax.set_title(f"Most distinctive terms: {target} vs {reference}\n"
                     f"labels: term (count in {target} : count in {reference})", fontsize=10,
                     pad=16)
    return fig


def plot_frequency_scatter(
    table: pd.DataFrame,
    *,
    target: str,
    reference: str,
    label_by: str = "log_odds_z",
    n_labels: int = 12,
    ax=None,
    colors: Mapping[str, str] | None = None,
):
    """Rate in the reference against rate in the target, log scales, one dot per point.

    Terms with the same pair of counts share a point; the dot's area grows with the
    number of terms there. A term a side never uses sits on the "0" line at the
    bottom or the left. The diagonal is "equal rates". The ``n_labels`` terms with the
    largest ``|label_by|``, half from each side, are labelled in the colour of the
    side they favour; terms at the same point share one label, and label positions
    are adjusted (adjustText) so that labels do not overlap.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`analysis.keyness` table.
    target, reference : str
    label_by : str, default "log_odds_z"
    n_labels : int, default 12
    ax, colors
        As in :func:`plot_keyness_bars`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from adjustText import adjust_text  # pinned; its random shifts use a fixed seed

    _require(table, ["term", "per_1k_target", "per_1k_reference", label_by], "keyness()")
    c_t, c_r = _side_colors(colors, target, reference)
    x = table["per_1k_reference"].to_numpy(float)
    y = table["per_1k_target"].to_numpy(float)
    positive = np.concatenate([x[x > 0], y[y > 0]])
    floor = positive.min() / 2.5 if len(positive) else 0.1
    xs, ys = np.where(x > 0, x, floor), np.where(y > 0, y, floor)
    points = pd.DataFrame({"x": xs, "y": ys, "v": table[label_by].to_numpy(float)})
    grouped = points.groupby(["x", "y"], sort=True).agg(k=("v", "size"), v=("v", "mean"))
    grouped = grouped.reset_index()
    with style():
        fig, ax = new_axes(ax, (6.8, 6.0))
        shade = np.where(grouped["v"] > 0, c_t, np.where(grouped["v"] < 0, c_r, NEUTRAL))
        ax.scatter(grouped["x"], grouped["y"], s=14 * np.sqrt(grouped["k"]) ** 2 / 2 + 6,
                   c=list(shade), alpha=0.45, linewidths=0)
        ax.set_xscale("log")
        ax.set_yscale("log")
        top = max(xs.max(), ys.max()) * 1.6
        ax.plot([floor, top], [floor, top], color=NEUTRAL, linewidth=0.8, linestyle="--")
        ax.set_xlim(floor / 1.5, top)
        ax.set_ylim(floor / 1.5, top)
        ax.axhline(floor, color=NEUTRAL, linewidth=0.6, linestyle=":")
        ax.axvline(floor, color=NEUTRAL, linewidth=0.6, linestyle=":")
        v_all = points["v"].to_numpy()
        order = np.argsort(-np.abs(v_all), kind="stable")
        half = (n_labels + 1) // 2  # half the labels for each side
        chosen = ([k for k in order if v_all[k] > 0][:half]
                  + [k for k in order if v_all[k] < 0][: n_labels - half])
        # terms at the same point share one label, so labels cannot sit on each other
        by_point: dict = {}
        for k in chosen:
            by_point.setdefault((xs[k], ys[k]), []).append(k)
        texts = []
        for (px, py), ks in by_point.items():
            names = sorted(str(table["term"].iloc[k]) for k in ks)
            lines = [", ".join(names[i:i + 3]) for i in range(0, len(names), 3)]
            v = points["v"].iloc[ks[0]]
            texts.append(ax.text(px, py, "\n".join(lines), fontsize=8,
                                 color=c_t if v > 0 else c_r))
        if texts:
            adjust_text(texts, ax=ax, x=grouped["x"].to_numpy(), y=grouped["y"].to_numpy(),
                        min_arrow_len=0,
                        arrowprops={"arrowstyle": "-", "color": NEUTRAL, "lw": 0.5})
        ax.set_xlabel(f"{reference}: rate per 1,000 terms (log scale; bottom/left line = 0)")
        ax.set_ylabel(f"{target}: rate per 1,000 terms (log scale; bottom/left line = 0)")
        ax.set_title(f"Term rates, {target} vs {reference}\n"
                     f"dot area: number of terms at that point; labels: largest |{label_by}|",
                     fontsize=10)
    return fig


def plot_similarity_heatmap(
    table: pd.DataFrame,
    *,
    value: str = "cosine_tfidf",
    ax=None,
    colors: Mapping[str, str] | None = None,
):
    """Heatmap of cosine similarity between documents or sources, values written in.

    Parameters
    ----------
    table : pandas.DataFrame
        The table from :func:`analysis.tfidf.similarity`.
    value : {"cosine_tfidf", "cosine_tf"}, default "cosine_tfidf"
    ax : matplotlib.axes.Axes, optional
    colors : mapping, optional
        Group -> colour for the tick labels (groups without a colour stay black).

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require(table, ["group_a", "group_b", value], "similarity()")
    matrix = table.pivot(index="group_a", columns="group_b", values=value)
    groups = sorted(set(matrix.index) | set(matrix.columns))
    matrix = matrix.reindex(index=groups, columns=groups)
    colors = dict(colors) if colors is not None else source_colors(groups)
    with style():
        size = 1.6 + 0.9 * len(groups)
        fig, ax = new_axes(ax, (size + 1.4, size))
        image = ax.imshow(matrix.to_numpy(float), cmap="Greys", vmin=0, vmax=1)
        for i in range(len(groups)):
            for j in range(len(groups)):
                v = matrix.iat[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=9,
                        color="white" if v > 0.6 else "black")
        ax.set_xticks(range(len(groups)), groups, rotation=30, ha="right")
        ax.set_yticks(range(len(groups)), groups)
        for label in list(ax.get_xticklabels()) + list(ax.get_yticklabels()):
            label.set_color(colors.get(label.get_text(), "black"))
        ax.grid(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        kind = "TF-IDF" if value == "cosine_tfidf" else "raw term counts"
        bar.set_label("cosine similarity (0 = no shared term, 1 = same profile)")
        ax.set_title(f"Similarity between texts ({kind})")
    return fig


def plot_prior_sensitivity(
    table: pd.DataFrame,
    *,
    target: str,
    reference: str,
    ax=None,
    colors: Mapping[str, str] | None = None,
):
    """Grid of ranks: how each top term's rank moves as the log-odds prior changes.

    Rows are terms (target side first), columns prior settings; each cell shows the
    term's rank on its side under that prior, shaded in the side's colour when the
    term is in the top k and left pale otherwise.

    Parameters
    ----------
    table : pandas.DataFrame
        The table from :func:`analysis.prior_sensitivity`.
    target, reference : str
    ax, colors
        As in :func:`plot_keyness_bars`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require(table, ["prior", "term", "side", "rank", "in_top_k"], "prior_sensitivity()")
    c_t, c_r = _side_colors(colors, target, reference)
    priors = list(dict.fromkeys(table["prior"]))
    first = table[table["prior"] == priors[0]].sort_values(
        ["side", "rank"], key=lambda s: s.map({"target": 0, "reference": 1}) if s.name == "side"
        else s)
    terms = list(dict.fromkeys(first["term"]))
    cell = {(r.term, r.prior): r for r in table.itertuples(index=False)}
    k = int(table.loc[table["in_top_k"], "rank"].max()) if table["in_top_k"].any() else 1
    from matplotlib.colors import to_rgb

    with style():
        fig, ax = new_axes(ax, (1.8 + 1.35 * len(priors), 1.0 + 0.3 * len(terms)))
        image = np.ones((len(terms), len(priors), 3))
        for i, term in enumerate(terms):
            for j, prior in enumerate(priors):
                row = cell.get((term, prior))
                if row is None:
                    continue
                base = np.array(to_rgb(c_t if row.side == "target" else c_r))
                strength = (0.75 * (1 - (row.rank - 1) / max(k, 1)) + 0.15 if row.in_top_k
                            else 0.06)
                image[i, j] = 1 - strength * (1 - base)
                ax.text(j, i, f"{int(row.rank)}", ha="center", va="center", fontsize=8,
                        color="black")
        ax.imshow(image, aspect="auto")
        ax.set_xticks(range(len(priors)), priors, rotation=20, ha="right")
        ax.set_yticks(range(len(terms)), terms)
        first_side = dict(zip(first["term"], first["side"]))
        for label, term in zip(ax.get_yticklabels(), terms):
            side = first_side.get(term, "target")
            label.set_color(c_t if side == "target" else c_r)
        ax.grid(False)
        ax.set_xlabel("Dirichlet prior of the log-odds ratio (a0 = total pseudo-count)")
        ax.set_title(f"Rank of each term on its side (1 = most distinctive; shaded: top {k})\n"
                     f"{target} terms in its colour, {reference} terms in its colour",
                     fontsize=10)
    return fig


def plot_log_ratio_intervals(
    table: pd.DataFrame,
    *,
    target: str,
    reference: str,
    n: int = 10,
    ax=None,
    colors: Mapping[str, str] | None = None,
):
    """Bootstrap intervals of the log ratio for the most distinctive terms of each side.

    Parameters
    ----------
    table : pandas.DataFrame
        The table from :func:`analysis.keyness_bootstrap`.
    target, reference : str
    n : int, default 10
        Terms per side (largest and smallest observed ``log_ratio``).
    ax, colors
        As in :func:`plot_keyness_bars`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require(table, ["term", "log_ratio", "ci_low", "ci_high", "excludes_zero"],
             "keyness_bootstrap()")
    c_t, c_r = _side_colors(colors, target, reference)
    ordered = table.sort_values(["log_ratio", "term"], ascending=[False, True], kind="stable")
    pos = ordered[ordered["log_ratio"] > 0].head(n)
    neg = ordered[ordered["log_ratio"] < 0].tail(n)
    rows = pd.concat([pos, neg])
    with style():
        fig, ax = new_axes(ax, (6.8, 1.2 + 0.3 * len(rows)))
        y = np.arange(len(rows))
        for yy, (term, lr, lo, hi, ok) in zip(y, rows[["term", "log_ratio", "ci_low", "ci_high",
                                                        "excludes_zero"]].itertuples(index=False)):
            color = c_t if lr > 0 else c_r
            ax.plot([lo, hi], [yy, yy], color=color, linewidth=2, alpha=0.9 if ok else 0.35)
            ax.plot([lr], [yy], "o", color=color, markersize=5,
                    markerfacecolor=color if ok else "white")
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, rows["term"])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(f"log ratio, {target} vs {reference} (binary log of the ratio of rates)")
        ax.set_title("Bootstrap intervals over sentences\n"
                     "filled: interval excludes 0; hollow: it does not", fontsize=10)
    return fig
