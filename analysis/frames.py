"""Frames: dictionary coding of frame categories, with the evidence behind every score.

A *frame* is a way of presenting an event: as a matter of security, of diplomacy, of
human cost... The shipped codebook (``analysis/resources/frames.yaml``, inspired by
the dimensions of the Policy Frames Codebook of Boydstun, Card, Gross, Resnik and
Smith, 2014) lists for every frame an id, a label, a one-line definition and cue
words per language. :func:`frame_evidence` finds every cue in every sentence, with
offsets into ``docs.text``; :func:`frame_scores` counts those hits per group and
frame, per 1,000 analysis terms.

Dictionary coding is a **transparent first pass, not ground truth**. A cue counts
wherever it appears, in the journalist's words or inside a quotation, in the sense
the codebook meant or another one ("difesa della dignità" is a defence cue); it
cannot see irony, negation or a frame carried without its usual words. Every score
is therefore paired with the sentences that produced it: read them before you trust
or quote a number, and treat a handful of hits as an anecdote (``few_hits``).

How cues match (the unit is a token of :func:`analysis.tokens_table`):

* ``lemmas``: a word matches every token with the same Snowball stem (the project's
  ``terms(..., stem=True)``), so ``soldato`` also matches ``soldati``;
* ``forms``: that exact normalised form only (``visita``, whose stem ``vis`` is too
  short to trust);
* ``phrases``: consecutive tokens compared by stem, connecting words included
  (``stringere la mano`` matches ``stringono la mano``); punctuation breaks a phrase;
* ``patterns``: a case-insensitive regular expression searched inside each sentence
  of the normalised text (:func:`analysis.normalize.normalize`, which keeps every
  offset), so write apostrophes as ``'``.

Stopword tokens are never matched by ``lemmas`` or ``forms`` and are not counted in
``n_terms`` (the same terms as :func:`analysis.terms`). Within one frame, overlapping
matches count once: the longest wins, then the leftmost. Across frames matches are
independent, so **one token can count for two frames** (``difesa reciproca`` is an
alliance phrase and its ``difesa`` a security lemma).

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "lang": ["it"],
...     "text": ["I soldati sono morti. Il vertice è finito."]})
>>> frame_evidence(docs)[["sent", "frame", "cue", "match"]].values.tolist()
[[0, 'security_defence', 'soldato', 'soldati'], [0, 'human_cost', 'morto', 'morti'], [1, 'diplomacy_alliance', 'vertice', 'vertice']]
>>> scores = frame_scores(docs)
>>> scores.loc[scores.hits > 0, ["frame", "hits", "n_terms", "per_1k"]].values.tolist()
[['security_defence', 1, 4, 250.0], ['diplomacy_alliance', 1, 4, 250.0], ['human_cost', 1, 4, 250.0]]
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import regex
import yaml

from .langs import SUPPORTED_LANGS, check_lang
from .normalize import normalize, normalize_term
from .resources import resource_path
from .tokens import stopwords, terms, tokenize, tokens_table

__all__ = [
    "CODEBOOK_COLUMNS",
    "CUE_KINDS",
    "CUES_COLUMNS",
    "EVIDENCE_COLUMNS",
    "SENTENCES_COLUMNS",
    "MIN_HITS",
    "SCORES_COLUMNS",
    "BOOTSTRAP_COLUMNS",
    "CONTRAST_COLUMNS",
    "Codebook",
    "CodebookWarning",
    "Frame",
    "codebook_cues",
    "codebook_table",
    "frame_contrast",
    "frame_evidence",
    "frame_scores",
    "frame_sentences",
    "load_codebook",
]

#: Columns of :func:`frame_scores`, in order (``BOOTSTRAP_COLUMNS`` follow when
#: ``n_boot > 0``).
SCORES_COLUMNS = ["group", "frame", "hits", "n_terms", "per_1k", "n_sentences", "few_hits"]
#: Interval columns added by :func:`frame_scores` when ``n_boot > 0``.
BOOTSTRAP_COLUMNS = ["per_1k_low", "per_1k_high"]
#: Columns of :func:`frame_contrast`, in order.
CONTRAST_COLUMNS = ["frame", "hits_target", "hits_reference", "per_1k_target",
                    "per_1k_reference", "diff_per_1k", "few_hits"]
#: Columns of :func:`frame_evidence`, in order.
EVIDENCE_COLUMNS = ["doc_id", "source", "sent", "start", "end", "frame", "cue", "match",
                    "sentence"]
#: Columns of :func:`frame_sentences`, in order.
SENTENCES_COLUMNS = ["doc_id", "source", "sent", "frame", "hits", "matches", "sentence"]
#: Columns of :func:`codebook_table` (one row per frame).
CODEBOOK_COLUMNS = ["frame", "label", "definition", "langs", "n_cues"]
#: Columns of :func:`codebook_cues` (one row per cue).
CUES_COLUMNS = ["frame", "lang", "kind", "cue", "key", "line"]
#: Kinds of cue, in the order they are listed and tie-broken.
CUE_KINDS = ("lemmas", "forms", "phrases", "patterns")
#: Default ``min_hits`` of :func:`frame_scores`: below it ``few_hits`` is true.
MIN_HITS = 5
#: File name of the shipped codebook in ``analysis/resources/``.
DEFAULT_CODEBOOK = "frames.yaml"

_TOP_KEYS = {"name", "version", "frames"}
_FRAME_KEYS = ("id", "label", "definition", "cues")
_FRAME_ID = regex.compile(r"^[a-z][a-z0-9_]*$")
#: Stems shorter than this give a CodebookWarning (they match too many words).
_MIN_STEM_CHARS = 4


class CodebookWarning(UserWarning):
    """A codebook entry that loads but probably does not do what its author meant."""


@dataclass(frozen=True)
class Frame:
    """One frame category of a :class:`Codebook`.

    Attributes
    ----------
    id, label, definition : str
    cues : mapping
        ``{lang: {kind: ((cue, key, line), ...)}}`` with ``kind`` in
        :data:`CUE_KINDS`; ``key`` is what the matcher compares (a stem, a
        normalised form, a tuple of stems, or the regular expression).
    line : int
        Line of the frame's entry in the codebook file.
    """

    id: str
    label: str
    definition: str
    cues: Mapping
    line: int


@dataclass(frozen=True, eq=False)
class Codebook:
    """A validated frame codebook (build it with :func:`load_codebook`).

    Attributes
    ----------
    frames : tuple of Frame
        In file order, which is the order of every frames table.
    path : str
        The file it was read from.
    name : str
    """

    frames: tuple
    path: str
    name: str = ""
    _compiled: dict = field(default_factory=dict, repr=False)

    @property
    def ids(self) -> list[str]:
        """Frame ids in codebook order."""
        return [f.id for f in self.frames]

    @property
    def labels(self) -> dict[str, str]:
        """``{frame id: label}``, for figure labels."""
        return {f.id: f.label for f in self.frames}

    def __repr__(self) -> str:
        return f"Codebook(name={self.name!r}, frames={self.ids!r}, path={self.path!r})"


# ---------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------


class _Source:
    """A parsed YAML file with the line of every node, for error messages."""

    def __init__(self, path: Path):
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                             "save the codebook as UTF-8") from None
        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            raise ValueError(f"{path}, line {line}: not valid YAML ({exc.problem}); "
                             "check the indentation and quoting there") from None
        if self.root is not None:
            self._check_duplicate_keys(self.root)

    def _check_duplicate_keys(self, node) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if key.value in seen:
                    self.fail(line, f"key {key.value!r} is repeated (first on line "
                                    f"{seen[key.value]}); keep one")
                seen[key.value] = line
                self._check_duplicate_keys(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._check_duplicate_keys(item)

    def line(self, *where) -> int:
        """Line of the node at ``where`` (mapping keys and list indices)."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else 1
        for step in where:
            if isinstance(node, yaml.MappingNode):
                match = [(k, v) for k, v in node.value if k.value == str(step)]
                if not match:
                    break
                key, node = match[0]
                line = key.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def fail(self, line: int, message: str):
        raise ValueError(f"{self.path}, line {line}: {message}")


def _single_term(cue: str, lang: str) -> bool:
    return len(tokenize(cue, lang)) == 1 and len(terms(cue, lang, stopwords=False)) == 1


def _stem(term: str, lang: str) -> str:
    out = terms(term, lang, stopwords=False, stem=True)
    return out[0] if len(out) == 1 else term


def _cue_key(src: _Source, where: tuple, frame_id: str, lang: str, kind: str, cue: str):
    """Validate one cue and return what the matcher compares."""
    line = src.line(*where)
    what = f"frame {frame_id!r}, {lang} {kind[:-1]} {cue!r}"
    if kind in ("lemmas", "forms"):
        if not _single_term(cue, lang):
            src.fail(line, f"{what} is not a single word; list it under 'phrases' or "
                           "'patterns'")
        term = normalize_term(cue)
        if term in stopwords(lang):
            src.fail(line, f"{what} is a stopword, and stopwords are never matched as "
                           "single words; use it inside a phrase or a pattern")
        if kind == "forms":
            return term
        key = _stem(term, lang)
        if len(key) < _MIN_STEM_CHARS:
            warnings.warn(f"{src.path}, line {line}: {what} has the short stem {key!r}, "
                          "which may match unrelated words; list its forms under 'forms'",
                          CodebookWarning, stacklevel=4)
        return key
    if kind == "phrases":
        words = terms(cue, lang, stopwords=False)
        if len(words) < 2 or len(tokenize(cue, lang)) != len(words):
            src.fail(line, f"{what} must be two or more words without punctuation; "
                           "use 'lemmas' for one word or 'patterns' for anything else")
        return tuple(_stem(w, lang) for w in words)
    try:
        compiled = regex.compile(cue, regex.IGNORECASE)
    except regex.error as exc:
        src.fail(line, f"{what} is not a valid regular expression ({exc}); fix it or "
                       "escape special characters with a backslash")
    if compiled.search("") is not None:
        src.fail(line, f"{what} matches the empty text; make it require at least one "
                       "character")
    return cue


def _check_text(src: _Source, value, where: tuple, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        src.fail(src.line(*where), f"{what} must be non-empty text, got {value!r}")
    return value.strip()


def _parse_cues(src: _Source, raw, where: tuple, frame_id: str) -> dict:
    if not isinstance(raw, dict) or not raw:
        src.fail(src.line(*where), f"frame {frame_id!r}: 'cues' must map a language "
                                   f"({', '.join(SUPPORTED_LANGS)}) to its cue lists")
    cues: dict = {}
    for lang_key, kinds in raw.items():
        at = (*where, lang_key)
        try:
            lang = check_lang(lang_key, argument=f"language key {lang_key!r}")
        except ValueError as exc:
            src.fail(src.line(*at), f"frame {frame_id!r}: {exc}")
        if lang in cues:
            src.fail(src.line(*at), f"frame {frame_id!r}: language {lang!r} is given twice")
        if not isinstance(kinds, dict) or not kinds:
            src.fail(src.line(*at), f"frame {frame_id!r}, {lang}: give at least one of "
                                    f"{', '.join(CUE_KINDS)} with a list of cues")
        unknown = [k for k in kinds if k not in CUE_KINDS]
        if unknown:
            src.fail(src.line(*at, unknown[0]), f"frame {frame_id!r}, {lang}: unknown cue "
                     f"kind {unknown[0]!r}; use {', '.join(CUE_KINDS)}")
        per_lang: dict = {}
        seen: dict = {}  # (kind family, key) -> (cue, line)
        for kind in CUE_KINDS:
            if kind not in kinds:
                continue
            items = kinds[kind]
            if not isinstance(items, list) or not items:
                src.fail(src.line(*at, kind), f"frame {frame_id!r}, {lang}: '{kind}' must "
                         "be a non-empty list; delete the key if there are no cues")
            entries = []
            for k, cue in enumerate(items):
                cue_at = (*at, kind, k)
                if not isinstance(cue, str) or not cue.strip():
                    src.fail(src.line(*cue_at), f"frame {frame_id!r}, {lang} {kind}: cue "
                             f"{cue!r} is not text; write a word, or quote it")
                cue = cue.strip()
                key = _cue_key(src, cue_at, frame_id, lang, kind, cue)
                line = src.line(*cue_at)
                probe = [(kind, key)]
                # lemmas come first, so a form whose stem is a listed lemma is redundant
                if kind == "forms":
                    probe.append(("lemmas", _stem(key, lang)))
                for probe_kind, probe_key in probe:
                    if (probe_kind, probe_key) in seen:
                        first, first_line = seen[(probe_kind, probe_key)]
                        src.fail(line, f"frame {frame_id!r}, {lang} {kind}: {cue!r} matches "
                                       f"the same words as {first!r} (line {first_line}); "
                                       "keep one")
                seen[(kind, key)] = (cue, line)
                entries.append((cue, key, line))
            per_lang[kind] = tuple(entries)
        cues[lang] = per_lang
    return cues


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and validate a frame codebook (YAML).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A codebook file in the format of the shipped
        ``analysis/resources/frames.yaml`` (read its header); default that file.

    Returns
    -------
    Codebook

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For invalid YAML, unknown or repeated keys, missing or empty fields,
        duplicate frame ids, empty cue lists, cues that are not one word (lemmas,
        forms), phrases of one word, stopword cues, duplicate or redundant cues and
        regular expressions that do not compile or match the empty text. The
        message names the file, the line and the frame.

    Warns
    -----
    CodebookWarning
        For a lemma whose stem is shorter than 4 characters.

    Examples
    --------
    >>> codebook = load_codebook()
    >>> codebook.ids[:3]
    ['security_defence', 'diplomacy_alliance', 'external_reputation']
    """
    if path is None:
        path = resource_path(DEFAULT_CODEBOOK)
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"codebook file {path} does not exist; pass the path of a "
                                f"YAML codebook like analysis/resources/{DEFAULT_CODEBOOK}")
    src = _Source(path)
    data = src.data
    if not isinstance(data, dict):
        src.fail(1, "a codebook must be a mapping with a 'frames' list; see "
                    f"analysis/resources/{DEFAULT_CODEBOOK}")
    unknown = [k for k in data if k not in _TOP_KEYS]
    if unknown:
        src.fail(src.line(unknown[0]), f"unknown key {unknown[0]!r}; use "
                                       f"{', '.join(sorted(_TOP_KEYS))}")
    raw_frames = data.get("frames")
    if not isinstance(raw_frames, list) or not raw_frames:
        src.fail(src.line("frames"), "'frames' must be a non-empty list of frames")
    frames = []
    ids: dict[str, int] = {}
    for n, raw in enumerate(raw_frames):
        line = src.line("frames", n)
        if not isinstance(raw, dict):
            src.fail(line, f"frame number {n + 1} must be a mapping with keys "
                           f"{', '.join(_FRAME_KEYS)}")
        name = raw.get("id", f"number {n + 1}")
        unknown = [k for k in raw if k not in _FRAME_KEYS]
        if unknown:
            src.fail(src.line("frames", n, unknown[0]), f"frame {name!r}: unknown key "
                     f"{unknown[0]!r}; use {', '.join(_FRAME_KEYS)}")
        missing = [k for k in _FRAME_KEYS if k not in raw]
        if missing:
            src.fail(line, f"frame {name!r}: missing key(s) {', '.join(missing)}")
        frame_id = raw["id"]
        if not isinstance(frame_id, str) or not _FRAME_ID.match(frame_id):
            src.fail(src.line("frames", n, "id"), f"frame id {frame_id!r} must be lowercase "
                     "letters, digits and underscores, starting with a letter")
        if frame_id in ids:
            src.fail(src.line("frames", n, "id"), f"frame id {frame_id!r} is already used "
                     f"on line {ids[frame_id]}; frame ids must be unique")
        ids[frame_id] = src.line("frames", n, "id")
        label = _check_text(src, raw["label"], ("frames", n, "label"),
                            f"frame {frame_id!r}: 'label'")
        definition = _check_text(src, raw["definition"], ("frames", n, "definition"),
                                 f"frame {frame_id!r}: 'definition'")
        cues = _parse_cues(src, raw["cues"], ("frames", n, "cues"), frame_id)
        frames.append(Frame(frame_id, label, definition, cues, line))
    name = data.get("name", "")
    return Codebook(frames=tuple(frames), path=str(path), name=str(name or ""))


def _resolve_codebook(codebook) -> Codebook:
    if codebook is None:
        return _default_codebook()
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    raise TypeError(f"codebook must be None, a file path or a Codebook from load_codebook, "
                    f"got {type(codebook).__name__}")


_DEFAULT: list = []


def _default_codebook() -> Codebook:
    if not _DEFAULT:
        _DEFAULT.append(load_codebook())
    return _DEFAULT[0]


def codebook_table(codebook=None) -> pd.DataFrame:
    """One row per frame: id, label, definition, languages and number of cues.

    Parameters
    ----------
    codebook : Codebook, str or pathlib.Path, optional
        Default the shipped codebook.

    Returns
    -------
    pandas.DataFrame
        Columns ``frame, label, definition, langs, n_cues``, in codebook order;
        ``langs`` is e.g. ``"en, it"``, ``n_cues`` counts cues of all languages.

    Examples
    --------
    >>> codebook_table().loc[0, ["frame", "label"]].tolist()
    ['security_defence', 'Security and defence']
    """
    cb = _resolve_codebook(codebook)
    rows = [
        {"frame": f.id, "label": f.label, "definition": f.definition,
         "langs": ", ".join(sorted(f.cues)),
         "n_cues": sum(len(v) for kinds in f.cues.values() for v in kinds.values())}
        for f in cb.frames
    ]
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS).astype({"n_cues": "int64"})


def codebook_cues(codebook=None, *, lang: str | None = None) -> pd.DataFrame:
    """One row per cue, with what the matcher compares, to check a codebook.

    Parameters
    ----------
    codebook : Codebook, str or pathlib.Path, optional
        Default the shipped codebook.
    lang : {"it", "en"}, optional
        Only the cues of one language.

    Returns
    -------
    pandas.DataFrame
        Columns ``frame, lang, kind, cue, key, line``: ``key`` is the Snowball
        stem (lemmas), the normalised form (forms), the stems joined by spaces
        (phrases) or the regular expression (patterns); ``line`` is where the cue
        is in the file. Rows in codebook order, then language, kind
        (:data:`CUE_KINDS`) and file order.

    Examples
    --------
    >>> cues = codebook_cues(lang="it")
    >>> cues.loc[cues.cue == "soldato", ["kind", "key"]].values.tolist()
    [['lemmas', 'sold']]
    """
    cb = _resolve_codebook(codebook)
    langs = [check_lang(lang)] if lang is not None else None
    rows = []
    for f in cb.frames:
        for lg in sorted(f.cues):
            if langs is not None and lg not in langs:
                continue
            for kind in CUE_KINDS:
                for cue, key, line in f.cues[lg].get(kind, ()):
                    rows.append({"frame": f.id, "lang": lg, "kind": kind, "cue": cue,
                                 "key": " ".join(key) if isinstance(key, tuple) else key,
                                 "line": line})
    return pd.DataFrame(rows, columns=CUES_COLUMNS).astype({"line": "int64"})


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------

_KIND_RANK = {k: r for r, k in enumerate(CUE_KINDS)}


@dataclass(frozen=True)
class _Index:
    """Lookup tables of every frame's cues in one language."""

    lemmas: dict  # stem -> ((frame rank, cue), ...)
    forms: dict  # normalised form -> ((frame rank, cue), ...)
    phrases: dict  # stem of the first word -> ((frame rank, stems, cue), ...)
    patterns: tuple  # ((frame rank, compiled regex, cue), ...)


def _index(cb: Codebook, lang: str) -> _Index:
    if lang not in cb._compiled:
        lemmas, forms, phrases, patterns = {}, {}, {}, []
        for rank, f in enumerate(cb.frames):
            kinds = f.cues.get(lang, {})
            for cue, key, _ in kinds.get("lemmas", ()):
                lemmas.setdefault(key, []).append((rank, cue))
            for cue, key, _ in kinds.get("forms", ()):
                forms.setdefault(key, []).append((rank, cue))
            for cue, key, _ in kinds.get("phrases", ()):
                phrases.setdefault(key[0], []).append((rank, key, cue))
            for cue, key, _ in kinds.get("patterns", ()):
                patterns.append((rank, regex.compile(key, regex.IGNORECASE), cue))
        cb._compiled[lang] = _Index(lemmas, forms, phrases, tuple(patterns))
    return cb._compiled[lang]


def _resolve_overlaps(found: list[tuple]) -> list[tuple]:
    """Keep non-overlapping matches of one frame: longest first, then leftmost."""
    kept: list[tuple] = []
    for m in sorted(found, key=lambda m: (-(m[1] - m[0]), m[0], _KIND_RANK[m[2]], m[3])):
        if all(m[1] <= k[0] or m[0] >= k[1] for k in kept):
            kept.append(m)
    return sorted(kept)


def _sentence_matches(tokens: list[tuple], norm: str, span: tuple[int, int],
                      index: _Index) -> dict[int, list[tuple]]:
    """Every match ``(start, end, kind, cue)`` in one sentence, by frame rank.

    ``tokens`` are ``(start, end, term, stem, is_stop, is_punct)`` of the sentence.
    """
    found: dict[int, list[tuple]] = {}
    for k, (a, b, term, stem, is_stop, is_punct) in enumerate(tokens):
        if is_punct:
            continue
        if not is_stop:
            for rank, cue in index.lemmas.get(stem, ()):
                found.setdefault(rank, []).append((a, b, "lemmas", cue))
            for rank, cue in index.forms.get(term, ()):
                found.setdefault(rank, []).append((a, b, "forms", cue))
        for rank, stems, cue in index.phrases.get(stem, ()):
            window = tokens[k : k + len(stems)]
            if len(window) == len(stems) and all(
                    not t[5] and t[3] == s for t, s in zip(window, stems)):
                found.setdefault(rank, []).append((a, window[-1][1], "phrases", cue))
    lo, hi = span
    for rank, pattern, cue in index.patterns:
        for m in pattern.finditer(norm, lo, hi):
            if m.end() > m.start():
                found.setdefault(rank, []).append((m.start(), m.end(), "patterns", cue))
    return {rank: _resolve_overlaps(matches) for rank, matches in found.items()}


def _check_docs(docs, by: str | None = None) -> None:
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be a DataFrame from load_corpus, got {type(docs).__name__}")
    needed = ["doc_id", "source", "text"] + ([by] if by and by not in ("doc_id", "source")
                                              else [])
    missing = [c for c in needed if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass the table from "
                         "load_corpus" + (" and a by= column it has" if by in missing else ""))
    if docs["doc_id"].duplicated().any():
        dup = docs.loc[docs["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise ValueError(f"docs has the doc_id {dup!r} more than once; doc_id must be unique")


def _doc_langs(docs: pd.DataFrame, lang: str | None, cb: Codebook) -> list[str]:
    if lang is not None:
        langs = [check_lang(lang)] * len(docs)
    elif "lang" in docs.columns:
        langs = [check_lang(v, argument=f"lang of document {d!r}")
                 for d, v in zip(docs["doc_id"], docs["lang"])]
    else:
        langs = ["it"] * len(docs)
    for lg in sorted(set(langs)):
        if not any(lg in f.cues for f in cb.frames):
            raise ValueError(f"the codebook {cb.path} has no cues for lang={lg!r}; add "
                             f"'{lg}:' cues to its frames or pass lang=")
    return langs


def _analyse(docs: pd.DataFrame, langs: list[str], cb: Codebook):
    """Per document: evidence rows and the number of terms of every sentence.

    Sentence spans come from the tokens table (first token's start to last
    token's end), which is how :func:`analysis.sentence_spans` defines them.
    """
    table = tokens_table(pd.DataFrame({"doc_id": docs["doc_id"].to_numpy(),
                                       "text": docs["text"].to_numpy(), "lang": langs}))
    by_doc = {d: part for d, part in table.groupby("doc_id", sort=False)}
    stems: dict[tuple[str, str], str] = {}
    rows, sent_terms = [], {}
    for doc_id, source, text, lang in zip(docs["doc_id"], docs["source"], docs["text"],
                                          langs):
        toks = by_doc.get(doc_id)
        if toks is None or not len(toks):
            sent_terms[doc_id] = np.zeros(0, dtype=np.int64)
            continue
        n_sent = int(toks["sent"].iloc[-1]) + 1
        counts = np.zeros(n_sent, dtype=np.int64)
        sent_terms[doc_id] = counts
        per_sent: list[list[tuple]] = [[] for _ in range(n_sent)]
        columns = (toks[c].tolist() for c in ("sent", "start", "end", "term", "is_stop",
                                              "is_punct"))
        for s, a, b, term, is_stop, is_punct in zip(*columns):
            stem = None
            if not is_punct:
                stem = stems.get((term, lang))
                if stem is None:
                    stem = stems[(term, lang)] = _stem(term, lang)
                if not is_stop:
                    counts[s] += 1
            per_sent[s].append((a, b, term, stem, is_stop, is_punct))
        norm = normalize(text)
        index = _index(cb, lang)
        for s, tokens in enumerate(per_sent):
            span = (tokens[0][0], tokens[-1][1])
            sentence = text[span[0] : span[1]]
            for rank, matches in sorted(_sentence_matches(tokens, norm, span, index).items()):
                for a, b, _kind, cue in matches:
                    rows.append((doc_id, source, s, a, b, rank, cb.frames[rank].id, cue,
                                 text[a:b], sentence))
    return rows, sent_terms


def _evidence_frame(rows: list[tuple], order: dict) -> pd.DataFrame:
    rows = sorted(rows, key=lambda r: (order[r[0]], r[3], r[5], r[4], r[7]))
    table = pd.DataFrame([r[:5] + r[6:] for r in rows], columns=EVIDENCE_COLUMNS)
    return table.astype({"sent": "int64", "start": "int64", "end": "int64"})


def frame_evidence(docs: pd.DataFrame, *, codebook=None, lang: str | None = None
                   ) -> pd.DataFrame:
    """Every cue match in every sentence: the evidence behind :func:`frame_scores`.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`): ``doc_id``, ``source``,
        ``text`` and, when present, ``lang`` (else Italian).
    codebook : Codebook, str or pathlib.Path, optional
        A codebook from :func:`load_codebook` or the path of a codebook file;
        default the shipped ``analysis/resources/frames.yaml``.
    lang : {"it", "en"}, optional
        Read every document in this language instead of its ``lang``.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, source, sent, start, end, frame, cue, match, sentence``,
        one row per hit (a frame's overlapping matches already resolved, see the
        module docstring): ``sent`` is the sentence index of
        :func:`analysis.sentence_spans`, ``start``/``end`` offsets into the
        document's ``text`` (``text[start:end] == match``), ``cue`` the codebook
        entry that matched and ``sentence`` the whole sentence. Sorted by document
        (order of ``docs``), ``start``, then codebook order of ``frame``.

    Raises
    ------
    ValueError
        If ``docs`` lacks a column, repeats a ``doc_id``, or has a language the
        codebook has no cues for.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["d"], "source": ["X"], "lang": ["en"],
    ...                      "text": ["State media said the troops shook hands."]})
    >>> frame_evidence(docs)[["start", "end", "frame", "match"]].values.tolist()
    [[0, 11, 'state_media', 'State media'], [21, 27, 'security_defence', 'troops'], [28, 39, 'diplomacy_alliance', 'shook hands']]
    """
    _check_docs(docs)
    cb = _resolve_codebook(codebook)
    langs = _doc_langs(docs, lang, cb)
    rows, _ = _analyse(docs, langs, cb)
    return _evidence_frame(rows, {d: k for k, d in enumerate(docs["doc_id"])})


def _check_scores_options(min_hits, n_boot, ci, random_state) -> None:
    for name, value, low in (("min_hits", min_hits, 0), ("n_boot", n_boot, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name}={value!r} must be a whole number >= {low}")
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ValueError(f"ci={ci!r} must be a probability between 0 and 1, e.g. 0.95")
    if random_state is not None and (isinstance(random_state, bool)
                                     or not isinstance(random_state, (int, np.integer))):
        raise ValueError(f"random_state={random_state!r} must be an integer or None")


def frame_scores(
    docs: pd.DataFrame,
    *,
    codebook=None,
    by: str = "source",
    lang: str | None = None,
    min_hits: int = MIN_HITS,
    n_boot: int = 0,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Frame hits per group, per 1,000 terms, with the number of sentences behind them.

    The rate is ``per_1k = 1000 * hits / n_terms``: hits of the frame's cues in
    the group's documents (as listed by :func:`frame_evidence`) over the group's
    analysis terms (stopwords and punctuation excluded, as in
    :func:`analysis.terms`). Hits count cue occurrences, so one mention written
    with two cues counts twice; ``n_sentences`` (sentences with at least one
    hit) is the sturdier count. A dictionary score is a first pass to read
    against its evidence, not a measurement of framing.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`).
    codebook : Codebook, str or pathlib.Path, optional
        Default the shipped codebook (:func:`load_codebook`).
    by : str, default "source"
        The docs column that defines the groups.
    lang : {"it", "en"}, optional
        Read every document in this language instead of its ``lang``.
    min_hits : int, default 5
        ``few_hits`` is true when ``hits < min_hits``: such a rate rests on a
        handful of words and should be read as an anecdote, not a difference.
    n_boot : int, default 0
        When positive, add a percentile bootstrap interval of ``per_1k``
        (``per_1k_low``, ``per_1k_high``), resampling the group's sentences with
        replacement ``n_boot`` times. It shows how much the rate depends on which
        few sentences carry the cues; zero hits give ``[0, 0]``, which says nothing
        about what a longer text would contain.
    ci : float, default 0.95
        Coverage of the bootstrap interval.
    random_state : int or None, default 0
        Seed of the bootstrap (``None``: not reproducible).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, frame, hits, n_terms, per_1k, n_sentences, few_hits``
        (then ``per_1k_low, per_1k_high`` when ``n_boot > 0``), one row per group
        and frame, zeros included, sorted by group name, then codebook order.

    Raises
    ------
    ValueError
        For a missing column or a bad option, naming it.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["X", "Y"],
    ...     "lang": ["it", "it"], "text": ["Le truppe e i missili.", "Un vertice."]})
    >>> scores = frame_scores(docs)
    >>> scores.loc[scores.hits > 0, ["group", "frame", "hits", "per_1k"]].values.tolist()
    [['X', 'security_defence', 2, 1000.0], ['Y', 'diplomacy_alliance', 1, 1000.0]]
    """
    _check_docs(docs, by)
    _check_scores_options(min_hits, n_boot, ci, random_state)
    cb = _resolve_codebook(codebook)
    langs = _doc_langs(docs, lang, cb)
    rows, sent_terms = _analyse(docs, langs, cb)
    groups = {d: str(g) for d, g in zip(docs["doc_id"], docs[by])}
    n_frames = len(cb.frames)
    out = []
    rng = np.random.default_rng(random_state) if n_boot else None
    for group in sorted(set(groups.values())):
        members = [d for d in docs["doc_id"] if groups[d] == group]
        # one row per sentence of the group: its terms and hits per frame
        offsets, n = {}, 0
        for d in members:
            offsets[d] = n
            n += len(sent_terms[d])
        terms_per_sent = np.concatenate([sent_terms[d] for d in members]) if n else \
            np.zeros(0, dtype=np.int64)
        hits = np.zeros((n, n_frames), dtype=np.int64)
        for r in rows:
            if groups[r[0]] == group:
                hits[offsets[r[0]] + r[2], r[5]] += 1
        n_terms = int(terms_per_sent.sum())
        total = hits.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_1k = np.where(n_terms > 0, 1000.0 * total / max(n_terms, 1), 0.0)
        table = pd.DataFrame({"group": group, "frame": cb.ids, "hits": total,
                              "n_terms": n_terms, "per_1k": per_1k,
                              "n_sentences": (hits > 0).sum(axis=0),
                              "few_hits": total < min_hits})
        if n_boot:
            low, high = _bootstrap(hits, terms_per_sent, n_boot, ci, rng)
            table["per_1k_low"], table["per_1k_high"] = low, high
        out.append(table)
    columns = SCORES_COLUMNS + (BOOTSTRAP_COLUMNS if n_boot else [])
    scores = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=columns)
    return scores[columns].astype({"hits": "int64", "n_terms": "int64",
                                   "per_1k": "float64", "n_sentences": "int64",
                                   "few_hits": "bool"})


def _bootstrap(hits: np.ndarray, terms_per_sent: np.ndarray, n_boot: int, ci: float, rng):
    """Percentile interval of 1000 * sum(hits) / sum(terms) over resampled sentences."""
    n, n_frames = hits.shape
    if n == 0:
        return np.zeros(n_frames), np.zeros(n_frames)
    # how often each sentence is drawn in each replicate (resampling with replacement)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    boot_terms = weights @ terms_per_sent.astype(float)
    boot_hits = weights @ hits.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(boot_terms[:, None] > 0,
                         1000.0 * boot_hits / np.where(boot_terms > 0, boot_terms, 1)[:, None],
                         0.0)
    alpha = (1.0 - ci) / 2.0
    return (np.quantile(rates, alpha, axis=0), np.quantile(rates, 1.0 - alpha, axis=0))


def frame_contrast(scores: pd.DataFrame, *, target: str, reference: str) -> pd.DataFrame:
    """Put two groups' frame scores side by side, biggest difference first.

    Parameters
    ----------
    scores : pandas.DataFrame
        The table from :func:`frame_scores`.
    target, reference : str
        The two groups to compare (values of ``scores["group"]``).

    Returns
    -------
    pandas.DataFrame
        Columns ``frame, hits_target, hits_reference, per_1k_target,
        per_1k_reference, diff_per_1k, few_hits``: ``diff_per_1k`` is
        ``per_1k_target - per_1k_reference``, ``few_hits`` is true when either
        side is flagged in ``scores``. Sorted by the absolute difference,
        largest first, then by the order of ``scores`` (codebook order).

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["X", "Y"],
    ...     "lang": ["it", "it"], "text": ["Le truppe e i missili.", "Un vertice."]})
    >>> contrast = frame_contrast(frame_scores(docs), target="X", reference="Y")
    >>> contrast[["frame", "hits_target", "hits_reference", "diff_per_1k"]].values.tolist()[:2]
    [['security_defence', 2, 0, 1000.0], ['diplomacy_alliance', 0, 1, -1000.0]]
    """
    missing = [c for c in ("group", "frame", "hits", "per_1k", "few_hits")
               if c not in scores.columns]
    if missing:
        raise ValueError(f"scores is missing column(s) {missing}; pass the table from "
                         "frame_scores")
    groups = sorted(scores["group"].astype(str).unique())
    for name, value in (("target", target), ("reference", reference)):
        if value not in groups:
            raise ValueError(f"{name}={value!r} is not a group of scores; groups: {groups}")
    if target == reference:
        raise ValueError(f"target and reference are both {target!r}; pick two groups")
    frames = list(dict.fromkeys(scores["frame"]))
    a = scores[scores["group"].astype(str) == target].set_index("frame").reindex(frames)
    b = scores[scores["group"].astype(str) == reference].set_index("frame").reindex(frames)
    table = pd.DataFrame({
        "frame": frames,
        "hits_target": a["hits"].fillna(0).astype("int64").to_numpy(),
        "hits_reference": b["hits"].fillna(0).astype("int64").to_numpy(),
        "per_1k_target": a["per_1k"].fillna(0.0).to_numpy(dtype=float),
        "per_1k_reference": b["per_1k"].fillna(0.0).to_numpy(dtype=float),
    })
    table["diff_per_1k"] = table["per_1k_target"] - table["per_1k_reference"]
    table["few_hits"] = (a["few_hits"].fillna(True).to_numpy(dtype=bool)
                         | b["few_hits"].fillna(True).to_numpy(dtype=bool))
    table["_rank"] = range(len(table))
    table["_size"] = -table["diff_per_1k"].abs()
    table = table.sort_values(["_size", "_rank"], kind="stable")
    return table[CONTRAST_COLUMNS].reset_index(drop=True)


def frame_sentences(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence and frame of an evidence table, for reading.

    Parameters
    ----------
    evidence : pandas.DataFrame
        The table from :func:`frame_evidence` (or any subset of its rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, source, sent, frame, hits, matches, sentence``:
        ``hits`` is the number of evidence rows, ``matches`` their matched text
        joined by ``"; "`` in reading order. Sorted like ``evidence``: by
        document (order of first appearance), sentence, then the position of the
        frame's first match.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "lang": ["it"],
    ...     "text": ["Truppe e missili. Pace."]})
    >>> frame_sentences(frame_evidence(docs))[["sent", "frame", "hits", "matches"]].values.tolist()
    [[0, 'security_defence', 2, 'Truppe; missili']]
    """
    missing = [c for c in EVIDENCE_COLUMNS if c not in evidence.columns]
    if missing:
        raise ValueError(f"evidence is missing column(s) {missing}; pass the table from "
                         "frame_evidence")
    doc_rank = {d: k for k, d in enumerate(dict.fromkeys(evidence["doc_id"]))}
    ordered = evidence.assign(_doc=evidence["doc_id"].map(doc_rank)).sort_values(
        ["_doc", "sent", "start", "end"], kind="stable")
    rows = []
    for (_, sent, frame), part in ordered.groupby(["_doc", "sent", "frame"], sort=False):
        first = part.iloc[0]
        rows.append((first["_doc"], int(sent), int(first["start"]), first["doc_id"],
                     first["source"], frame, len(part), "; ".join(part["match"]),
                     first["sentence"]))
    rows.sort(key=lambda r: r[:3])
    table = pd.DataFrame([r[3:] for r in rows],
                         columns=["doc_id", "source", "frame", "hits", "matches", "sentence"])
    table.insert(2, "sent", [r[1] for r in rows])
    return table[SENTENCES_COLUMNS].astype({"sent": "int64", "hits": "int64"})
