"""News framing toolkit: what does each news source select and make salient?

The package computes; the numbered notebooks narrate. Data flows one way:
documents (:func:`load_corpus`) -> tokens (:func:`tokenize`, :func:`terms`) ->
tables -> figures (``analysis.plots``). This module re-exports the public
functions and nothing else.
"""

from .corpus import load_corpus, read_text
from .counts import TermCounts, term_counts
from .langs import SUPPORTED_LANGS, check_lang
from .normalize import normalize, normalize_term
from .overview import corpus_summary, vocabulary_overlap
from .plots import (
    plot_document_lengths,
    plot_vocabulary_overlap,
    save_figure,
    save_table,
    source_colors,
)
from .tokens import (
    Analyzer,
    scan,
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
    "check_lang",
    "corpus_summary",
    "load_corpus",
    "normalize",
    "normalize_term",
    "plot_document_lengths",
    "plot_vocabulary_overlap",
    "read_text",
    "save_figure",
    "save_table",
    "scan",
    "sentence_spans",
    "sentences",
    "source_colors",
    "stopwords",
    "term_counts",
    "terms",
    "token_spans",
    "tokenize",
    "tokens_table",
    "vocabulary_overlap",
]
