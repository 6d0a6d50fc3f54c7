"""One report for any corpus: run every stage, write figures, tables and one HTML file.

:func:`build_report` loads a corpus, runs the whole comparison (overview, keyness,
entities, voices, shared and unique content, numbers, frames: every stage whose
module is present in this version of the package), and writes into one output
folder::

    DIR/report.html          self-contained: figures embedded as PNG, no scripts,
                             no fonts, no links to anything outside the file
    DIR/figures/<stem>.png   each figure, also as .svg, next to the table it
    DIR/figures/<stem>.csv   draws (same stem)
    DIR/tables/<name>.csv    the full tables behind each section

The folder is built next to ``DIR`` under a temporary name and renamed into place
at the end, so an interrupted run leaves any previous report untouched. Every piece
of document text is HTML-escaped: a document that contains ``<script>`` shows it
as text.

The package computes and this module only assembles: each section calls the
stage functions, draws their tables with ``analysis.plots`` and explains in plain
words what the numbers mean and what they cannot show. A section whose module is
missing, or that cannot run on the corpus (one source only, say), is listed in the
report with the reason.

Examples
--------
>>> [key for key, _title, _module in REPORT_SECTIONS][:3]
['overview', 'keyness', 'entities']
"""

from __future__ import annotations

import base64
import html
import importlib
import importlib.util
import os
import shutil
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from tqdm import tqdm

from .corpus import load_corpus
from .paths import PROJECT_ROOT, SEEDS_DIR
from .plots.save import atomic_write, save_figure, save_table
from .plots.style import NEUTRAL, source_colors
from .plots.style import provenance as add_provenance

__all__ = [
    "REPORT_SECTIONS",
    "ReportError",
    "Section",
    "build_report",
    "compute_sections",
    "render_html",
]

#: Every section the report can hold, in order: ``(key, title, module)``. A
#: section is built only when its module can be imported.
REPORT_SECTIONS = [
    ("overview", "Overview", "analysis.overview"),
    ("keyness", "Keyness: the words each source prefers", "analysis.keyness"),
    ("entities", "Entities: who and what is named", "analysis.entities"),
    ("voices", "Voices: who is quoted", "analysis.quotes"),
    ("shared", "Shared and unique content", "analysis.align"),
    ("numbers", "Numbers: which figures each source reports", "analysis.numbers"),
    ("frames", "Frames: dictionary coding", "analysis.frames"),
]

REPORT_FILE = "report.html"
FIGURES_FOLDER = "figures"
TABLES_FOLDER = "tables"


class ReportError(Exception):
    """A problem the user can fix (bad path, output folder in the way...).

    The command line prints the message on one line and exits non-zero.
    """


@dataclass
class Section:
    """One section of the report, computed but not yet written.

    Attributes
    ----------
    key, title : str
    status : {"ok", "skipped", "failed"}
    reason : str
        Why the section was skipped or failed (plain words), else ``""``.
    blocks : list
        Content in order: ``("text", str)`` paragraphs (escaped on rendering),
        ``("figure", stem, caption)``, ``("table", DataFrame, caption)``.
    figures : dict
        ``stem -> (matplotlib Figure, table it draws)``.
    tables : dict
        ``name -> DataFrame``: full tables written to ``tables/``.
    provenance : dict
        Entries for the provenance block (statistic, prior...).
    """

    key: str
    title: str
    status: str = "ok"
    reason: str = ""
    blocks: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    figure_note: str = ""

    def text(self, paragraph: str) -> None:
        self.blocks.append(("text", paragraph))

    def figure(self, stem: str, fig, table: pd.DataFrame, caption: str) -> None:
        self.figures[stem] = (fig, table)
        self.blocks.append(("figure", stem, caption))

    def table(self, table: pd.DataFrame, caption: str, *, name: str | None = None,
              rows: int | None = None) -> None:
        if name is not None:
            self.tables[name] = table
        shown = table if rows is None else table.head(rows)
        self.blocks.append(("table", shown, caption))


class _Skip(Exception):
    """Raised inside a section builder: the section cannot run on this corpus."""


@dataclass
class _Context:
    docs: pd.DataFrame
    by: str
    top: int
    colors: dict
    groups: list
    cache: dict = field(default_factory=dict)

    def mentions(self):
        """The entity mentions, computed once (entities and voices both use them)."""
        if "mentions" not in self.cache:
            from .entities import entities

            self.cache["mentions"] = entities(self.docs)
        return self.cache["mentions"]


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


def _needs_two_groups(ctx: _Context) -> None:
    if len(ctx.groups) < 2:
        raise _Skip(f"it compares groups, and the corpus has only one value of "
                    f"'{ctx.by}' ({ctx.groups[0]!r})")


def _overview(ctx: _Context, section: Section) -> None:
    from .overview import corpus_summary, vocabulary_overlap
    from .plots import plot_document_lengths, plot_vocabulary_overlap

    summary = corpus_summary(ctx.docs)
    section.text(
        f"The corpus holds {len(ctx.docs)} document(s) from {len(ctx.groups)} group(s) "
        f"of '{ctx.by}'. Longer documents have more chances to mention anything, so the "
        "sections below compare rates per 1,000 terms, not raw counts."
    )
    section.table(summary, "Size of every document (tokens include punctuation; terms "
                  "leave out punctuation and stopwords; types are distinct terms).",
                  name="corpus_summary")
    if ctx.by == "source":
        section.figure("document_lengths", plot_document_lengths(summary, colors=ctx.colors),
                       summary, "Length of each document, coloured by source.")
    overlap = vocabulary_overlap(ctx.docs, by=ctx.by)
    section.figure(
        "vocabulary_overlap", plot_vocabulary_overlap(overlap, colors=ctx.colors), overlap,
        "Distinct terms per group: grey are shared with at least one other group, "
        "coloured are used by that group alone. A longer text has more room for unique "
        "words, so compare shares with the lengths above in mind.",
    )
    section.table(overlap, "Vocabulary shared and unique per group.", name="vocabulary_overlap")
    try:
        from .corpus import load_report
    except ImportError:  # an older corpus module without a load report
        return
    loaded = load_report(ctx.docs)
    if loaded is not None and len(loaded):
        section.tables["load_report"] = loaded
        left_out = loaded[~loaded["status"].isin(["loaded", "companion"])]
        if len(left_out):
            section.table(left_out, "Files (or rows) of the corpus that were not analysed, "
                          "and why.")
        else:
            section.text(f"Every one of the {int((loaded['status'] == 'loaded').sum())} "
                         "document files was loaded (tables/load_report.csv lists each file "
                         "with its encoding).")


def _plot(name: str):
    """The ``analysis.plots`` function ``name``, or None when this version lacks it."""
    from . import plots

    return getattr(plots, name, None)


def _caught(call):
    """Run ``call()`` and return its result and the messages of warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [" ".join(str(w.message).split()) for w in caught]


def _slug(text: str) -> str:
    """A file-stem-safe version of a group name (``Le Monde`` -> ``le_monde``)."""
    import re

    slug = re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")
    return slug or "group"


_KEYNESS_SHOWN = ["term", "n_target", "n_reference", "per_1k_target", "per_1k_reference",
                  "g2", "p_value", "log_ratio", "log_odds_z"]


def _keyness(ctx: _Context, section: Section) -> None:
    _needs_two_groups(ctx)
    from .counts import term_counts
    from .keyness import keyness

    counts = term_counts(ctx.docs, by=ctx.by)
    section.provenance["statistic"] = ("Dunning's log-likelihood G2 (signed; p from chi-square, "
                                       "1 df, Benjamini-Hochberg adjusted), with log ratio and "
                                       "log-odds z as effect sizes")
    section.provenance["prior"] = ("log-odds with an informative Dirichlet prior: pooled counts "
                                   "of the compared groups, a0 = number of counted terms")
    section.figure_note = "statistic: signed log-likelihood G2 · prior: pooled Dirichlet, a0 = N"
    two = len(ctx.groups) == 2
    section.text(
        ("The first group is the target and the second the reference. " if two else
         "Each group is compared with all the others pooled. ")
        + "G2 (log-likelihood) says how surprising a difference in frequency is; the log "
        "ratio how large it is (1 = twice as frequent); the log-odds z with a Dirichlet "
        "prior shrinks differences that rest on very few occurrences. A key term is one a "
        "group uses more, not a word it owns: read it in context (below) before calling it "
        "a framing choice. With short texts, p-values are weak evidence."
    )
    plot = _plot("plot_keyness_bars")
    comparisons = ([(ctx.groups[0], ctx.groups[1])] if two
                   else [(g, None) for g in ctx.groups])
    notes, tops = [], []
    for target, reference in comparisons:
        table, messages = _caught(lambda t=target, r=reference: keyness(
            counts, target=t, reference=r, sort_by="g2", correction="bh", prior="pooled"))
        notes += messages
        ref_name = reference if reference is not None else "all others"
        stem = "keyness_by_source" if two else f"keyness_{_slug(target)}"
        if stem in section.tables:  # two group names with the same slug
            stem = f"{stem}_{ctx.groups.index(target) + 1}"
        if plot is not None:
            colors = {**ctx.colors, "all others": NEUTRAL}
            section.figure(stem, plot(table, target=target, reference=ref_name, measure="g2",
                                      n=10, colors=colors), table,
                           f"Terms most distinctive of {target} (right) and of {ref_name} "
                           "(left) by signed G2, with their counts (target : reference).")
        section.tables[stem] = table
        top = table.head(ctx.top).assign(target=target)
        tops.append(top)
        if two:
            tops.append(table.iloc[::-1].head(ctx.top).assign(target=reference))
    if notes:
        section.text("Warning from the statistics: " + notes[0])
    for top in tops:
        name = top["target"].iloc[0]
        shown = [c for c in _KEYNESS_SHOWN + ["p_adjusted"] if c in top.columns]
        shown.insert(shown.index("p_value") + 1, shown.pop())  # p_adjusted after p_value
        section.table(top[shown], f"Top {ctx.top} terms of {name} by G2 (counts "
                      "and rates per 1,000 terms; target = the first group named above).")
    _keyword_context(ctx, section, [(t["target"].iloc[0], t["term"].iloc[0]) for t in tops])


def _keyword_context(ctx: _Context, section: Section, pairs) -> None:
    """Concordance lines of each group's top key term, to read it where it occurs."""
    if _missing_reason("analysis.concordance") is not None:
        return
    from .concordance import kwic

    lines = []
    for group, term in pairs:
        found = kwic(ctx.docs, term, window=8)
        lines.append(found[found["source"].astype(str) == group] if ctx.by == "source"
                     else found)
    table = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame()
    if not table.empty:
        table = table.drop_duplicates(subset=["doc_id", "start"]).reset_index(drop=True)
        section.table(table[["source", "doc_id", "sent", "left", "match", "right"]],
                      "The top key term of each group in context (keyword in context, "
                      "8 tokens each side).", name="keyness_in_context")


def _entities(ctx: _Context, section: Section) -> None:
    from .entities import entity_frequencies, entity_salience

    mentions = ctx.mentions()
    if mentions.empty:
        raise _Skip("no named entity was found")
    frequencies = entity_frequencies(mentions, by=ctx.by, docs=ctx.docs)
    salience = entity_salience(mentions, ctx.docs)
    section.text(
        f"{len(mentions)} mention(s) of {mentions['canonical'].nunique()} people, places and "
        "institutions, with their aliases merged (Kim, Kim Jong Un, the North Korean leader "
        "count as one). How often a group names an entity, per 1,000 terms, and how early "
        "it first names it, are two measures of salience."
    )
    plot = _plot("plot_entity_frequencies")
    if plot is not None:
        section.figure("entity_frequencies", plot(frequencies, colors=ctx.colors, top=ctx.top),
                       frequencies, "How often each group names each entity, per 1,000 terms.")
    plot = _plot("plot_entity_salience")
    if plot is not None and ctx.by == "source":
        section.figure("entity_salience", plot(salience, colors=ctx.colors, top=ctx.top),
                       salience, "Where each document first names each entity (0 = first "
                       "word, 1 = last); a star marks an entity also in the headline.")
    plot = _plot("plot_cooccurrence_network")
    if plot is not None:
        from .entities import cooccurrence

        pairs = cooccurrence(mentions, by=ctx.by)
        if not pairs.empty:
            section.figure("entity_cooccurrence", plot(pairs, colors=ctx.colors), pairs,
                           "Entities named in the same sentence, one network per group "
                           "(line width: number of sentences).")
    section.table(frequencies, f"Entities per group (first {ctx.top} rows).",
                  name="entity_frequencies", rows=ctx.top)
    section.tables["mentions"] = mentions
    section.tables["entity_salience"] = salience


def _voices(ctx: _Context, section: Section) -> None:
    from .quotes import quotes, voices

    mentions = ctx.mentions() if _missing_reason("analysis.entities") is None else None
    statements = quotes(ctx.docs, mentions=mentions)
    if statements.empty:
        raise _Skip("no attributed statement (quote, reporting verb, 'according to') was found")
    table = voices(statements, by=ctx.by)
    section.text(
        f"{len(statements)} attributed statement(s) found: direct and indirect quotes, "
        "according-to phrases and reported news. Share of voice is each speaker's share of "
        "a group's statements and of its quoted words. Speakers are read from the text "
        "around each reporting verb, so check a surprising speaker in the statements table."
    )
    plot = _plot("plot_share_of_voice")
    if plot is not None:
        section.figure("share_of_voice", plot(table, colors=ctx.colors, top=ctx.top), table,
                       "Who is given a voice in each group: share of quoted words and of "
                       "attributed statements per speaker.")
    section.table(table, f"Speakers per group (first {ctx.top} rows).", name="voices",
                  rows=ctx.top)
    shown = statements[["source", "sent", "kind", "speaker_canonical", "cue", "content"]]
    section.table(shown, f"Attributed statements (first {ctx.top}).", name="statements",
                  rows=ctx.top)


def _shared(ctx: _Context, section: Section) -> None:
    _needs_two_groups(ctx)
    from .align import align_all, align_sentences, content_summary, unique_content

    pairs = align_all(ctx.docs, by=ctx.by)
    summary = content_summary(pairs)
    unique = unique_content(pairs)
    section.text(
        "Every sentence of one group is paired with at most one sentence of another that "
        "reports the same thing (TF-IDF cosine of words and character n-grams): 'shared' "
        "when largely the same words, 'paraphrased' when the same fact in other words, "
        "otherwise the sentence is only in that group. What one source leaves out is "
        "selection; where it puts the shared facts (lead or later) is salience."
    )
    section.table(summary, "Sentences per group with and without a counterpart.",
                  name="content_summary")
    plot = _plot("plot_alignment")
    if plot is not None and len(ctx.groups) == 2:
        a, b = ctx.groups
        two = align_sentences(ctx.docs, a, b, by=ctx.by)
        section.figure("sentence_alignment", plot(two, colors=ctx.colors), two,
                       f"Sentences of {a} (left) and {b} (right) in reading order; lines "
                       "join sentences that report the same thing.")
    shown = unique[["source", "other", "sent", "part", "best_similarity", "sentence"]]
    section.table(shown, f"Sentences with no counterpart in the other group (first {ctx.top}).",
                  name="unique_content", rows=ctx.top)
    section.tables["sentence_pairs"] = pairs


def _numbers(ctx: _Context, section: Section) -> None:
    from .numbers import numbers, numbers_side_by_side

    table = numbers(ctx.docs, by=ctx.by)
    if table.empty:
        raise _Skip("the corpus states no numbers")
    side = numbers_side_by_side(table, by=ctx.by)
    section.text(
        f"{len(table)} number(s) found. Lined up by what they count (the word after the "
        "number), the table shows which figures each group gives and which it leaves out; "
        "a figure reported by one group only is a selection worth checking in the text."
    )
    plot = _plot("plot_numbers")
    if plot is not None:
        section.figure("numbers_by_source", plot(table, colors=ctx.colors, by=ctx.by), table,
                       "The figures each group gives, in reading order.")
    section.table(side, f"Numbers side by side, by kind and unit (first {ctx.top} rows).",
                  name="numbers_side_by_side", rows=ctx.top)
    section.tables["numbers"] = table


def _frames(ctx: _Context, section: Section) -> None:
    from .frames import frame_evidence, frame_scores, load_codebook

    codebook = load_codebook()
    section.figure_note = ("dictionary coding with the shipped codebook; intervals: sentence "
                           "bootstrap, 1,000 resamples, seed 0")
    scores = frame_scores(ctx.docs, codebook=codebook, by=ctx.by, n_boot=1000, random_state=0)
    evidence = frame_evidence(ctx.docs, codebook=codebook)
    section.text(
        "Frames are coded with a dictionary of cue words per frame (the shipped codebook). "
        "This is a transparent first pass, not ground truth: a cue counts wherever it "
        "appears, inside quotes or in another sense, and a frame carried without its usual "
        "words is missed. Scores are hits per 1,000 terms; rows marked few_hits rest on a "
        "handful of cues. Read the evidence sentences before quoting a score."
    )
    plot = _plot("plot_frame_profile")
    if plot is not None:
        section.figure("frame_profile",
                       plot(scores, colors=ctx.colors, labels=getattr(codebook, "labels", None)),
                       scores, "Frame cues per 1,000 terms in each group, with bootstrap "
                       "intervals (sentences resampled 1,000 times, seed 0).")
    section.table(scores, "Frame scores per group.", name="frame_scores")
    section.tables["frame_evidence"] = evidence
    try:
        from .frames import frame_sentences
    except ImportError:  # an older frames module: show the cue hits themselves
        by_sentence = evidence[["source", "sent", "frame", "cue", "match", "sentence"]]
    else:
        by_sentence = frame_sentences(evidence)[["source", "sent", "frame", "hits", "matches",
                                                 "sentence"]]
    section.table(by_sentence, f"Evidence: the sentences behind the scores, with the cues "
                  f"they matched (first {ctx.top} rows of frame_sentences.csv).",
                  name="frame_sentences", rows=ctx.top)


_BUILDERS = {
    "overview": _overview,
    "keyness": _keyness,
    "entities": _entities,
    "voices": _voices,
    "shared": _shared,
    "numbers": _numbers,
    "frames": _frames,
}


def _missing_reason(module: str) -> str | None:
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        return f"module {module} is not part of this version of the package"
    try:
        importlib.import_module(module)
    except Exception as error:  # a module that is there but broken
        return f"module {module} could not be imported ({type(error).__name__}: {error})"
    return None


def compute_sections(
    docs: pd.DataFrame, *, by: str = "source", top: int = 15, progress: bool = True,
    sections: list[str] | None = None,
) -> list[Section]:
    """Run every available stage on a docs table and return the report sections.

    Nothing is written; figures are open matplotlib figures inside the sections
    (:func:`build_report` saves and closes them).

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`).
    by : str, default "source"
        Column that defines the groups compared.
    top : int, default 15
        Rows shown per table in the report (the CSV tables hold every row).
    progress : bool, default True
        Show a tqdm progress bar on stderr, one step per section.
    sections : list of str, optional
        Keys of :data:`REPORT_SECTIONS` to run (default all).

    Returns
    -------
    list of Section
        One per key of :data:`REPORT_SECTIONS`, in order, each with status
        ``ok``, ``skipped`` or ``failed`` and a reason.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> result = compute_sections(load_corpus(), progress=False, sections=["overview"])
    >>> [(s.key, s.status) for s in result]
    [('overview', 'ok')]
    >>> plt.close("all")
    """
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be a pandas DataFrame from load_corpus, not {type(docs).__name__}")
    if by not in docs.columns:
        raise ValueError(f"by={by!r} is not a column of docs; choose one of {list(docs.columns)}")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top={top!r} must be a whole number >= 1")
    keys = [key for key, _, _ in REPORT_SECTIONS]
    wanted = keys if sections is None else list(sections)
    unknown = [k for k in wanted if k not in keys]
    if unknown:
        raise ValueError(f"sections={unknown} unknown; choose from {keys}")
    docs = docs.assign(**{by: docs[by].astype(str)})
    groups = sorted(docs[by].unique())
    ctx = _Context(docs=docs, by=by, top=top, colors=source_colors(groups), groups=groups)
    results = []
    specs = [spec for spec in REPORT_SECTIONS if spec[0] in wanted]
    bar = tqdm(specs, desc="report", unit="section", disable=not progress, file=sys.stderr,
               leave=False)
    for key, title, module in bar:
        bar.set_postfix_str(key)
        section = Section(key=key, title=title)
        reason = _missing_reason(module)
        builder = _BUILDERS.get(key)
        if reason is None and builder is None:
            reason = f"module {module} is present but the report does not draw it yet"
        if reason is not None:
            section.status, section.reason = "skipped", reason
        else:
            try:
                builder(ctx, section)
            except _Skip as skip:
                section = Section(key=key, title=title, status="skipped", reason=str(skip))
            except Exception as error:  # one failing stage must not sink the report
                _close(section)
                where = traceback.extract_tb(error.__traceback__)[-1]
                section = Section(
                    key=key, title=title, status="failed",
                    reason=f"{type(error).__name__}: {error} "
                           f"(in {Path(where.filename).name}, line {where.lineno})",
                )
        results.append(section)
    bar.close()
    return results


def _close(section: Section) -> None:
    for fig, _table in section.figures.values():
        plt.close(fig)


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #ddd; --bg: #fff; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.9em; margin: 0.4em 0 0.1em; line-height: 1.2; }
h2 { font-size: 1.35em; margin: 2em 0 0.5em; padding-top: 0.6em; border-top: 2px solid var(--rule); }
.subtitle { color: var(--muted); margin: 0 0 1.2em; }
nav ol { columns: 2; padding-left: 1.4em; margin: 0.4em 0; }
a { color: var(--accent); }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 0.92em; margin-top: 0.4em; }
.table-wrap { overflow-x: auto; margin: 0.6em 0 1.2em; }
table { border-collapse: collapse; font-size: 0.86em; }
caption { caption-side: top; text-align: left; color: var(--muted); padding-bottom: 0.3em; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: left;
  vertical-align: top; max-width: 36em; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.short { white-space: nowrap; }
td.long { min-width: 26em; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.provenance dt { font-weight: 600; }
dl.provenance dd { margin: 0; overflow-wrap: anywhere; }
.status { border-left: 4px solid #E69F00; background: #fff8e6; padding: 8px 12px; margin: 0.8em 0; }
.status.failed { border-color: #D55E00; background: #fdeee6; }
footer { color: var(--muted); font-size: 0.85em; margin-top: 3em; }
""".strip()


def _e(value) -> str:
    """Escape any value for HTML text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value) -> tuple[str, bool]:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return f"{int(value):,}", True
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f"):
        value = float(value)
        if value != 0 and abs(value) < 0.001:
            return f"{value:.2e}", True
        return f"{value:,.3f}".rstrip("0").rstrip("."), True
    return str(value), False


def _html_table(table: pd.DataFrame, caption: str) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for value in row:
            text, numeric = _fmt(value)
            cls = (' class="num"' if numeric else ' class="short"' if len(text) <= 24
                   else ' class="long"' if len(text) > 80 else "")
            cells.append(f"<td{cls}>{_e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-wrap"><table><caption>{_e(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def render_html(sections: list[Section], provenance: dict, images: dict[str, bytes]) -> str:
    """Assemble the self-contained HTML report.

    Parameters
    ----------
    sections : list of Section
        From :func:`compute_sections`.
    provenance : dict
        Label -> value for the provenance block; a value may be a DataFrame.
    images : dict
        Figure stem -> PNG bytes, embedded as ``data:`` URIs.

    Returns
    -------
    str
        The whole document. All document text is escaped; the page loads
        nothing from outside itself (a Content-Security-Policy says so too).

    Examples
    --------
    >>> page = render_html([Section("overview", "Overview", blocks=[("text", "<script>")])],
    ...                    {"corpus": "x"}, {})
    >>> "&lt;script&gt;" in page and "<script>" not in page
    True
    """
    ok = [s for s in sections if s.status == "ok"]
    left_out = [s for s in sections if s.status != "ok"]
    title = "News framing report"
    corpus = provenance.get("corpus", "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}: {_e(corpus)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="subtitle">How the groups of <b>{_e(provenance.get("grouping", "source"))}'
        f"</b> in <b>{_e(corpus)}</b> select and make salient: words, names, voices, "
        "shared facts, numbers and frames.</p>",
        "<nav><b>Contents</b><ol>",
        '<li><a href="#provenance">Provenance</a></li>',
    ]
    parts += [f'<li><a href="#{_e(s.key)}">{_e(s.title)}</a></li>' for s in ok]
    if left_out:
        parts.append('<li><a href="#skipped">Skipped sections</a></li>')
    parts.append("</ol></nav>")

    parts.append('<section id="provenance"><h2>Provenance</h2><dl class="provenance">')
    for label, value in provenance.items():
        if isinstance(value, pd.DataFrame):
            parts.append(f"<dt>{_e(label)}</dt><dd>{_html_table(value, '')}</dd>")
        else:
            parts.append(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>")
    parts.append("</dl></section>")

    for section in ok:
        parts.append(f'<section id="{_e(section.key)}"><h2>{_e(section.title)}</h2>')
        for block in section.blocks:
            kind = block[0]
            if kind == "text":
                parts.append(f"<p>{_e(block[1])}</p>")
            elif kind == "table":
                parts.append(_html_table(block[1], block[2]))
            elif kind == "figure":
                stem, caption = block[1], block[2]
                png = images[stem]
                data = base64.b64encode(png).decode("ascii")
                # Saved at 200 dpi: show at half the pixel size, i.e. at 100 px per inch.
                width = int.from_bytes(png[16:20], "big") // 2 if png[:4] == b"\x89PNG" else 640
                parts.append(
                    f'<figure id="fig-{_e(stem)}"><img src="data:image/png;base64,{data}" '
                    f'width="{width}" alt="{_e(caption)}"><figcaption>{_e(caption)} '
                    f"(figures/{_e(stem)}.png, .svg; table figures/{_e(stem)}.csv)"
                    "</figcaption></figure>"
                )
        parts.append("</section>")

    if left_out:
        parts.append('<section id="skipped"><h2>Skipped sections</h2>'
                     "<p>These parts of the comparison are not in this report:</p>")
        for section in left_out:
            cls = "status failed" if section.status == "failed" else "status"
            verb = "failed" if section.status == "failed" else "skipped"
            parts.append(f'<div class="{cls}"><b>{_e(section.title)}</b> {verb}: '
                         f"{_e(section.reason)}.</div>")
        parts.append("</section>")
    parts.append(f"<footer>Written by news-framing {_e(provenance.get('package version', ''))}. "
                 "Figures and tables sit next to this file in figures/ and tables/.</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------
# Output folder
# ---------------------------------------------------------------------------


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("news-framing")
    except Exception:
        return "unknown"


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path.resolve())


def _check_out(out: Path, corpus: Path | None, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file; give a folder for the report")
    resolved = out.resolve()
    # A corpus folder (and seeds/) is never written into; a corpus file must not
    # sit inside the folder the report replaces.
    protected = [SEEDS_DIR.resolve()]
    if corpus is not None and corpus.is_dir():
        protected.append(corpus.resolve())
    for folder in protected:
        if resolved.is_relative_to(folder) or folder.is_relative_to(resolved):
            raise ReportError(f"--out {out} overlaps the corpus folder {folder}; "
                              "write the report somewhere else (the corpus is never written)")
    if corpus is not None and corpus.is_file() and corpus.resolve().is_relative_to(resolved):
        raise ReportError(f"--out {out} contains the corpus file {corpus}; "
                          "write the report somewhere else")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise ReportError(f"--out {out} exists and is not empty; pass --overwrite to "
                              "replace it or choose a new folder")
        if not (out / REPORT_FILE).is_file():
            raise ReportError(f"--out {out} is not a previous report folder (no {REPORT_FILE}); "
                              "refusing to replace it even with --overwrite")
    parent = resolved.parent
    if not parent.is_dir():
        raise ReportError(f"the folder that should hold --out, {parent}, does not exist; "
                          "create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ReportError(f"no permission to write in {parent}; choose another --out")


def _write_outputs(tmp: Path, sections: list[Section], provenance: dict, *,
                   progress: bool = False) -> None:
    images = {}
    todo = [(section, stem) for section in sections for stem in section.figures]
    bar = tqdm(todo, desc="figures", unit="figure", disable=not progress, file=sys.stderr,
               leave=False)
    n_docs = provenance["documents"].split(" ", 1)[0]
    for section, stem in bar:
        fig, table = section.figures[stem]
        add_provenance(fig, corpus=f"{provenance['corpus']}, {n_docs} documents",
                       note=section.figure_note or None)
        save_figure(fig, stem, folder=tmp / FIGURES_FOLDER)
        save_table(table, stem, folder=tmp / FIGURES_FOLDER)
        images[stem] = (tmp / FIGURES_FOLDER / f"{stem}.png").read_bytes()
        plt.close(fig)
    bar.close()
    for section in sections:
        for name, table in section.tables.items():
            save_table(table, name, folder=tmp / TABLES_FOLDER)
    page = render_html(sections, provenance, images)
    atomic_write(tmp / REPORT_FILE,
                 lambda t: Path(t).write_text(page, encoding="utf-8", newline="\n"))


def _swap_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.rename(tmp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_report(
    corpus: str | Path | pd.DataFrame,
    out: str | Path,
    *,
    by: str = "source",
    lang: str = "it",
    metadata: str | Path | None = None,
    text_column: str = "text",
    source_column: str = "source",
    top: int = 15,
    overwrite: bool = False,
    progress: bool = True,
    sections: list[str] | None = None,
) -> Path:
    """Run the whole comparison on a corpus and write the report folder.

    Parameters
    ----------
    corpus : str, pathlib.Path or pandas.DataFrame
        A folder of ``.txt`` files (with an optional ``sources.csv``), a
        ``.csv``/``.jsonl``/``.parquet`` table (see :func:`analysis.load_corpus`),
        or a docs table already loaded.
    out : str or pathlib.Path
        Output folder. It must not exist, be empty, or (with ``overwrite``) be
        a previous report folder; it is replaced only once the new report is
        complete.
    by : str, default "source"
        Docs column whose values are compared.
    lang : {"it", "en"}, default "it"
        Language of documents whose metadata does not say.
    metadata, text_column, source_column
        Passed to :func:`analysis.load_corpus`.
    top : int, default 15
        Rows shown per table in the HTML (CSV tables keep every row).
    overwrite : bool, default False
        Replace an existing report folder.
    progress : bool, default True
        Show progress bars on stderr.
    sections : list of str, optional
        Keys of :data:`REPORT_SECTIONS` to run (default all).

    Returns
    -------
    pathlib.Path
        The path of ``report.html``.

    Raises
    ------
    ReportError
        For problems the user can fix: the corpus path does not exist or
        cannot be loaded, ``out`` is a file, is not empty, overlaps the corpus,
        or cannot be written. The message is one line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> path = build_report("seeds", out, progress=False, sections=["overview"])
    >>> sorted(p.name for p in out.iterdir())
    ['figures', 'report.html', 'tables']
    """
    out = Path(out).expanduser()
    corpus_path = None
    if isinstance(corpus, pd.DataFrame):
        docs = corpus
        corpus_label = "(a docs table passed in memory)"
    else:
        corpus_path = Path(corpus).expanduser()
        if not corpus_path.exists() and not corpus_path.is_absolute() and corpus_path.parts[:1] == ("seeds",):
            corpus_path = PROJECT_ROOT / corpus_path
        if not corpus_path.exists():
            raise ReportError(f"corpus {corpus} does not exist; give a folder of .txt files "
                              "or a .csv/.jsonl/.parquet table")
        corpus_label = _display_path(corpus_path)
    _check_out(out, corpus_path, overwrite)
    if corpus_path is not None:
        try:
            docs = load_corpus(corpus_path, metadata=metadata, lang=lang,
                               text_column=text_column, source_column=source_column)
        except (ValueError, TypeError, FileNotFoundError, OSError, UnicodeError) as error:
            message = " ".join(str(error).split())
            raise ReportError(f"cannot load corpus {corpus}: {message}") from None
    if by not in docs.columns:
        raise ReportError(f"--by {by}: the corpus has no column {by!r}; choose one of "
                          f"{', '.join(map(str, docs.columns))}")
    try:
        results = compute_sections(docs, by=by, top=top, progress=progress, sections=sections)
    except ValueError as error:
        raise ReportError(str(error)) from None

    per_group = (docs.assign(**{by: docs[by].astype(str)}).groupby(by, sort=True).size()
                 .rename("documents").reset_index())
    provenance = {
        "corpus": corpus_label,
        "documents": f"{len(docs)} in {len(per_group)} group(s) of '{by}'",
        "documents per group": per_group,
        "languages": ", ".join(sorted(docs["lang"].astype(str).unique())) if "lang" in docs else "",
        "grouping": by,
        "package version": _package_version(),
    }
    for section in results:
        provenance.update(section.provenance)
    provenance["sections"] = ", ".join(
        f"{s.key} ({s.status})" for s in results
    )

    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.resolve().parent))
    except OSError as error:
        for section in results:
            _close(section)
        raise ReportError(f"cannot write next to --out {out}: {error.strerror}") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # glyph warnings from odd text
            _write_outputs(tmp, results, provenance, progress=progress)
        os.chmod(tmp, 0o755)
        _swap_into_place(tmp, out)
    except OSError as error:
        raise ReportError(f"cannot write the report to {out}: {error.strerror or error}") from None
    finally:
        for section in results:
            _close(section)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out / REPORT_FILE
