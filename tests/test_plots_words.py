"""Figures of the word-level comparison: drawn from their tables, readable labels."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from analysis import (  # noqa: E402
    SmallCorpusWarning,
    keyness,
    keyness_bootstrap,
    load_corpus,
    plot_frequency_scatter,
    plot_keyness_bars,
    plot_log_ratio_intervals,
    plot_prior_sensitivity,
    plot_similarity_heatmap,
    prior_sensitivity,
    similarity,
    source_colors,
    term_counts,
)

SIDES = {"target": "Le Monde", "reference": "Unsigned"}


@pytest.fixture(scope="module")
def seeds():
    docs = load_corpus()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCorpusWarning)
        counts = term_counts(docs)
        table = keyness(counts, **SIDES)
        sens = prior_sensitivity(counts, top_k=5, **SIDES)
        sim = similarity(docs, by="source")
    boot = keyness_bootstrap(docs, n_boot=100, **SIDES)
    return docs, table, sens, sim, boot


def overlaps(fig, texts):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts if t.get_text()]
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


def test_keyness_bars_draw_the_top_terms_with_counts(seeds):
    docs, table, *_ = seeds
    colors = source_colors(docs.source)
    fig = plot_keyness_bars(table, n=5, colors=colors, **SIDES)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts if "(" in t.get_text()]
    assert len(labels) == 10
    # "truppe" is 0 times in Le Monde and 4 times in the unsigned text
    assert "truppe (0 : 4)" in labels
    bars = ax.patches
    right = {to_hex(b.get_facecolor()) for b in bars if b.get_width() > 0}
    left = {to_hex(b.get_facecolor()) for b in bars if b.get_width() < 0}
    assert right == {colors["Le Monde"].lower()} and left == {colors["Unsigned"].lower()}
    assert ax.get_xlabel() and ax.get_title()
    assert not overlaps(fig, ax.texts)
    plt.close(fig)


def test_frequency_scatter_labels_do_not_overlap(seeds):
    _, table, *_ = seeds
    fig = plot_frequency_scatter(table, n_labels=12, **SIDES)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = list(ax.texts)
    text = " ".join(t.get_text() for t in labels)
    assert "truppe" in text and "nordcoreano" in text
    assert not overlaps(fig, labels)
    plt.close(fig)


def test_similarity_heatmap_writes_the_values(seeds):
    _, _, _, sim, _ = seeds
    fig = plot_similarity_heatmap(sim)
    values = sorted(t.get_text() for t in fig.axes[0].texts)
    off = sim[sim.group_a != sim.group_b]["cosine_tfidf"].iloc[0]
    assert values == sorted(["1.00", "1.00", f"{off:.2f}", f"{off:.2f}"])
    plt.close(fig)


def test_prior_sensitivity_grid_has_one_cell_per_term_and_prior(seeds):
    _, _, sens, _, _ = seeds
    fig = plot_prior_sensitivity(sens, **SIDES)
    ax = fig.axes[0]
    assert len(ax.texts) == len(sens)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(dict.fromkeys(sens["prior"]))
    plt.close(fig)


def test_log_ratio_intervals(seeds):
    *_, boot = seeds
    fig = plot_log_ratio_intervals(boot, n=4, **SIDES)
    assert len(fig.axes[0].get_yticklabels()) == 8
    plt.close(fig)


@pytest.mark.parametrize("plot", [plot_keyness_bars, plot_frequency_scatter,
                                  plot_prior_sensitivity, plot_log_ratio_intervals])
def test_wrong_table_is_named(plot):
    with pytest.raises(ValueError, match="missing column"):
        plot(pd.DataFrame({"term": ["x"]}), **SIDES)


def test_missing_colour_is_named(seeds):
    _, table, *_ = seeds
    with pytest.raises(ValueError, match="no colour for 'Unsigned'"):
        plot_keyness_bars(table, colors={"Le Monde": "#000000"}, **SIDES)
