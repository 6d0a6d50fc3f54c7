r"""Shared and unique content: which sentences two sources share, and which they omit.

Framing is selection and salience. :func:`align_sentences` pairs every sentence of
source *A* with at most one sentence of source *B* that reports the same thing, and
labels each sentence ``shared`` (largely the same words), ``paraphrased`` (the same
fact in other words) or ``only_a`` / ``only_b`` (no counterpart: the other source
left it out). :func:`unique_content` lists the omissions with their place in the
text, :func:`salience` says where the shared facts sit in each text (lead or later),
and :func:`content_summary` counts both per source. :func:`align_all` and
:func:`coverage` do the same for any number of sources.

Similarity
----------
Each sentence is a vector twice over, both fitted on the sentences of the two
sources being compared (each sentence one "document" for the inverse document
frequency, so a word every sentence uses weighs little):

* **words**: TF-IDF of the project's analysis terms (:class:`analysis.Analyzer`
  with Snowball stemming and stopwords removed, so ``soldati``/``soldato`` and
  ``abbraccia``/``abbracciano`` agree);
* **characters**: TF-IDF of character 3- to 5-grams inside word boundaries of the
  normalised, lower-cased sentence (scikit-learn's ``char_wb``), which tolerates
  inflection, transliteration (``Choe Son Hui``/``Choe Son-hui``) and compounds.

With sublinear term frequency, :math:`w_{t,s} = (1 + \log tf_{t,s})\,(1 + \log
\frac{1 + n}{1 + df_t})`, rows scaled to unit length, the similarity of two
sentences is the cosine :math:`\cos(u, v) = u \cdot v`. ``method="tfidf"`` (the
default) averages the two cosines, ``word_weight * cos_words + (1 - word_weight) *
cos_chars``; ``"words"`` and ``"chars"`` use one of them alone.

Matching and labels
-------------------
Pairs are one-to-one: ``match="hungarian"`` maximises, with :func:`scipy.optimize.linear_sum_assignment`,
the total margin :math:`\sum (s_{ij} - t)` of the chosen pairs over the threshold
:math:`t` = ``paraphrase_threshold`` (pairs below it are not allowed; with the margin
a strong pair is not given up for two weak ones, which maximising the plain sum
of similarities would do);
``match="greedy"`` takes the most similar free pair first. A matched pair with
similarity ``>= shared_threshold`` is ``shared``, one with ``>= paraphrase_threshold``
is ``paraphrased``; every other sentence is ``only_a`` (a sentence of source ``a``
with no counterpart in ``b``) or ``only_b``.

Default thresholds, chosen by reading the two seeds
(``sentence_similarities(load_corpus(), "Unsigned", "Le Monde")``): over the
20 x 12 = 240 sentence pairs the combined similarity has median 0.05, 90th
percentile 0.14 and maximum 0.73. The 18 hand-made gold pairs
(``tests/gold/aligned_sentences_seeds.csv``) spread over the whole range, 0.01 to
0.73 (median 0.14): the same fact told in other words often shares almost no
words. Pairs that do *not* report the same fact reach 0.25 (a sentence on arms
deliveries and one on political support, both ending in "guerra in Ucraina"), 0.24
and 0.22 (shared attribution phrases such as "il ministero degli Esteri russo").
Scored against the gold with :func:`evaluate_alignment`, the one-to-one matching
keeps 11 pairs (6 true) at a threshold of 0.10, 9 (6 true) at 0.12-0.15, 6 (5
true) at 0.18 and 5 (all 5 true) from 0.20 to 0.26, then loses true pairs (3 at
0.30). Hence ``paraphrase_threshold=0.2``: precision first, so that a reported
pair can be trusted, while an "only in one source" label remains a claim to
check by reading (some paraphrases share almost no words and stay unmatched). The
one near-verbatim pair (the Telegram video, 0.73) stands far above the best
paraphrase (0.40, the defence pact signed during Putin's rare visit), hence
``shared_threshold=0.5``. These values fit short news sentences in one language;
check them on your corpus with :func:`sentence_similarities` and
:func:`evaluate_alignment`.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({
...     "doc_id": ["x1", "y1"], "source": ["X", "Y"], "lang": ["it", "it"],
...     "text": ["Kim ha ricevuto Lavrov a Wonsan. Piove a Roma.",
...              "Lavrov è stato ricevuto da Kim a Wonsan. Il Cremlino tace."]})
>>> pairs = align_sentences(docs, "X", "Y")
>>> pairs[["sent_a", "sent_b", "label"]].values.tolist()
[[0, 0, 'shared'], [1, -1, 'only_a'], [-1, 1, 'only_b']]
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import TfidfVectorizer

from .langs import check_lang
from .normalize import normalize
from .tokens import Analyzer, sentence_spans

__all__ = [
    "PAIRS_COLUMNS",
    "SIMILARITY_COLUMNS",
    "UNIQUE_COLUMNS",
    "SALIENCE_COLUMNS",
    "SUMMARY_COLUMNS",
    "COVERAGE_COLUMNS",
    "EVALUATION_COLUMNS",
    "GOLD_COLUMNS",
    "LABELS",
    "METHODS",
    "MATCHES",
    "SHARED_THRESHOLD",
    "PARAPHRASE_THRESHOLD",
    "align_sentences",
    "align_all",
    "sentence_similarities",
    "unique_content",
    "salience",
    "content_summary",
    "coverage",
    "evaluate_alignment",
]

#: Columns of :func:`align_sentences`, in order.
PAIRS_COLUMNS = [
    "source_a", "doc_a", "sent_a", "start_a", "end_a", "sentence_a",
    "source_b", "doc_b", "sent_b", "start_b", "end_b", "sentence_b",
    "similarity", "label",
]
#: Columns of :func:`sentence_similarities`, in order.
SIMILARITY_COLUMNS = ["doc_a", "sent_a", "doc_b", "sent_b", "words", "chars", "similarity"]
#: Columns of :func:`unique_content`, in order.
UNIQUE_COLUMNS = [
    "source", "other", "doc_id", "sent", "start", "end", "position", "part",
    "best_similarity", "sentence",
]
#: Columns of :func:`salience`, in order.
SALIENCE_COLUMNS = [
    "source_a", "doc_a", "sent_a", "position_a", "part_a",
    "source_b", "doc_b", "sent_b", "position_b", "part_b",
    "label", "similarity", "sentence_a", "sentence_b",
]
#: Columns of :func:`content_summary`, in order.
SUMMARY_COLUMNS = [
    "source", "other", "n_sentences", "n_shared", "n_paraphrased", "n_only",
    "pct_only", "pct_chars_only", "lead_matched", "lead_only",
    "mean_position_matched", "mean_position_only",
]
#: Leading columns of :func:`coverage` (one boolean column per source follows).
COVERAGE_COLUMNS = ["source", "doc_id", "sent", "start", "end", "sentence", "n_sources"]
#: Columns of :func:`evaluate_alignment`, in order.
EVALUATION_COLUMNS = ["what", "n_predicted", "n_gold", "n_correct", "precision", "recall", "f1"]
#: Columns a gold table needs (extra columns such as ``fact`` or ``note`` are kept).
GOLD_COLUMNS = ["doc_a", "sent_a", "doc_b", "sent_b", "label"]

#: Every label, in the order tables sort them.
LABELS = ["shared", "paraphrased", "only_a", "only_b"]
#: Similarity methods of :func:`align_sentences`.
METHODS = ("tfidf", "words", "chars")
#: Matching strategies of :func:`align_sentences`.
MATCHES = ("hungarian", "greedy")
#: Default similarity at or above which a matched pair is "shared".
SHARED_THRESHOLD = 0.5
#: Default similarity below which two sentences are not a pair.
PARAPHRASE_THRESHOLD = 0.2

_NA = -1


# ---------------------------------------------------------------------------
# Validation and sentences
# ---------------------------------------------------------------------------

def _check_docs(docs, by: str) -> None:
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be a pandas DataFrame (from load_corpus), got {type(docs).__name__}")
    if not isinstance(by, str):
        raise TypeError(f"by must be the name of a docs column, got {by!r}")
    missing = [c for c in ("doc_id", "text", by) if c not in docs.columns]
    if missing:
        raise ValueError(
            f"docs is missing column(s) {missing}; pass the table from load_corpus "
            f"(by={by!r} must name one of its columns)"
        )


def _groups(docs: pd.DataFrame, by: str) -> list[str]:
    return sorted({str(g) for g in docs[by]})


def _check_source(docs: pd.DataFrame, value, name: str, by: str) -> str:
    groups = _groups(docs, by)
    if str(value) not in groups or value is None:
        raise ValueError(
            f"{name}={value!r} is not a value of docs[{by!r}]; choose one of {groups}"
        )
    return str(value)


def _sentence_rows(docs: pd.DataFrame, source: str, by: str) -> pd.DataFrame:
    """Every sentence of one source: doc order by ``doc_id``, then reading order."""
    part = docs[docs[by].astype(str) == source]
    langs = part["lang"] if "lang" in part.columns else pd.Series("it", index=part.index)
    rows = []
    docs_in_order = sorted(zip(part["doc_id"].astype(str), part["text"], langs),
                           key=lambda row: row[0])
    for doc_id, text, lang in docs_in_order:
        lang = check_lang(lang, argument=f"lang of document {doc_id!r}")
        text = "" if not isinstance(text, str) else text
        for sent, (start, end) in enumerate(sentence_spans(text, lang)):
            rows.append((doc_id, sent, start, end, text[start:end], lang))
    return pd.DataFrame(rows, columns=["doc_id", "sent", "start", "end", "sentence", "lang"])


def _char_text(sentence: str) -> str:
    return normalize(sentence).lower()


def _identity(terms: list[str]) -> list[str]:
    return terms


def _cosines(vectorizer: TfidfVectorizer, inputs_a: list, inputs_b: list) -> np.ndarray:
    if not inputs_a or not inputs_b:
        return np.zeros((len(inputs_a), len(inputs_b)))
    try:
        matrix = vectorizer.fit_transform(list(inputs_a) + list(inputs_b))
    except ValueError:  # empty vocabulary: nothing to compare
        return np.zeros((len(inputs_a), len(inputs_b)))
    n = len(inputs_a)
    return np.asarray((matrix[:n] @ matrix[n:].T).todense(), dtype=float)


def _similarity_parts(sa: pd.DataFrame, sb: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Word and character cosine matrices between two sentence tables."""
    analyzers: dict[str, Analyzer] = {}

    def words(row) -> list[str]:
        lang = row.lang
        if lang not in analyzers:
            analyzers[lang] = Analyzer(lang=lang, stem=True)
        return analyzers[lang](row.sentence)

    words_a = [words(r) for r in sa.itertuples(index=False)]
    words_b = [words(r) for r in sb.itertuples(index=False)]
    word_vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                               preprocessor=_char_text, lowercase=False)
    cos_words = _cosines(word_vec, words_a, words_b)
    cos_chars = _cosines(char_vec, list(sa["sentence"]), list(sb["sentence"]))
    return cos_words, cos_chars


def _combine(cos_words, cos_chars, method: str, word_weight: float) -> np.ndarray:
    if method == "words":
        sim = cos_words
    elif method == "chars":
        sim = cos_chars
    else:
        sim = word_weight * cos_words + (1.0 - word_weight) * cos_chars
    # cosines of non-negative unit vectors lie in [0, 1]; clip float noise
    return np.clip(np.round(sim, 12), 0.0, 1.0)


def _check_options(method, match, shared_threshold, paraphrase_threshold, word_weight) -> None:
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not supported; use one of {list(METHODS)}")
    if match not in MATCHES:
        raise ValueError(f"match={match!r} is not supported; use one of {list(MATCHES)}")
    for name, value in (("shared_threshold", shared_threshold),
                        ("paraphrase_threshold", paraphrase_threshold),
                        ("word_weight", word_weight)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"{name}={value!r} must be a number between 0 and 1")
    if paraphrase_threshold > shared_threshold:
        raise ValueError(
            f"paraphrase_threshold={paraphrase_threshold!r} must not exceed "
            f"shared_threshold={shared_threshold!r}"
        )
    if paraphrase_threshold <= 0:
        raise ValueError(
            "paraphrase_threshold must be above 0, or every sentence would pair with another"
        )


def _prepare(docs, a, b, by):
    _check_docs(docs, by)
    a = _check_source(docs, a, "a", by)
    b = _check_source(docs, b, "b", by)
    if a == b:
        raise ValueError(f"a and b must be two different sources; both are {a!r}")
    return a, b, _sentence_rows(docs, a, by), _sentence_rows(docs, b, by)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def sentence_similarities(
    docs: pd.DataFrame,
    a: str,
    b: str,
    *,
    method: str = "tfidf",
    word_weight: float = 0.5,
    by: str = "source",
) -> pd.DataFrame:
    """Similarity of every sentence of source ``a`` with every sentence of ``b``.

    The full matrix behind :func:`align_sentences`, long format, to look at the
    distribution before choosing thresholds.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`); ``lang`` is used when
        present, else ``"it"``.
    a, b : str
        Two different values of ``docs[by]``.
    method : {"tfidf", "words", "chars"}, default "tfidf"
        Which similarity goes into ``similarity`` (see the module docstring).
    word_weight : float, default 0.5
        Weight of the word cosine in ``"tfidf"``.
    by : str, default "source"
        The docs column that names the sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_a, sent_a, doc_b, sent_b, words, chars, similarity``: one
        row per sentence pair, ``words`` and ``chars`` the two cosines, sorted by
        ``doc_a, sent_a, doc_b, sent_b``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y"], "source": ["X", "Y"],
    ...                      "text": ["Kim incontra Lavrov.", "Lavrov incontra Kim. Piove."]})
    >>> sims = sentence_similarities(docs, "X", "Y")
    >>> sims["sent_b"].tolist(), sims["words"].tolist()
    ([0, 1], [1.0, 0.0])
    """
    _check_options(method, "greedy", 1.0, 0.5, word_weight)
    a, b, sa, sb = _prepare(docs, a, b, by)
    cos_words, cos_chars = _similarity_parts(sa, sb)
    sim = _combine(cos_words, cos_chars, method, word_weight)
    ia, ib = np.meshgrid(np.arange(len(sa)), np.arange(len(sb)), indexing="ij")
    ia, ib = ia.ravel(), ib.ravel()
    return pd.DataFrame(
        {
            "doc_a": sa["doc_id"].to_numpy()[ia] if len(ia) else [],
            "sent_a": sa["sent"].to_numpy()[ia].astype("int64") if len(ia) else [],
            "doc_b": sb["doc_id"].to_numpy()[ib] if len(ib) else [],
            "sent_b": sb["sent"].to_numpy()[ib].astype("int64") if len(ib) else [],
            "words": np.round(cos_words.ravel(), 12),
            "chars": np.round(cos_chars.ravel(), 12),
            "similarity": sim.ravel(),
        },
        columns=SIMILARITY_COLUMNS,
    ).astype({"sent_a": "int64", "sent_b": "int64", "words": float, "chars": float,
              "similarity": float})


def _match(sim: np.ndarray, threshold: float, match: str) -> list[tuple[int, int]]:
    """One-to-one pairs ``(i, j)`` with ``sim[i, j] >= threshold``."""
    if sim.size == 0:
        return []
    eligible = sim >= threshold
    if match == "hungarian":
        gain = np.where(eligible, sim - threshold, 0.0)
        rows, cols = linear_sum_assignment(gain, maximize=True)
        pairs = [(int(i), int(j)) for i, j in zip(rows, cols) if eligible[i, j]]
    else:
        ii, jj = np.nonzero(eligible)
        # most similar first; ties by reading order of a, then b
        order = sorted(zip(-sim[ii, jj], ii, jj))
        used_a: set[int] = set()
        used_b: set[int] = set()
        pairs = []
        for _, i, j in order:
            if i not in used_a and j not in used_b:
                pairs.append((int(i), int(j)))
                used_a.add(i)
                used_b.add(j)
    return sorted(pairs)


def align_sentences(
    docs: pd.DataFrame,
    a: str,
    b: str,
    *,
    method: str = "tfidf",
    match: str = "hungarian",
    shared_threshold: float = SHARED_THRESHOLD,
    paraphrase_threshold: float = PARAPHRASE_THRESHOLD,
    word_weight: float = 0.5,
    by: str = "source",
) -> pd.DataFrame:
    """Pair the sentences of two sources and label what they share and omit.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`) with ``doc_id``, ``text``
        and the ``by`` column; ``lang`` is used when present, else ``"it"``.
        Sentences come from :func:`analysis.sentence_spans`; a source with
        several documents contributes all their sentences.
    a, b : str
        The two sources to compare: different values of ``docs[by]``.
    method : {"tfidf", "words", "chars"}, default "tfidf"
        Similarity: the mean of word and character TF-IDF cosines, or one alone
        (see the module docstring).
    match : {"hungarian", "greedy"}, default "hungarian"
        One-to-one matching: the assignment that maximises total similarity
        (:func:`scipy.optimize.linear_sum_assignment`), or the most similar free
        pair first.
    shared_threshold : float, default 0.5
        A matched pair at or above it is ``shared`` (largely the same words).
    paraphrase_threshold : float, default 0.2
        Two sentences below it are never paired; a matched pair between the
        thresholds is ``paraphrased``. Must be above 0 and at most
        ``shared_threshold``.
    word_weight : float, default 0.5
        Weight of the word cosine in ``method="tfidf"``.
    by : str, default "source"
        The docs column that names the sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_a, doc_a, sent_a, start_a, end_a, sentence_a, source_b,
        doc_b, sent_b, start_b, end_b, sentence_b, similarity, label``. One row
        per matched pair, plus one row per sentence left unmatched on either side:
        every sentence of ``a`` and of ``b`` appears exactly once. ``sent_*`` is
        the sentence index of :func:`analysis.sentence_spans` in document
        ``doc_*`` and ``start_*``/``end_*`` its offsets into that document's
        ``text``. On the missing side of an unmatched sentence ``doc_*`` and
        ``sentence_*`` are missing and ``sent_*``, ``start_*``, ``end_*`` are
        -1; ``source_a``/``source_b`` are always ``a`` and ``b``. ``similarity``
        is the pair's similarity, or for an unmatched sentence the highest
        similarity it has with any sentence of the other source (how close it
        came). ``label`` is ``shared``, ``paraphrased``, ``only_a`` (in ``a``
        only) or ``only_b``. Rows follow the reading order of ``a`` (documents by
        ``doc_id``, then sentences), with the sentences only in ``b`` after
        them in the reading order of ``b``.

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not a source of ``docs``, ``a == b``, or an option
        is out of range.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y"], "source": ["X", "Y"],
    ...     "text": ["Kim incontra Lavrov a Wonsan.", "Lavrov incontra Kim a Wonsan."]})
    >>> align_sentences(docs, "X", "Y")[["sentence_a", "sentence_b", "label"]].values.tolist()
    [['Kim incontra Lavrov a Wonsan.', 'Lavrov incontra Kim a Wonsan.', 'shared']]
    >>> align_sentences(docs, "X", "Z")
    Traceback (most recent call last):
    ...
    ValueError: b='Z' is not a value of docs['source']; choose one of ['X', 'Y']
    """
    _check_options(method, match, shared_threshold, paraphrase_threshold, word_weight)
    a, b, sa, sb = _prepare(docs, a, b, by)
    cos_words, cos_chars = _similarity_parts(sa, sb)
    sim = _combine(cos_words, cos_chars, method, word_weight)
    pairs = _match(sim, paraphrase_threshold, match)
    best_a = sim.max(axis=1) if sim.size else np.zeros(len(sa))
    best_b = sim.max(axis=0) if sim.size else np.zeros(len(sb))
    partner_a = {i: j for i, j in pairs}
    matched_b = {j for _, j in pairs}

    def side(table: pd.DataFrame, k: int | None) -> list:
        if k is None:
            return [None, _NA, _NA, _NA, None]
        r = table.iloc[k]
        return [r["doc_id"], int(r["sent"]), int(r["start"]), int(r["end"]), r["sentence"]]

    rows = []
    for i in range(len(sa)):
        j = partner_a.get(i)
        if j is None:
            rows.append([a, *side(sa, i), b, *side(sb, None), float(best_a[i]), "only_a"])
        else:
            s = float(sim[i, j])
            label = "shared" if s >= shared_threshold else "paraphrased"
            rows.append([a, *side(sa, i), b, *side(sb, j), s, label])
    for j in range(len(sb)):
        if j not in matched_b:
            rows.append([a, *side(sa, None), b, *side(sb, j), float(best_b[j]), "only_b"])
    table = pd.DataFrame(rows, columns=PAIRS_COLUMNS)
    ints = {c: "int64" for c in ("sent_a", "start_a", "end_a", "sent_b", "start_b", "end_b")}
    return table.astype({**ints, "similarity": float})


def align_all(docs: pd.DataFrame, *, by: str = "source", **options) -> pd.DataFrame:
    """Align every pair of sources (``a < b`` in sorted order).

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table.
    by : str, default "source"
        The docs column that names the sources.
    **options
        Passed to :func:`align_sentences` (``method``, ``match``, thresholds).

    Returns
    -------
    pandas.DataFrame
        The tables of :func:`align_sentences` for every pair of sources, one
        after the other (pairs in sorted order), same columns.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y", "z"], "source": ["X", "Y", "Z"],
    ...     "text": ["Kim incontra Lavrov.", "Lavrov incontra Kim.", "Piove a Roma."]})
    >>> align_all(docs)[["source_a", "source_b", "label"]].values.tolist()
    [['X', 'Y', 'shared'], ['X', 'Z', 'only_a'], ['X', 'Z', 'only_b'], ['Y', 'Z', 'only_a'], ['Y', 'Z', 'only_b']]
    """
    _check_docs(docs, by)
    groups = _groups(docs, by)
    if len(groups) < 2:
        raise ValueError(f"docs[{by!r}] has {len(groups)} source(s); aligning needs at least two")
    tables = [align_sentences(docs, a, b, by=by, **options) for a, b in combinations(groups, 2)]
    return pd.concat(tables, ignore_index=True)


def _check_pairs(pairs) -> None:
    if not isinstance(pairs, pd.DataFrame):
        raise TypeError(f"pairs must be the DataFrame from align_sentences, got {type(pairs).__name__}")
    missing = [c for c in PAIRS_COLUMNS if c not in pairs.columns]
    if missing:
        raise ValueError(f"pairs is missing column(s) {missing}; pass the table from align_sentences")


def _check_lead(lead) -> int:
    if isinstance(lead, bool) or not isinstance(lead, (int, np.integer)) or lead < 0:
        raise ValueError(f"lead={lead!r} must be a whole number of sentences >= 0")
    return int(lead)


def _sides(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of either side: source, other, doc, sent, ..., label."""
    out = []
    for own, other in (("a", "b"), ("b", "a")):
        part = pairs[pairs[f"sent_{own}"] >= 0]
        out.append(pd.DataFrame({
            "source": part[f"source_{own}"].astype(str).to_numpy(),
            "other": part[f"source_{other}"].astype(str).to_numpy(),
            "doc_id": part[f"doc_{own}"].astype(str).to_numpy(),
            "sent": part[f"sent_{own}"].to_numpy(),
            "start": part[f"start_{own}"].to_numpy(),
            "end": part[f"end_{own}"].to_numpy(),
            "sentence": part[f"sentence_{own}"].to_numpy(),
            "similarity": part["similarity"].to_numpy(),
            "label": part["label"].to_numpy(),
            "side": own,
        }))
    sides = pd.concat(out, ignore_index=True)
    n = sides.groupby(["source", "other", "doc_id"])["sent"].transform("max") + 1
    sides["position"] = np.where(n > 1, sides["sent"] / (n - 1).clip(lower=1), 0.0).round(4)
    return sides


def unique_content(pairs: pd.DataFrame, *, lead: int = 3) -> pd.DataFrame:
    """The sentences each source carries and the other leaves out (selection).

    Parameters
    ----------
    pairs : pandas.DataFrame
        The table of :func:`align_sentences` (or :func:`align_all`).
    lead : int, default 3
        Sentences ``0 .. lead - 1`` of a document are its lead.

    Returns
    -------
    pandas.DataFrame
        Columns ``source, other, doc_id, sent, start, end, position, part,
        best_similarity, sentence``: one row per unmatched sentence, ``source``
        carrying it and ``other`` lacking it. ``position`` is the relative place
        in the document, ``sent / (n_sentences - 1)`` (0 = first sentence, 1 =
        last), ``part`` is ``"lead"`` or ``"later"``, ``best_similarity`` the
        closest the sentence came to any sentence of ``other``. Sorted by
        ``source, other, doc_id, sent``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y"], "source": ["X", "Y"],
    ...     "text": ["Kim incontra Lavrov. Piove.", "Lavrov incontra Kim."]})
    >>> unique_content(align_sentences(docs, "X", "Y"))[["source", "sent", "position", "sentence"]].values.tolist()
    [['X', 1, 1.0, 'Piove.']]
    """
    _check_pairs(pairs)
    lead = _check_lead(lead)
    sides = _sides(pairs)
    only = sides[sides["label"].isin(["only_a", "only_b"])].copy()
    only["part"] = np.where(only["sent"] < lead, "lead", "later")
    only["best_similarity"] = only["similarity"]
    only = only.sort_values(["source", "other", "doc_id", "sent"], kind="stable")
    return only[UNIQUE_COLUMNS].reset_index(drop=True)


def salience(pairs: pd.DataFrame, *, lead: int = 3) -> pd.DataFrame:
    """Where each shared or paraphrased fact sits in each text (lead or later).

    Parameters
    ----------
    pairs : pandas.DataFrame
        The table of :func:`align_sentences` (or :func:`align_all`).
    lead : int, default 3
        Sentences ``0 .. lead - 1`` of a document are its lead.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_a, doc_a, sent_a, position_a, part_a, source_b, doc_b,
        sent_b, position_b, part_b, label, similarity, sentence_a,
        sentence_b``: one row per matched pair, ``position_*`` the relative place
        in each document (0 first sentence, 1 last), ``part_*`` ``"lead"`` or
        ``"later"``. Sorted like the pairs (reading order of ``a``).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y"], "source": ["X", "Y"],
    ...     "text": ["Piove. Kim incontra Lavrov.", "Lavrov incontra Kim."]})
    >>> salience(align_sentences(docs, "X", "Y"), lead=1)[["sent_a", "part_a", "sent_b", "part_b"]].values.tolist()
    [[1, 'later', 0, 'lead']]
    """
    _check_pairs(pairs)
    lead = _check_lead(lead)
    sides = _sides(pairs)
    pos = {(r.source, r.other, r.doc_id, r.sent): r.position for r in sides.itertuples()}
    matched = pairs[pairs["label"].isin(["shared", "paraphrased"])]
    rows = []
    for r in matched.itertuples(index=False):
        pa = pos[(str(r.source_a), str(r.source_b), str(r.doc_a), r.sent_a)]
        pb = pos[(str(r.source_b), str(r.source_a), str(r.doc_b), r.sent_b)]
        rows.append([r.source_a, r.doc_a, r.sent_a, pa, "lead" if r.sent_a < lead else "later",
                     r.source_b, r.doc_b, r.sent_b, pb, "lead" if r.sent_b < lead else "later",
                     r.label, r.similarity, r.sentence_a, r.sentence_b])
    table = pd.DataFrame(rows, columns=SALIENCE_COLUMNS)
    return table.astype({"sent_a": "int64", "sent_b": "int64", "position_a": float,
                         "position_b": float, "similarity": float})


def content_summary(pairs: pd.DataFrame, *, lead: int = 3) -> pd.DataFrame:
    """Per source: how much it shares with the other, how much it alone carries, and where.

    Parameters
    ----------
    pairs : pandas.DataFrame
        The table of :func:`align_sentences` (or :func:`align_all`).
    lead : int, default 3
        Sentences ``0 .. lead - 1`` of a document are its lead.

    Returns
    -------
    pandas.DataFrame
        Columns ``source, other, n_sentences, n_shared, n_paraphrased, n_only,
        pct_only, pct_chars_only, lead_matched, lead_only,
        mean_position_matched, mean_position_only``: one row per (source, other
        source), sorted by both. ``pct_only`` is the share of the source's
        sentences with no counterpart, ``pct_chars_only`` the same share in
        characters (percent, one decimal); ``lead_matched``/``lead_only`` count
        the lead sentences that are matched / unmatched; ``mean_position_*`` is
        the mean relative position (0 first sentence, 1 last) of the matched and
        unmatched sentences (missing when there are none).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y"], "source": ["X", "Y"],
    ...     "text": ["Kim incontra Lavrov. Piove.", "Lavrov incontra Kim."]})
    >>> content_summary(align_sentences(docs, "X", "Y"))[["source", "n_sentences", "n_only", "pct_only"]].values.tolist()
    [['X', 2, 1, 50.0], ['Y', 1, 0, 0.0]]
    """
    _check_pairs(pairs)
    lead = _check_lead(lead)
    sides = _sides(pairs)
    rows = []
    for (source, other), g in sides.groupby(["source", "other"], sort=True):
        only = g["label"].isin(["only_a", "only_b"])
        chars = g["end"] - g["start"]
        in_lead = g["sent"] < lead
        rows.append([
            source, other, len(g), int((g["label"] == "shared").sum()),
            int((g["label"] == "paraphrased").sum()), int(only.sum()),
            round(100.0 * only.mean(), 1) if len(g) else 0.0,
            round(100.0 * chars[only].sum() / chars.sum(), 1) if chars.sum() else 0.0,
            int((in_lead & ~only).sum()), int((in_lead & only).sum()),
            round(float(g.loc[~only, "position"].mean()), 3) if (~only).any() else np.nan,
            round(float(g.loc[only, "position"].mean()), 3) if only.any() else np.nan,
        ])
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    return table.astype({"mean_position_matched": float, "mean_position_only": float})


def coverage(data: pd.DataFrame, *, by: str = "source", **options) -> pd.DataFrame:
    """Which sentence of which source has a counterpart in which other source.

    Parameters
    ----------
    data : pandas.DataFrame
        Either a docs table (aligned with :func:`align_all` first) or the table
        of :func:`align_all` / :func:`align_sentences`.
    by : str, default "source"
        The docs column that names the sources (docs input only).
    **options
        Passed to :func:`align_sentences` (docs input only).

    Returns
    -------
    pandas.DataFrame
        Columns ``source, doc_id, sent, start, end, sentence, n_sources``
        followed by one boolean column per source (sorted names): ``True`` when
        the sentence is in that source (its own source always is) or has a
        shared or paraphrased counterpart there. ``n_sources`` counts the
        ``True`` columns: 1 means only this source reports the sentence. One row
        per sentence of every source, sorted by ``source, doc_id, sent``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y", "z"], "source": ["X", "Y", "Z"],
    ...     "text": ["Kim incontra Lavrov.", "Lavrov incontra Kim.", "Piove a Roma."]})
    >>> coverage(docs)[["source", "n_sources", "X", "Y", "Z"]].values.tolist()
    [['X', 2, True, True, False], ['Y', 2, True, True, False], ['Z', 1, False, False, True]]
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a docs table or a pairs table, got {type(data).__name__}")
    pairs = data if "label" in data.columns and "source_a" in data.columns else align_all(
        data, by=by, **options)
    _check_pairs(pairs)
    sides = _sides(pairs)
    sources = sorted(set(sides["source"]) | set(sides["other"]))
    keys = ["source", "doc_id", "sent"]
    base = (sides.sort_values(keys, kind="stable")
            .drop_duplicates(keys)[["source", "doc_id", "sent", "start", "end", "sentence"]]
            .reset_index(drop=True))
    matched = sides[sides["label"].isin(["shared", "paraphrased"])]
    hits = {(r.source, r.doc_id, r.sent, r.other) for r in matched.itertuples()}
    for s in sources:
        base[s] = [src == s or (src, d, k, s) in hits
                   for src, d, k in zip(base["source"], base["doc_id"], base["sent"])]
    base.insert(6, "n_sources", base[sources].sum(axis=1).astype("int64"))
    return base[[*COVERAGE_COLUMNS, *sources]]


def _check_gold(gold) -> pd.DataFrame:
    if not isinstance(gold, pd.DataFrame):
        raise TypeError(f"gold must be a DataFrame with columns {GOLD_COLUMNS}, got {type(gold).__name__}")
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise ValueError(f"gold is missing column(s) {missing}; it needs {GOLD_COLUMNS}")
    bad = sorted(set(gold["label"]) - {"shared", "paraphrased"})
    if bad:
        raise ValueError(f"gold labels must be 'shared' or 'paraphrased', found {bad}")
    return gold


def _max_matching(edges: set[tuple]) -> int:
    """Size of a maximum one-to-one matching in a bipartite graph (augmenting paths)."""
    adj: dict = {}
    for u, v in sorted(edges):
        adj.setdefault(u, []).append(v)
    owner: dict = {}

    def augment(u, seen) -> bool:
        for v in adj[u]:
            if v in seen:
                continue
            seen.add(v)
            if v not in owner or augment(owner[v], seen):
                owner[v] = u
                return True
        return False

    return sum(augment(u, set()) for u in adj)


def _prf(n_pred: int, n_gold: int, n_correct: int) -> list:
    p = n_correct / n_pred if n_pred else np.nan
    r = n_correct / n_gold if n_gold else np.nan
    f = 2 * p * r / (p + r) if n_pred and n_gold and (p + r) else (0.0 if n_pred and n_gold else np.nan)
    return [n_pred, n_gold, n_correct, round(p, 4), round(r, 4), round(f, 4)]


def evaluate_alignment(pairs: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of an alignment against hand-made gold pairs.

    The gold lists every pair of sentences that report the same fact, so one
    sentence may appear in several gold pairs while an alignment is one-to-one.
    Recall of pairs is therefore measured against the largest one-to-one
    matching the gold allows (what a perfect aligner could find).

    Parameters
    ----------
    pairs : pandas.DataFrame
        The table of :func:`align_sentences`.
    gold : pandas.DataFrame
        Columns ``doc_a, sent_a, doc_b, sent_b, label`` (``label`` ``shared`` or
        ``paraphrased``), with ``doc_a`` a document of ``pairs``' source ``a``.

    Returns
    -------
    pandas.DataFrame
        Columns ``what, n_predicted, n_gold, n_correct, precision, recall, f1``,
        rows in this order:

        * ``pairs``: a predicted pair is correct when it is a gold pair;
          ``n_gold`` is the size of the largest one-to-one matching of the gold;
        * ``pairs (all gold)``: the same, recall over every gold pair;
        * ``labels``: among correct pairs, the share whose label
          (shared/paraphrased) agrees with the gold (``precision`` = ``recall``);
        * ``only_a`` and ``only_b``: sentences predicted to have no counterpart,
          correct when no gold pair contains them.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["x", "y"], "source": ["X", "Y"],
    ...     "text": ["Kim incontra Lavrov. Piove.", "Lavrov incontra Kim."]})
    >>> gold = pd.DataFrame({"doc_a": ["x"], "sent_a": [0], "doc_b": ["y"], "sent_b": [0],
    ...                      "label": ["shared"]})
    >>> evaluate_alignment(align_sentences(docs, "X", "Y"), gold)[["what", "precision", "recall"]].values.tolist()
    [['pairs', 1.0, 1.0], ['pairs (all gold)', 1.0, 1.0], ['labels', 1.0, 1.0], ['only_a', 1.0, 1.0], ['only_b', nan, nan]]
    """
    _check_pairs(pairs)
    gold = _check_gold(gold)
    gold_pairs = {(str(r.doc_a), int(r.sent_a), str(r.doc_b), int(r.sent_b)): r.label
                  for r in gold.itertuples(index=False)}
    matched = pairs[pairs["label"].isin(["shared", "paraphrased"])]
    pred = {(str(r.doc_a), int(r.sent_a), str(r.doc_b), int(r.sent_b)): r.label
            for r in matched.itertuples(index=False)}
    correct = set(pred) & set(gold_pairs)
    edges = {((d, s), (e, t)) for d, s, e, t in gold_pairs}
    k = _max_matching(edges)
    rows = [["pairs", *_prf(len(pred), k, len(correct))],
            ["pairs (all gold)", *_prf(len(pred), len(gold_pairs), len(correct))]]
    agree = sum(pred[p] == gold_pairs[p] for p in correct)
    rows.append(["labels", *_prf(len(correct), len(correct), agree)])
    in_gold_a = {(d, s) for d, s, _, _ in gold_pairs}
    in_gold_b = {(e, t) for _, _, e, t in gold_pairs}
    for own, in_gold in (("a", in_gold_a), ("b", in_gold_b)):
        sents = pairs[pairs[f"sent_{own}"] >= 0]
        all_sents = {(str(d), int(s)) for d, s in zip(sents[f"doc_{own}"], sents[f"sent_{own}"])}
        only = sents[sents["label"] == f"only_{own}"]
        pred_only = {(str(d), int(s)) for d, s in zip(only[f"doc_{own}"], only[f"sent_{own}"])}
        gold_only = all_sents - in_gold
        rows.append([f"only_{own}", *_prf(len(pred_only), len(gold_only),
                                          len(pred_only & gold_only))])
    table = pd.DataFrame(rows, columns=EVALUATION_COLUMNS)
    return table.astype({"n_predicted": "int64", "n_gold": "int64", "n_correct": "int64",
                         "precision": float, "recall": float, "f1": float})
