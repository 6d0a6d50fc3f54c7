"""Tokens, sentences and analysis terms for Italian and English news text.

Surface tokens follow Universal Dependencies conventions for Italian and English:

* Italian elisions split after the apostrophe, ASCII ``'`` or typographic ``’``
  (``dell’intelligence`` -> ``dell’`` ``intelligence``); apocopes such as ``po'``
  stay whole.
* English clitics split as in UD English (``Russia's`` -> ``Russia`` ``'s``,
  ``didn't`` -> ``did`` ``n't``).
* Hyphenated words and names stay one token (``Jong-un``, ``russo-ucraina``), and
  so do numbers with separators (``6.000``, ``3,5``, ``10.30``), URLs, e-mail
  addresses, @handles and #hashtags, dotted acronyms (``U.S.``) and the
  abbreviations listed in ``analysis/resources/abbreviations_<lang>.txt``.
* Quotes, ellipses, dashes and brackets are tokens of their own.

Matching runs on :func:`analysis.normalize.normalize` of the text, which keeps
every offset, so spans always slice the original text:
``[text[a:b] for a, b in token_spans(text)] == tokenize(text)``.

Sentences end at ``.``, ``!``, ``?`` or an ellipsis followed by a word that does not
start in lower case (closing quotes and brackets stay with the sentence they close),
never after a listed abbreviation, a dotted acronym, an initial or inside a number;
a blank line always ends a sentence, and a single line break does when the next
line starts like a sentence and the previous one does not end mid-phrase (a lower
case word, a comma, a colon, a hyphen). :func:`scan_sentences` gives the tokens and
the sentence index of each in one pass.

Examples
--------
>>> tokenize("Secondo l’agenzia, 6.000 soldati.")
['Secondo', 'l’', 'agenzia', ',', '6.000', 'soldati', '.']
>>> tokenize("Russia's army didn't move.", lang="en")
['Russia', "'s", 'army', 'did', "n't", 'move', '.']
>>> terms("Il leader di Kim Jong-un e dell’agenzia KCNA.")
['leader', 'kim', 'jong-un', 'agenzia', 'kcna']
"""

from __future__ import annotations

import array
import itertools
import operator
import re
import threading
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import regex
import scipy.sparse as sp

from .langs import SUPPORTED_LANGS, check_lang
from .normalize import normalize, normalize_term
from .resources import wordlist

__all__ = [
    "SUPPORTED_LANGS",
    "Token",
    "Analyzer",
    "check_lang",
    "tokenize",
    "token_spans",
    "scan",
    "scan_sentences",
    "sentence_spans",
    "sentences",
    "terms",
    "stopwords",
    "tokens_table",
    "TOKENS_COLUMNS",
]

#: Columns of :func:`tokens_table`, in order.
TOKENS_COLUMNS = ["doc_id", "sent", "i", "start", "end", "token", "term", "is_stop", "is_punct"]

_STEMMER_NAMES = {"it": "italian", "en": "english"}

# Token kinds. "word", "number", "abbr", "url", "email" and "handle" give analysis
# terms; "punct" (punctuation and symbols) and "other" (stray marks, controls) do not.
_TERM_KINDS = frozenset({"word", "number", "abbr", "url", "email", "handle"})

_WORDCHARS = r"[\p{L}\p{M}\p{N}\u00ad]"
_PATTERNS_COMMON = [
    ("url", r"(?:https?://|www\.)[^\s<>\"«»“”]*[^\s<>\"«»“”.,;:!?)\]}']"),
    ("email", r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+"),
    ("handle", r"(?<![\p{L}\p{N}_])[@#][\p{L}\p{N}_]+"),
]
_PATTERNS_WORDS = [
    # dotted acronyms (U.S., a.C.) and initials followed by a capitalised word
    ("abbr", r"(?<![\p{L}\p{N}.])(?:\p{L}\.){2,}"),
    ("abbr", r"(?<![\p{L}\p{N}.])\p{Lu}\.(?=\s+\p{Lu})"),
    (
        "number",
        r"\p{N}+(?:[.,:/]\p{N}+)*(?:-\p{N}+(?:[.,:/]\p{N}+)*)*(?:\p{L}[\p{L}\p{M}]*)?",
    ),
    ("word", r"\p{L}" + _WORDCHARS + r"*(?:['\-][\p{L}\p{N}]" + _WORDCHARS + r"*)*"),
    ("punct", r"\.{3,}|-{2,}|[\p{P}\p{S}]"),
    ("other", r"[^\s\x1c-\x1f]"),
]
# Italian apocopes written with a final apostrophe: po', mo', be', E' (for È).
_APOCOPE_IT = r"(?<![\p{L}\p{N}])(?:[Pp]o|[Mm]o|[Bb]e|E)'(?![\p{L}\p{N}])"

_EN_NT = regex.compile(r"(?i)^(.*\p{L})(n't)$")
_EN_CLITIC = regex.compile(r"(?i)^(.*\p{L})('(?:s|re|ve|ll|d|m))$")
_TERMINAL = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset({"”", "»", "›", ")", "]", "}", '"', "'"})
_SOFT_CLOSERS = frozenset({'"', "'"})  # closing only when glued to the terminal mark
_SENTENCE_FINAL_ABBR = frozenset({"ecc.", "etc."})
_MID_PHRASE_ENDINGS = frozenset({",", ";", ":", "-", "(", "[", "«", "“"})
_BLANK_LINE = regex.compile(r"\n[^\S\n]*\n")


class Token(NamedTuple):
    """One surface token: offsets into the text, and its kind."""

    start: int
    end: int
    kind: str


@lru_cache(maxsize=None)
def _token_regex(lang: str) -> regex.Pattern:
    abbreviations = sorted(wordlist(f"abbreviations_{lang}"), key=lambda a: (-len(a), a))
    abbr = "|".join(regex.escape(a) for a in abbreviations)
    parts = list(_PATTERNS_COMMON)
    parts.append(("abbr", r"(?<![\p{L}\p{N}.])(?i:" + abbr + r")(?!\p{L})"))
    if lang == "it":
        parts.append(("word", _APOCOPE_IT))
    parts.extend(_PATTERNS_WORDS)
    return regex.compile("|".join(f"(?P<{kind}{n}>{p})" for n, (kind, p) in enumerate(parts)))


@lru_cache(maxsize=None)
def _group_kinds(lang: str) -> dict[str, str]:
    return {name: name.rstrip("0123456789") for name in _token_regex(lang).groupindex}


def _split_word(norm: str, start: int, end: int, lang: str) -> list[Token]:
    """Split elisions (Italian) or clitics (English) off one word match."""
    surface = norm[start:end]
    if "'" not in surface:
        return [Token(start, end, "word")]
    if lang == "it":
        out = []
        a = start
        for k, ch in enumerate(surface):
            pos = start + k
            if ch == "'" and pos + 1 < end and not (pos - a == 1 and norm[a] == "O"):
                out.append(Token(a, pos + 1, "word"))
                a = pos + 1
        out.append(Token(a, end, "number" if norm[a].isdigit() else "word"))
        return out
    for pattern in (_EN_NT, _EN_CLITIC):
        m = pattern.match(surface)
        if m:
            cut = start + m.end(1)
            return [*_split_word(norm, start, cut, lang), Token(cut, end, "word")]
    return [Token(start, end, "word")]


def scan(text: str, lang: str = "it") -> list[Token]:
    """Return every token of ``text`` with its offsets and kind.

    The building block of :func:`token_spans`, :func:`tokenize`,
    :func:`sentence_spans` and :func:`terms`. Kinds are ``word``, ``number``,
    ``abbr`` (abbreviations, acronyms, initials), ``url``, ``email``, ``handle``,
    ``punct`` (punctuation and symbols) and ``other``.

    Parameters
    ----------
    text : str
        The original text.
    lang : {"it", "en"}
        Language of the text.

    Returns
    -------
    list of Token
        ``(start, end, kind)`` tuples in text order, never empty spans.

    Examples
    --------
    >>> [(t.start, t.end, t.kind) for t in scan("l'8 luglio")]
    [(0, 2, 'word'), (2, 3, 'number'), (4, 10, 'word')]
    """
    lang = _check_text(text, lang)
    arrays = _fast_scan_arrays(text, lang) if _USE_FAST_SCAN else None
    if arrays is None:
        return _reference_scan(text, lang)
    starts, ends, kinds, _ = arrays
    return _make_tokens(starts.tolist(), ends.tolist(), kinds)


def _check_text(text, lang) -> str:
    """Validate the arguments of the scanning functions; return the checked language."""
    lang = check_lang(lang)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return lang


def _reference_scan(text: str, lang: str) -> list[Token]:
    """The reference implementation of :func:`scan`: the token regex over the whole text."""
    norm = normalize(text)
    kinds = _group_kinds(lang)
    out: list[Token] = []
    for m in _token_regex(lang).finditer(norm):
        kind = kinds[m.lastgroup]
        if kind != "word":
            if kind == "punct" and out and _ends_abbreviation(norm, out[-1], m.start(), lang):
                out[-1] = Token(out[-1].start, m.end(), "abbr")
            else:
                out.append(Token(m.start(), m.end(), kind))
        elif "'" in norm[m.start() : m.end()]:
            out.extend(_split_word(norm, m.start(), m.end(), lang))
        else:
            out.append(Token(m.start(), m.end(), kind))
    return out


def _ends_abbreviation(norm: str, prev: Token, dot: int, lang: str) -> bool:
    """True for the full stop of an abbreviation after an elision (``L'on.``)."""
    if norm[dot] != "." or prev.end != dot or prev.kind != "word":
        return False
    nxt = norm[dot + 1 : dot + 2]
    if nxt.isalpha():
        return False
    return norm[prev.start : dot + 1].lower() in wordlist(f"abbreviations_{lang}")


def token_spans(text: str, lang: str = "it") -> list[tuple[int, int]]:
    """Return the ``(start, end)`` character offsets of every surface token.

    Parameters
    ----------
    text : str
        The original text.
    lang : {"it", "en"}
        Language of the text.

    Returns
    -------
    list of tuple of int
        Offsets into ``text``; ``text[a:b]`` is the token.

    Examples
    --------
    >>> token_spans("dell’intelligence")
    [(0, 5), (5, 17)]
    """
    lang = _check_text(text, lang)
    arrays = _fast_scan_arrays(text, lang, kinds=False) if _USE_FAST_SCAN else None
    if arrays is None:
        return [(t.start, t.end) for t in _reference_scan(text, lang)]
    return list(zip(arrays[0].tolist(), arrays[1].tolist()))


def tokenize(text: str, lang: str = "it") -> list[str]:
    """Split text into surface tokens, punctuation included, case preserved.

    Parameters
    ----------
    text : str
        The original text.
    lang : {"it", "en"}
        Language of the text.

    Returns
    -------
    list of str
        ``[text[a:b] for a, b in token_spans(text, lang)]``.

    Examples
    --------
    >>> tokenize("«Kim Jong-un» ha detto: c'è un'altra via…")
    ['«', 'Kim', 'Jong-un', '»', 'ha', 'detto', ':', "c'", 'è', "un'", 'altra', 'via', '…']
    """
    lang = _check_text(text, lang)
    arrays = _fast_scan_arrays(text, lang, kinds=False) if _USE_FAST_SCAN else None
    if arrays is None:
        return [text[t.start : t.end] for t in _reference_scan(text, lang)]
    return list(map(text.__getitem__, map(slice, arrays[0].tolist(), arrays[1].tolist())))


def _sentence_ids(text: str, norm: str, toks: Sequence[Token]) -> list[int]:
    """Assign a sentence index to every token (see the module docstring).

    The reference implementation of the sentence rules, visiting every token;
    :func:`_fast_boundaries` gives the same result from the candidate tokens only.
    """
    ids = []
    sent = 0
    n = len(toks)
    k = 0
    while k < n:
        ids.append(sent)
        tok = toks[k]
        surface = norm[tok.start : tok.end]
        ends = surface in _TERMINAL or (tok.kind == "punct" and surface.startswith("..."))
        ends = ends or surface.lower() in _SENTENCE_FINAL_ABBR
        if ends:
            # closing quotes and brackets stay with the sentence they close
            while k + 1 < n:
                nxt = toks[k + 1]
                s = norm[nxt.start : nxt.end]
                glued = nxt.start == toks[k].end
                if s in _TERMINAL or (s in _CLOSERS and (glued or s not in _SOFT_CLOSERS)):
                    k += 1
                    ids.append(sent)
                else:
                    break
            if k + 1 < n and not _continues(norm, toks[k + 1]):
                sent += 1
                k += 1
                continue
        if k + 1 < n and _line_break_ends(norm, toks[k], toks[k + 1]):
            sent += 1
        k += 1
    return ids


def scan_sentences(text: str, lang: str = "it") -> tuple[list[Token], list[int]]:
    """Return every token of ``text`` and the sentence index of each, in one pass.

    The same tokens as :func:`scan` and the same sentence indices as
    :func:`sentence_spans` (token ``k`` lies in ``sentence_spans(text, lang)[ids[k]]``),
    for callers that need both without scanning the text twice.

    Parameters
    ----------
    text : str
        The original text.
    lang : {"it", "en"}
        Language of the text.

    Returns
    -------
    tokens : list of Token
        As :func:`scan` returns them.
    ids : list of int
        One sentence index per token: 0 for the first, then the same or one more
        than the token before.

    Examples
    --------
    >>> text = "Il sig. Rossi parla. Poi esce."
    >>> toks, ids = scan_sentences(text)
    >>> [(text[t.start : t.end], i) for t, i in zip(toks, ids)][3:]
    [('parla', 0), ('.', 0), ('Poi', 1), ('esce', 1), ('.', 1)]
    """
    lang = _check_text(text, lang)
    arrays = _fast_scan_arrays(text, lang) if _USE_FAST_SCAN else None
    if arrays is None:
        toks = _reference_scan(text, lang)
        return toks, _sentence_ids(text, normalize(text), toks)
    starts, ends, kinds, roles = arrays
    starts, ends = starts.tolist(), ends.tolist()
    ids = np.zeros(len(starts), dtype=np.intp)
    ids[_fast_boundaries(text, starts, ends, roles)] = 1
    return _make_tokens(starts, ends, kinds), np.cumsum(ids).tolist()


def _continues(norm: str, nxt: Token) -> bool:
    """True when the token after a terminal mark carries the sentence on."""
    first = norm[nxt.start]
    return first.islower() or first in ",;:)]}"


def _line_break_ends(norm: str, prev: Token, nxt: Token) -> bool:
    gap = norm[prev.end : nxt.start]
    if "\n" not in gap:
        return False
    if _BLANK_LINE.search(gap):
        return True
    last = norm[prev.start : prev.end]
    if last in _MID_PHRASE_ENDINGS or last[0].islower():
        return False
    first = norm[nxt.start]
    return not first.islower() and first not in ",;:)]}"


def sentence_spans(text: str, lang: str = "it") -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of every sentence.

    A sentence runs from its first token's start to its last token's end, so
    leading and trailing whitespace is outside every span.

    Parameters
    ----------
    text : str
        The original text.
    lang : {"it", "en"}
        Language of the text.

    Returns
    -------
    list of tuple of int

    Examples
    --------
    >>> text = "Il sig. Rossi ha parlato. «Basta.» Poi è uscito."
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['Il sig. Rossi ha parlato.', '«Basta.»', 'Poi è uscito.']
    """
    lang = _check_text(text, lang)
    arrays = _fast_scan_arrays(text, lang, kinds=False) if _USE_FAST_SCAN else None
    if arrays is not None:
        starts, ends, _, roles = arrays
        if not len(starts):
            return []
        bounds = _fast_boundaries(text, starts.tolist(), ends.tolist(), roles)
        firsts = np.array([0, *bounds], dtype=np.intp)
        lasts = np.array([*bounds, len(starts)], dtype=np.intp) - 1
        return list(zip(starts[firsts].tolist(), ends[lasts].tolist()))
    toks = _reference_scan(text, lang)
    if not toks:
        return []
    ids = _sentence_ids(text, normalize(text), toks)
    spans: list[tuple[int, int]] = []
    for tok, sid in zip(toks, ids):
        if sid == len(spans):
            spans.append((tok.start, tok.end))
        else:
            spans[-1] = (spans[-1][0], tok.end)
    return spans


def sentences(text: str, lang: str = "it") -> list[str]:
    """Split text into sentences (see :func:`sentence_spans`).

    Examples
    --------
    >>> sentences("Mr. Lavrov arrived in the U.S. on Friday. He left.", lang="en")
    ['Mr. Lavrov arrived in the U.S. on Friday.', 'He left.']
    """
    return [text[a:b] for a, b in sentence_spans(text, lang)]


# --- fast path for scan and sentences ----------------------------------------------
# Exact for the same reason as the term fast path below: tokens never contain
# whitespace, and every lookaround of the token patterns sees at most one character
# outside its token (a space or the text's edge, which the patterns treat alike),
# except the initials rule ("J." followed by whitespace and a capital). So the tokens
# of a space-separated piece of text depend only on the piece, plus, for a piece
# ending like an initial, on whether the next non-space character is a capital.
# Pieces repeat in news text, so each distinct piece is scanned once (many at a time,
# joined by spaces, by the reference scanner) and remembered as a numbered token
# layout: the piece length and, per token, its offset, length, kind and sentence
# roles (the properties of its normalised surface that the sentence rules read). A
# text is then a dict lookup per piece plus a few numpy operations. Texts with
# characters that `str.split` and the tokenizer see differently (U+001C-U+001F are
# spaces to `str.split` but not to the token regex; U+200B and U+FEFF become spaces
# in `normalize`) take the reference path; tests/test_fast_scan.py checks every code
# point and that both paths agree.
_USE_FAST_SCAN = True
# Characters that split text differently from ``str.split`` (ASCII separators, which
# the tokenizer's ``\s`` does not match; zero-width space and BOM, which ``normalize``
# makes spaces): a text holding one takes the reference path of every fast path below.
_UNSAFE_CHARS = "\x1c\x1d\x1e\x1f\u200b\ufeff"


def _has_unsafe(text: str) -> bool:
    """True if ``text`` holds one of ``_UNSAFE_CHARS`` (``in``, character by character,
    is about ten times faster than a regular expression search here)."""
    return any(c in text for c in _UNSAFE_CHARS)


# whitespace replaced by a space before splitting (same length, so offsets hold)
_SCAN_SPACES = ("\n", "\t", "\r", "\u00a0", "\u202f", "\u2009")
_SCAN_CHUNK = re.compile(r"\S+")
_SCAN_HAS_SPACE = re.compile(r"\s")
_ENDS_LIKE_INITIAL = regex.compile(r"(?:^|[^\p{L}\p{N}.])\p{Lu}\.$")
_STARTS_UPPER = regex.compile(r"\p{Lu}")
_NEXT_STARTS_UPPER = regex.compile(r"\s+\p{Lu}")
_NEWLINE = re.compile("[\n\u2028\u2029\u0085]")
_SCAN_CACHE_MAX = 200_000  # remembered pieces per language
_SCAN_PIECE_MAX = 64  # longer pieces are scanned every time, never remembered
_SCAN_MISS_MAX = 10_000  # a text with a longer new piece takes the reference path
_LAYOUTS_MAX = 100_000  # distinct layouts before everything is forgotten

# Sentence roles of a token, from its normalised surface (the tests of _sentence_ids).
_ENDS = 1  # a terminal mark: may end the sentence
_HARD = 2  # after a terminal mark, stays with its sentence (a mark or closing bracket)
_SOFT = 4  # stays with the sentence only when glued to the mark before (' and ")
_CONT = 8  # carries the sentence on after a terminal mark or a line break
_MID = 16  # a line ending with it ends mid-phrase


def _roles(surface: str, kind: str) -> int:
    if kind == "word" or kind == "number":
        # these start with a letter or digit (which normalize keeps) and are never a
        # mark, a closer or "ecc.": only the case of the first character matters
        return _CONT | _MID if surface[0].islower() else 0
    s = normalize(surface)
    roles = 0
    if s in _TERMINAL or s.lower() in _SENTENCE_FINAL_ABBR:
        roles |= _ENDS
    elif kind == "punct" and s.startswith("..."):
        roles |= _ENDS
    if s in _TERMINAL or (s in _CLOSERS and s not in _SOFT_CLOSERS):
        roles |= _HARD
    elif s in _CLOSERS:
        roles |= _SOFT
    if s[0].islower() or s[0] in ",;:)]}":
        roles |= _CONT
    if s in _MID_PHRASE_ENDINGS or s[0].islower():
        roles |= _MID
    return roles


class _Layouts:
    """Numbered token layouts of pieces, as numpy tables, and the piece caches.

    A layout is ``(piece length, ((start, length, kind, roles), ...))`` with offsets
    relative to the piece. News text has a few thousand layouts for hundreds of
    thousands of distinct pieces, so the tables stay small.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.ids: dict = {}
        self.pieces: dict = {}  # lang -> {piece: layout id}
        self.initials: dict = {}  # (lang, chunk, next starts upper) -> relative tokens
        # per layout: piece length, first row in the token table, number of tokens;
        # per token: offset in the piece, length, kind code, sentence roles
        self.columns: tuple[list, ...] = ([], [], [], [], [], [], [])
        self.kind_codes: dict = {}
        self.kind_names: list = []
        self.words: dict = {}  # (length, lower-case initial) -> layout id of one word
        self._buffers = [np.zeros(0, dtype=np.intp) for _ in self.columns]
        self._arrays = None

    def id(self, piece_len: int, toks: tuple) -> int:
        key = (piece_len, toks)
        lid = self.ids.get(key)
        if lid is not None:
            return lid
        with self.lock:
            lid = self.ids.get(key)
            if lid is None:
                piece_lens, first, count, rel, length, kind, roles = self.columns
                first.append(len(rel))
                count.append(len(toks))
                piece_lens.append(piece_len)
                for start, n, name, role in toks:
                    code = self.kind_codes.get(name)
                    if code is None:
                        code = self.kind_codes[name] = len(self.kind_names)
                        self.kind_names.append(name)
                    rel.append(start)
                    length.append(n)
                    kind.append(code)
                    roles.append(role)
                lid = self.ids[key] = len(self.ids)
        return lid

    def word(self, length: int, lower: bool) -> int:
        """Layout id of a piece that is one word of ``length`` letters."""
        lid = self.words.get((length, lower))
        if lid is None:
            lid = self.words[length, lower] = self.id(
                length, ((0, length, "word", _CONT | _MID if lower else 0),))
        return lid

    def arrays(self):
        """The columns as numpy arrays (views of buffers that grow by doubling, so a
        text with a few new layouts copies only those)."""
        arrays = self._arrays
        if arrays is None or len(arrays[0]) != len(self.ids):
            with self.lock:
                views = []
                for c, column in enumerate(self.columns):
                    buffer = self._buffers[c]
                    done = len(arrays[c]) if arrays is not None else 0
                    if len(buffer) < len(column):
                        grown = np.zeros(max(2 * len(buffer), len(column), 64), dtype=np.intp)
                        grown[:done] = buffer[:done]
                        buffer = self._buffers[c] = grown
                    buffer[done : len(column)] = column[done:]
                    views.append(buffer[: len(column)])
                arrays = self._arrays = (*views, np.array(self.kind_names, dtype=object))
        return arrays


_layouts = _Layouts()


def _relative(toks, base: int, text: str) -> tuple:
    return tuple((a - base, b - a, kind, _roles(text[a:b], kind)) for a, b, kind in toks)


def _scan_pieces(chunks: list, lang: str) -> dict:
    """Relative tokens of whitespace-free chunks, scanned in one reference call."""
    joined = " ".join(chunks)
    toks = _reference_scan(joined, lang)
    out = {}
    j = 0
    n = len(toks)
    base = 0
    for chunk in chunks:
        hi = base + len(chunk)
        first = j
        while j < n and toks[j][0] < hi:
            j += 1
        out[chunk] = _relative(toks[first:j], base, joined)
        base = hi + 1
    return out


# The commonest pieces, parsed without the token regex: opening marks, then a word of
# Latin-1 letters (Italian: optionally elided, "dell'agenzia") or a plain number, then
# closing marks and at most one final full stop. Every other piece, and these shapes
# where another rule could apply (a listed abbreviation or an initial before the full
# stop, a URL, O'Brien), goes to the reference scanner.
_LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_SIMPLE_PIECE = re.compile(
    f"([«“(\\[\"]*)(?:([{_LATIN_LETTERS}]+)(?:['’]([{_LATIN_LETTERS}]+))?|([0-9]+(?:[.,][0-9]+)*))"
    "([,;:!?»”)\\]\"%]*)(\\.?)"
)  # on the original piece: of these characters, normalize changes only ’ (into ')


def _simple_layout(piece: str, lang: str) -> tuple | None:
    """Relative tokens of a piece of a common shape, or None (see ``_SIMPLE_PIECE``)."""
    m = _SIMPLE_PIECE.fullmatch(piece)
    if m is None:
        return None
    lead, word, rest, number, trail, dot = m.groups()
    toks = [(k, 1, "punct", _roles(mark, "punct")) for k, mark in enumerate(lead)]
    at = len(lead)
    if number is not None:
        toks.append((at, len(number), "number", 0))
        at += len(number)
    else:
        if word[:3].lower() in ("www", "htt"):
            return None  # could start a URL
        last = word
        if rest is not None:
            if lang != "it" or word == "O":
                return None  # English clitics, O'Brien
            toks.append((at, len(word) + 1, "word", _roles(word, "word")))
            at += len(word) + 1
            last = rest
        abbreviations = wordlist(f"abbreviations_{lang}")
        if dot and not trail and (len(last) == 1 or (last + ".").lower() in abbreviations):
            return None  # an initial or an abbreviation ("sig.", "L'on.")
        toks.append((at, len(last), "word", _roles(last, "word")))
        at += len(last)
    toks.extend((at + k, 1, "punct", _roles(mark, "punct")) for k, mark in enumerate(trail + dot))
    return tuple(toks)


def _fill_layouts(text: str, pieces: list, ids, layouts: _Layouts, lang: str) -> bool:
    """Set the layout ids of the pieces missing from the cache (``ids < 0``); False if
    a new piece is too long for the fast path."""
    cache = layouts.pieces[lang]
    missing = np.flatnonzero(ids < 0).tolist()
    plans = []
    need = {}
    piece_ends = None
    for k in missing:
        piece = pieces[k]
        lid = cache.get(piece)  # seen earlier in this text
        if lid is not None:
            ids[k] = lid
            continue
        if len(piece) > _SCAN_MISS_MAX:
            return False
        if piece.isalpha() and max(piece) <= "\xff":
            # letters only (the commonest new piece): one word, whatever the language
            ids[k] = lid = layouts.word(len(piece), piece[0].islower())
            if len(piece) <= _SCAN_PIECE_MAX:
                cache[piece] = lid
            continue
        toks = _simple_layout(piece, lang)
        if toks is not None:
            ids[k] = lid = layouts.id(len(piece), toks)
            if len(piece) <= _SCAN_PIECE_MAX:
                cache[piece] = lid
            continue
        if _SCAN_HAS_SPACE.search(piece):  # whitespace that is not split on
            chunks = [(m.start(), m.group()) for m in _SCAN_CHUNK.finditer(piece)]
        else:
            chunks = [(0, piece)]
        plan = []
        for c, (rel, chunk) in enumerate(chunks):
            if not _ENDS_LIKE_INITIAL.search(normalize(chunk)):
                plan.append((rel, chunk, None))
                need[chunk] = None
            elif c + 1 < len(chunks):
                plan.append((rel, chunk, bool(_STARTS_UPPER.match(normalize(chunks[c + 1][1])))))
            else:
                if piece_ends is None:  # end of each piece in the text, one separator each
                    piece_ends = list(itertools.accumulate(map(len, pieces)))
                # normalize changes no space into a non-space and no capital (tested),
                # so the original text answers as the normalised one would
                upper = bool(_NEXT_STARTS_UPPER.match(text, piece_ends[k] + k))
                plan.append((rel, chunk, upper))
        plans.append((k, piece, plan))
    scanned = _scan_pieces(list(need), lang) if need else {}
    for k, piece, plan in plans:
        toks = []
        for rel, chunk, upper in plan:
            if upper is None:
                part = scanned[chunk]
            else:
                key = (lang, chunk, upper)
                part = layouts.initials.get(key)
                if part is None:
                    probe = chunk + " A" if upper else chunk
                    part = _relative([t for t in _reference_scan(probe, lang) if t[0] < len(chunk)],
                                     0, probe)
                    if len(chunk) <= _SCAN_PIECE_MAX:
                        if len(layouts.initials) > _SCAN_CACHE_MAX:
                            layouts.initials = {}
                        layouts.initials[key] = part
            toks.extend((rel + a, n, kind, roles) for a, n, kind, roles in part)
        lid = layouts.id(len(piece), tuple(toks))
        ids[k] = lid
        if len(piece) <= _SCAN_PIECE_MAX and (not plan or plan[-1][2] is None):
            cache[piece] = lid
    return True


def _fast_scan_arrays(text: str, lang: str, *, kinds: bool = True):
    """``(starts, ends, kinds, roles)`` of every token (numpy arrays but ``kinds``, a
    list of str, or None if not asked for), or None when the text needs the reference
    scanner."""
    if _has_unsafe(text):
        return None
    layouts = _layouts
    if len(layouts.ids) > _LAYOUTS_MAX:
        layouts = _reset_layouts()
    cache = layouts.pieces.get(lang)
    if cache is None or len(cache) > _SCAN_CACHE_MAX:
        cache = layouts.pieces[lang] = {}
    spaced = text
    for space in _SCAN_SPACES:
        if space in spaced:
            spaced = spaced.replace(space, " ")
    pieces = spaced.split(" ")
    n = len(pieces)
    ids = np.fromiter(map(cache.get, pieces, itertools.repeat(-1)), dtype=np.intp, count=n)
    if (ids < 0).any() and not _fill_layouts(text, pieces, ids, layouts, lang):
        return None
    piece_lens, first, count, rel, length, kind, roles, names = layouts.arrays()
    counts = count[ids]
    steps = piece_lens[ids] + 1
    offsets = np.cumsum(steps)
    offsets -= steps  # where each piece starts in the text
    out_first = np.cumsum(counts)
    total = int(out_first[-1])
    out_first -= counts  # index of each piece's first token in the output
    flat = np.arange(total)
    flat += np.repeat(first[ids] - out_first, counts)  # row of each token in the tables
    starts = rel[flat]
    starts += np.repeat(offsets, counts)
    ends = starts + length[flat]
    return starts, ends, names[kind[flat]].tolist() if kinds else None, roles[flat]


def _reset_layouts() -> _Layouts:
    global _layouts
    _layouts = _Layouts()
    return _layouts


def _make_tokens(starts: list, ends: list, kinds: list) -> list[Token]:
    # tuple.__new__ builds each Token in C, without a Python-level call per token
    return list(map(tuple.__new__, itertools.repeat(Token), zip(starts, ends, kinds)))


def _fast_boundaries(text: str, starts: list, ends: list, roles) -> list[int]:
    """Indices of the tokens that start a new sentence, as :func:`_sentence_ids` finds.

    Only terminal marks and line breaks can end a sentence, so only they are visited:
    the marks from their roles, the line breaks from the text. ``roles`` is a numpy
    array.
    """
    n = len(starts)
    flags = roles.tolist()
    out = set()
    skip_lo, skip_hi = [], []  # line breaks after tokens k..j-1 are not looked at
    absorbed = -1
    for k in np.flatnonzero(roles & _ENDS).tolist():
        if k <= absorbed:
            continue  # already taken as a closing mark
        j = k
        while j + 1 < n:  # closing quotes and brackets stay with the sentence they close
            f = flags[j + 1]
            if f & _HARD or (f & _SOFT and starts[j + 1] == ends[j]):
                j += 1
            else:
                break
        absorbed = j
        if j > k:
            skip_lo.append(k)
            skip_hi.append(j)
        if j + 1 < n and not flags[j + 1] & _CONT:
            out.add(j + 1)
    last_gap = -1
    for m in _NEWLINE.finditer(text):
        g = bisect_right(ends, m.start()) - 1  # the last token before the line break
        if g == last_gap or g < 0 or g >= n - 1:
            continue
        last_gap = g
        r = bisect_right(skip_lo, g) - 1
        if (r >= 0 and g < skip_hi[r]) or g + 1 in out:
            continue
        if _BLANK_LINE.search(normalize(text[ends[g] : starts[g + 1]])) or not (
            flags[g] & _MID or flags[g + 1] & _CONT
        ):
            out.add(g + 1)
    return sorted(out)


def stopwords(lang: str = "it") -> frozenset[str]:
    """Return the shipped stopword list for a language (terms, lowercase).

    Examples
    --------
    >>> {"dell'", "il", "che"} <= stopwords("it")
    True
    """
    return wordlist(f"stopwords_{check_lang(lang)}")


def _stopword_set(value, lang: str) -> frozenset[str]:
    if value is True:
        return stopwords(lang)
    if value is False or value is None:
        return frozenset()
    if isinstance(value, str):
        raise TypeError(
            "stopwords must be True, False or a collection of terms, not a string"
        )
    return frozenset(normalize_term(w) for w in value)


@lru_cache(maxsize=None)
def _stemmer(lang: str):
    from nltk.stem.snowball import SnowballStemmer  # needs no downloaded data

    return SnowballStemmer(_STEMMER_NAMES[lang])


def _check_ngram_range(ngram_range) -> tuple[int, int]:
    try:
        lo, hi = (int(v) for v in ngram_range)
    except (TypeError, ValueError):
        lo, hi = 0, -1
    if not 1 <= lo <= hi:
        raise ValueError(
            f"ngram_range={ngram_range!r} must be a pair (min_n, max_n) with 1 <= min_n <= max_n"
        )
    return lo, hi


def _name_cased(surface: str) -> bool:
    """True for a capital initial that can mark a name part (``Un``, ``L'``), not for a
    word in capitals (``HA``, ``DELL'``), which says nothing in all-caps text."""
    if not surface[:1].isupper():
        return False
    return not (surface.isupper() and sum(c.isalpha() for c in surface) > 1)


def _flag_stops(text: str, toks: Sequence[Token], words: Sequence[str], stop) -> list[bool]:
    """Mark stopwords, keeping capitalised function words inside a name.

    A stopword written with a capital initial right after another word token
    (``Kim Jong Un``, ``Il Sole 24 Ore`` mid-sentence) is part of a name, not a
    function word, so it is kept. At a sentence start or after punctuation the
    capital says nothing and the stopword is dropped; so does a stopword written
    all in capitals (``IL MINISTRO HA DETTO``).
    """
    flags = []
    prev_is_term = False
    for tok, word in zip(toks, words):
        is_term = tok.kind in _TERM_KINDS
        flag = word in stop
        if flag and prev_is_term and _name_cased(text[tok.start : tok.end]):
            flag = False
        flags.append(flag)
        prev_is_term = is_term
    return flags


def terms(
    text: str,
    lang: str = "it",
    *,
    stopwords: bool | Iterable[str] = True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
) -> list[str]:
    """Return the analysis terms of a text, the unit every statistic counts.

    Terms are surface tokens in normalised form (lower case, apostrophes and
    hyphens unified, Unicode NFC, soft hyphens removed), with punctuation and
    symbols dropped and stopwords optionally removed. Elided articles and
    prepositions (``dell'``, ``l'``) are stopwords; English clitics (``'s``,
    ``n't``) too. A stopword with a capital initial right after another word
    is kept as part of a name (``Kim Jong Un`` gives ``un``; ``Un accordo`` at
    a sentence start does not).

    Parameters
    ----------
    text : str
        The original text.
    lang : {"it", "en"}
        Language of the text (tokenizer rules, stopwords, stemmer).
    stopwords : bool or collection of str, default True
        ``True`` removes the shipped list for ``lang``, ``False`` keeps every
        term, a collection removes exactly those terms (normalised first).
    stem : bool, default False
        Apply NLTK's Snowball stemmer for ``lang`` (pure code, no data files)
        to word terms; numbers, URLs and handles are left as they are.
    ngram_range : (int, int), default (1, 1)
        Produce n-grams of consecutive kept terms, joined by a space, for
        ``min_n <= n <= max_n``. N-grams never cross a sentence boundary.

    Returns
    -------
    list of str

    Examples
    --------
    >>> terms("L’Ucraina e l'agenzia")
    ['ucraina', 'agenzia']
    >>> terms("Le forze armate russe", stem=True)
    ['forz', 'armat', 'russ']
    >>> terms("Il ministro degli Esteri russo.", ngram_range=(2, 2))
    ['ministro esteri', 'esteri russo']
    """
    lang = check_lang(lang)
    lo, hi = _check_ngram_range(ngram_range)
    stop = _stopword_set(stopwords, lang)
    if _USE_FAST_PATH and (lo, hi) == (1, 1) and isinstance(text, str):
        fast = _fast_terms(text, lang, stop, bool(stem))
        if fast is not None:
            return fast
    return _reference_terms(text, lang, stop, stem, lo, hi)


def _reference_terms(text, lang, stop, stem, lo, hi) -> list[str]:
    """The reference implementation of :func:`terms` (every option, any text)."""
    toks = scan(text, lang)
    words = [normalize_term(text[t.start : t.end]) for t in toks]
    is_stop = _flag_stops(text, toks, words, stop) if stop else [False] * len(toks)
    keep = [k for k, t in enumerate(toks) if t.kind in _TERM_KINDS and not is_stop[k]]
    if stem:
        stemmer = _stemmer(lang)
        for k in keep:
            if toks[k].kind == "word":
                words[k] = stemmer.stem(words[k])
    if (lo, hi) == (1, 1):
        return [words[k] for k in keep]
    # n-grams: group kept terms by sentence, then slide windows inside each one
    sent_ids = _sentence_ids(text, normalize(text), toks)
    groups: dict[int, list[str]] = {}
    for k in keep:
        groups.setdefault(sent_ids[k], []).append(words[k])
    out = []
    for seq in groups.values():
        for n in range(lo, hi + 1):
            out.extend(" ".join(seq[i : i + n]) for i in range(len(seq) - n + 1))
    return out


# --- fast path for unigram terms -------------------------------------------------
# Tokens never contain whitespace and every lookaround of the token patterns sees at
# most one character outside its token, except the initials rule ("J." followed by
# whitespace and a capital). So the terms of a whitespace-separated chunk depend only
# on the chunk, on whether the previous chunk ended with a term (the rule that keeps a
# capitalised stopword inside a name) and, for a chunk ending in a capital and a full
# stop, on whether the next chunk starts with a capital. News text repeats its chunks
# ("dell'agenzia", "Mosca,"), so each one is analysed once (common shapes directly,
# any other by the reference scanner) and remembered. Texts with characters that split chunks differently from the
# tokenizer (ASCII separators U+001C-U+001F, zero-width space, BOM) take the
# reference path. tests/test_scale.py checks that both paths agree.
_FAST_UNSAFE = regex.compile("[\x1c-\x1f\u200b\ufeff]")  # _UNSAFE_CHARS, as a pattern
_ENDS_INITIAL = regex.compile(r"\p{Lu}\.$")
_FAST_CACHE_MAX = 500_000
_fast_caches: dict = {}
_USE_FAST_PATH = True


# The common chunk shapes, parsed without the scanner: opening marks, then a word of
# Latin-1 letters (Italian: optionally elided, "dell'agenzia") or a plain number, then
# closing marks. Every other chunk goes through :func:`scan`.
_LATIN_WORD = "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]+"
_SIMPLE_CHUNK = regex.compile(
    "([«“\"(\\[]*)"
    f"(?:({_LATIN_WORD})(?:(['’])({_LATIN_WORD}))?|([0-9]+(?:[.,][0-9]+)*))"
    "([»”\"),.;:!?…%\\]]*)"
)


def _simple_entry(chunk: str, lang: str, stop, stemmer):
    """Cache entry ``(terms after a non-term, terms after a term, ends with a term)`` of
    a common chunk, computed directly, or None for any other shape (abbreviations,
    initials, possible URLs, English clitics and O'Brien go to the scanner). Latin-1 letters are already NFC and lower-case to Latin-1,
    so ``normalize_term`` of such a word is ``word.lower()``."""
    m = _SIMPLE_CHUNK.fullmatch(chunk)
    if m is None:
        return None
    lead, word, apostrophe, rest, number, trail = m.groups()
    out_state = 0 if trail else 1
    if number is not None:
        kept = () if number in stop else (number,)
        return kept, kept, out_state
    if word.lower().startswith("www"):
        return None  # could start a URL
    if trail.startswith("."):
        if ((rest if apostrophe else word) + ".").lower() in wordlist(f"abbreviations_{lang}"):
            return None  # an abbreviation ("sig.", "L'on.")
        if len(word) == 1 and not apostrophe:
            return None  # an initial or a one-letter abbreviation
    if not apostrophe:
        term = word.lower()
        if term not in stop:
            kept = (stemmer.stem(term),) if stemmer else (term,)
            return kept, kept, out_state
        if lead or not _name_cased(word):
            return (), (), out_state
        return (), ((stemmer.stem(term),) if stemmer else (term,)), out_state
    if lang != "it" or word == "O":
        return None  # English clitics, O'Brien
    first, second = word.lower() + "'", rest.lower()
    if stemmer:
        first_kept, second_kept = stemmer.stem(first), stemmer.stem(second)
    else:
        first_kept, second_kept = first, second
    # the second token follows a term (the elided word): kept unless a lower-case stopword
    tail = () if second in stop and not _name_cased(rest) else (second_kept,)
    if first not in stop:
        both = (first_kept, *tail)
        return both, both, out_state
    after_term = (first_kept, *tail) if not lead and _name_cased(word) else tail
    return tail, after_term, out_state


def _scanned_entry(chunk: str, lang: str, stop, stem: bool, follow_upper: bool):
    """Cache entry of any chunk through the reference scanner; None if it has no token."""
    norm = normalize(chunk)
    probe = norm + " A" if follow_upper else norm
    toks = [t for t in scan(probe, lang) if t.start < len(norm)]
    if not toks:
        return None
    words = [normalize_term(chunk[t.start : t.end]) for t in toks]
    stemmer = _stemmer(lang) if stem else None
    kept_by_state = []
    for prev_is_term in (False, True):
        kept = []
        for tok, word in zip(toks, words):
            is_term = tok.kind in _TERM_KINDS
            flag = word in stop
            if flag and prev_is_term and _name_cased(chunk[tok.start : tok.end]):
                flag = False
            if is_term and not flag:
                kept.append(stemmer.stem(word) if stemmer and tok.kind == "word" else word)
            prev_is_term = is_term
        kept_by_state.append(tuple(kept))
    if kept_by_state[0] == kept_by_state[1]:
        kept_by_state[1] = kept_by_state[0]
    return kept_by_state[0], kept_by_state[1], int(toks[-1].kind in _TERM_KINDS)


def _miss(chunk: str, nxt: str, cache: dict, initials: dict, lang, stop, stem):
    """Entry of a chunk not in the cache (computed and remembered), or None for a chunk
    the fast path cannot handle. Chunks ending like an initial ("J.") depend on the
    next chunk and are kept in ``initials``, keyed by (chunk, next starts upper case)."""
    if chunk[-1] == "." and _ENDS_INITIAL.search(chunk):
        key = (chunk, bool(_STARTS_UPPER.match(nxt)))
        entry = initials.get(key)
        if entry is None:
            entry = _scanned_entry(chunk, lang, stop, stem, key[1])
            if entry is not None:
                initials[key] = entry
        return entry
    entry = _simple_entry(chunk, lang, stop, _stemmer(lang) if stem else None)
    if entry is None:
        entry = _scanned_entry(chunk, lang, stop, stem, False)
    if entry is not None:
        cache[chunk] = entry
    return entry


def _fast_terms(text: str, lang: str, stop, stem: bool) -> list[str] | None:
    """Unigram terms through the chunk cache, or None when the text needs the reference path."""
    if _has_unsafe(text):
        return None
    cache, initials = _caches_for(lang, stop, stem)
    get = cache.get
    out: list[str] = []
    extend = out.extend
    state = 0
    chunks = text.split()
    for k, chunk in enumerate(chunks):
        entry = get(chunk)
        if entry is None:
            nxt = chunks[k + 1] if k + 1 < len(chunks) else ""
            entry = _miss(chunk, nxt, cache, initials, lang, stop, stem)
            if entry is None:
                return None
        extend(entry[state])
        state = entry[2]
    return out


def _caches_for(lang: str, stop, stem: bool) -> tuple[dict, dict]:
    """The chunk cache and the initials cache of one analyzer configuration (bounded:
    a full cache is dropped and started again)."""
    key = (lang, stop, stem)
    caches = _fast_caches.get(key)
    if caches is None or len(caches[0]) > _FAST_CACHE_MAX:
        if len(_fast_caches) > 16:
            _fast_caches.clear()
        caches = _fast_caches[key] = ({}, {})
    return caches


# --- counting many texts without a Python loop over chunks ---------------------------
# For counting, the order of terms does not matter. So the chunks of all texts become
# integer ids in one C-level pass (Arrow's whitespace split and dictionary encoding,
# which split exactly like ``str.split``: tests/test_scale.py checks every code point;
# without pyarrow, a dict whose missing keys take the next id), each distinct chunk is
# resolved once through the same cache as ``_fast_terms``, and the rest is numpy over
# the id array: the state a chunk sees (did the previous chunk of the same text end
# with a term?) and, for a chunk ending like an initial, whether the next chunk starts
# with a capital, are read off the neighbouring ids; each (chunk, state, before a
# capital) variant is counted per group and turned into terms by one sparse product.
_ARROW_MAX_CHARS = 200_000_000  # texts per Arrow call (its string offsets are 32-bit)


def _arrow_split(texts: Sequence[str]):
    """The ``str.split`` chunks of each text as an Arrow list array, or None if Arrow
    is missing or refuses a text (a lone surrogate). Texts are stripped first: pyarrow
    26 sometimes returns a whitespace chunk for a text that ends in whitespace at the
    end of its buffer (it reads past it); ``_add_chunks`` also refuses such a chunk."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a core dependency
        return None
    try:
        return pc.utf8_split_whitespace(pa.array([t.strip() for t in texts], type=pa.string()))
    except (pa.ArrowException, UnicodeError):
        return None


def _chunk_ids_arrow(texts: Sequence[str]):
    """(chunk id per position, distinct chunks in id order, chunks per text), or None
    when :func:`_arrow_split` cannot split the texts."""
    import pyarrow.compute as pc

    chunks = _arrow_split(texts)
    if chunks is None:
        return None
    lengths = pc.list_value_length(chunks).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(chunks.flatten())
    ids = encoded.indices.to_numpy(zero_copy_only=False)
    return ids, encoded.dictionary.to_pylist(), np.asarray(lengths, dtype=np.int64)


def _chunk_ids_python(texts: Sequence[str]):
    """The same as :func:`_chunk_ids_arrow` with a dict (pure Python fallback)."""
    seen: dict = {}
    lists = [text.split() for text in texts]
    ids = np.fromiter(map(seen.setdefault, itertools.chain.from_iterable(lists),
                          itertools.count()), dtype=np.int64)
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    # setdefault stored the position of each chunk's first occurrence: make ids dense
    _, ids = np.unique(ids, return_inverse=True)
    return ids.astype(np.int32), list(seen), lengths


def _chunk_ids(texts: Sequence[str]):
    if sum(map(len, texts)) <= _ARROW_MAX_CHARS:
        found = _chunk_ids_arrow(texts)
        if found is not None:
            return found
    return _chunk_ids_python(texts)


class _ChunkTable:
    """What counting needs of every distinct chunk seen so far, in growable arrays.

    A chunk gets a global id; per id: its out state (of an initial: before a chunk
    that is not a capital), whether its terms depend on the state it sees, whether it
    ends like an initial, and the term ids of its four variants (row ``4 * id + code``,
    ``code = state seen + 2 * (an initial before a capital)``) in a CSR-like pair of
    arrays. Terms get global ids too. Bounded like the chunk cache.
    """

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.out_state = array.array("b")
        self.out_upper = array.array("b")  # out state before a capital (differs for initials)
        self.varies = array.array("b")
        self.initial = array.array("b")
        self.row_end = array.array("q", [0])  # emission row r: row_end[r]..row_end[r+1]
        self.row_terms = array.array("q")
        self.terms: list[str] = []
        self.term_ids: dict[str, int] = {}

    def extend(self, chunks: list, entries: list, pairs: dict) -> None:
        """Give ``chunks`` the next ids. ``entries[k]`` is the entry of ``chunks[k]`` as
        from ``_miss``; an initial has ``pairs[k]`` = (entry before a non-capital, entry
        before a capital) and ``entries[k] == pairs[k][0]``. Built with C-level
        iteration (this runs once per distinct chunk, so it must not be slow)."""
        first = len(self.out_state)
        n = len(chunks)
        self.ids.update(zip(chunks, range(first, first + n)))
        out_state = [e[2] for e in entries]
        out_upper = list(out_state)
        varies = [e[0] != e[1] for e in entries]
        initial = [False] * n
        rows = list(itertools.chain.from_iterable(zip(
            map(_FIRST, entries), map(_SECOND, entries),
            itertools.repeat(()), itertools.repeat(()))))
        for k, (_, upper) in pairs.items():
            out_upper[k] = upper[2]
            varies[k] = initial[k] = True
            rows[4 * k + 2], rows[4 * k + 3] = upper[0], upper[1]
        self.out_state.extend(out_state)
        self.out_upper.extend(out_upper)
        self.varies.extend(varies)
        self.initial.extend(initial)
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        self.row_end.extend((np.cumsum(lengths) + self.row_end[-1]).tolist())
        flat = list(itertools.chain.from_iterable(rows))
        term_ids = self.term_ids
        found = list(map(term_ids.get, flat))
        for k in [k for k, tid in enumerate(found) if tid is None]:
            term = flat[k]
            tid = term_ids.get(term)
            if tid is None:
                tid = term_ids[term] = len(self.terms)
                self.terms.append(term)
            found[k] = tid
        self.row_terms.extend(found)

    def view(self, name: str) -> np.ndarray:
        """A numpy copy of one of the arrays (a copy: a live view would stop the array
        from growing, e.g. while a traceback keeps an old frame alive)."""
        values = getattr(self, name)
        return np.frombuffer(values, dtype=np.int64 if values.typecode == "q" else np.int8).copy()


_chunk_tables: dict = {}
_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)


def _table_for(lang: str, stop, stem: bool) -> _ChunkTable:
    key = (lang, stop, stem)
    table = _chunk_tables.get(key)
    if table is None or len(table.ids) > _FAST_CACHE_MAX:
        if len(_chunk_tables) > 16:
            _chunk_tables.clear()
        table = _chunk_tables[key] = _ChunkTable()
    return table


def _plain_entry(chunk: str, stop, stemmer):
    """The entry :func:`_simple_entry` gives for an ASCII word, optionally followed by
    one of ``, ; : ! ?`` (most new chunks), without its regular expression; None for
    any other chunk."""
    core, out_state = chunk, 1
    if chunk[-1] in ",;:!?":
        core, out_state = chunk[:-1], 0
    if not (core.isascii() and core.isalpha()):
        return None
    term = core.lower()
    if term.startswith("www"):
        return None
    kept = ((stemmer.stem(term),) if stemmer else (term,))
    if term not in stop:
        return kept, kept, out_state
    if not _name_cased(core):
        return (), (), out_state
    return (), kept, out_state


def _add_chunks(table: _ChunkTable, chunks: list, lang: str, stop, stem: bool) -> bool:
    """Resolve chunks new to ``table`` (through the cache of ``_fast_terms``) and add
    them; False if one needs the reference path or is not a chunk at all (contains
    whitespace: a split gone wrong is new by definition, so it is always caught here)."""
    # no whitespace in any chunk: splitting them all again loses no character
    if sum(map(len, chunks)) != sum(map(len, " ".join(chunks).split())):
        return False
    cache, initials = _caches_for(lang, stop, stem)
    stemmer = _stemmer(lang) if stem else None
    entries = list(map(cache.get, chunks))
    pairs: dict[int, tuple] = {}
    for k in [k for k, e in enumerate(entries) if e is None]:
        chunk = chunks[k]
        if not chunk:  # the chunk of an empty text in Arrow's split
            entries[k] = ((), (), 0)
            continue
        if chunk[-1] == "." and _ENDS_INITIAL.search(chunk):
            pair = (_miss(chunk, "", cache, initials, lang, stop, stem),
                    _miss(chunk, "A", cache, initials, lang, stop, stem))
            if pair[0] is None or pair[1] is None:
                return False
            pairs[k] = pair
            entries[k] = pair[0]
            continue
        entry = _plain_entry(chunk, stop, stemmer)
        if entry is None:
            entry = _simple_entry(chunk, lang, stop, stemmer)
            if entry is None:
                entry = _scanned_entry(chunk, lang, stop, stem, False)
                if entry is None:
                    return False
        cache[chunk] = entries[k] = entry
    table.extend(chunks, entries, pairs)
    return True


def _fast_term_counts(texts: Sequence[str], group_of_text: Sequence[int], n_groups: int,
                      lang: str, stop, stem: bool):
    """Unigram term counts of texts per group, exactly as ``terms()`` would count them.

    Returns ``(terms, matrix)``: the sorted distinct terms and a ``len(terms) x
    n_groups`` int64 CSR array, or None when some chunk needs the reference path (the
    caller then counts text by text). Texts must be free of ``_UNSAFE_CHARS``.
    """
    local, chunks, lengths = _chunk_ids(texts)
    table = _table_for(lang, stop, stem)
    found = np.fromiter(map(table.ids.get, chunks, itertools.repeat(-1)), dtype=np.int64,
                        count=len(chunks))
    new = np.flatnonzero(found < 0)
    if len(new):
        if not _add_chunks(table, [chunks[k] for k in new.tolist()], lang, stop, stem):
            return None
        found[new] = np.fromiter(map(table.ids.__getitem__, (chunks[k] for k in new.tolist())),
                                 dtype=np.int64, count=len(new))
    ids = found[local]  # global chunk id of every position
    out_state, varies, initial = (table.view(n) for n in ("out_state", "varies", "initial"))
    # the state each position sees: 0 at the start of a text, else the out state of the
    # previous chunk (the per-position arrays use small integer types)
    n_pos = len(ids)
    starts = np.cumsum(lengths) - lengths
    seen = np.zeros(n_pos, dtype=np.int8)
    seen[1:] = out_state[ids[:-1]]
    seen[starts[lengths > 0]] = 0
    at = np.flatnonzero(initial[ids]) if initial.any() else np.zeros(0, dtype=np.int64)
    if len(at):
        # initials (rare): their terms depend on whether the next chunk of the same text
        # starts with a capital, and so does their out state (the state the next sees)
        last = np.zeros(n_pos, dtype=bool)
        last[(starts + lengths - 1)[lengths > 0]] = True
        has_next = ~last[at]
        up_next = np.zeros(len(at), dtype=bool)
        up_next[has_next] = [_STARTS_UPPER.match(chunks[k]) is not None
                             for k in local[at[has_next] + 1].tolist()]
        after = at[up_next] + 1  # (up_next implies a next chunk in the same text)
        seen[after] = table.view("out_upper")[ids[after - 1]]
    code = seen * varies[ids]
    if len(at):
        code[at] = seen[at] + 2 * up_next
    del seen, local
    key = ids  # (reused in place)
    key *= 4
    key += code
    del code
    key *= n_groups
    key += np.repeat(np.asarray(group_of_text, dtype=np.int64), lengths)
    n_variants = 4 * len(out_state)
    if n_variants * n_groups <= 4 * n_pos + 1_000_000:
        tally = np.bincount(key, minlength=n_variants * n_groups)
        key = np.flatnonzero(tally)
        tally = tally[key]
    else:
        key, tally = np.unique(key, return_counts=True)
    variant, group = np.divmod(key, n_groups)
    # the terms of each (variant, group) tallied, gathered from the emission rows
    row_end = table.view("row_end")
    begin, end = row_end[variant], row_end[variant + 1]
    n_terms = end - begin
    total = int(n_terms.sum())
    offsets = np.cumsum(n_terms) - n_terms
    where = np.repeat(begin - offsets, n_terms) + np.arange(total, dtype=np.int64)
    term = table.view("row_terms")[where]
    present, row = np.unique(term, return_inverse=True)
    matrix = sp.csr_array((np.repeat(tally, n_terms).astype(np.int64),
                           (row.astype(np.int64), np.repeat(group, n_terms))),
                          shape=(len(present), n_groups))
    vocab = [table.terms[t] for t in present.tolist()]
    order = sorted(range(len(vocab)), key=vocab.__getitem__)
    matrix = matrix[np.asarray(order, dtype=np.int64)]
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return [vocab[k] for k in order], matrix.astype(np.int64)


def _bound_terms(lang: str, *, stopwords=True, stem: bool = False, ngram_range=(1, 1)):
    """``terms`` with its options checked and resolved once: a fast ``str -> list`` for
    counting many documents (the same output as :func:`terms` with these options)."""
    lang = check_lang(lang)
    lo, hi = _check_ngram_range(ngram_range)
    stop = _stopword_set(stopwords, lang)
    stem = bool(stem)

    def bound(text: str) -> list[str]:
        if _USE_FAST_PATH and (lo, hi) == (1, 1) and isinstance(text, str):
            fast = _fast_terms(text, lang, stop, stem)
            if fast is not None:
                return fast
        return _reference_terms(text, lang, stop, stem, lo, hi)

    return bound


def _bound_counts(lang: str, *, stopwords=True, stem: bool = False, ngram_range=(1, 1)):
    """The group counter of the fast path with the options of :func:`terms` resolved
    once: ``(texts, group_of_text, n_groups) -> (terms, matrix) or None`` (see
    ``_fast_term_counts``), or
    None when these options always take the reference path (n-grams)."""
    lang = check_lang(lang)
    lo, hi = _check_ngram_range(ngram_range)
    if not _USE_FAST_PATH or (lo, hi) != (1, 1):
        return None
    stop = _stopword_set(stopwords, lang)
    stem = bool(stem)

    def count(texts, group_of_text, n_groups):
        return _fast_term_counts(texts, group_of_text, n_groups, lang, stop, stem)

    return count

class Analyzer:
    """A picklable ``str -> list[str]`` callable wrapping :func:`terms`.

    Give it to scikit-learn's vectorizers as ``analyzer=`` so that counts,
    TF-IDF and concordances agree on what a term is; it pickles, so it also
    works in worker processes.

    Parameters
    ----------
    lang, stopwords, stem, ngram_range
        As in :func:`terms`.

    Examples
    --------
    >>> Analyzer(lang="it")("Dell’intelligence britannica")
    ['intelligence', 'britannica']
    """

    def __init__(self, lang="it", *, stopwords=True, stem=False, ngram_range=(1, 1)):
        self.lang = lang
        self.stopwords = stopwords
        self.stem = stem
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        return terms(
            text,
            self.lang,
            stopwords=self.stopwords,
            stem=self.stem,
            ngram_range=self.ngram_range,
        )

    def __repr__(self) -> str:
        return (
            f"Analyzer(lang={self.lang!r}, stopwords={self.stopwords!r}, "
            f"stem={self.stem!r}, ngram_range={self.ngram_range!r})"
        )


def tokens_table(docs: pd.DataFrame, *, stopwords: bool | Iterable[str] = True) -> pd.DataFrame:
    """Return one row per token of every document, for teaching and concordances.

    Parameters
    ----------
    docs : pandas.DataFrame
        A docs table (see :func:`analysis.load_corpus`) with at least ``doc_id``
        and ``text``; ``lang`` is used when present, else ``"it"``.
    stopwords : bool or collection of str, default True
        Which terms ``is_stop`` marks (as in :func:`terms`).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, sent, i, start, end, token, term, is_stop, is_punct``:
        ``sent`` is the sentence index within the document, ``i`` the token index
        within the document, ``start``/``end`` offsets into the document's
        ``text``, ``term`` the normalised form (:func:`analysis.normalize.normalize_term`),
        ``is_punct`` true for tokens that give no term (punctuation, symbols).
        Rows follow the order of ``docs`` and then the text.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Kim parla. L'agenzia tace."]})
    >>> tokens_table(docs)[["sent", "token", "is_stop", "is_punct"]].values.tolist()[3:5]
    [[1, "L'", True, False], [1, 'agenzia', False, False]]
    """
    missing = {"doc_id", "text"} - set(docs.columns)
    if missing:
        raise ValueError(
            f"docs is missing column(s) {sorted(missing)}; pass the table from load_corpus"
        )
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    cols: dict[str, list] = {c: [] for c in TOKENS_COLUMNS}
    for doc_id, text, lang in zip(docs["doc_id"], docs["text"], langs):
        lang = check_lang(lang, argument=f"lang of document {doc_id!r}")
        stop = _stopword_set(stopwords, lang)
        toks = scan(text, lang)
        sent_ids = _sentence_ids(text, normalize(text), toks)
        words = [normalize_term(text[t.start : t.end]) for t in toks]
        flags = _flag_stops(text, toks, words, stop)
        for i, tok in enumerate(toks):
            cols["doc_id"].append(doc_id)
            cols["sent"].append(sent_ids[i])
            cols["i"].append(i)
            cols["start"].append(tok.start)
            cols["end"].append(tok.end)
            cols["token"].append(text[tok.start : tok.end])
            cols["term"].append(words[i])
            cols["is_stop"].append(flags[i])
            cols["is_punct"].append(tok.kind not in _TERM_KINDS)
    table = pd.DataFrame(cols, columns=TOKENS_COLUMNS)
    return table.astype({"sent": "int64", "i": "int64", "start": "int64", "end": "int64",
                         "is_stop": "bool", "is_punct": "bool"})
