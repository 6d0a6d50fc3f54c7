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
case word, a comma, a colon, a hyphen).

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

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import pandas as pd
import regex

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
    lang = check_lang(lang)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
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
    return [(t.start, t.end) for t in scan(text, lang)]


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
    return [text[t.start : t.end] for t in scan(text, lang)]


def _sentence_ids(text: str, norm: str, toks: Sequence[Token]) -> list[int]:
    """Assign a sentence index to every token (see the module docstring)."""
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
    toks = scan(text, lang)
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
_FAST_UNSAFE = regex.compile("[\x1c-\x1f\u200b\ufeff]")
_ENDS_INITIAL = regex.compile(r"\p{Lu}\.$")
_STARTS_UPPER = regex.compile(r"\p{Lu}")
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
    if _FAST_UNSAFE.search(text):
        return None
    key = (lang, stop, stem)
    caches = _fast_caches.get(key)
    if caches is None or len(caches[0]) > _FAST_CACHE_MAX:
        if len(_fast_caches) > 16:
            _fast_caches.clear()
        caches = _fast_caches[key] = ({}, {})
    cache, initials = caches
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
