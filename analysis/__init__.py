"""News framing toolkit: what does each news source select and make salient?

The package computes; the numbered notebooks narrate. Data flows one way:
documents (:func:`load_corpus`) -> tokens (:func:`tokenize`, :func:`terms`) ->
tables -> figures (``analysis.plots``). This module re-exports the public
functions and nothing else.
"""

from .align import (
    align_all,
    align_sentences,
    content_summary,
    coverage,
    evaluate_alignment,
    salience,
    sentence_similarities,
    unique_content,
)
from .concordance import collocations, kwic
from .corpus import load_corpus, load_report, read_text
from .counts import TermCounts, count_partition, merge_counts, term_counts
from .entities import (
    cooccurrence,
    entities,
    entity_frequencies,
    entity_labels,
    entity_salience,
    evaluate_mentions,
    load_gazetteer,
    mention_differences,
    merge_table,
    name_key,
)
from .keyness import (
    KEYNESS_COLUMNS,
    SmallCorpusWarning,
    keyness,
    keyness_bootstrap,
    prior_sensitivity,
)
from .frames import (
    codebook_cues,
    codebook_table,
    frame_contrast,
    frame_evidence,
    frame_scores,
    frame_sentences,
    load_codebook,
)
from .langs import SUPPORTED_LANGS, check_lang
from .normalize import normalize, normalize_term
from .numbers import numbers, numbers_side_by_side
from .overview import corpus_summary, vocabulary_overlap
from .quotes import evaluate_quotes, load_lexicon, quotes, voices
# .report and .plots (figures, matplotlib) load on first use: see _LAZY at the end
from .stream import count_rows, read_batches
from .tfidf import (
    background_counts,
    background_frequencies,
    background_keyness,
    similarity,
    tfidf,
    top_terms,
)
from .tokens import (
    Analyzer,
    scan,
    scan_sentences,
    sentence_spans,
    sentences,
    stopwords,
    terms,
    token_spans,
    tokenize,
    tokens_table,
)

__all__ = [
    "SUPPORTED_LANGS",
    "Analyzer",
    "TermCounts",
    "align_all",
    "align_sentences",
    "content_summary",
    "coverage",
    "cooccurrence",
    "entities",
    "entity_frequencies",
    "entity_labels",
    "entity_salience",
    "evaluate_mentions",
    "load_gazetteer",
    "mention_differences",
    "merge_table",
    "name_key",
    "plot_cooccurrence_network",
    "plot_entity_frequencies",
    "plot_entity_salience",
    "evaluate_alignment",
    "numbers",
    "numbers_side_by_side",
    "salience",
    "sentence_similarities",
    "unique_content",
    "KEYNESS_COLUMNS",
    "SmallCorpusWarning",
    "keyness",
    "keyness_bootstrap",
    "prior_sensitivity",
    "background_counts",
    "background_frequencies",
    "background_keyness",
    "collocations",
    "kwic",
    "plot_frequency_scatter",
    "plot_keyness_bars",
    "plot_log_ratio_intervals",
    "plot_prior_sensitivity",
    "plot_similarity_heatmap",
    "similarity",
    "tfidf",
    "top_terms",
    "check_lang",
    "codebook_cues",
    "codebook_table",
    "corpus_summary",
    "frame_contrast",
    "frame_evidence",
    "frame_scores",
    "frame_sentences",
    "load_codebook",
    "load_corpus",
    "load_report",
    "normalize",
    "normalize_term",
    "plot_alignment",
    "plot_document_lengths",
    "plot_frame_profile",
    "plot_numbers",
    "plot_vocabulary_overlap",
    "read_text",
    "ReportError",
    "build_report",
    "save_figure",
    "save_table",
    "scan",
    "scan_sentences",
    "sentence_spans",
    "sentences",
    "source_colors",
    "stopwords",
    "term_counts",
    "count_partition",
    "merge_counts",
    "count_rows",
    "read_batches",
    "terms",
    "token_spans",
    "tokenize",
    "tokens_table",
    "vocabulary_overlap",
    "evaluate_quotes",
    "load_lexicon",
    "plot_share_of_voice",
    "quotes",
    "voices",
]

# Figures and the HTML report import matplotlib, about half a second per process, so
# their names load on first use (PEP 562 module __getattr__): a process that only
# counts (a term_counts(n_jobs=...) or Dask worker) never imports matplotlib.
# `from analysis import plot_xxx`, `analysis.build_report`, `__all__` and
# `dir(analysis)` are the same as with eager imports (tests/test_tfidf_speed.py).
# A new public name of .plots or .report goes here, not into an import line above.
_LAZY = {
    "report": ("ReportError", "build_report"),
    "plots": (
        "plot_alignment",
        "plot_cooccurrence_network",
        "plot_document_lengths",
        "plot_entity_frequencies",
        "plot_entity_salience",
        "plot_frame_profile",
        "plot_numbers",
        "plot_share_of_voice",
        "plot_frequency_scatter",
        "plot_keyness_bars",
        "plot_log_ratio_intervals",
        "plot_prior_sensitivity",
        "plot_similarity_heatmap",
        "plot_vocabulary_overlap",
        "save_figure",
        "save_table",
        "source_colors",
    ),
}
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name):
    import importlib

    if name in _LAZY:  # the submodule itself: analysis.plots, analysis.report
        return importlib.import_module(f".{name}", __name__)
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    hidden = {"_LAZY", "_LAZY_NAMES", "__getattr__", "__dir__"}
    return sorted((set(globals()) - hidden) | set(_LAZY) | set(_LAZY_NAMES))
