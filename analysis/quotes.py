"""Voices: who is quoted or reported, through which cue, with how many words.

:func:`quotes` finds every attributed statement of a docs table and returns the
*statements* table; :func:`voices` turns it into share of voice per source and
speaker; :func:`evaluate_quotes` compares statements with a hand-built gold table.
Cues (reporting verbs and according-to phrases) and their connotation classes come
from the shipped, editable lexicon ``analysis/resources/reporting_verbs.yaml``
(:func:`load_lexicon`).

Kinds of statement
------------------
``direct``
    A quotation that is the whole content of a cue: ``«Abbiamo parlato», ha detto
    Lavrov``; ``Lavrov said: "We agree."``; a quote may run over several sentences
    (its ``sent`` is the sentence of the cue). A quoted sentence standing alone, with
    no cue, is also ``direct`` and takes the speaker of the previous statement.
``indirect``
    Unquoted content of a verb cue: ``ha detto che ...`` (a clause), ``ha ribadito il
    suo sostegno`` (a noun phrase, for verbs marked ``object`` in the lexicon), or the
    clause before a cue with its speaker (``Gli Stati Uniti forniranno ..., ha detto
    Zelenskyy``).
``according_to``
    ``secondo X`` / ``according to X`` with the clause it qualifies; ``secondo quanto
    riferito`` and ``reportedly`` attribute to no one (speaker missing,
    ``speaker_canonical`` is :data:`UNATTRIBUTED`).
``reported_by``
    Unquoted content of a verb of relaying news (lexicon ``kind: reported_by``:
    riferire, riportare, report): ``..., hanno riferito i media ufficiali``.
``partial_quote``
    Quoted words inside a sentence that are not a whole statement: partial quotes
    (``ha ricevuto Lavrov "in un'atmosfera di fiducia"``) and scare quotes (``i
    “eroici” soldati``). The text cannot tell a reproduced phrase from a distancing
    mark, so both are one kind. Speaker: the innermost statement whose content
    holds the quote; else the last according-to or reported-by source named in the
    previous ``window`` sentences (news copy attributes a run of sentences to an
    agency once); else unattributed. Partial quotes are not counted as statements by
    :func:`voices`, but their words are quoted words.

Statements nest: ``Secondo la KCNA, Kim ha detto che la Corea era "pronta"`` gives an
``according_to`` row (KCNA), an ``indirect`` row (Kim) inside it, and a
``partial_quote`` row (Kim) inside that; ``via`` names the enclosing according-to
or reported-by source. Cues inside quotation marks (the quoted speaker's own
reporting) are not read.

Speakers are spans of the text: the words before a verb cue back to the clause
boundary (``,``, ``;``, ``:``, a relative pronoun), or after a postposed cue
(``, ha detto l'agenzia Tass``) up to a preposition, a comma or the sentence end.
A missing speaker (``Ha detto che ...``, a gerund ``dicendo che``) is taken from the
previous statement (``speaker_rule`` says so). ``speaker_canonical`` comes from the
entity layer when a mentions table is given (the mention overlapping the speaker
that is not a modifier after ``di``/``of``; names joined by ``e``/``and`` give
``"A + B"``); otherwise from the span itself: the last capitalised name in it when
its head is a common noun (``l'agenzia di stampa russa Tass`` -> ``Tass``), else the
span without its article; a one-word name takes the longer name of the same
document that ends or starts with it (``Zelenskyy`` -> ``Volodymyr Zelenskyy``). An
anaphor (``quest'ultimo``) resolves to the first name earlier in its sentence.

Quote marks: « », “ ”, ASCII " (paired inside a paragraph) and ‘ ’ (the closing ’
only when a ‘ is open and it is not an apostrophe between letters). Nested quotes
are read as part of the outer one. A mark left open at the end of a paragraph, or a
closing mark with no opener, is ignored with a :class:`QuotesWarning` naming the
document.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "lang": ["it"],
...     "text": ["«Abbiamo parlato di pace», ha detto Lavrov. Secondo la Tass, "
...              "Kim ha ribadito il suo sostegno."]})
>>> quotes(docs)[["kind", "speaker", "cue", "connotation", "content"]].values.tolist()
[['direct', 'Lavrov', 'ha detto', 'neutral', 'Abbiamo parlato di pace'], \
['according_to', 'la Tass', 'Secondo', 'distancing', 'Kim ha ribadito il suo sostegno'], \
['indirect', 'Kim', 'ha ribadito', 'evaluative', 'il suo sostegno']]
"""

from __future__ import annotations

import bisect
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from pathlib import Path

import pandas as pd
import regex
import yaml

from .langs import SUPPORTED_LANGS, check_lang
from .normalize import APOSTROPHES, HYPHENS, NEWLINES, SPACES, normalize
from .resources import resource_path
from .tokens import scan, scan_sentences, sentence_spans

__all__ = [
    "CONNOTATIONS",
    "EVALUATION_COLUMNS",
    "KINDS",
    "LEXICON_FILE",
    "QUOTES_COLUMNS",
    "UNATTRIBUTED",
    "VOICES_COLUMNS",
    "Lexicon",
    "QuotesWarning",
    "evaluate_quotes",
    "load_lexicon",
    "quotes",
    "voices",
]

#: Columns of :func:`quotes`, in order.
QUOTES_COLUMNS = [
    "doc_id", "source", "sent", "kind", "content", "content_start", "content_end",
    "speaker", "speaker_start", "speaker_end", "speaker_canonical", "cue", "cue_start",
    "cue_end", "connotation", "lemma", "rule", "speaker_rule", "via", "n_words",
]
#: Columns of :func:`voices`, in order.
VOICES_COLUMNS = [
    "group", "speaker", "n_statements", "n_quoted_words", "share_statements",
    "share_quoted_words", "n_content_words", "n_groups", "only_in_one_group",
]
#: Columns of :func:`evaluate_quotes`, in order.
EVALUATION_COLUMNS = ["level", "n_gold", "n_predicted", "n_correct", "precision",
                      "recall", "f1"]
#: Statement kinds, in the order used for sorting.
KINDS = ("direct", "indirect", "according_to", "reported_by", "partial_quote")
#: Connotation classes of the lexicon.
CONNOTATIONS = ("neutral", "distancing", "evaluative")
#: ``speaker_canonical`` of a statement attributed to no one.
UNATTRIBUTED = "(unattributed)"
#: The shipped lexicon.
LEXICON_FILE = "reporting_verbs.yaml"

_STATEMENT_KINDS = frozenset(KINDS) - {"partial_quote"}
_QUOTED_KINDS = frozenset({"direct", "partial_quote"})
_OPENERS = {"«": "»", "“": "”", "‘": "’"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_MARKS = regex.compile(r"[«»“”‘’\"]|\n[^\S\n]*\n")
_DOUBLE_MARKS = ("«", "»", "“", "”", '"')
_PARAGRAPH = regex.compile(r"\n[^\S\n]*\n")  # the paragraph break of _MARKS
_TERMINAL = frozenset({".", "!", "?", "…", "..."})
_BOUNDARY = frozenset({",", ";", ":", "(", ")", "–", "—", "-"})
_DASHES = frozenset({"–", "—", "-", ";"})
_RELATIVES = frozenset({"cui", "quale", "quali", "che", "dove", "mentre", "quando",
                        "which", "who", "whom", "where", "when", "while", "that"})
_OBJECT_STOPS = frozenset({"cui", "dove", "which", "where", "who"})
_CONTENT_BREAKS = frozenset({"mentre", "while", "whereas", "ma", "but"})
_CONJUNCTIONS = frozenset({"e", "ed", "ma", "però", "poi", "and", "but", "so", "yet"})
_ARTICLES = frozenset({"il", "lo", "la", "i", "gli", "le", "l'", "un", "uno", "una", "un'",
                       "the", "a", "an"})
_ARTICLED_PREPS = frozenset({"del", "dello", "della", "dei", "degli", "delle", "dell'",
                             "al", "allo", "alla", "ai", "agli", "alle", "all'", "nel",
                             "nello", "nella", "nei", "negli", "nelle", "nell'", "dal",
                             "dallo", "dalla", "dai", "dagli", "dalle", "dall'", "sul",
                             "sullo", "sulla", "sui", "sugli", "sulle", "sull'", "ogni",
                             "questo", "questa", "quel", "quello", "quella", "this", "that",
                             "its", "his", "her", "their", "our"})
_MODIFIER_PREPS = frozenset({"di", "del", "dello", "della", "dei", "degli", "delle", "dell'",
                             "da", "dal", "dalla", "dall'", "of", "from", "for", "at", "d'"})
_INDIRECT_OBJECT = frozenset({"a", "al", "allo", "alla", "ai", "agli", "alle", "all'", "to"})
_NAME_PARTICLES = frozenset({"di", "del", "della", "de", "da", "von", "van", "bin", "al",
                             "el", "la", "le"})
_LISTENERS = frozenset({"reporters", "journalists", "giornalisti", "cronisti"})
_SECONDO_NEXT = frozenset({"me", "te", "lui", "lei", "noi", "voi", "loro", "fonti", "media",
                           "esperti", "analisti", "funzionari", "testimoni", "osservatori",
                           "stime", "dati", "documenti", "indiscrezioni", "voci", "rapporti",
                           "notizie", "alcuni", "molti", "diversi", "quanto", "fonte"})
#: Token kinds that give analysis terms (as in :func:`analysis.terms`).
_WORD_KINDS = frozenset({"word", "number", "abbr", "url", "email", "handle"})
_SPEAKER_MAX_TOKENS = 12
_CHE_WINDOW = 10


class QuotesWarning(UserWarning):
    """A problem in a document's quotation marks (the document was read anyway)."""


# --------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    lemma: str
    lang: str
    connotation: str
    kind: str
    object: bool


@dataclass(frozen=True)
class _Frame:
    words: tuple
    lang: str
    connotation: str
    speaker: bool


@dataclass(frozen=True)
class Lexicon:
    """Reporting cues per language, loaded and validated by :func:`load_lexicon`.

    Attributes
    ----------
    path : str
        The file it was read from.
    forms, participles, gerunds : dict
        ``{lang: {form: cue}}`` lookups.
    frames : dict
        ``{lang: [frame, ...]}``, longest phrase first.
    words : dict
        ``{lang: {list_name: frozenset}}`` closed word lists (auxiliaries, inserts,
        skip_after_cue, speaker_stops, anaphors).
    """

    path: str
    forms: dict = field(repr=False)
    participles: dict = field(repr=False)
    gerunds: dict = field(repr=False)
    frames: dict = field(repr=False)
    words: dict = field(repr=False)

    def __repr__(self) -> str:
        n = {lang: len({c.lemma for c in {**self.forms[lang], **self.participles[lang],
                                          **self.gerunds[lang]}.values()})
             for lang in SUPPORTED_LANGS}
        return f"Lexicon(path={self.path!r}, lemmas={n})"


_WORD_LISTS = ("auxiliaries", "inserts", "skip_after_cue", "speaker_stops", "anaphors")


def _fail(path, where: str, message: str):
    raise ValueError(f"{path}: {where}: {message}")


def _word_list(path, where, value, *, multiword=False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(path, where, "must be a list of strings")
    out = []
    for v in value:
        w = normalize(v).strip()
        if not w or w != w.lower() or (not multiword and " " in w):
            _fail(path, where, f"{v!r} must be one lowercase word")
        out.append(w)
    return out


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load and validate a reporting-cue lexicon (YAML).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A lexicon file with the layout of the shipped
        ``analysis/resources/reporting_verbs.yaml`` (its header documents every
        key). Default: the shipped file.

    Returns
    -------
    Lexicon

    Raises
    ------
    ValueError
        For a malformed file, naming the file and the entry (``cues entry 3 (lemma
        'dire')``) and what to fix; also when one form belongs to two lemmas.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> lex.participles["it"]["detto"].lemma, lex.forms["en"]["claimed"].connotation
    ('dire', 'distancing')
    """
    if path is None:
        return _shipped_lexicon()
    return _load_lexicon(str(Path(path)))


@lru_cache(maxsize=None)
def _shipped_lexicon() -> Lexicon:
    return _load_lexicon(str(resource_path(LEXICON_FILE)))


def _load_lexicon(path: str) -> Lexicon:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"lexicon file {p} does not exist; pass lexicon= a YAML file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ValueError(f"{p}: not valid YAML ({err}); fix the syntax") from None
    if not isinstance(data, dict):
        raise ValueError(f"{p}: must be a mapping with keys languages, frames, cues")
    unknown = sorted(set(data) - {"languages", "frames", "cues"})
    if unknown:
        _fail(p, "top level", f"unknown key(s) {unknown}; use languages, frames, cues")
    langs = data.get("languages") or {}
    if not isinstance(langs, dict):
        _fail(p, "languages", "must map a language code to its word lists")
    words = {lang: {name: frozenset() for name in _WORD_LISTS} for lang in SUPPORTED_LANGS}
    for lang, lists in langs.items():
        code = check_lang(lang, argument=f"{p}: languages key")
        if not isinstance(lists, dict):
            _fail(p, f"languages.{lang}", "must map list names to lists of words")
        for name, value in lists.items():
            if name not in _WORD_LISTS:
                _fail(p, f"languages.{lang}.{name}", f"unknown list; use {', '.join(_WORD_LISTS)}")
            words[code][name] = frozenset(_word_list(p, f"languages.{lang}.{name}", value,
                                                     multiword=True))
    frames = {lang: [] for lang in SUPPORTED_LANGS}
    for k, entry in enumerate(data.get("frames") or [], 1):
        where = f"frames entry {k}"
        if not isinstance(entry, dict):
            _fail(p, where, "must be a mapping with phrase, lang, connotation, speaker")
        where = f"frames entry {k} (phrase {entry.get('phrase')!r})"
        missing = [key for key in ("phrase", "lang", "connotation") if key not in entry]
        if missing:
            _fail(p, where, f"missing key(s) {missing}")
        extra = sorted(set(entry) - {"phrase", "lang", "connotation", "speaker"})
        if extra:
            _fail(p, where, f"unknown key(s) {extra}")
        phrase = entry["phrase"]
        if not isinstance(phrase, str) or not phrase.strip() or phrase != phrase.lower():
            _fail(p, where, "phrase must be lowercase words")
        if entry["connotation"] not in CONNOTATIONS:
            _fail(p, where, f"connotation {entry['connotation']!r} must be one of "
                            f"{', '.join(CONNOTATIONS)}")
        speaker = entry.get("speaker", True)
        if not isinstance(speaker, bool):
            _fail(p, where, "speaker must be true or false")
        lang = check_lang(entry["lang"], argument=f"{p}: {where}: lang")
        frames[lang].append(_Frame(tuple(normalize(phrase).split()), lang,
                                   entry["connotation"], speaker))
    for lang in frames:
        frames[lang].sort(key=lambda f: (-len(f.words), f.words))
    forms = {lang: {} for lang in SUPPORTED_LANGS}
    participles = {lang: {} for lang in SUPPORTED_LANGS}
    gerunds = {lang: {} for lang in SUPPORTED_LANGS}
    owner: dict = {}
    cues = data.get("cues")
    if not isinstance(cues, list) or not cues:
        _fail(p, "cues", "must be a non-empty list of verb entries")
    for k, entry in enumerate(cues, 1):
        if not isinstance(entry, dict):
            _fail(p, f"cues entry {k}", "must be a mapping (lemma, lang, connotation, forms)")
        where = f"cues entry {k} (lemma {entry.get('lemma')!r})"
        missing = [key for key in ("lemma", "lang", "connotation") if key not in entry]
        if missing:
            _fail(p, where, f"missing key(s) {missing}")
        extra = sorted(set(entry) - {"lemma", "lang", "connotation", "kind", "object",
                                     "forms", "participles", "gerunds"})
        if extra:
            _fail(p, where, f"unknown key(s) {extra}")
        if entry["connotation"] not in CONNOTATIONS:
            _fail(p, where, f"connotation {entry['connotation']!r} must be one of "
                            f"{', '.join(CONNOTATIONS)}")
        kind = entry.get("kind", "indirect")
        if kind not in ("indirect", "reported_by"):
            _fail(p, where, f"kind {kind!r} must be indirect or reported_by")
        obj = entry.get("object", False)
        if not isinstance(obj, bool):
            _fail(p, where, "object must be true or false")
        lang = check_lang(entry["lang"], argument=f"{p}: {where}: lang")
        cue = _Cue(str(entry["lemma"]), lang, entry["connotation"], kind, obj)
        n_forms = 0
        for key, table in (("forms", forms), ("participles", participles),
                           ("gerunds", gerunds)):
            for form in _word_list(p, f"{where}: {key}", entry.get(key, [])):
                previous = owner.get((lang, form))
                if previous is not None and previous != cue.lemma:
                    _fail(p, where, f"form {form!r} already belongs to lemma {previous!r}; "
                                    "keep it in one entry")
                owner[(lang, form)] = cue.lemma
                table[lang][form] = cue
                n_forms += 1
        if not n_forms:
            _fail(p, where, "needs at least one of forms, participles, gerunds")
    return Lexicon(str(p), forms, participles, gerunds, frames, words)


def _resolve_lexicon(lexicon) -> Lexicon:
    if lexicon is None:
        return _shipped_lexicon()
    if isinstance(lexicon, Lexicon):
        return lexicon
    if isinstance(lexicon, (str, Path)):
        return load_lexicon(lexicon)
    raise TypeError(f"lexicon must be None, a path or a Lexicon, not {type(lexicon).__name__}")


# --------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------


def _quote_pairs(text: str, doc_id) -> list[tuple[int, int]]:
    """Outermost balanced quotation-mark pairs ``(open, close)`` (offsets of the marks).

    The same pairs and warnings as :func:`_reference_quote_pairs`, which reads every
    mark and paragraph break in one pass. A closing ``’`` does something only when a
    ``‘`` is open, so a text without ``‘`` (nearly all text: ``’`` is mostly an
    apostrophe) needs only the double marks, found with :meth:`str.find`; and a
    paragraph break does something only while a mark is open, so it is looked for
    only then, between that mark and the next (a break holds no mark).
    """
    if "‘" in text:
        return _pairs_of_marks(text, doc_id)
    found = []
    for ch in _DOUBLE_MARKS:
        k = text.find(ch)
        while k >= 0:
            found.append(k)
            k = text.find(ch, k + 1)
    found.sort()
    pairs = []
    stack: list[tuple[str, int]] = []

    def drop_open(reason: str) -> None:
        for mark, pos in stack:
            warnings.warn(f"document {doc_id!r}: quotation mark {mark!r} at offset {pos} is "
                          f"never closed ({reason}); it is ignored", QuotesWarning, stacklevel=4)
        stack.clear()

    prev = 0
    for k in found:
        if stack and _PARAGRAPH.search(text, prev, k):
            drop_open("the paragraph ends first")
        prev = k + 1
        ch = text[k]
        if ch in _OPENERS:
            stack.append((ch, k))
        elif ch in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[ch]:
                _, pos = stack.pop()
                if not stack:
                    pairs.append((pos, k))
            else:
                warnings.warn(f"document {doc_id!r}: closing quotation mark {ch!r} at offset "
                              f"{k} has no opening mark; it is ignored", QuotesWarning,
                              stacklevel=3)
        elif stack and stack[-1][0] == '"':  # ASCII double quote: closes an open one
            _, pos = stack.pop()
            if not stack:
                pairs.append((pos, k))
        else:
            stack.append((ch, k))
    if stack and _PARAGRAPH.search(text, prev):
        drop_open("the paragraph ends first")
    drop_open("the document ends first")
    return sorted(pairs)


def _reference_quote_pairs(text: str, doc_id) -> list[tuple[int, int]]:
    """The reference implementation of :func:`_quote_pairs` (every mark looked at)."""
    return _pairs_of_marks(text, doc_id)


def _pairs_of_marks(text: str, doc_id) -> list[tuple[int, int]]:
    # stacklevel: the warnings point at _doc_statements, which builds the document
    pairs = []
    stack: list[tuple[str, int]] = []

    def drop_open(reason: str) -> None:
        for mark, pos in stack:
            warnings.warn(f"document {doc_id!r}: quotation mark {mark!r} at offset {pos} is "
                          f"never closed ({reason}); it is ignored", QuotesWarning, stacklevel=5)
        stack.clear()

    for m in _MARKS.finditer(text):
        ch, k = m.group(), m.start()
        if ch[0] == "\n":
            drop_open("the paragraph ends first")
        elif ch == "’":
            between_letters = (0 < k < len(text) - 1 and text[k - 1].isalnum()
                               and text[k + 1].isalnum())
            if stack and stack[-1][0] == "‘" and not between_letters:
                _, pos = stack.pop()
                if not stack:
                    pairs.append((pos, k))
        elif ch in _OPENERS:
            stack.append((ch, k))
        elif ch in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[ch]:
                _, pos = stack.pop()
                if not stack:
                    pairs.append((pos, k))
            else:
                warnings.warn(f"document {doc_id!r}: closing quotation mark {ch!r} at offset "
                              f"{k} has no opening mark; it is ignored", QuotesWarning,
                              stacklevel=4)
        elif stack and stack[-1][0] == '"':  # ASCII double quote: closes an open one
            _, pos = stack.pop()
            if not stack:
                pairs.append((pos, k))
        else:
            stack.append((ch, k))
    drop_open("the document ends first")
    return sorted(pairs)


# --------------------------------------------------------------------------------------
# One document
# --------------------------------------------------------------------------------------


@dataclass
class _Statement:
    kind: str
    content: tuple
    cue: tuple | None = None
    speaker: tuple | None = None
    lemma: str | None = None
    connotation: str | None = None
    rule: str = ""
    sent: int = 0
    speaker_rule: str = "explicit"
    canonical: str | None = None
    anchor: int = 0


class _ReferenceDoc:
    """Tokens, sentences and quotation marks of one document, for the patterns.

    The reference implementation: the fast :class:`_Doc` gives the patterns the same
    attributes and answers (``tests/test_quotes_speed.py`` checks it).
    """

    def __init__(self, text: str, lang: str, doc_id, lex: Lexicon):
        self.text = text
        self.lang = lang
        self.lex = lex
        self.words = lex.words[lang]
        norm = normalize(text)
        self.toks = scan(text, lang)
        self.low = [norm[t.start : t.end].lower() for t in self.toks]
        self.spans = sentence_spans(text, lang)
        starts = [a for a, _ in self.spans]
        self.tok_sent = [bisect.bisect_right(starts, t.start) - 1 for t in self.toks]
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        for k, s in enumerate(self.tok_sent):
            self.first.setdefault(s, k)
            self.last[s] = k
        self.pairs = _reference_quote_pairs(text, doc_id)
        self.open_at = {o: c for o, c in self.pairs}
        self.close_at = {c: o for o, c in self.pairs}
        self.tok_at = {t.start: k for k, t in enumerate(self.toks)}
        self._pair_starts = [o for o, _ in self.pairs]
        self._tok_starts = [t.start for t in self.toks]
        self._inside = [False] * len(self.toks)
        for o, c in self.pairs:
            i = bisect.bisect_right(self._tok_starts, o)
            while i < len(self.toks) and self.toks[i].start < c:
                self._inside[i] = True
                i += 1
        self._frames_by_first: dict = {}
        for frame in lex.frames[lang]:
            self._frames_by_first.setdefault(frame.words[0], []).append(frame)

    # --- small predicates ---------------------------------------------------------
    def is_open(self, k: int) -> bool:
        return self.toks[k].start in self.open_at

    def is_close(self, k: int) -> bool:
        return self.toks[k].start in self.close_at

    def enclosing_pair(self, pos: int):
        i = bisect.bisect_right(self._pair_starts, pos) - 1
        if i >= 0:
            o, c = self.pairs[i]
            if o < pos < c:
                return o, c
        return None

    def inside_quote(self, k: int) -> bool:
        return self._inside[k]

    def count_words(self, a: int, b: int) -> int:
        """Words and numbers inside ``[a, b)``: ``len(terms(text[a:b], stopwords=False))``."""
        i = bisect.bisect_left(self._tok_starts, a)
        n = 0
        while i < len(self.toks) and self.toks[i].end <= b:
            n += self.toks[i].kind in _WORD_KINDS
            i += 1
        return n

    def is_cue_start(self, k: int) -> bool:
        return k in self._cue_starts

    def first_token_from(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect.bisect_left(self._tok_starts, pos)

    # --- cues ---------------------------------------------------------------------
    def find_cues(self):
        """Return frames and verb cues as ``(kind, first_token, last_token, entry)``."""
        lex, lang, low = self.lex, self.lang, self.low
        aux, inserts = self.words["auxiliaries"], self.words["inserts"]
        found = []
        k = 0
        n = len(self.toks)
        while k < n:
            if self.toks[k].kind == "punct" or self.inside_quote(k):
                k += 1
                continue
            frame = self._match_frame(k)
            if frame is not None:
                end = k + len(frame.words) - 1
                found.append(("frame", k, end, frame))
                k = end + 1
                continue
            if low[k] in aux:
                j = k + 1
                while j < n and j - k <= 3 and low[j] in inserts:
                    j += 1
                if j < n and self.tok_sent[j] == self.tok_sent[k]:
                    cue = lex.participles[lang].get(low[j]) or lex.forms[lang].get(low[j])
                    if cue is not None:
                        found.append(("verb", k, j, cue))
                        k = j + 1
                        continue
            cue = lex.forms[lang].get(low[k])
            gerund = lex.gerunds[lang].get(low[k])
            if (cue or gerund) and self._verb_like(k):
                found.append(("gerund" if gerund else "verb", k, k, gerund or cue))
            k += 1
        self._cue_starts = {f[1] for f in found}
        self._gerund_like = lex.gerunds[lang]
        return found

    def _verb_like(self, k: int) -> bool:
        """A finite form, not a noun after an article nor a capitalised name."""
        first = self.first[self.tok_sent[k]]
        if k > first and not self.text[self.toks[k].start].islower():
            return False
        return not (k > first and self.low[k - 1] in _ARTICLES | _ARTICLED_PREPS)

    def _match_frame(self, k: int):
        for frame in self._frames_by_first.get(self.low[k], ()):
            m = len(frame.words)
            if tuple(self.low[k : k + m]) != frame.words:
                continue
            if self.tok_sent[k + m - 1] != self.tok_sent[k]:
                continue
            if frame.words == ("secondo",) and not self._secondo_is_frame(k):
                continue
            return frame
        return None

    def _secondo_is_frame(self, k: int) -> bool:
        """``secondo`` attributes (``secondo la Tass``), unless an ordinal (``il secondo``)."""
        if k > self.first[self.tok_sent[k]] and self.low[k - 1] in _ARTICLES | _ARTICLED_PREPS:
            return False
        if k + 1 > self.last[self.tok_sent[k]]:
            return False
        nxt = self.low[k + 1]
        return (nxt in _ARTICLES or nxt.endswith("'") or nxt in _SECONDO_NEXT
                or self.text[self.toks[k + 1].start].isupper())

    # --- spans ----------------------------------------------------------------------
    def chars(self, a: int, b: int) -> tuple:
        return self.toks[a].start, self.toks[b].end

    def np_after(self, j: int, *, skip: bool) -> tuple | None:
        """A speaker read after a cue or frame: up to a boundary, preposition or end."""
        s = self.tok_sent[j - 1]
        last = self.last[s]
        if skip:
            while j <= last and self.low[j] in self.words["skip_after_cue"]:
                j += 1
        a = j
        stops = self.words["speaker_stops"]
        while (j <= last and j - a < _SPEAKER_MAX_TOKENS and self.low[j] not in _BOUNDARY
               and self.low[j] not in _TERMINAL and not self.is_open(j)
               and not self.is_close(j) and self.low[j] not in stops):
            j += 1
        return (a, j - 1) if j > a else None

    def np_before(self, c0: int) -> tuple[tuple | None, int]:
        """The speaker before a cue, and the index of the boundary token before it."""
        first = self.first[self.tok_sent[c0]]
        m = c0 - 1
        while m >= first:
            if (self.low[m] in _BOUNDARY or self.is_close(m) or self.is_open(m)
                    or self.low[m] in _RELATIVES or self.low[m] in _TERMINAL):
                break
            m -= 1
        a = m + 1
        while a < c0 and self.low[a] in _CONJUNCTIONS:
            a += 1
        if a >= c0 or c0 - a > _SPEAKER_MAX_TOKENS:
            return None, m
        return (a, c0 - 1), m

    def content_right(self, j: int, *, obj: bool) -> tuple | None:
        """Content from token ``j`` to the end of its clause (see the module notes)."""
        s = self.tok_sent[min(j, len(self.toks) - 1)] if j < len(self.toks) else None
        if s is None or self.tok_sent[j] != self.tok_sent[j - 1]:
            return None
        last = self.last[s]
        while j <= last and self.low[j] in self.words["inserts"]:
            j += 1
        if obj and j <= last and self.low[j] in _INDIRECT_OBJECT:
            for i in range(j + 2, min(last, j + 9) + 1):
                if self.low[i] in _ARTICLES or self.low[i] in {"suo", "sua", "suoi", "sue"}:
                    j = i
                    break
        a = k = j
        while k <= last:
            low = self.low[k]
            if self.is_open(k):
                close = self.open_at[self.toks[k].start]
                k = self.tok_at.get(close, k)
                last = max(last, k)
                k += 1
                continue
            if low in _DASHES and self.toks[k].kind == "punct" and low != "-" or (
                    low == "-" and self._spaced(k)):
                break
            if low == "," and k + 1 <= last:
                nxt = k + 1
                if self.is_cue_start(nxt) or self.low[nxt] in _CONTENT_BREAKS:
                    break
                if obj and not self._gerund(nxt):
                    break
            if obj and low in _OBJECT_STOPS:
                if low == "cui" and k - 1 > a:
                    k -= 1
                break
            k += 1
        b = k - 1
        while b >= a and (self.low[b] in _TERMINAL or self.low[b] in _BOUNDARY) \
                and not self.is_close(b):
            b -= 1
        while a <= b and self.low[a] in _BOUNDARY:
            a += 1
        return (a, b) if b >= a else None

    def _spaced(self, k: int) -> bool:
        t = self.toks[k]
        return (t.start > 0 and self.text[t.start - 1].isspace()
                and t.end < len(self.text) and self.text[t.end].isspace())

    def _gerund(self, k: int) -> bool:
        w = self.low[k]
        if w in self._gerund_like:
            return False
        return w.endswith(("ando", "endo")) if self.lang == "it" else w.endswith("ing")

    def clause_start(self, s: int, frames_at: dict) -> int:
        """First content token of sentence ``s``, after a leading ``Secondo X,``."""
        k = self.first[s]
        if k in frames_at:
            _, end, _ = frames_at[k]
            last = self.last[s]
            j = end + 1
            while j <= last and self.low[j] != ",":
                j += 1
            if j < last:
                return j + 1
        return k

    def left_content(self, a: int, b: int):
        """Content tokens ``a..b`` before a cue: ``("direct", chars)`` or ``("text", chars)``."""
        while b >= a and self.low[b] in _BOUNDARY and not self.is_close(b):
            b -= 1
        while a <= b and self.low[a] in _BOUNDARY:
            a += 1
        if b < a:
            return None
        end_tok = b
        if self.is_close(end_tok):
            o = self.close_at[self.toks[end_tok].start]
            if o <= self.toks[a].start:
                return "direct", self._inner(o, self.toks[end_tok].start)
        start = self.toks[a].start
        pair = self.enclosing_pair(start)
        if pair is not None and pair[0] < self.spans[self.tok_sent[a]][0]:
            start = pair[0]
        return "text", (start, self.toks[b].end)

    def _inner(self, o: int, c: int) -> tuple:
        a, b = o + 1, c
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and (self.text[b - 1].isspace() or self.text[b - 1] in ",;:"):
            b -= 1
        return a, b

    def quote_right(self, j: int):
        """A quotation opening at token ``j`` (after an optional colon)."""
        last = self.last[self.tok_sent[j - 1]]
        if j <= last and self.low[j] == ":":
            j += 1
        if j <= len(self.toks) - 1 and j <= last + 1 and self.is_open(j):
            o = self.toks[j].start
            return self._inner(o, self.open_at[o])
        return None

    def find_che(self, j: int) -> int | None:
        last = self.last[self.tok_sent[j - 1]]
        for k in range(j, min(last, j + _CHE_WINDOW) + 1):
            if self.low[k] in ("che", "that"):
                return k
            if (self.low[k] in _BOUNDARY or self.is_open(k) or self.low[k] in _TERMINAL):
                return None
        return None

    def ends_clause_after(self, j: int) -> bool:
        """True when nothing but time words and a place follows a cue (``ha detto sabato``)."""
        last = self.last[self.tok_sent[j - 1]]
        while j <= last and (self.low[j] in self.words["skip_after_cue"]
                             or self.low[j] in _LISTENERS):
            j += 1
        return (j > last or self.low[j] in _BOUNDARY or self.low[j] in _TERMINAL
                or self.low[j] in self.words["speaker_stops"])


# Union used by the verb and ``secondo`` tests (the reference builds it on every call).
_ARTICLE_LIKE = _ARTICLES | _ARTICLED_PREPS
_KIND = itemgetter(2)  # the kind of a (start, end, kind) token


class _Tables:
    """What the fast :class:`_Doc` needs from a lexicon for one language, built once per
    :func:`quotes` call: frames by first word, and every word that can start a cue."""

    def __init__(self, lex: Lexicon, lang: str):
        self.frames_by_first: dict = {}
        for frame in lex.frames[lang]:
            self.frames_by_first.setdefault(frame.words[0], []).append(frame)
        w = lex.words[lang]
        self.aux, self.inserts = w["auxiliaries"], w["inserts"]
        self.forms, self.participles = lex.forms[lang], lex.participles[lang]
        self.gerunds = lex.gerunds[lang]
        self.starters = frozenset(self.frames_by_first) | self.aux | frozenset(
            self.forms) | frozenset(self.gerunds)


# The characters normalize() changes (tests/test_quotes_speed.py checks this against
# normalize itself, code point by code point).
_NORMALIZED_CHARS = re.compile("[" + re.escape(APOSTROPHES + SPACES + HYPHENS + NEWLINES) + "]")


def _lower_tokens(text: str, toks) -> list[str]:
    """``[normalize(text)[a:b].lower() for a, b, _ in toks]``, the words the patterns
    read, from one lowered and normalised copy of the text.

    Exact because :func:`analysis.normalize.normalize` maps each character on its own
    to one character (so replacing each character it changes by ``normalize`` of that
    character normalises the text; none of them, nor what they become, has a case),
    and :meth:`str.lower` maps each character on its own too, except capital sigma
    (final or not, by its neighbours) and the characters that lower to two (``İ``):
    without either, a slice of the lowered text is the lowered slice.
    """
    lowered = text.lower()
    if len(lowered) != len(text) or "\u03a3" in text:
        norm = normalize(text)
        return [norm[a:b].lower() for a, b, _ in toks]
    for ch in set(_NORMALIZED_CHARS.findall(text)):
        lowered = lowered.replace(ch, normalize(ch))
    return [lowered[a:b] for a, b, _ in toks]


class _Doc(_ReferenceDoc):
    """The fast document: the same attributes and answers as :class:`_ReferenceDoc`.

    Why it is exact: tokens and sentence indices come from one
    :func:`analysis.tokens.scan_sentences` (the tokens of ``scan`` and the sentence of
    each, as ``sentence_spans`` gives them); sentence spans, first and last tokens
    are read off the sentence indices; token lookups by offset are needed only at
    quotation marks; "inside a quote" is a bisect over the outermost pairs
    (``o < start < c``, as the reference marks it); and :meth:`find_cues` visits only
    the tokens whose word can start a cue, since at any other token the reference
    loop does nothing but step on.
    """

    def __init__(self, text: str, lang: str, doc_id, lex: Lexicon, tables: _Tables):
        self.text = text
        self.lang = lang
        self.lex = lex
        self.words = lex.words[lang]
        self._tables = tables
        toks, ids = scan_sentences(text, lang)
        self.toks = toks
        self.tok_sent = ids
        self.low = low = _lower_tokens(text, toks)
        n = len(toks)
        n_sent = ids[-1] + 1 if n else 0
        first = [bisect.bisect_left(ids, s) for s in range(n_sent)]
        last = [k - 1 for k in first[1:]]
        if n:
            last.append(n - 1)
        self.first, self.last = first, last
        self.spans = [(toks[a][0], toks[b][1]) for a, b in zip(first, last)]
        self.pairs = _quote_pairs(text, doc_id)
        self.open_at = {o: c for o, c in self.pairs}
        self.close_at = {c: o for o, c in self.pairs}
        self._pair_starts = [o for o, _ in self.pairs]
        # token index by offset: the patterns look up only quotation marks (the
        # reference maps every token start)
        tok_at = {}
        for o, c in self.pairs:
            for pos in (o, c):
                i = bisect.bisect_left(toks, (pos,))
                if i < n and toks[i][0] == pos:
                    tok_at[pos] = i
        self.tok_at = tok_at
        self._frames_by_first = tables.frames_by_first
        starters = tables.starters
        self._candidates = list(compress(range(n), map(starters.__contains__, low)))

    # Tokens are (start, end, kind) tuples in text order, so a bisect with ``(pos,)``
    # (smaller than any token starting at pos) finds the first token starting at or
    # after pos, without a separate list of starts.
    def first_token_from(self, pos: int) -> int:
        return bisect.bisect_left(self.toks, (pos,))

    def inside_quote(self, k: int) -> bool:
        pos = self.toks[k][0]
        i = bisect.bisect_right(self._pair_starts, pos) - 1
        return i >= 0 and self.pairs[i][0] < pos < self.pairs[i][1]

    def count_words(self, a: int, b: int) -> int:
        """Words and numbers inside ``[a, b)`` (the reference walks from ``a`` to the first
        token ending after ``b``; token ends increase, so that is a slice)."""
        toks = self.toks
        i = bisect.bisect_left(toks, (a,))
        j = bisect.bisect_left(toks, (b,), i)
        if j > i and toks[j - 1][1] > b:
            j -= 1
        return sum(map(_WORD_KINDS.__contains__, map(_KIND, toks[i:j])))

    def find_cues(self):
        """Return frames and verb cues as ``(kind, first_token, last_token, entry)``."""
        tb, low, toks, tok_sent = self._tables, self.low, self.toks, self.tok_sent
        aux, inserts, forms = tb.aux, tb.inserts, tb.forms
        participles, gerunds = tb.participles, tb.gerunds
        frame_words = tb.frames_by_first
        found = []
        n = len(toks)
        resume = 0  # the reference loop jumps over a matched frame or verb group
        for k in self._candidates:
            if k < resume or toks[k][2] == "punct" or self.inside_quote(k):
                continue
            frame = self._match_frame(k) if low[k] in frame_words else None
            if frame is not None:
                end = k + len(frame.words) - 1
                found.append(("frame", k, end, frame))
                resume = end + 1
                continue
            w = low[k]
            if w in aux:
                j = k + 1
                while j < n and j - k <= 3 and low[j] in inserts:
                    j += 1
                if j < n and tok_sent[j] == tok_sent[k]:
                    cue = participles.get(low[j]) or forms.get(low[j])
                    if cue is not None:
                        found.append(("verb", k, j, cue))
                        resume = j + 1
                        continue
            cue = forms.get(w)
            gerund = gerunds.get(w)
            if (cue or gerund) and self._verb_like(k):
                found.append(("gerund" if gerund else "verb", k, k, gerund or cue))
        self._cue_starts = {f[1] for f in found}
        self._gerund_like = gerunds
        return found

    def _verb_like(self, k: int) -> bool:
        first = self.first[self.tok_sent[k]]
        if k > first and not self.text[self.toks[k][0]].islower():
            return False
        return not (k > first and self.low[k - 1] in _ARTICLE_LIKE)

    def _secondo_is_frame(self, k: int) -> bool:
        s = self.tok_sent[k]
        if k > self.first[s] and self.low[k - 1] in _ARTICLE_LIKE:
            return False
        if k + 1 > self.last[s]:
            return False
        nxt = self.low[k + 1]
        return (nxt in _ARTICLES or nxt.endswith("'") or nxt in _SECONDO_NEXT
                or self.text[self.toks[k + 1][0]].isupper())


def _doc_statements(text: str, lang: str, doc_id, lex: Lexicon, window: int,
                    tables: _Tables | None = None):
    """Statements of one document, and the document's tokens and sentences (the fast
    :class:`_Doc` when given the lexicon ``tables``, else the reference one)."""
    if tables is None:
        d = _ReferenceDoc(text, lang, doc_id, lex)
    else:
        d = _Doc(text, lang, doc_id, lex, tables)
    cues = d.find_cues()
    frames_at = {c[1]: (c[0], c[2], c[3]) for c in cues if c[0] == "frame"}
    out: list[_Statement] = []
    used_quotes: set = set()
    for kind, c0, c1, entry in cues:
        s = d.tok_sent[c0]
        first, last = d.first[s], d.last[s]
        cue_chars = d.chars(c0, c1)
        st = None
        if kind == "frame":
            st = _frame_statement(d, c0, c1, entry, frames_at)
        elif kind == "gerund":
            che = d.find_che(c1 + 1) if c1 < last else None
            content = None
            if che is not None:
                content = d.content_right(che + 1, obj=False)
            elif entry.object and c1 < last:
                content = d.content_right(c1 + 1, obj=True)
            if content is not None:
                prev = [x for x in out if x.sent == s and x.speaker is not None
                        and x.kind != "according_to"]
                st = _Statement(_verb_kind(entry), d.chars(*content), rule="gerund",
                                speaker=prev[-1].speaker if prev else None)
                if prev:
                    st.canonical = prev[-1].canonical
                    st.speaker_rule = "clause_subject"
        else:
            st = _verb_statement(d, c0, c1, entry, frames_at)
        if st is None:
            continue
        st.cue, st.sent, st.anchor = cue_chars, s, cue_chars[0]
        st.lemma = entry.lemma if kind != "frame" else " ".join(entry.words)
        st.connotation = entry.connotation
        if st.kind == "direct":
            used_quotes.add(st.content)
        out.append(st)
    out.extend(_quote_statements(d, out, used_quotes, window))
    _inherit_speakers(out, window)
    out.sort(key=lambda x: (x.sent, x.anchor, KINDS.index(x.kind), x.content))
    return out, d


def _verb_kind(entry: _Cue) -> str:
    return "reported_by" if entry.kind == "reported_by" else "indirect"


def _verb_statement(d: _Doc, c0: int, c1: int, entry: _Cue, frames_at) -> _Statement | None:
    s = d.tok_sent[c0]
    first, last = d.first[s], d.last[s]
    p = c0 - 1
    if p >= first and (d.low[p] == "," or d.is_close(p)):
        # postposed cue: "<content>, ha detto X" / "«...» ha detto X"
        speaker = d.np_after(c1 + 1, skip=True) if c1 < last else None
        end = p if d.is_close(p) else p - 1
        left = d.left_content(d.clause_start(s, frames_at), end)
        if left is None:
            return None
        how, content = left
        kind = "direct" if how == "direct" else _verb_kind(entry)
        return _Statement(kind, content, speaker=_tok_chars(d, speaker), rule="postposed")
    speaker, boundary = d.np_before(c0)
    speaker_chars = _tok_chars(d, speaker)
    j = c1 + 1
    if j <= last:
        quote = d.quote_right(j)
        if quote is not None:
            return _Statement("direct", quote, speaker=speaker_chars, rule="quote_after_cue")
        che = d.find_che(j)
        if che is not None:
            content = d.content_right(che + 1, obj=False) if che < last else None
            if content is not None:
                return _Statement(_verb_kind(entry), d.chars(*content), speaker=speaker_chars,
                                  rule="that_clause")
        if d.low[j] == ":" and j < last:
            content = d.content_right(j + 1, obj=False)
            if content is not None:
                return _Statement(_verb_kind(entry), d.chars(*content), speaker=speaker_chars,
                                  rule="colon")
        if entry.object and not d.ends_clause_after(j):
            content = d.content_right(j, obj=True)
            if content is not None:
                return _Statement(_verb_kind(entry), d.chars(*content), speaker=speaker_chars,
                                  rule="object")
    if (speaker is not None and boundary >= first
            and (d.low[boundary] == "," or d.is_close(boundary))
            and (j > last or d.ends_clause_after(j))):
        end = boundary if d.is_close(boundary) else boundary - 1
        left = d.left_content(d.clause_start(s, frames_at), end)
        if left is not None:
            how, content = left
            kind = "direct" if how == "direct" else _verb_kind(entry)
            return _Statement(kind, content, speaker=speaker_chars, rule="content_before_speaker")
    return None


def _frame_statement(d: _Doc, c0: int, c1: int, frame: _Frame, frames_at) -> _Statement | None:
    s = d.tok_sent[c0]
    first, last = d.first[s], d.last[s]
    speaker = d.np_after(c1 + 1, skip=False) if (frame.speaker and c1 < last) else None
    if frame.speaker and speaker is None:
        return None
    after = (speaker[1] + 1) if speaker else c1 + 1
    p = c0 - 1
    content = None
    rule = "according_to"
    if p >= first and d.low[p] == ",":
        left = d.left_content(d.clause_start(s, frames_at), p - 1)
        content = left[1] if left else None
        rule = "according_to_after"
    elif after <= last and d.low[after] == ",":
        right = d.content_right(after + 1, obj=False)
        content = d.chars(*right) if right else None
        rule = "according_to_before"
    else:
        if c0 > first:
            left = d.left_content(first, c0 - 1)
            content = left[1] if left else None
        if content is None and after <= last:
            right = d.content_right(after, obj=False)
            content = d.chars(*right) if right else None
        if not frame.speaker and c0 > first and after <= last:
            right = d.content_right(after, obj=False)
            if right is not None:
                content = (d.toks[first].start, d.toks[right[1]].end)
    if content is None:
        return None
    st = _Statement("according_to", content, speaker=_tok_chars(d, speaker), rule=rule)
    if not frame.speaker:
        st.speaker_rule = "unattributed"
        st.canonical = UNATTRIBUTED
    return st


def _tok_chars(d: _Doc, span) -> tuple | None:
    return None if span is None else d.chars(*span)


def _quote_statements(d: _Doc, found: list[_Statement], used: set, window: int):
    out = []
    statements = sorted(found, key=lambda x: x.content[1] - x.content[0])
    for o, c in d.pairs:
        inner = d._inner(o, c)
        if inner in used or inner[0] >= inner[1]:
            continue
        k = d.tok_at.get(o)
        if k is None:
            continue
        s = d.tok_sent[k]
        st = _Statement("partial_quote", inner, sent=s, anchor=inner[0], rule="partial_quote")
        host = next((x for x in statements if x.content[0] <= o and c < x.content[1]
                     and x.speaker_rule != "unattributed"), None)
        k_close = d.tok_at.get(c, k)
        whole = (k == d.first[s] and (k_close >= d.last[d.tok_sent[k_close]] - 1))
        if host is not None:
            st.speaker, st.canonical = host.speaker, host.canonical
            st.speaker_rule = "host_statement"
        elif whole:
            st.kind, st.rule, st.speaker = "direct", "standalone_quote", None
        else:
            src = [x for x in found if x.kind in ("according_to", "reported_by")
                   and x.speaker is not None and s - window <= x.sent <= s and x.anchor < o]
            if src:
                st.speaker, st.canonical = src[-1].speaker, src[-1].canonical
                st.speaker_rule = "last_source"
            else:
                st.speaker_rule = "unattributed"
                st.canonical = UNATTRIBUTED
        out.append(st)
    return out


def _inherit_speakers(statements: list[_Statement], window: int) -> None:
    ordered = sorted(statements, key=lambda x: (x.sent, x.anchor))
    previous = None
    for st in ordered:
        if st.speaker is None and st.speaker_rule not in ("unattributed",):
            if previous is not None and st.sent - previous.sent <= window:
                st.speaker, st.canonical = previous.speaker, previous.canonical
                st.speaker_rule = "previous_statement"
            else:
                st.speaker_rule = "unattributed"
                st.canonical = UNATTRIBUTED
        if st.speaker is not None and st.kind != "partial_quote":
            previous = st


# --------------------------------------------------------------------------------------
# Canonical speakers
# --------------------------------------------------------------------------------------


def _span_tokens(doc: _Doc, a: int, b: int):
    """The document's tokens inside ``[a, b)`` as ``(start, end, kind)``."""
    i = doc.first_token_from(a)
    out = []
    while i < len(doc.toks) and doc.toks[i].end <= b:
        t = doc.toks[i]
        out.append((t.start, t.end, t.kind))
        i += 1
    return out


def _strip_article(text, toks):
    k = 0
    while k < len(toks) and normalize(text[toks[k][0] : toks[k][1]]).lower() in _ARTICLES:
        k += 1
    return toks[k:]


def _capital_runs(text, toks):
    runs, cur = [], []
    for i, (a, b, kind) in enumerate(toks):
        word = text[a:b]
        low = normalize(word).lower()
        if kind != "punct" and word[:1].isupper():
            cur.append(i)
        elif cur and low in _NAME_PARTICLES and i + 1 < len(toks) \
                and text[toks[i + 1][0]].isupper():
            cur.append(i)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _fallback_canonical(doc: _Doc, span: tuple) -> str:
    text = doc.text
    toks = _strip_article(text, _span_tokens(doc, *span))
    if not toks:
        return text[span[0] : span[1]]
    if text[toks[0][0]].isupper():
        return text[toks[0][0] : toks[-1][1]]
    runs = []
    for run in _capital_runs(text, toks):
        i = run[0]
        before = normalize(text[toks[i - 1][0] : toks[i - 1][1]]).lower() if i > 0 else ""
        if before not in _MODIFIER_PREPS:
            runs.append(run)
    if runs:
        run = runs[-1]
        return text[toks[run[0]][0] : toks[run[-1]][1]]
    return text[toks[0][0] : toks[-1][1]]


def _anaphor_canonical(doc: _Doc, sent_span: tuple, speaker: tuple,
                       doc_mentions) -> str | None:
    d_text = doc.text
    a = sent_span[0]
    if doc_mentions is not None:
        before = doc_mentions[(doc_mentions["start"] >= a) & (doc_mentions["end"] <= speaker[0])]
        if len(before):
            return str(before.sort_values(["start", "end"]).iloc[0]["canonical"])
    toks = _span_tokens(doc, a, speaker[0])
    for run in _capital_runs(d_text, toks):
        if run[0] == 0:
            continue
        return d_text[toks[run[0]][0] : toks[run[-1]][1]]
    return None


def _is_conjunction(gap: str) -> bool:
    """True for the words between two coordinated names: "e", ", la", "and the"."""
    words = normalize(gap).lower().replace(",", " , ").split()
    return bool(words) and any(w in {"e", "ed", "and", ",", "&"} for w in words) and all(
        w in {"e", "ed", "and", ",", "&"} or w in _ARTICLES for w in words)


def _mention_canonical(text: str, lang: str, span: tuple, doc_mentions) -> str | None:
    a, b = span
    hits = doc_mentions[(doc_mentions["start"] < b) & (doc_mentions["end"] > a)]
    if not len(hits):
        return None
    heads = []
    for m in hits.sort_values(["start", "end"]).itertuples(index=False):
        before = text[max(a, m.start - 8) : m.start].split()
        prev = normalize(before[-1]).lower() if before and m.start > a else ""
        if prev.endswith("'") and m.start > a and text[m.start - 1] in "'’":
            prev = normalize(text[: m.start].split()[-1]).lower() if text[: m.start].split() else ""
        if prev in _MODIFIER_PREPS:
            continue
        heads.append(m)
    if not heads:
        return None
    if len(heads) > 1:
        joined = all(_is_conjunction(text[x.end : y.start]) for x, y in zip(heads, heads[1:]))
        if joined:
            names = []
            for m in heads:
                if str(m.canonical) not in names:
                    names.append(str(m.canonical))
            return " + ".join(names)
    best = max(heads, key=lambda m: (min(b, m.end) - max(a, m.start), -m.start))
    return str(best.canonical)


def _assign_canonical(statements, doc: _Doc, doc_mentions, anaphors) -> None:
    text, lang, spans = doc.text, doc.lang, doc.spans
    for st in statements:
        if st.canonical is not None or st.speaker is None:
            continue
        span_text = normalize(text[st.speaker[0] : st.speaker[1]]).lower()
        if span_text in anaphors:
            st.canonical = _anaphor_canonical(doc, spans[st.sent], st.speaker, doc_mentions)
            if st.canonical is not None:
                st.speaker_rule = "anaphor"
                continue
        if doc_mentions is not None:
            st.canonical = _mention_canonical(text, lang, st.speaker, doc_mentions)
        if st.canonical is None:
            st.canonical = _fallback_canonical(doc, st.speaker)
    if doc_mentions is None:  # one-word names take the longer name of the document
        names = {st.canonical for st in statements if st.canonical}
        for st in statements:
            name = st.canonical
            if name and " " not in name and name != UNATTRIBUTED:
                longer = sorted(n for n in names if n != name and " " in n
                                and (n.split()[-1] == name or n.split()[0] == name))
                if len(longer) == 1:
                    st.canonical = longer[0]
    # statements that copied a speaker copy its final canonical
    by_span = {}
    for st in statements:
        if st.speaker is not None and st.speaker_rule in ("explicit", "anaphor"):
            by_span.setdefault(st.speaker, st.canonical)
    for st in statements:
        if st.speaker is not None and st.speaker in by_span:
            st.canonical = by_span[st.speaker]


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------


def _check_docs(docs) -> None:
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be a pandas DataFrame (the table from load_corpus), "
                        f"not {type(docs).__name__}")
    missing = [c for c in ("doc_id", "text") if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass the table from load_corpus")


def _check_mentions(mentions) -> pd.DataFrame | None:
    if mentions is None:
        return None
    if not isinstance(mentions, pd.DataFrame):
        raise TypeError(f"mentions must be a DataFrame (the table from analysis.entities), "
                        f"not {type(mentions).__name__}")
    missing = [c for c in ("doc_id", "start", "end", "canonical") if c not in mentions.columns]
    if missing:
        raise ValueError(f"mentions is missing column(s) {missing}; pass the mentions table "
                         "from analysis.entities (doc_id, start, end, canonical, ...)")
    return mentions


def quotes(
    docs: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    lexicon: str | Path | Lexicon | None = None,
    window: int = 2,
) -> pd.DataFrame:
    """Find every attributed statement: quotes, reported speech, according-to.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`): ``doc_id`` and ``text``;
        ``source`` and ``lang`` are used when present (else ``""`` and ``"it"``).
    mentions : pandas.DataFrame, optional
        The entity layer's mentions table (at least ``doc_id, start, end,
        canonical``); when given, ``speaker_canonical`` is the canonical name of the
        mention overlapping the speaker (see the module notes).
    lexicon : str, pathlib.Path or Lexicon, optional
        Reporting cues; default the shipped ``reporting_verbs.yaml``.
    window : int, default 2
        How many sentences back a statement without a speaker (``Ha detto che``), a
        standalone quotation or a partial quote with no statement around it looks
        for its speaker.

    Returns
    -------
    pandas.DataFrame
        One row per statement, columns :data:`QUOTES_COLUMNS`: ``doc_id, source,
        sent`` (sentence of the cue, else of the opening quote mark), ``kind`` (one
        of :data:`KINDS`), ``content`` with ``content_start, content_end``,
        ``speaker`` with ``speaker_start, speaker_end`` (missing when no one is
        named; offsets may point to an earlier sentence when the speaker was
        inherited), ``speaker_canonical`` (:data:`UNATTRIBUTED` when no one),
        ``cue`` with ``cue_start, cue_end`` and its ``connotation`` (missing for
        quotes without a cue), then ``lemma`` (of the cue), ``rule`` (the pattern
        that matched), ``speaker_rule`` (explicit, clause_subject, host_statement,
        last_source, previous_statement, anaphor, unattributed), ``via`` (the
        canonical source of the smallest enclosing according-to or reported-by
        statement, ``""`` if none) and ``n_words`` (words of the content: terms
        with stopwords kept, :func:`analysis.terms`). All offsets point into
        ``docs.text``. Rows follow the documents' order, then ``sent``, the cue (or
        quote) position and :data:`KINDS` order.

    Warns
    -----
    QuotesWarning
        For an unbalanced quotation mark, naming the document; the mark is ignored.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["e"], "source": ["Wire"], "lang": ["en"],
    ...     "text": ['"We exchanged views," Lavrov said. Pyongyang has reportedly '
    ...              'armed Moscow, according to Seoul.']})
    >>> table = quotes(docs)
    >>> table[["kind", "speaker_canonical", "cue", "content"]].values.tolist()
    [['direct', 'Lavrov', 'said', 'We exchanged views'], \
['according_to', '(unattributed)', 'reportedly', 'Pyongyang has reportedly armed Moscow'], \
['according_to', 'Seoul', 'according to', 'Pyongyang has reportedly armed Moscow']]
    """
    lex = _check_arguments(docs, mentions, lexicon, window)
    return _statements_table(docs, mentions, lex, window, fast=True)


def _reference_quotes(docs, *, mentions=None, lexicon=None, window=2) -> pd.DataFrame:
    """The reference implementation of :func:`quotes` (kept to test the fast one)."""
    lex = _check_arguments(docs, mentions, lexicon, window)
    return _statements_table(docs, mentions, lex, window, fast=False)


def _check_arguments(docs, mentions, lexicon, window) -> Lexicon:
    _check_docs(docs)
    _check_mentions(mentions)
    lex = _resolve_lexicon(lexicon)
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise ValueError(f"window={window!r} must be a whole number >= 0")
    return lex


def _mentions_by_doc(mentions: pd.DataFrame) -> dict | None:
    """Row positions of each document's mentions, in table order, found in one pass:
    for an id that is a key, ``mentions.iloc[positions]`` is the table that
    ``mentions[mentions["doc_id"] == doc_id]`` gives (groups join equal values)."""
    try:
        return mentions.groupby("doc_id", sort=False, dropna=True).indices
    except (TypeError, ValueError):  # ids that cannot be grouped: document by document
        return None


def _doc_mentions(mentions: pd.DataFrame, by_doc: dict | None, doc_id) -> pd.DataFrame:
    """The mentions of one document; an id that is not a key of ``by_doc`` (no mentions,
    or an id that cannot be looked up) is selected as the reference does."""
    if by_doc is not None:
        try:
            positions = by_doc.get(doc_id)
        except TypeError:
            positions = None
        if positions is not None:
            return mentions.iloc[positions]
    return mentions[mentions["doc_id"] == doc_id]


def _statements_table(docs, mentions, lex: Lexicon, window: int, *, fast: bool):
    rows = []
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    sources = docs["source"] if "source" in docs.columns else pd.Series("", index=docs.index)
    tables: dict = {}
    by_doc = _mentions_by_doc(mentions) if fast and mentions is not None else None
    columns = (docs["doc_id"], sources, docs["text"], langs)
    if fast:  # the same values; iterating an Arrow-backed column converts them one by one
        columns = tuple(c.tolist() for c in columns)
    codes: dict = {}  # check_lang of each lang value seen (it is pure)
    for doc_id, source, text, lang in zip(*columns):
        code = codes.get(lang) if fast and isinstance(lang, str) else None
        if code is None:
            code = check_lang(lang, argument=f"lang of document {doc_id!r}")
            if fast and isinstance(lang, str):
                codes[lang] = code
        lang = code
        if not isinstance(text, str):
            raise TypeError(f"text of document {doc_id!r} must be a str, "
                            f"not {type(text).__name__}")
        if fast:
            if lang not in tables:
                tables[lang] = _Tables(lex, lang)
            statements, doc = _doc_statements(text, lang, doc_id, lex, window, tables[lang])
        else:
            statements, doc = _doc_statements(text, lang, doc_id, lex, window)
        doc_mentions = None
        if mentions is not None:
            if fast:
                doc_mentions = _doc_mentions(mentions, by_doc, doc_id)
            else:
                doc_mentions = mentions[mentions["doc_id"] == doc_id]
        _assign_canonical(statements, doc, doc_mentions, lex.words[lang]["anaphors"])
        vias = _vias(statements)
        for st, via in zip(statements, vias):
            a, b = st.content
            rows.append({
                "doc_id": doc_id, "source": source, "sent": st.sent, "kind": st.kind,
                "content": text[a:b], "content_start": a, "content_end": b,
                "speaker": text[st.speaker[0] : st.speaker[1]] if st.speaker else None,
                "speaker_start": st.speaker[0] if st.speaker else pd.NA,
                "speaker_end": st.speaker[1] if st.speaker else pd.NA,
                "speaker_canonical": st.canonical or UNATTRIBUTED,
                "cue": text[st.cue[0] : st.cue[1]] if st.cue else None,
                "cue_start": st.cue[0] if st.cue else pd.NA,
                "cue_end": st.cue[1] if st.cue else pd.NA,
                "connotation": st.connotation, "lemma": st.lemma, "rule": st.rule,
                "speaker_rule": st.speaker_rule, "via": via,
                "n_words": doc.count_words(a, b),
            })
    table = pd.DataFrame(rows, columns=QUOTES_COLUMNS)
    return table.astype({"sent": "int64", "content_start": "int64", "content_end": "int64",
                         "speaker_start": "Int64", "speaker_end": "Int64",
                         "cue_start": "Int64", "cue_end": "Int64", "n_words": "int64"})


def _vias(statements) -> list[str]:
    out = []
    for st in statements:
        hosts = [x for x in statements if x is not st
                 and x.kind in ("according_to", "reported_by")
                 and x.content[0] <= st.content[0] and st.content[1] <= x.content[1]
                 and (x.content != st.content)]
        if hosts:
            host = min(hosts, key=lambda x: x.content[1] - x.content[0])
            out.append(host.canonical or UNATTRIBUTED)
        else:
            out.append("")
    return out


def voices(
    statements: pd.DataFrame,
    *,
    by: str = "source",
    docs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of voice: who is given voice in each group, in statements and in words.

    Parameters
    ----------
    statements : pandas.DataFrame
        The table from :func:`quotes`.
    by : str, default "source"
        Grouping column: a column of ``statements``, or of ``docs`` (joined on
        ``doc_id``) when ``docs`` is given.
    docs : pandas.DataFrame, optional
        The docs table, needed only when ``by`` is not a statements column.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`VOICES_COLUMNS`, one row per group and canonical speaker:

        * ``n_statements``: rows of kind direct, indirect, according_to or
          reported_by (partial quotes are part of another statement);
        * ``n_quoted_words``: words inside quotation marks (direct and partial
          quotes), counted as :func:`analysis.terms` with stopwords kept (every
          word and number, no punctuation);
        * ``share_statements``, ``share_quoted_words``: fractions of the group's
          totals (0 when the group has none);
        * ``n_content_words``: words of the content of the speaker's statements;
          nested statements are counted at each level (``Secondo la KCNA, Kim ha
          detto che ...`` credits both), so these do not add up to the text;
        * ``n_groups``, ``only_in_one_group``: in how many groups the speaker has a
          row, and whether that is one.

        Sorted by group, then ``n_statements`` and ``n_quoted_words`` descending,
        then speaker.

    Examples
    --------
    >>> st = pd.DataFrame({"doc_id": ["a", "a", "b"], "source": ["X", "X", "Y"],
    ...     "kind": ["direct", "indirect", "partial_quote"],
    ...     "speaker_canonical": ["Tass", "KCNA", "Tass"], "n_words": [4, 6, 2]})
    >>> voices(st)[["group", "speaker", "n_statements", "n_quoted_words",
    ...             "share_statements", "only_in_one_group"]].values.tolist()
    [['X', 'Tass', 1, 4, 0.5, False], ['X', 'KCNA', 1, 0, 0.5, True], \
['Y', 'Tass', 0, 2, 0.0, False]]
    """
    if not isinstance(statements, pd.DataFrame):
        raise TypeError("statements must be the DataFrame returned by quotes()")
    needed = ["doc_id", "kind", "speaker_canonical", "n_words"]
    missing = [c for c in needed if c not in statements.columns]
    if missing:
        raise ValueError(f"statements is missing column(s) {missing}; pass the table from quotes()")
    table = statements
    if by not in table.columns:
        if docs is None or by not in docs.columns:
            raise ValueError(f"by={by!r} is not a column of statements; pass docs= with that "
                             "column, or use a statements column such as 'source' or 'doc_id'")
        table = table.merge(docs[["doc_id", by]].drop_duplicates("doc_id"), on="doc_id",
                            how="left")
    frame = pd.DataFrame({
        "group": table[by].astype(str).to_numpy(),
        "speaker": table["speaker_canonical"].fillna(UNATTRIBUTED).astype(str).to_numpy(),
        "is_statement": table["kind"].isin(_STATEMENT_KINDS).to_numpy(),
        "is_quoted": table["kind"].isin(_QUOTED_KINDS).to_numpy(),
        "n_words": table["n_words"].astype("int64").to_numpy(),
    })
    frame["statement"] = frame["is_statement"].astype("int64")
    frame["quoted_words"] = frame["n_words"].where(frame["is_quoted"], 0)
    frame["content_words"] = frame["n_words"].where(frame["is_statement"], 0)
    out = (frame.groupby(["group", "speaker"], sort=True)
           .agg(n_statements=("statement", "sum"), n_quoted_words=("quoted_words", "sum"),
                n_content_words=("content_words", "sum"))
           .reset_index())
    totals = out.groupby("group")[["n_statements", "n_quoted_words"]].transform("sum")
    out["share_statements"] = (out["n_statements"] / totals["n_statements"].where(
        totals["n_statements"] > 0, 1)).astype(float)
    out["share_quoted_words"] = (out["n_quoted_words"] / totals["n_quoted_words"].where(
        totals["n_quoted_words"] > 0, 1)).astype(float)
    out["n_groups"] = out.groupby("speaker")["group"].transform("nunique").astype("int64")
    out["only_in_one_group"] = out["n_groups"] == 1
    out = out.sort_values(["group", "n_statements", "n_quoted_words", "speaker"],
                          ascending=[True, False, False, True], kind="stable")
    out = out.astype({"n_statements": "int64", "n_quoted_words": "int64",
                      "n_content_words": "int64"})
    return out[VOICES_COLUMNS].reset_index(drop=True)


def _spans_overlap(a0, a1, b0, b1) -> bool:
    if pd.isna(a0) or pd.isna(b0):
        return False
    return int(a0) < int(b1) and int(b0) < int(a1)


def _iou(a0, a1, b0, b1) -> float:
    inter = max(0, min(a1, b1) - max(a0, b0))
    union = max(a1, b1) - min(a0, b0)
    return inter / union if union else 0.0


def evaluate_quotes(predicted: pd.DataFrame, gold: pd.DataFrame, *,
                    min_content_overlap: float = 0.5) -> pd.DataFrame:
    """Precision and recall of statements, kinds, speakers and contents against gold.

    A predicted row matches a gold row of the same document when their cue spans
    overlap, or, for rows without a cue (partial quotes), their content spans
    overlap; matching is one to one, in gold order. At each level a matched pair
    is correct when: ``statements`` always; ``kind`` the kinds are equal;
    ``speaker`` the speaker spans overlap, or both have none; ``content`` the
    content spans overlap by at least ``min_content_overlap`` (intersection over
    union of characters).

    Parameters
    ----------
    predicted, gold : pandas.DataFrame
        Tables with the columns of :func:`quotes` (at least ``doc_id, kind,
        content_start, content_end, speaker_start, speaker_end, cue_start,
        cue_end``); ``tests/gold/quotes_seeds.csv`` is the gold for the seeds.
    min_content_overlap : float, default 0.5

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EVALUATION_COLUMNS`, one row per level in the order
        statements, kind, speaker, content; ``precision = n_correct /
        n_predicted``, ``recall = n_correct / n_gold``, ``f1`` their harmonic mean.

    Examples
    --------
    >>> g = pd.DataFrame({"doc_id": ["a"], "kind": ["direct"], "content_start": [1],
    ...     "content_end": [9], "speaker_start": [12], "speaker_end": [18],
    ...     "cue_start": [20], "cue_end": [28]})
    >>> p = g.assign(kind="indirect")
    >>> evaluate_quotes(p, g)[["level", "precision", "recall"]].values.tolist()
    [['statements', 1.0, 1.0], ['kind', 0.0, 0.0], ['speaker', 1.0, 1.0], \
['content', 1.0, 1.0]]
    """
    needed = ["doc_id", "kind", "content_start", "content_end", "speaker_start",
              "speaker_end", "cue_start", "cue_end"]
    for name, table in (("predicted", predicted), ("gold", gold)):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a DataFrame with the columns of quotes()")
        missing = [c for c in needed if c not in table.columns]
        if missing:
            raise ValueError(f"{name} is missing column(s) {missing}")
    correct = {"statements": 0, "kind": 0, "speaker": 0, "content": 0}
    taken: set = set()
    pred_rows = list(predicted.reset_index(drop=True).itertuples())
    for g in gold.itertuples():
        g_cue = not pd.isna(g.cue_start)
        match = None
        for p in pred_rows:
            if p.Index in taken or p.doc_id != g.doc_id:
                continue
            p_cue = not pd.isna(p.cue_start)
            if g_cue and p_cue:
                ok = _spans_overlap(p.cue_start, p.cue_end, g.cue_start, g.cue_end)
            elif not g_cue and not p_cue:
                ok = _spans_overlap(p.content_start, p.content_end, g.content_start,
                                    g.content_end)
            else:
                ok = False
            if ok:
                match = p
                break
        if match is None:
            continue
        taken.add(match.Index)
        correct["statements"] += 1
        correct["kind"] += int(match.kind == g.kind)
        both_none = pd.isna(match.speaker_start) and pd.isna(g.speaker_start)
        correct["speaker"] += int(both_none or _spans_overlap(
            match.speaker_start, match.speaker_end, g.speaker_start, g.speaker_end))
        iou = _iou(int(match.content_start), int(match.content_end), int(g.content_start),
                   int(g.content_end))
        correct["content"] += int(iou >= min_content_overlap)
    rows = []
    n_gold, n_pred = len(gold), len(predicted)
    for level, n in correct.items():
        precision = n / n_pred if n_pred else 0.0
        recall = n / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"level": level, "n_gold": n_gold, "n_predicted": n_pred, "n_correct": n,
                     "precision": round(precision, 4), "recall": round(recall, 4),
                     "f1": round(f1, 4)})
    return pd.DataFrame(rows, columns=EVALUATION_COLUMNS)
