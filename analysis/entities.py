"""Entities: who and what each source names, how it names them, how prominently.

:func:`entities` turns a docs table into a *mentions* table, one row per mention of
a person, organisation, place or news medium, with offsets into ``docs.text``, the
sentence index (as in :func:`analysis.sentence_spans`), the canonical entity it
refers to and the rule that found and named it. Later tables take the mentions
table: :func:`merge_table` (every variant -> canonical merge, for review),
:func:`entity_frequencies`, :func:`entity_salience`, :func:`cooccurrence` and
:func:`entity_labels` (the words around a name: "il leader nordcoreano").

Types
-----
``person``; ``organisation`` (institutions, ministries, parties, international
bodies); ``place`` (countries, cities, regions: geopolitical entities, also when a
country acts, "la Russia ha firmato"); ``media`` (news agencies, outlets and the
platforms statements are published on: KCNA, TASS, Telegram); ``other`` (a name
the rules found but could not type).

Finding mentions (default ``backend="rules"``, offline)
------------------------------------------------------
1. *Candidates* are runs of capitalised words (``Kim Jong Un``, hyphenated
   ``Jong-un``, acronyms ``KCNA``, dotted ``U.S.``) on the offset-preserving
   :func:`analysis.normalize.normalize` copy of the text. Name particles join two
   runs when the result starts a known name (``Corea del Nord``), after an
   institution head (``Ministero degli Affari Esteri``), before a compass word, or
   inside a personal name (``von der``). An institution head takes a lowercase
   complement (``Consiglio di sicurezza``) or is found before a capitalised
   portfolio (``ministero degli Esteri``).
2. *Rejections*: an elided article (``L'``, ``All'``) is never a name; the first
   word of a sentence (or after an opening quote) is dropped when it is a stopword,
   or when it is an ordinary word: written in lower case elsewhere in the corpus,
   or frequent in the language (``wordfreq`` Zipf frequency >= ``min_zipf``) and
   never capitalised mid-sentence in the corpus (``Secondo``, ``Nel``,
   ``Abbiamo``); a frequent word capitalised mid-sentence that the corpus also
   writes in lower case (``Paese``) is dropped too; role words in front of a name
   (``Presidente Putin``) and portfolio words after a role (``ministro degli
   Esteri``) are labels, not entities. Runs of three or more all-caps words, and
   runs of more than eight capitalised words, carry no case information: only
   gazetteer names are taken from them (rule ``uncased``).
3. *Segmentation* inside a run: the longest gazetteer name first; demonyms
   (``Russian``) are not entities; a hyphenated pair of known names
   (``Kim-Lavrov``) is split in two (``hyphen_pair``).

Canonical names
---------------
* ``name_key`` gives every name a normalised key (case, accents, hyphens and
  apostrophes, dots, ``y``/``j`` -> ``i``, doubled letters), so ``Sergei`` and
  ``Sergey``, ``Zelenskyy`` and ``Zelenskij``, ``Choe Son-hui`` and ``Choe Son
  Hui``, ``Tass`` and ``TASS`` share a key. A key found in the gazetteer
  (``analysis/resources/entities.yaml``) gives the canonical name and type;
  others are merged across the corpus under their most frequent spelling.
* A shorter name inside a document (``Lavrov``, ``Kim``) links to the unique
  fuller name of the same document that starts or ends with it
  (``partial_name``); when two fuller names fit it is left alone
  (``partial_ambiguous``).
* Metonyms (``Mosca``, ``Cremlino`` -> Russia; ``Pyongyang`` -> North Korea;
  ``Pentagono`` -> US Department of Defense) are flagged ``is_metonym``. A name
  that is also a place (``Mosca``) keeps its place reading after a place cue: a
  locative preposition directly before it (``a``, ``in``, ``nel``), a verb of
  visiting (``ha visitato Pyongyang``), or ``regione di``. Limits: the cue is
  one word, so "consegna di armi a Kiev" (to Ukraine's government) is read as the
  place, and "alleati di Mosca" as the metonym; "al Cremlino" (``al`` is also the
  dative) is a metonym.
* A generic institution (``qualify: true``, the foreign ministry) takes the
  country of a demonym or country name right after or before it:
  ``Ministero degli Esteri russo`` -> ``Ministry of Foreign Affairs (Russia)``.

``rule`` reads ``<how found>+<how named>``, e.g. ``caps+partial_name``; every
part is listed in :data:`RULES`.

Types of names the gazetteer does not know come from cues around their mentions,
pooled over the corpus: a role word before it (person), a place cue (place), an
institution head inside it (organisation), an acronym (organisation).

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["S"], "lang": ["it"],
...     "text": ["Secondo la Tass, Sergei Lavrov ha visto Kim Jong-un. Lavrov è partito."]})
>>> entities(docs)[["sent", "text", "canonical", "type", "rule"]].values.tolist()
[[0, 'Tass', 'TASS', 'media', 'caps+gazetteer'], [0, 'Sergei Lavrov', 'Sergey Lavrov', 'person', 'caps+gazetteer_key'], [0, 'Kim Jong-un', 'Kim Jong Un', 'person', 'caps+gazetteer'], [1, 'Lavrov', 'Sergey Lavrov', 'person', 'caps+partial_name']]
"""

from __future__ import annotations

import gc
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import regex
import yaml

from .langs import check_lang
from .normalize import APOSTROPHES, HYPHENS, NEWLINES, SPACES, normalize
from .resources import resource_path
from .tokens import _arrow_split, sentence_spans, stopwords, token_spans

__all__ = [
    "ENTITY_TYPES",
    "MENTIONS_COLUMNS",
    "MERGE_COLUMNS",
    "FREQUENCY_COLUMNS",
    "SALIENCE_COLUMNS",
    "COOCCURRENCE_COLUMNS",
    "LABELS_COLUMNS",
    "LABEL_SUMMARY_COLUMNS",
    "EVALUATION_COLUMNS",
    "DIFFERENCE_COLUMNS",
    "RULES",
    "Gazetteer",
    "load_gazetteer",
    "name_key",
    "entities",
    "merge_table",
    "entity_frequencies",
    "entity_salience",
    "cooccurrence",
    "entity_labels",
    "evaluate_mentions",
    "mention_differences",
]

#: Entity types, in the order used for tie-breaks.
ENTITY_TYPES = ("person", "organisation", "place", "media", "other")

#: Columns of :func:`entities`.
MENTIONS_COLUMNS = ["doc_id", "source", "sent", "start", "end", "text", "canonical",
                    "type", "rule", "is_metonym", "key"]
#: Columns of :func:`merge_table`.
MERGE_COLUMNS = ["canonical", "type", "variant", "key", "rule", "mentions", "documents",
                 "sources"]
#: Columns of :func:`entity_frequencies`.
FREQUENCY_COLUMNS = ["group", "canonical", "type", "mentions", "documents", "per_1k",
                     "share", "metonym_mentions", "n_terms"]
#: Columns of :func:`entity_salience`.
SALIENCE_COLUMNS = ["doc_id", "source", "canonical", "type", "mentions", "n_sentences",
                    "first_sent", "first_start", "first_fraction", "in_first_sentence",
                    "in_headline", "n_doc_sentences"]
#: Columns of :func:`cooccurrence`.
COOCCURRENCE_COLUMNS = ["group", "entity_a", "entity_b", "sentences", "documents",
                        "first_doc_id", "first_sent"]
#: Columns of :func:`entity_labels`.
LABELS_COLUMNS = ["doc_id", "source", "sent", "start", "end", "canonical", "side",
                  "label", "label_start", "label_end"]
#: Columns of :func:`entity_labels` with ``aggregate=True``.
LABEL_SUMMARY_COLUMNS = ["group", "canonical", "label", "n", "first_doc_id",
                         "first_label_start"]
#: Columns of :func:`evaluate_mentions`.
EVALUATION_COLUMNS = ["criterion", "true_positives", "predicted", "gold", "precision",
                      "recall", "f1"]
#: Columns of :func:`mention_differences`.
DIFFERENCE_COLUMNS = ["doc_id", "start", "end", "text", "problem", "predicted", "gold"]

#: The parts of the ``rule`` column: ``<how found>+<how named>``.
RULES = {
    # how found
    "caps": "a run of capitalised words",
    "acronym": "an all-caps word of two or more letters",
    "org_head": "an institution head with a lowercase part (ministero degli Esteri)",
    "hyphen_pair": "one half of a hyphenated pair of names (Kim-Lavrov)",
    "uncased": "a gazetteer name inside all-caps or very long capitalised text",
    "spacy": "an entity of the spaCy pipeline passed as nlp=",
    # how named
    "gazetteer": "written as the gazetteer lists it",
    "gazetteer_key": "same normalised key as a gazetteer name (Sergei -> Sergey)",
    "alias": "listed in the aliases= mapping",
    "metonym": "a place or building standing for an actor (Mosca -> Russia)",
    "place_reading": "a metonym name used as a place after a place cue (a Mosca)",
    "qualified": "a generic institution with its country (ministero degli Esteri russo)",
    "partial_name": "a shorter form of a unique fuller name in the same document",
    "partial_ambiguous": "a shorter form of two or more fuller names; left alone",
    "gazetteer_partial": "first or last word of exactly one gazetteer person",
    "name_key": "a spelling variant of an unknown name (same normalised key)",
    "surface": "an unknown name, counted as written",
}

_MAX_RUN_WORDS = 8
_CAP = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}\-.])(?:(?:\p{Lu}\.){2,}|(?:O')?\p{Lu}[\p{L}\p{M}\p{N}]*"
    r"(?:-[\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*)"
)
_LOWER_WORD = regex.compile(r"(?<![\p{L}\p{M}\p{N}])\p{Ll}[\p{L}\p{M}]*")
_INITIAL_PREFIX = regex.compile(r"[^\p{L}\p{N}]*")
_OPENING = regex.compile(r"[«“\"‘(\[]\s*$")
_PREV_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}'\-.]+|[^\s\p{L}\p{M}\p{N}]")
_MARKS = regex.compile(r"\p{M}+")
_SEPARATORS = regex.compile(r"[\s\-'_]+")
_DOUBLE = regex.compile(r"(\p{L})\1+")
_ALLCAPS = regex.compile(r"^[\p{Lu}\p{N}.\-]+$")
_CONTEXT = 80  # characters of left context looked at by the cue rules


# --------------------------------------------------------------------------- keys


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Return the normalised matching key of a name.

    Case, accents, dots, hyphens, apostrophes and spacing are ignored, ``y`` and
    ``j`` count as ``i`` and doubled letters as one, so common transliteration
    variants share a key. Keys only match names; they are never shown as names.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> name_key("Sergey") == name_key("Sergei") == name_key("Sergej")
    True
    >>> name_key("Zelenskyy") == name_key("Zelenskij") == name_key("Zelensky")
    True
    >>> name_key("Choe Son-hui"), name_key("TASS") == name_key("Tass")
    ('choe son hui', True)
    """
    text = unicodedata.normalize("NFKD", normalize(str(name)))
    text = _MARKS.sub("", text).casefold().replace(".", "")
    text = _SEPARATORS.sub(" ", text).strip()
    text = text.replace("y", "i").replace("j", "i")
    return _DOUBLE.sub(r"\1", text)


# ---------------------------------------------------------------------- gazetteer


_ENTRY_KEYS = {"canonical", "type", "variants", "metonyms", "adjectives", "qualify"}
_CUE_KEYS = {"roles", "portfolios", "place_before", "place_verbs", "place_nouns",
             "org_heads", "particles", "name_particles", "compass", "determiners",
             "not_names"}


@dataclass(frozen=True)
class _Entry:
    canonical: str
    type: str
    variants: tuple
    metonyms: tuple
    adjectives: tuple
    qualify: bool
    where: str


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Known names, their types, metonyms and demonyms, and the cue word lists.

    Build one with :func:`load_gazetteer`; pass it (or a file path) to
    :func:`entities` as ``gazetteer=``.

    Attributes
    ----------
    entries : tuple
        One record per entity (canonical, type, variants, metonyms, adjectives,
        qualify).
    cues : dict
        ``{lang: {list name: frozenset of lowercase words}}``.
    """

    entries: tuple
    cues: dict
    _names: dict = field(default=None, repr=False)
    _exact: dict = field(default=None, repr=False)
    _metonyms: dict = field(default=None, repr=False)
    _adjectives: dict = field(default=None, repr=False)
    _prefixes: frozenset = field(default=None, repr=False)
    _by_canonical: dict = field(default=None, repr=False)
    _surnames: dict = field(default=None, repr=False)
    _max_words: int = 1

    def __repr__(self) -> str:
        return f"Gazetteer({len(self.entries)} entities, langs={sorted(self.cues)})"

    def entry(self, canonical: str):
        """Return the record of a canonical name, or None."""
        return self._by_canonical.get(canonical)

    def to_frame(self) -> pd.DataFrame:
        """One row per listed name: ``canonical, type, name, kind`` (variant,
        metonym or adjective), sorted by canonical, kind, name."""
        rows = []
        for e in self.entries:
            for kind, names in (("variant", (e.canonical, *e.variants)),
                                ("metonym", e.metonyms), ("adjective", e.adjectives)):
                rows.extend((e.canonical, e.type, n, kind) for n in dict.fromkeys(names))
        table = pd.DataFrame(rows, columns=["canonical", "type", "name", "kind"])
        return table.sort_values(["canonical", "kind", "name"], kind="stable").reset_index(drop=True)


def _is_short_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return len(letters) <= 3 and letters.isupper() and letters.isalpha()


def _index(entries: tuple, cues: dict) -> Gazetteer:
    names, exact, metonyms, adjectives, by_canonical = {}, {}, {}, {}, {}
    surnames: dict = defaultdict(set)
    prefixes = set()
    max_words = 1
    for e in entries:
        by_canonical[e.canonical] = e
        for name in (e.canonical, *e.variants):
            if _is_short_acronym(name):
                exact[name] = e.canonical
                continue
            key = name_key(name)
            other = names.get(key)
            if other is not None and other != e.canonical:
                raise ValueError(
                    f"{e.where}: name {name!r} of {e.canonical!r} has the same normalised "
                    f"key {key!r} as a name of {other!r}; keep it in one entry only"
                )
            names[key] = e.canonical
            words = key.split()
            max_words = max(max_words, len(words))
            prefixes.update(" ".join(words[:k]) for k in range(1, len(words)))
            if e.type == "person" and len(words) >= 2:
                surnames[words[0]].add(e.canonical)
                surnames[words[-1]].add(e.canonical)
        for name in e.metonyms:
            key = name_key(name)
            metonyms[key] = e.canonical
            words = key.split()
            max_words = max(max_words, len(words))
            prefixes.update(" ".join(words[:k]) for k in range(1, len(words)))
        for adj in e.adjectives:
            adjectives[normalize(adj)] = e.canonical
    return Gazetteer(entries=tuple(entries), cues=cues, _names=names, _exact=exact,
                     _metonyms=metonyms, _adjectives=adjectives,
                     _prefixes=frozenset(prefixes), _by_canonical=by_canonical,
                     _surnames={k: frozenset(v) for k, v in surnames.items()},
                     _max_words=max_words)


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


class _LinedList(list):
    """A YAML sequence that remembers the line of each item (``.lines``)."""

    lines: tuple = ()


def _construct_sequence(loader, node, deep=False):
    items = _LinedList(loader.construct_sequence(node, deep=deep))
    items.lines = tuple(child.start_mark.line + 1 for child in node.value)
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _string_list(value, where: str, what: str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise ValueError(f"{where}: {what} must be a list of names, like [Mosca, Moscow]")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"{where}: {what} has {item!r}; every item must be a non-empty name")
        out.append(normalize(item.strip()))
    return tuple(out)


def _parse_entries(data, path: str) -> tuple:
    raw = data.get("entities", [])
    if not isinstance(raw, list):
        raise ValueError(f"{path}: 'entities' must be a list of entries")
    entries, seen = [], {}
    lines = getattr(raw, "lines", ())
    for number, item in enumerate(raw, 1):
        line = item.get("__line__", "?") if isinstance(item, dict) else (
            lines[number - 1] if number <= len(lines) else "?")
        where = f"{path}, line {line} (entry {number})"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: each entry must be a mapping with canonical and type")
        unknown = sorted(set(item) - _ENTRY_KEYS - {"__line__"})
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {unknown}; use {sorted(_ENTRY_KEYS)}")
        canonical = item.get("canonical")
        if not isinstance(canonical, str) or not canonical.strip():
            raise ValueError(f"{where}: 'canonical' must be a non-empty name")
        canonical = normalize(canonical.strip())
        where = f"{path}, line {line} (entry {canonical!r})"
        kind = item.get("type")
        if kind not in ENTITY_TYPES:
            raise ValueError(f"{where}: type {kind!r} is not one of {', '.join(ENTITY_TYPES)}")
        if canonical in seen:
            raise ValueError(f"{where}: canonical name also used at line {seen[canonical]}")
        seen[canonical] = line
        qualify = item.get("qualify", False)
        if not isinstance(qualify, bool):
            raise ValueError(f"{where}: 'qualify' must be true or false")
        entries.append(_Entry(canonical, kind, _string_list(item.get("variants"), where, "variants"),
                              _string_list(item.get("metonyms"), where, "metonyms"),
                              _string_list(item.get("adjectives"), where, "adjectives"),
                              qualify, where))
    return tuple(entries)


def _parse_cues(data, path: str) -> dict:
    raw = data.get("cues", {}) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: 'cues' must map a language code to word lists")
    cues = {}
    for lang, lists in raw.items():
        if lang == "__line__":
            continue
        where = f"{path}, line {lists.get('__line__', '?') if isinstance(lists, dict) else '?'}"
        lang = check_lang(lang, argument=f"{where}: cue language")
        if not isinstance(lists, dict):
            raise ValueError(f"{where}: cues for {lang!r} must map list names to word lists")
        unknown = sorted(set(lists) - _CUE_KEYS - {"__line__"})
        if unknown:
            raise ValueError(f"{where}: unknown cue list(s) {unknown}; use {sorted(_CUE_KEYS)}")
        cues[lang] = {}
        for name in _CUE_KEYS:
            words = _string_list(lists.get(name), f"{where} (cues.{lang}.{name})", name)
            cues[lang][name] = frozenset(w.lower() for w in words)
    return cues


def _read_yaml(path: Path):
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'entities' (and optionally 'cues')")
    unknown = sorted(set(data) - {"entities", "cues", "__line__"})
    if unknown:
        raise ValueError(f"{path}: unknown top-level field(s) {unknown}; use entities, cues")
    return data


@lru_cache(maxsize=8)
def _shipped() -> Gazetteer:
    path = resource_path("entities.yaml")
    data = _read_yaml(path)
    return _index(_parse_entries(data, path.name), _parse_cues(data, path.name))


def load_gazetteer(path=None, *, base: bool = True) -> Gazetteer:
    """Load a gazetteer file, on top of the shipped one by default.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A YAML file in the format of ``analysis/resources/entities.yaml``. Without
        it, the shipped file.
    base : bool, default True
        Start from the shipped file: an entry of ``path`` with the same canonical
        name replaces the shipped entry, a variant or metonym it lists is taken away
        from shipped entries, and cue lists are added. ``False`` uses ``path`` alone.

    Returns
    -------
    Gazetteer

    Raises
    ------
    ValueError
        For a malformed file, naming the file, the line and the entry.

    Examples
    --------
    >>> g = load_gazetteer()
    >>> g.entry("Russia").type, "Mosca" in g.entry("Russia").metonyms
    ('place', True)
    """
    if path is None:
        return _shipped()
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"gazetteer={str(path)!r} is not a file; pass a YAML file path")
    data = _read_yaml(path)
    entries = _parse_entries(data, str(path))
    cues = _parse_cues(data, str(path))
    if not base:
        for lang in ("it", "en"):
            cues.setdefault(lang, {name: frozenset() for name in _CUE_KEYS})
        return _index(entries, cues)
    return _overlay(_shipped(), entries, cues)


def _overlay(base: Gazetteer, entries: tuple, cues: dict) -> Gazetteer:
    claimed = {name_key(n) for e in entries for n in (e.canonical, *e.variants, *e.metonyms)}
    replaced = {e.canonical for e in entries}
    kept = []
    for e in base.entries:
        if e.canonical in replaced:
            continue
        keep = lambda names: tuple(n for n in names if name_key(n) not in claimed)  # noqa: E731
        if name_key(e.canonical) in claimed:
            continue
        kept.append(_Entry(e.canonical, e.type, keep(e.variants), keep(e.metonyms),
                           e.adjectives, e.qualify, e.where))
    merged = {lang: dict(lists) for lang, lists in base.cues.items()}
    for lang, lists in cues.items():
        target = merged.setdefault(lang, {name: frozenset() for name in _CUE_KEYS})
        for name, words in lists.items():
            target[name] = target.get(name, frozenset()) | words
    return _index(tuple(kept) + tuple(entries), merged)


def _resolve_gazetteer(gazetteer, aliases) -> Gazetteer:
    if gazetteer is None:
        gaz = _shipped()
    elif isinstance(gazetteer, Gazetteer):
        gaz = gazetteer
    elif isinstance(gazetteer, (str, Path)):
        gaz = load_gazetteer(gazetteer)
    else:
        raise TypeError("gazetteer must be None, a file path or a Gazetteer from load_gazetteer")
    if aliases is None:
        return gaz
    if not isinstance(aliases, Mapping):
        raise TypeError("aliases must be a mapping {variant: canonical name}")
    extra = []
    for variant, canonical in sorted(aliases.items()):
        if not isinstance(variant, str) or not isinstance(canonical, str) or not variant.strip():
            raise ValueError(f"aliases: {variant!r} -> {canonical!r} must map a name to a name")
        known = gaz.entry(canonical)
        extra.append((normalize(variant.strip()), canonical, known))
    entries = {e.canonical: e for e in gaz.entries}
    claimed = {name_key(v) for v, _, _ in extra}
    for e in list(entries.values()):
        entries[e.canonical] = _Entry(
            e.canonical, e.type, tuple(n for n in e.variants if name_key(n) not in claimed),
            tuple(n for n in e.metonyms if name_key(n) not in claimed), e.adjectives,
            e.qualify, e.where)
    for variant, canonical, known in extra:
        base = entries.get(canonical) or _Entry(canonical, "other", (), (), (), False,
                                                 f"aliases ({variant!r})")
        entries[canonical] = _Entry(base.canonical, base.type, base.variants + (variant,),
                                    base.metonyms, base.adjectives, base.qualify, base.where)
    return _index(tuple(entries.values()), gaz.cues)


# ----------------------------------------------------------------- word evidence


@lru_cache(maxsize=200_000)
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency  # bundled word lists, offline

    return zipf_frequency(word, lang)


@dataclass
class _Evidence:
    """Corpus-wide evidence about capitalised words."""

    mid_caps: set
    lower: set
    min_zipf: float


def _is_initial(norm: str, start: int, sent_start: int) -> bool:
    if _INITIAL_PREFIX.fullmatch(norm, sent_start, start):
        return True
    return bool(_OPENING.search(norm, max(sent_start, start - 3), start))


def _ordinary(word: str, lang: str, ev: _Evidence, stop: frozenset, initial: bool) -> bool:
    """True when a capitalised word is an ordinary word, not a name."""
    low = word.lower()
    if low in stop:
        return True
    if initial:
        if word in ev.mid_caps:
            return False
        return low in ev.lower or _zipf(low, lang) >= ev.min_zipf
    return low in ev.lower and _zipf(low, lang) >= ev.min_zipf


# -------------------------------------------------------------------- extraction


@dataclass
class _Piece:
    start: int
    end: int
    found: str
    canonical: str | None = None
    link: str | None = None
    type: str | None = None
    is_metonym: bool = False
    words: tuple = ()
    votes: Counter = field(default_factory=Counter)
    surface: str = ""
    text: str = ""
    partial_of: str | None = None


def _prev_words(norm: str, start: int, n: int, floor: int = 0) -> list[str]:
    lo = max(floor, start - _CONTEXT)
    return _PREV_WORDS.findall(norm, lo, start)[-n:]


def _lookup(gaz: Gazetteer, surface: str):
    """``(canonical, metonym_of, link)`` of a surface form, or Nones."""
    if surface in gaz._exact:
        return gaz._exact[surface], None, "gazetteer"
    if _is_short_acronym(surface):
        return None, None, None
    key = name_key(surface)
    canonical = gaz._names.get(key)
    metonym = gaz._metonyms.get(key)
    if canonical is None and metonym is None:
        return None, None, None
    listed = False
    for name in (canonical, metonym):
        e = gaz._by_canonical.get(name) if name else None
        if e is not None and surface in (e.canonical, *e.variants, *e.metonyms):
            listed = True
    return canonical, metonym, "gazetteer" if listed else "gazetteer_key"


def _place_cue(norm: str, start: int, floor: int, cues: dict) -> bool:
    words = [w.lower() for w in _prev_words(norm, start, 2, floor)]
    if not words:
        return False
    if words[-1] in cues["place_before"] or words[-1] in cues["place_verbs"]:
        return True
    return len(words) == 2 and words[0] in cues["place_nouns"] and words[1] in {"di", "of"}


class _ReferenceExtractor:
    """Rule-based mention finder for one corpus (options and evidence fixed).

    The reference implementation: :class:`_Extractor` adds exact shortcuts on top
    of it, and ``tests/test_entities_speed.py`` checks that both find the same."""

    def __init__(self, gaz: Gazetteer, lang: str, evidence: _Evidence):
        self.gaz = gaz
        self.lang = lang
        self.cues = gaz.cues.get(lang) or {name: frozenset() for name in _CUE_KEYS}
        self.ev = evidence
        self.stop = stopwords(lang)
        particles = sorted(self.cues["particles"] | self.cues["name_particles"], key=len,
                           reverse=True)
        alt = "|".join(regex.escape(p) for p in particles) or "(?!)"
        self.particle_gap = regex.compile(rf" (?:{alt})(?: (?:{alt}))?(?: |(?<='))")
        self.adjective_after = regex.compile(r"(?: \p{Ll}[\p{L}\p{M}]{2,}){1,3}")
        heads = "|".join(regex.escape(h) for h in sorted(self.cues["org_heads"])) or "(?!)"
        roles = "|".join(regex.escape(h) for h in sorted(self.cues["roles"])) or "(?!)"
        parts = "|".join(regex.escape(p) for p in sorted(self.cues["particles"], key=len,
                                                          reverse=True)) or "(?!)"
        self.head_before = regex.compile(rf"(?i)(?<![\p{{L}}])({heads}) (?:{parts})(?: |(?<='))$")
        self.role_before = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{roles}) (?:{parts})(?: |(?<='))$")
        self._lookups: dict = {}
        self.complement = regex.compile(rf" (?:{parts})(?: |(?<='))(\p{{Ll}}[\p{{L}}\p{{M}}]{{3,}})")

    def lookup(self, surface: str):
        """:func:`_lookup`, remembered per surface form."""
        hit = self._lookups.get(surface)
        if hit is None:
            hit = self._lookups[surface] = _lookup(self.gaz, surface)
        return hit

    # -- runs ---------------------------------------------------------------
    def runs(self, norm: str, words: list) -> list[list]:
        """Group capitalised words into runs: ``[[(start, end), ...], ...]``."""
        out: list[list] = []
        current: list = []
        for start, end in words:
            if current:
                gap_start = current[-1][1]
                gap = norm[gap_start:start]
                if gap == " " or (gap.strip() == "" and "\n" not in gap and len(gap) <= 3):
                    current.append((start, end))
                    continue
                if self._particle_join(norm, current, gap, start, end):
                    current.append((start, end))
                    continue
                out.append(current)
            current = [(start, end)]
        if current:
            out.append(current)
        return out

    def _particle_join(self, norm, current, gap, start, end) -> bool:
        if len(gap) > 14 or not self.particle_gap.fullmatch(gap):
            return False
        particle = gap.strip()
        last = norm[current[-1][0]:current[-1][1]]
        nxt = norm[start:end]
        if all(p.lower() in self.cues["name_particles"] for p in particle.split()):
            return True
        if " " in particle:
            return False
        if last.lower() in self.cues["org_heads"] or nxt.lower() in self.cues["compass"]:
            return True
        for k in range(min(len(current), self.gaz._max_words), 0, -1):
            head = norm[current[-k][0]:current[-1][1]]
            if name_key(head + " " + particle) in self.gaz._prefixes:
                return True
        return False

    # -- one document -------------------------------------------------------
    def doc(self, text: str, norm: str, sent_starts: list, words: list, doc_caps: set) -> list:
        pieces: list[_Piece] = []
        for run in self.runs(norm, words):
            pieces.extend(self._run(norm, run, sent_starts, doc_caps))
        return pieces

    def _sent_start(self, sent_starts: list, pos: int) -> int:
        k = bisect_right(sent_starts, pos) - 1
        return sent_starts[k] if k >= 0 else 0

    def _run(self, norm: str, run: list, sent_starts: list, doc_caps: set) -> list:
        cues = self.cues
        floor = self._sent_start(sent_starts, run[0][0])
        # elided articles and prepositions (L'Ucraina -> Ucraina) are never names
        run = [(a, b) for a, b in run
               if not (norm[b:b + 1] == "'" and b - a <= 5 and norm[a:b] != "O")]
        if not run:
            return []
        uncased = len(run) > _MAX_RUN_WORDS or sum(
            1 for a, b in run if b - a > 1 and _ALLCAPS.match(norm[a:b])) >= 3
        if uncased:
            return self._uncased(norm, run, floor)
        # the first word of a sentence: capitalised by position, not by name
        a, b = run[0]
        first = norm[a:b]
        initial = _is_initial(norm, a, floor)
        known_start = self._gazetteer_len(norm, run, 0) > 0
        if not known_start and _ordinary(first, self.lang, self.ev, self.stop, initial):
            run = run[1:]
        elif not known_start and initial and first.lower() in cues["roles"] and len(run) > 1:
            run = run[1:]
        if not run:
            return []
        # "ministro degli Esteri": a role title, not an entity
        if self.role_before.search(norm, max(floor, run[0][0] - _CONTEXT), run[0][0]):
            while run and norm[run[0][0]:run[0][1]].lower() in cues["portfolios"]:
                run = run[1:]
            if not run:
                return []
        # leading role words ("Presidente Putin", "Foreign Minister Lavrov")
        while len(run) > 1 and self._gazetteer_len(norm, run, 0) == 0 and \
                norm[run[0][0]:run[0][1]].lower() in cues["roles"]:
            run = run[1:]
        if len(run) == 1 and norm[run[0][0]:run[0][1]].lower() in cues["roles"]:
            return []
        start_override = None
        m = self.head_before.search(norm, max(floor, run[0][0] - _CONTEXT), run[0][0])
        if m and norm[run[0][0]:run[0][1]].lower() not in cues["org_heads"]:
            start_override = m.start()
        return self._finish_run(norm, run, floor, doc_caps, start_override)

    def _finish_run(self, norm: str, run: list, floor: int, doc_caps, start_override) -> list:
        """The end of :meth:`_run` (and of the fast path's run): an institution head
        after the run, segmentation, the head overrides, qualification and the keep test."""
        cues = self.cues
        end_override = None
        last = norm[run[-1][0]:run[-1][1]]
        if last.lower() in cues["org_heads"]:
            c = self.complement.match(norm, run[-1][1])
            if c and c.group(1) not in self.stop:
                end_override = c.end()
            else:
                # "Commissione europea", "Fondo monetario internazionale": taken
                # only when the gazetteer knows the longer name
                m = self.adjective_after.match(norm, run[-1][1])
                while m is not None:
                    if self.lookup(norm[run[-1][0]:m.end()])[0] is not None:
                        end_override = m.end()
                        break
                    cut = norm.rfind(" ", run[-1][1], m.end())
                    m = self.adjective_after.match(norm, run[-1][1], cut) if cut > run[-1][1] else None
        pieces = self._segment(norm, run, floor, doc_caps)
        if start_override is not None and pieces and pieces[0].start == run[0][0]:
            extended = self.lookup(norm[start_override:pieces[0].end])
            if pieces[0].canonical is None or extended[0] is not None:
                pieces[0].start = start_override
                pieces[0].found = "org_head"
                self._relookup(norm, pieces[0])
        if end_override is not None and pieces and pieces[-1].end == run[-1][1]:
            pieces[-1].end = end_override
            pieces[-1].found = "org_head"
            self._relookup(norm, pieces[-1])
        pieces = self._qualify(norm, pieces)
        return [p for p in pieces if self._keep(norm, p, floor)]

    def _relookup(self, norm: str, piece: _Piece) -> None:
        canonical, metonym, link = self.lookup(norm[piece.start:piece.end])
        if canonical is not None:
            piece.canonical, piece.link = canonical, link
        elif piece.canonical is None:
            piece.votes["organisation"] += 3

    def _gazetteer_len(self, norm: str, run: list, i: int) -> int:
        """Number of run words from ``i`` that form the longest gazetteer name."""
        for j in range(min(len(run), i + self.gaz._max_words), i, -1):
            surface = norm[run[i][0]:run[j - 1][1]]
            canonical, metonym, _ = self.lookup(surface)
            if canonical is not None or metonym is not None:
                return j - i
        return 0

    def _segment(self, norm: str, run: list, floor: int, doc_caps: set) -> list:
        pieces: list[_Piece] = []
        unknown: list = []

        def flush():
            if unknown:
                pieces.append(self._unknown_piece(norm, unknown, floor))
                unknown.clear()

        i = 0
        while i < len(run):
            n = self._gazetteer_len(norm, run, i)
            if n:
                flush()
                pieces.append(self._known_piece(norm, run[i][0], run[i + n - 1][1], "caps", floor))
                i += n
                continue
            a, b = run[i]
            word = norm[a:b]
            if word in self.gaz._adjectives:
                flush()
                pieces.append(_Piece(a, b, "adjective", canonical=self.gaz._adjectives[word],
                                     link="adjective", type="adjective"))
                i += 1
                continue
            if "-" in word and len(run) == 1 or "-" in word and not unknown and i + 1 == len(run):
                parts = self._hyphen_parts(word, a, doc_caps)
                if parts:
                    flush()
                    for pa, pb in parts:
                        surface = norm[pa:pb]
                        canonical, metonym, _ = self.lookup(surface)
                        if canonical or metonym:
                            piece = self._known_piece(norm, pa, pb, "hyphen_pair", floor)
                        else:
                            piece = self._unknown_piece(norm, [(pa, pb)], floor)
                            piece.found = "hyphen_pair"
                        pieces.append(piece)
                    i += 1
                    continue
            unknown.append((a, b))
            i += 1
        flush()
        return pieces

    def _hyphen_parts(self, word: str, offset: int, doc_caps: set):
        parts = word.split("-")
        if len(parts) < 2 or not all(p[:1].isupper() for p in parts):
            return None
        for p in parts:
            canonical, metonym, _ = self.lookup(p)
            key = name_key(p)
            if canonical is None and metonym is None and key not in doc_caps \
                    and key not in self.gaz._surnames:
                return None
        out, pos = [], offset
        for p in parts:
            out.append((pos, pos + len(p)))
            pos += len(p) + 1
        return out

    def _known_piece(self, norm: str, a: int, b: int, found: str, floor: int) -> _Piece:
        surface = norm[a:b]
        canonical, metonym, link = self.lookup(surface)
        piece = _Piece(a, b, found)
        if metonym is not None and (canonical is None or not _place_cue(norm, a, floor, self.cues)):
            piece.canonical, piece.link, piece.is_metonym = metonym, "metonym", True
        elif metonym is not None:
            piece.canonical, piece.link = canonical, "place_reading"
        else:
            piece.canonical, piece.link = canonical, link
        return piece

    def _unknown_piece(self, norm: str, words: list, floor: int) -> _Piece:
        a, b = words[0][0], words[-1][1]
        surface = norm[a:b]
        found = "acronym" if len(words) == 1 and b - a > 1 and _ALLCAPS.match(surface) else "caps"
        piece = _Piece(a, b, found, words=tuple(name_key(norm[x:y]) for x, y in words))
        self._vote(norm, piece, floor)
        return piece

    def _vote(self, norm: str, piece: _Piece, floor: int) -> None:
        cues = self.cues
        surface = norm[piece.start:piece.end]
        before = _prev_words(norm, piece.start, 4, floor)
        # a role word shortly before: "il presidente X", "la controparte nordcoreana X"
        for k, w in enumerate(reversed(before)):
            if w == ",":
                if k > 0:
                    break
                continue
            w = w.rsplit("'", 1)[-1] or w  # "l'inviato" -> "inviato"
            if w.lower() in cues["portfolios"] or w.lower() in cues["particles"]:
                continue  # "ministro dell'Economia X", "Secretary of State X"
            if not w[:1].islower() and w.lower() not in cues["roles"]:
                break
            if w.lower() in cues["roles"]:
                piece.votes["person"] += 2
                break
        if _place_cue(norm, piece.start, floor, cues):
            piece.votes["place"] += 1
        if any(w.lower() in cues["org_heads"] for w in surface.split()):
            piece.votes["organisation"] += 3
        if piece.found == "acronym":
            piece.votes["organisation"] += 1

    def _qualify(self, norm: str, pieces: list) -> list:
        out: list[_Piece] = []
        k = 0
        while k < len(pieces):
            p = pieces[k]
            entry = self.gaz._by_canonical.get(p.canonical) if p.link != "adjective" else None
            if entry is not None and entry.qualify:
                country = None
                nxt = pieces[k + 1] if k + 1 < len(pieces) else None
                if nxt is not None and nxt.canonical and self._is_country(nxt.canonical):
                    country, p.end = nxt.canonical, nxt.end
                    k += 1
                elif out and out[-1].link == "adjective":
                    country, p.start = out[-1].canonical, out[-1].start
                    out.pop()
                else:
                    m = regex.match(r" (\p{Ll}+)\b", norm[p.end:p.end + 40])
                    if m and normalize(m.group(1)) in self.gaz._adjectives:
                        country = self.gaz._adjectives[normalize(m.group(1))]
                        p.end += m.end()
                if country is not None:
                    p.canonical, p.link = f"{p.canonical} ({country})", "qualified"
            out.append(p)
            k += 1
        return out

    def _is_country(self, canonical: str) -> bool:
        e = self.gaz._by_canonical.get(canonical)
        return e is not None and bool(e.adjectives)

    def _keep(self, norm: str, p: _Piece, floor: int) -> bool:
        if p.link == "adjective":
            return False
        if p.canonical is not None:
            return True
        surface = norm[p.start:p.end]
        if len(surface) < 2 or surface.lower() in self.stop:
            return False
        if " " not in surface and surface.lower() in self.cues["not_names"]:
            return False
        if len(p.words) == 1 and p.found != "acronym" and " " not in surface:
            initial = _is_initial(norm, p.start, floor)
            if _ordinary(surface, self.lang, self.ev, self.stop, initial):
                return False
        return True

    def _uncased(self, norm: str, run: list, floor: int) -> list:
        pieces, i = [], 0
        while i < len(run):
            n = self._gazetteer_len(norm, run, i)
            if n:
                pieces.append(self._known_piece(norm, run[i][0], run[i + n - 1][1], "uncased", floor))
                i += n
            else:
                i += 1
        return pieces


# Characters whose regex classes are the same in every Unicode version: ASCII
# letters and digits and the Latin-1 letters (U+00C0-U+00FF but the signs U+00D7,
# U+00F7) are \p{L} or \p{N}; these and the ASCII punctuation and symbols are never \s.
_SURE_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        + "".join(chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)))
_SURE_NOT_SPACE = _SURE_ALNUM | frozenset(chr(c) for c in range(0x21, 0x7F))
_OPENERS = frozenset("«“\"‘([")  # the marks of _OPENING


def _fast_is_initial(norm: str, start: int, sent_start: int) -> bool:
    """:func:`_is_initial`, deciding the common cases from the characters around.

    ``_is_initial`` is true when nothing but punctuation precedes the word in its
    sentence, or when an opening mark followed only by whitespace ends right
    before it (``_OPENING``). An opening mark one or two characters before
    (the second with a space between) makes it true; a letter or digit in the
    sentence before the word makes the first test fail, and then a last
    character (or a last character before a space) that is surely neither
    whitespace nor an opening mark makes the second fail. Anything else goes to
    :func:`_is_initial`.
    """
    if start == sent_start:
        return True
    before = norm[start - 1]
    if before in _OPENERS:
        return True
    if before == " ":
        if start - 2 < sent_start:
            return _is_initial(norm, start, sent_start)
        before = norm[start - 2]
        if before in _OPENERS:
            return True
        if before in _SURE_ALNUM:
            return False
    if before in _SURE_NOT_SPACE and norm[sent_start] in _SURE_ALNUM:
        return False
    return _is_initial(norm, start, sent_start)


class _LazyKeys:
    """The :func:`name_key` set of a document's capitalised words, built on first use
    (only hyphenated words ask for it)."""

    __slots__ = ("_norm", "_words", "_keys")

    def __init__(self, norm: str, words: list):
        self._norm, self._words, self._keys = norm, words, None

    def __contains__(self, key) -> bool:
        if self._keys is None:
            self._keys = {name_key(self._norm[a:b]) for a, b in self._words}
        return key in self._keys


# The characters normalize() changes, each to one character that it keeps. Texts
# hold few of them (typographic apostrophes, non-breaking spaces), so replacing each
# one present by its normalize() gives normalize(text) without a per-character
# table lookup over the whole text (tests/test_entities_speed.py checks the
# equality on every code point).
_CHANGED = tuple((c, normalize(c)) for c in APOSTROPHES + SPACES + HYPHENS + NEWLINES)


def _normalized(text: str) -> str:
    """``normalize(text)``, computed from the few characters it changes."""
    for char, replacement in _CHANGED:
        if char in text:
            text = text.replace(char, replacement)
    return text


_SHORT_CONTEXT = 40  # characters read first by _fast_prev_words


def _fast_prev_words(norm: str, start: int, n: int, floor: int = 0) -> list[str]:
    """:func:`_prev_words`, reading a short window first.

    No word of ``_PREV_WORDS`` contains a space, so the words found after a space
    are the same whichever earlier point the search starts from; when the short
    window after the last space before ``start - _SHORT_CONTEXT`` holds ``n`` words,
    they are the last ``n`` words of the full window.
    """
    lo = max(floor, start - _CONTEXT)
    cut = start - _SHORT_CONTEXT
    if cut > lo:
        space = norm.rfind(" ", lo, cut)
        if space >= 0:
            words = _PREV_WORDS.findall(norm, space + 1, start)
            if len(words) >= n:
                return words[-n:]
    return _PREV_WORDS.findall(norm, lo, start)[-n:]


def _place_cue_in(words: list, cues: dict) -> bool:
    """:func:`_place_cue` from the (up to) two words before the name."""
    words = [w.lower() for w in words[-2:]]
    if not words:
        return False
    if words[-1] in cues["place_before"] or words[-1] in cues["place_verbs"]:
        return True
    return len(words) == 2 and words[0] in cues["place_nouns"] and words[1] in {"di", "of"}


class _Extractor(_ReferenceExtractor):
    """:class:`_ReferenceExtractor` with exact shortcuts for the common cases.

    * Two thirds of all runs are one capitalised word that the rules drop
      (``Di``, ``Che``, ``La`` at a sentence start). For a one-word run the
      reference :meth:`_run` returns nothing exactly when the word is an elided
      article, or is not a gazetteer name and :func:`_ordinary` for its position,
      or is a role word; apart from the elision this depends only on the word and
      on whether it starts its sentence, so it is decided once per word (role
      words, stopwords and gazetteer names: wherever they stand) or once per
      (word, initial), and remembered.
    * :func:`_fast_is_initial` decides most sentence-start tests from the
      characters next to the word.
    * The look-behind searches (a role or institution head before a run) are
      anchored at the run's start, so they only read as many characters as their
      longest possible match; the words before a name are read from a short
      window first (:func:`_fast_prev_words`); two words apart by more than 14
      characters never join a run, so their gap is not sliced.
    * The name keys of a document's words are built only when a hyphenated word
      asks for them.
    """

    def __init__(self, gaz: Gazetteer, lang: str, evidence: _Evidence):
        super().__init__(gaz, lang, evidence)
        self._single: dict = {}
        self._single_any: dict = {}
        cues = self.cues
        longest = max((len(w) for w in cues["roles"] | cues["org_heads"]), default=0)
        longest += max((len(w) for w in cues["particles"]), default=0) + 2
        # room for the longest match of head_before / role_before, with a margin
        self._behind = 2 * longest + 2
        # Both end with " <particle> " or " <particle>'" (case-insensitive) right
        # before the run. With ASCII particles and ASCII text there, an ASCII
        # lower-case comparison decides whether such an ending is present at all.
        particles = cues["particles"]
        self._tails = tuple(sorted({f" {p} " for p in particles}
                                   | {f" {p}" for p in particles if p.endswith("'")}))
        self._tail_len = max((len(t) for t in self._tails), default=0)
        self._ascii_tails = all(t.isascii() for t in self._tails)

    def fast_doc(self, norm: str, sent_starts: list, words: list) -> list:
        """:meth:`doc` of the reference."""
        doc_caps = _LazyKeys(norm, words)
        pieces: list[_Piece] = []
        for run in self.runs(norm, words):
            if len(run) == 1 and self._single_dropped(norm, run[0], sent_starts):
                continue
            pieces.extend(self._fast_run(norm, run, sent_starts, doc_caps))
        return pieces

    def runs(self, norm: str, words: list) -> list[list]:
        out: list[list] = []
        current: list = []
        for start, end in words:
            if current:
                gap_start = current[-1][1]
                if start - gap_start <= 14:  # longer gaps neither join nor fit a particle
                    gap = norm[gap_start:start]
                    if gap == " " or (gap.strip() == "" and "\n" not in gap and len(gap) <= 3):
                        current.append((start, end))
                        continue
                    if self._particle_join(norm, current, gap, start, end):
                        current.append((start, end))
                        continue
                out.append(current)
            current = [(start, end)]
        if current:
            out.append(current)
        return out

    def _maybe_after_particle(self, norm: str, start: int) -> bool:
        """False when neither ``role_before`` nor ``head_before`` can match before
        ``start`` (no particle ending there); True when they might."""
        if not self._ascii_tails:
            return True
        tail = norm[max(0, start - self._tail_len):start]
        if not tail.isascii() or tail.endswith("\n"):
            return True  # non-ASCII case folding, or "$" before a final newline
        return tail.lower().endswith(self._tails)

    def _single_dropped(self, norm: str, span, sent_starts: list) -> bool:
        """True when the reference ``_run`` of the one-word run ``[span]`` is empty."""
        a, b = span
        word = norm[a:b]
        if norm[b:b + 1] == "'" and b - a <= 5 and word != "O":
            return True  # an elided article or preposition (L', Dell')
        # first from the word alone: role words and stopwords are dropped and
        # gazetteer names kept wherever they stand
        dropped = self._single_any.get(word, 0)
        if dropped == 0:
            low = word.lower()
            canonical, metonym, _ = self.lookup(word)
            if low in self.cues["roles"]:
                dropped = True
            elif canonical is not None or metonym is not None:
                dropped = False
            elif low in self.stop:
                dropped = True
            else:
                dropped = None  # depends on the position: see _ordinary
            self._single_any[word] = dropped
        if dropped is not None:
            return dropped
        initial = _fast_is_initial(norm, a, self._sent_start(sent_starts, a))
        key = (word, initial)
        dropped = self._single.get(key)
        if dropped is None:
            dropped = self._single[key] = _ordinary(word, self.lang, self.ev, self.stop, initial)
        return dropped

    def _fast_run(self, norm: str, run: list, sent_starts: list, doc_caps) -> list:
        """The reference :meth:`_run`, step by step, with the shortcuts above."""
        cues = self.cues
        floor = self._sent_start(sent_starts, run[0][0])
        run = [(a, b) for a, b in run
               if not (norm[b:b + 1] == "'" and b - a <= 5 and norm[a:b] != "O")]
        if not run:
            return []
        uncased = len(run) > _MAX_RUN_WORDS or len(run) >= 3 and sum(
            1 for a, b in run if b - a > 1 and _ALLCAPS.match(norm[a:b])) >= 3
        if uncased:
            return self._uncased(norm, run, floor)
        a, b = run[0]
        first = norm[a:b]
        initial = _fast_is_initial(norm, a, floor)
        known_start = self._gazetteer_len(norm, run, 0) > 0
        if not known_start and _ordinary(first, self.lang, self.ev, self.stop, initial):
            run = run[1:]
        elif not known_start and initial and first.lower() in cues["roles"] and len(run) > 1:
            run = run[1:]
        if not run:
            return []
        behind = max(floor, run[0][0] - _CONTEXT, run[0][0] - self._behind)
        if self._maybe_after_particle(norm, run[0][0]) and \
                self.role_before.search(norm, behind, run[0][0]):
            while run and norm[run[0][0]:run[0][1]].lower() in cues["portfolios"]:
                run = run[1:]
            if not run:
                return []
        while len(run) > 1 and norm[run[0][0]:run[0][1]].lower() in cues["roles"] and \
                self._gazetteer_len(norm, run, 0) == 0:
            run = run[1:]
        if len(run) == 1 and norm[run[0][0]:run[0][1]].lower() in cues["roles"]:
            return []
        start_override = None
        behind = max(floor, run[0][0] - _CONTEXT, run[0][0] - self._behind)
        m = self.head_before.search(norm, behind, run[0][0]) \
            if self._maybe_after_particle(norm, run[0][0]) else None
        if m and norm[run[0][0]:run[0][1]].lower() not in cues["org_heads"]:
            start_override = m.start()
        return self._finish_run(norm, run, floor, doc_caps, start_override)

    def _known_piece(self, norm: str, a: int, b: int, found: str, floor: int) -> _Piece:
        surface = norm[a:b]
        canonical, metonym, link = self.lookup(surface)
        piece = _Piece(a, b, found)
        if metonym is not None and (canonical is None or not _place_cue_in(
                _fast_prev_words(norm, a, 2, floor), self.cues)):
            piece.canonical, piece.link, piece.is_metonym = metonym, "metonym", True
        elif metonym is not None:
            piece.canonical, piece.link = canonical, "place_reading"
        else:
            piece.canonical, piece.link = canonical, link
        return piece

    def _vote(self, norm: str, piece: _Piece, floor: int) -> None:
        cues = self.cues
        surface = norm[piece.start:piece.end]
        before = _fast_prev_words(norm, piece.start, 4, floor)
        for k, w in enumerate(reversed(before)):
            if w == ",":
                if k > 0:
                    break
                continue
            w = w.rsplit("'", 1)[-1] or w
            if w.lower() in cues["portfolios"] or w.lower() in cues["particles"]:
                continue
            if not w[:1].islower() and w.lower() not in cues["roles"]:
                break
            if w.lower() in cues["roles"]:
                piece.votes["person"] += 2
                break
        # the last two of the last four words are the last two words (same window)
        if _place_cue_in(before, cues):
            piece.votes["place"] += 1
        if any(w.lower() in cues["org_heads"] for w in surface.split()):
            piece.votes["organisation"] += 3
        if piece.found == "acronym":
            piece.votes["organisation"] += 1

    def _keep(self, norm: str, p: _Piece, floor: int) -> bool:
        if p.link == "adjective":
            return False
        if p.canonical is not None:
            return True
        surface = norm[p.start:p.end]
        if len(surface) < 2 or surface.lower() in self.stop:
            return False
        if " " not in surface and surface.lower() in self.cues["not_names"]:
            return False
        if len(p.words) == 1 and p.found != "acronym" and " " not in surface:
            initial = _fast_is_initial(norm, p.start, floor)
            if _ordinary(surface, self.lang, self.ev, self.stop, initial):
                return False
        return True


# ----------------------------------------------------------------- spaCy adapter

#: spaCy entity labels -> the project's types (labels not listed are skipped).
SPACY_TYPES = {"PER": "person", "PERSON": "person", "ORG": "organisation",
               "LOC": "place", "GPE": "place", "FAC": "place", "MISC": "other",
               "PRODUCT": "other", "EVENT": "other", "WORK_OF_ART": "other",
               "MEDIA": "media"}


def _spacy_pieces(nlp, text: str, norm: str, gaz: Gazetteer, lang: str, sent_starts) -> list:
    doc = nlp(text)
    extractor_cues = gaz.cues.get(lang) or {name: frozenset() for name in _CUE_KEYS}
    pieces = []
    for ent in doc.ents:
        kind = SPACY_TYPES.get(ent.label_)
        if kind is None:
            continue
        a, b = ent.start_char, ent.end_char
        floor = sent_starts[bisect_right(sent_starts, a) - 1] if sent_starts else 0
        canonical, metonym, link = _lookup(gaz, norm[a:b])
        piece = _Piece(a, b, "spacy", words=tuple(name_key(w) for w in norm[a:b].split()))
        if metonym is not None and (canonical is None or not _place_cue(norm, a, floor, extractor_cues)):
            piece.canonical, piece.link, piece.is_metonym = metonym, "metonym", True
        elif metonym is not None:
            piece.canonical, piece.link = canonical, "place_reading"
        elif canonical is not None:
            piece.canonical, piece.link = canonical, link
        else:
            piece.votes[kind] += 5
        pieces.append(piece)
    return pieces


# ------------------------------------------------------------------ linking


def _reference_link_partials(pieces: list, gaz: Gazetteer) -> None:
    """Partial names -> the unique fuller name of the same document (reference)."""
    fuller = []
    for p in pieces:
        words = p.words or tuple(name_key(w) for w in p.surface.split() if name_key(w))
        p.words = words
        if len(words) >= 2 and not p.is_metonym:
            fuller.append(p)
    for p in pieces:
        if p.canonical is not None or p.link is not None:
            continue
        n = len(p.words)
        targets = set()
        for f in fuller:
            if len(f.words) > n and (f.words[:n] == p.words or f.words[-n:] == p.words):
                targets.add(f.canonical if f.canonical is not None else ("key", name_key(f.surface)))
        if len(targets) == 1:
            target = targets.pop()
            p.link = "partial_name"
            if isinstance(target, tuple):
                p.partial_of = target[1]
            else:
                p.canonical = target
        elif len(targets) > 1:
            p.link = "partial_ambiguous"
        elif n == 1:
            people = gaz._surnames.get(p.words[0], frozenset())
            if len(people) == 1:
                p.canonical, p.link = next(iter(people)), "gazetteer_partial"


def _check_docs(docs, field_name: str) -> None:
    if not isinstance(docs, pd.DataFrame):
        raise TypeError("docs must be a pandas DataFrame (the table from load_corpus)")
    missing = [c for c in ("doc_id", "source", field_name) if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass the table from load_corpus")


def _texts(docs: pd.DataFrame, field_name: str):
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    for doc_id, source, text, lang in zip(docs["doc_id"], docs["source"], docs[field_name], langs):
        if field_name == "title" and (text is None or (isinstance(text, float) and np.isnan(text))):
            text = ""
        if not isinstance(text, str):
            raise TypeError(f"{field_name} of document {doc_id!r} must be a str, got "
                            f"{type(text).__name__}; fix or drop that row")
        yield doc_id, source, text, check_lang(lang, argument=f"lang of document {doc_id!r}")


def entities(
    docs: pd.DataFrame,
    *,
    backend: str = "rules",
    nlp=None,
    gazetteer=None,
    aliases: Mapping[str, str] | None = None,
    field: str = "text",
    min_zipf: float = 4.5,
    client=None,
    batch_size: int = 10_000,
) -> pd.DataFrame:
    """Find every mention of a person, organisation, place or medium.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`): ``doc_id``, ``source``,
        ``text`` and optionally ``lang`` (default ``"it"``) and ``title``.
    backend : {"rules", "spacy"}, default "rules"
        ``"rules"`` is the offline capitalisation and gazetteer finder described in
        the module docstring. ``"spacy"`` takes the entities of the loaded pipeline
        passed as ``nlp`` (chosen automatically when ``nlp`` is given) and
        canonicalises them the same way.
    nlp : spacy.language.Language, optional
        A loaded spaCy pipeline with an ``ner`` or ``entity_ruler`` component.
    gazetteer : str, pathlib.Path or Gazetteer, optional
        Your own gazetteer file (added on top of the shipped one, see
        :func:`load_gazetteer`) or a loaded :class:`Gazetteer`.
    aliases : mapping, optional
        ``{variant: canonical}`` overrides, applied on top of the gazetteer; a
        canonical the gazetteer does not know gets type ``other`` unless the
        rules find a better one.
    field : {"text", "title"}, default "text"
        Which column to read. With ``"title"`` offsets point into ``docs.title``,
        ``sent`` indexes the title's sentences, and partial names resolve through
        the document's body (``Kim`` in a headline -> the body's Kim Jong Un).
    min_zipf : float, default 4.5
        Zipf frequency (``wordfreq``) from which a capitalised sentence-initial
        word without other evidence is taken as an ordinary word.
    client : dask.distributed.Client, optional
        Find the mentions on a Dask cluster; ``docs`` may then also be a Dask
        DataFrame (``dask.dataframe.read_parquet(...)``, which needs no client).
        Two map-reduce passes (the corpus evidence, then the mentions of every
        partition with it) and one final naming step give exactly the in-process
        table. Rule backend and ``field="text"`` only.
    batch_size : int, default 10000
        Documents per task when a pandas ``docs`` is sent to ``client``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MENTIONS_COLUMNS`: ``doc_id, source, sent, start, end, text,
        canonical, type, rule, is_metonym, key``; ``text`` is
        ``field[start:end]``, ``key`` the :func:`name_key` of ``text``. Sorted by
        ``doc_id``, ``start``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["S"],
    ...     "text": ["Mosca tace. Il ministro è arrivato a Mosca."]})
    >>> entities(docs)[["text", "canonical", "is_metonym"]].values.tolist()
    [['Mosca', 'Russia', True], ['Mosca', 'Moscow', False]]
    """
    from .distributed import is_dask_collection

    if client is not None or is_dask_collection(docs):
        if backend != "rules" or nlp is not None or field != "text":
            raise ValueError("entities on Dask (client= or a Dask DataFrame) runs the rules "
                             "backend on field='text' only")
        if not isinstance(min_zipf, (int, float)) or isinstance(min_zipf, bool):
            raise TypeError("min_zipf must be a number (a Zipf frequency, e.g. 4.5)")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size={batch_size!r} must be a positive integer")
        return _dask_mentions(docs, client=client, gaz=_resolve_gazetteer(gazetteer, aliases),
                              min_zipf=float(min_zipf), batch_size=batch_size)
    return _mentions(docs, backend=backend, nlp=nlp, gazetteer=gazetteer, aliases=aliases,
                     field=field, min_zipf=min_zipf, extract=_extract)


def _reference_entities(docs: pd.DataFrame, *, backend: str = "rules", nlp=None,
                        gazetteer=None, aliases=None, field: str = "text",
                        min_zipf: float = 4.5) -> pd.DataFrame:
    """:func:`entities` through the reference extraction (kept to test the fast one)."""
    return _mentions(docs, backend=backend, nlp=nlp, gazetteer=gazetteer, aliases=aliases,
                     field=field, min_zipf=min_zipf, extract=_reference_extract)


def _mentions(docs, *, backend, nlp, gazetteer, aliases, field, min_zipf, extract):
    """Validate the arguments of :func:`entities` once, then extract with ``extract``."""
    if field not in ("text", "title"):
        raise ValueError(f"field={field!r} must be 'text' or 'title'")
    _check_docs(docs, field)
    if nlp is not None:
        backend = "spacy"
    if backend not in ("rules", "spacy"):
        raise ValueError(f"backend={backend!r} must be 'rules' or 'spacy'")
    if backend == "spacy" and (nlp is None or not callable(nlp)):
        raise ValueError("backend='spacy' needs a loaded pipeline: entities(docs, nlp=spacy.load(...))")
    if not isinstance(min_zipf, (int, float)) or isinstance(min_zipf, bool):
        raise TypeError("min_zipf must be a number (a Zipf frequency, e.g. 4.5)")
    gaz = _resolve_gazetteer(gazetteer, aliases)
    if field == "title":
        return _title_mentions(docs, backend=backend, nlp=nlp, gaz=gaz, min_zipf=min_zipf,
                               extract=extract)
    return extract(docs, "text", backend, nlp, gaz, float(min_zipf))


def _reference_extract(docs, field_name, backend, nlp, gaz, min_zipf) -> pd.DataFrame:
    """The reference implementation of the extraction behind :func:`entities`."""
    prepared = []
    mid_caps: set = set()
    lower: set = set()
    for doc_id, source, text, lang in _texts(docs, field_name):
        norm = normalize(text)
        sents = sentence_spans(text, lang) if text else []
        sent_starts = [a for a, _ in sents]
        words = [m.span() for m in _CAP.finditer(norm)] if backend == "rules" else []
        for a, b in words:
            if not _is_initial(norm, a, sent_starts[bisect_right(sent_starts, a) - 1]
                               if sent_starts else 0):
                mid_caps.add(norm[a:b])
        lower.update(_LOWER_WORD.findall(norm))
        prepared.append((doc_id, source, text, lang, norm, sent_starts, words))
    evidence = _Evidence(mid_caps, lower, min_zipf)
    extractors: dict = {}
    records = []
    for doc_id, source, text, lang, norm, sent_starts, words in prepared:
        if backend == "rules":
            ex = extractors.get(lang) or extractors.setdefault(
                lang, _ReferenceExtractor(gaz, lang, evidence))
            doc_caps = {name_key(norm[a:b]) for a, b in words}
            pieces = ex.doc(text, norm, sent_starts, words, doc_caps)
        else:
            pieces = _spacy_pieces(nlp, text, norm, gaz, lang, sent_starts)
        for p in pieces:
            p.surface = norm[p.start:p.end]
            p.text = text[p.start:p.end]
        _reference_link_partials(pieces, gaz)
        for p in pieces:
            sent = bisect_right(sent_starts, p.start) - 1
            records.append((doc_id, source, max(sent, 0), p))
    return _reference_finalise(records, gaz)


def _extract(docs, field_name, backend, nlp, gaz, min_zipf) -> pd.DataFrame:
    """The extraction behind :func:`entities`: :func:`_reference_extract` with exact
    shortcuts (the spaCy backend takes the reference path).

    * The text is normalised by :func:`_normalized` (``normalize`` applied to the
      few characters it changes).
    * The corpus's lower-case words (evidence for :func:`_ordinary`) are found in
      the distinct whitespace-separated chunks of the corpus, not in every
      occurrence: a lower-case word never contains whitespace, and its
      look-behind only tests that the character before it is not a letter, mark
      or digit, which whitespace never is, so the words of a text are the union
      of the words of its chunks.
    * Runs are read by :class:`_Extractor`, partial names linked and the table
      built by :func:`_link_partials` and :func:`_finalise` (the same steps with
      less repeated work), with the garbage collector paused (:func:`_gc_paused`).
    """
    if backend != "rules":
        return _reference_extract(docs, field_name, backend, nlp, gaz, min_zipf)
    with _gc_paused():
        return _fast_extract(docs, field_name, gaz, min_zipf)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector, restoring its state afterwards.

    Extraction keeps tens of thousands of small objects alive (spans, pieces)
    and makes no reference cycles; with the collector on, each of them counts
    towards a full collection, which walks every object of the process (the
    caller's data frames included) and cost about a tenth of the extraction
    time. Memory is still freed by reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fast_extract(docs, field_name, gaz, min_zipf) -> pd.DataFrame:
    prepared, mid_caps, lower = _prepare(docs, field_name)
    records = _records(prepared, gaz, _Evidence(mid_caps, lower, min_zipf))
    return _finalise(records, gaz)


def _prepare(docs, field_name):
    """First pass: each document's normalised text, sentence starts and capitalised
    words, and this table's share of the corpus evidence (sets, added by union)."""
    prepared = []
    mid_caps: set = set()
    for doc_id, source, text, lang in _texts(docs, field_name):
        norm = _normalized(text)
        sents = sentence_spans(text, lang) if text else []
        sent_starts = [a for a, _ in sents]
        words = [m.span() for m in _CAP.finditer(norm)]
        for a, b in words:
            if not _fast_is_initial(norm, a, sent_starts[bisect_right(sent_starts, a) - 1]
                                    if sent_starts else 0):
                mid_caps.add(norm[a:b])
        prepared.append((doc_id, source, text, lang, norm, sent_starts, words))
    return prepared, mid_caps, _lower_words([p[4] for p in prepared])


def _lower_words(norms: list) -> set:
    """The lower-case words of the texts, found once per distinct whitespace-separated
    chunk (a word never spans whitespace and the pattern's lookbehind stops at it)."""
    lower: set = set()
    for k in range(0, len(norms), _MAX_TEXTS):  # bounded memory; only costs repeated work
        lower.update(_LOWER_WORD.findall(" ".join(_distinct_chunks(norms[k : k + _MAX_TEXTS]))))
    return lower


def _distinct_chunks(texts: list):
    """The distinct ``str.split`` chunks of the texts, by Arrow when it can (its split
    is the same as ``str.split``), else a set."""
    split = _arrow_split(texts)
    if split is not None:
        import pyarrow.compute as pc

        return pc.unique(split.flatten()).to_pylist()
    chunks: set = set()
    for text in texts:
        chunks.update(text.split())
    return chunks


def _records(prepared, gaz: Gazetteer, evidence: _Evidence) -> list:
    """Second pass: ``(doc_id, source, sent, piece)`` of every mention, in order."""
    extractors: dict = {}
    records = []
    for doc_id, source, text, lang, norm, sent_starts, words in prepared:
        ex = extractors.get(lang) or extractors.setdefault(lang, _Extractor(gaz, lang, evidence))
        pieces = ex.fast_doc(norm, sent_starts, words)
        for p in pieces:
            p.surface = norm[p.start:p.end]
            p.text = text[p.start:p.end]
        _link_partials(pieces, gaz)
        for p in pieces:
            sent = bisect_right(sent_starts, p.start) - 1
            records.append((doc_id, source, max(sent, 0), p))
    return records


# --- on Dask: the same two passes as a map-reduce each --------------------------------
# A mention depends on its document, the gazetteer and the corpus evidence; its
# canonical name and type on spellings and votes pooled over the corpus. So the
# evidence is reduced first (set union), then every partition's mentions are found
# with it and gathered in partition order, and the last step (_finalise) runs once
# over all of them, as in process: the table is identical whatever the partitioning.


def _evidence_task(batch, *, field_name):
    with _gc_paused():
        _, mid_caps, lower = _prepare(batch, field_name)
    return mid_caps, lower


def _union_evidence(parts):
    mid_caps, lower = set(), set()
    for part_mid_caps, part_lower in parts:
        mid_caps |= part_mid_caps
        lower |= part_lower
    return mid_caps, lower


def _records_task(batch, *, field_name, gaz, mid_caps, lower, min_zipf):
    with _gc_paused():
        prepared, _, _ = _prepare(batch, field_name)
        return _records(prepared, gaz, _Evidence(mid_caps, lower, min_zipf))


def _concat_records(parts):
    return [record for part in parts for record in part]


def _dask_mentions(docs, *, client, gaz, min_zipf, batch_size) -> pd.DataFrame:
    from .distributed import map_reduce

    if isinstance(docs, (str, Path)):
        raise TypeError("entities(path, client=...) is not supported; pass a Dask DataFrame, "
                        "e.g. dask.dataframe.read_parquet(path)")
    columns = list(docs.columns) if hasattr(docs, "columns") else []
    missing = [c for c in ("doc_id", "source", "text") if c not in columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass a docs table with "
                         "doc_id, source, text (and lang)")
    options = {"client": client, "batch_size": batch_size, "field_name": "text"}
    mid_caps, lower = map_reduce(docs, _evidence_task, _union_evidence, **options)
    records = map_reduce(docs, _records_task, _concat_records, gaz=gaz, mid_caps=mid_caps,
                         lower=lower, min_zipf=min_zipf, **options)
    with _gc_paused():
        return _finalise(records, gaz)


_MAX_TEXTS = 20_000  # texts whose distinct chunks are held at once


def _link_partials(pieces: list, gaz: Gazetteer) -> None:
    """:func:`_reference_link_partials`, keying each word once."""
    fuller = []
    for p in pieces:
        words = p.words
        if not words:
            words = tuple(k for k in map(name_key, p.surface.split()) if k)
            p.words = words
        if len(words) >= 2 and not p.is_metonym:
            fuller.append(p)
    for p in pieces:
        if p.canonical is not None or p.link is not None:
            continue
        n = len(p.words)
        targets = set()
        for f in fuller:
            if len(f.words) > n and (f.words[:n] == p.words or f.words[-n:] == p.words):
                targets.add(f.canonical if f.canonical is not None else ("key", name_key(f.surface)))
        if len(targets) == 1:
            target = targets.pop()
            p.link = "partial_name"
            if isinstance(target, tuple):
                p.partial_of = target[1]
            else:
                p.canonical = target
        elif len(targets) > 1:
            p.link = "partial_ambiguous"
        elif n == 1:
            people = gaz._surnames.get(p.words[0], frozenset())
            if len(people) == 1:
                p.canonical, p.link = next(iter(people)), "gazetteer_partial"


def _finalise(records, gaz: Gazetteer) -> pd.DataFrame:
    """:func:`_reference_finalise`, building the table column by column."""
    if not records:
        return _reference_finalise(records, gaz)
    spellings: dict = defaultdict(Counter)
    for _, _, _, p in records:
        if p.canonical is None and p.partial_of is None:
            spellings[name_key(p.surface)][p.text] += 1
    chosen = {k: sorted(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
              for k, c in spellings.items()}
    for _, _, _, p in records:
        if p.canonical is None:
            key = p.partial_of or name_key(p.surface)
            p.canonical = chosen.get(key, p.text)
            if p.link is None:
                p.link = "surface" if p.text == p.canonical else "name_key"
    votes: dict = defaultdict(Counter)
    for _, _, _, p in records:
        pooled = votes[p.canonical]  # every canonical gets a type, voted or not
        if p.votes:
            pooled.update(p.votes)
    types = {}
    for canonical, counter in votes.items():
        base = canonical.split(" (")[0] if canonical.endswith(")") else canonical
        entry = gaz.entry(canonical) or gaz.entry(base)
        if entry is not None:
            types[canonical] = entry.type
        elif counter:
            types[canonical] = sorted(counter.items(),
                                      key=lambda kv: (-kv[1], ENTITY_TYPES.index(kv[0])))[0][0]
        else:
            types[canonical] = "other"
    pieces = [r[3] for r in records]
    columns = {
        "doc_id": [r[0] for r in records],
        "source": [r[1] for r in records],
        "sent": [r[2] for r in records],
        "start": [p.start for p in pieces],
        "end": [p.end for p in pieces],
        "text": [p.text for p in pieces],
        "canonical": [p.canonical for p in pieces],
        "type": [types[p.canonical] for p in pieces],
        "rule": [f"{p.found}+{p.link}" for p in pieces],
        "is_metonym": [p.is_metonym for p in pieces],
        "key": [name_key(p.text) for p in pieces],
    }
    table = pd.DataFrame(columns, columns=MENTIONS_COLUMNS)
    table = table.astype({"sent": "int64", "start": "int64", "end": "int64",
                          "is_metonym": "bool"})
    return table.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def _reference_finalise(records, gaz: Gazetteer) -> pd.DataFrame:
    """The reference implementation of the last step of the extraction."""
    # unknown names: merge spellings by key across the corpus, most frequent wins
    spellings: dict = defaultdict(Counter)
    for _, _, _, p in records:
        if p.canonical is None and p.partial_of is None:
            spellings[name_key(p.surface)][p.text] += 1
    chosen = {k: sorted(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
              for k, c in spellings.items()}
    for _, _, _, p in records:
        if p.canonical is None:
            key = p.partial_of or name_key(p.surface)
            p.canonical = chosen.get(key, p.text)
            if p.link is None:
                p.link = "surface" if p.text == p.canonical else "name_key"
    # types: gazetteer first, else votes pooled per canonical name
    votes: dict = defaultdict(Counter)
    for _, _, _, p in records:
        votes[p.canonical].update(p.votes)
    types = {}
    for canonical, counter in votes.items():
        base = canonical.split(" (")[0] if canonical.endswith(")") else canonical
        entry = gaz.entry(canonical) or gaz.entry(base)
        if entry is not None:
            types[canonical] = entry.type
        elif counter:
            types[canonical] = sorted(counter.items(),
                                      key=lambda kv: (-kv[1], ENTITY_TYPES.index(kv[0])))[0][0]
        else:
            types[canonical] = "other"
    rows = []
    for doc_id, source, sent, p in records:
        rows.append((doc_id, source, sent, p.start, p.end, p.text, p.canonical,
                     types[p.canonical], f"{p.found}+{p.link}", p.is_metonym, name_key(p.text)))
    table = pd.DataFrame(rows, columns=MENTIONS_COLUMNS)
    table = table.astype({"sent": "int64", "start": "int64", "end": "int64",
                          "is_metonym": "bool"})
    return table.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def _title_mentions(docs, *, backend, nlp, gaz, min_zipf, extract) -> pd.DataFrame:
    body = extract(docs, "text", backend, nlp, gaz, float(min_zipf))
    titles = extract(docs, "title", backend, nlp, gaz, float(min_zipf))
    if titles.empty:
        return titles
    # resolve headline names through the body of the same document
    out = titles.copy()
    for k, row in titles.iterrows():
        doc_body = body[body["doc_id"] == row["doc_id"]]
        if row["rule"].endswith(("+surface", "+name_key", "+partial_ambiguous")) and len(doc_body):
            same = doc_body[doc_body["key"] == row["key"]]
            if len(same):
                out.loc[k, ["canonical", "type"]] = same.iloc[0][["canonical", "type"]].values
                continue
            words = tuple(row["key"].split())
            n = len(words)
            fits = {c for c, key in zip(doc_body["canonical"], doc_body["key"])
                    if len(key.split()) > n and (tuple(key.split()[:n]) == words
                                                 or tuple(key.split()[-n:]) == words)}
            if len(fits) == 1:
                canonical = fits.pop()
                out.loc[k, "canonical"] = canonical
                out.loc[k, "type"] = doc_body.loc[doc_body["canonical"] == canonical, "type"].iloc[0]
                out.loc[k, "rule"] = row["rule"].split("+")[0] + "+partial_name"
    return out


# ------------------------------------------------------------------- tables


def _check_mentions(mentions, name: str = "mentions") -> None:
    if not isinstance(mentions, pd.DataFrame):
        raise TypeError(f"{name} must be the DataFrame from entities()")
    missing = [c for c in MENTIONS_COLUMNS[:10] if c not in mentions.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; pass the table from entities()")


def merge_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """Every spelling -> canonical merge, with the rule that made it.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The table from :func:`entities`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MERGE_COLUMNS`: ``canonical, type, variant, key, rule,
        mentions, documents, sources``, one row per canonical name and spelling as
        written (``variant``), its :func:`name_key`, the naming rule(s) (the part
        of ``rule`` after ``+``, several joined by ``;``), how many mentions and
        documents, and the sources (sorted, joined by ``;``). Sorted by
        canonical, variant.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["S", "T"],
    ...     "text": ["Ha parlato Sergei Lavrov.", "Ha parlato Sergey Lavrov."]})
    >>> merge_table(entities(docs))[["variant", "canonical", "rule"]].values.tolist()
    [['Sergei Lavrov', 'Sergey Lavrov', 'gazetteer_key'], ['Sergey Lavrov', 'Sergey Lavrov', 'gazetteer']]
    """
    _check_mentions(mentions)
    if mentions.empty:
        return pd.DataFrame(columns=MERGE_COLUMNS)
    table = mentions.assign(link=mentions["rule"].str.split("+").str[-1],
                            key=mentions["text"].map(name_key))
    rows = []
    for (canonical, variant), group in table.groupby(["canonical", "text"], sort=True):
        rows.append((canonical, group["type"].iloc[0], variant, group["key"].iloc[0],
                     ";".join(sorted(set(group["link"]))), len(group),
                     group["doc_id"].nunique(), ";".join(sorted(set(map(str, group["source"]))))))
    return pd.DataFrame(rows, columns=MERGE_COLUMNS).astype({"mentions": "int64",
                                                             "documents": "int64"})


def _group_totals(docs: pd.DataFrame, by: str) -> dict:
    from .counts import term_counts

    counts = term_counts(docs, by=by)
    return {str(g): int(t) for g, t in zip(counts.groups, counts.totals)}


def entity_frequencies(mentions: pd.DataFrame, *, by: str = "source",
                       docs: pd.DataFrame | None = None) -> pd.DataFrame:
    """How often each group names each entity, in counts and rates.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The table from :func:`entities`.
    by : str, default "source"
        Grouping column of ``mentions`` (``source``, ``doc_id``, or any column you
        added).
    docs : pandas.DataFrame, optional
        The docs table, for the rates: ``n_terms`` is the number of analysis terms
        per group (:func:`analysis.term_counts`, stopwords removed). Without it
        ``per_1k`` and ``n_terms`` are NaN.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FREQUENCY_COLUMNS`: ``group, canonical, type, mentions,
        documents, per_1k, share, metonym_mentions, n_terms``; ``per_1k`` =
        1000 x mentions / n_terms, ``share`` = mentions / all mentions of the
        group. Sorted by group, descending mentions, canonical.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["S"],
    ...     "text": ["Mosca e Kiev trattano. La Russia tace."]})
    >>> freq = entity_frequencies(entities(docs), docs=docs)  # 5 terms: mosca kiev trattano russia tace
    >>> freq[["canonical", "mentions", "per_1k", "share"]].round(3).values.tolist()
    [['Russia', 2, 400.0, 0.667], ['Ukraine', 1, 200.0, 0.333]]
    """
    _check_mentions(mentions)
    if by not in mentions.columns:
        raise ValueError(f"by={by!r} is not a column of mentions; use one of {list(mentions.columns)}")
    if docs is not None and (not isinstance(docs, pd.DataFrame) or by not in docs.columns):
        raise ValueError(f"docs must be the docs table with a {by!r} column (by={by!r})")
    totals = _group_totals(docs, by) if docs is not None else {}
    rows = []
    for group, g in mentions.groupby(mentions[by].astype(str), sort=True):
        n_all = len(g)
        for canonical, c in g.groupby("canonical", sort=True):
            n_terms = totals.get(group, np.nan) if docs is not None else np.nan
            per_1k = 1000.0 * len(c) / n_terms if n_terms and not np.isnan(n_terms) else np.nan
            rows.append((group, canonical, c["type"].iloc[0], len(c), c["doc_id"].nunique(),
                         per_1k, len(c) / n_all, int(c["is_metonym"].sum()), n_terms))
    table = pd.DataFrame(rows, columns=FREQUENCY_COLUMNS)
    if table.empty:
        return table
    table = table.sort_values(["group", "mentions", "canonical"], ascending=[True, False, True],
                              kind="stable").reset_index(drop=True)
    return table.astype({"mentions": "int64", "documents": "int64", "metonym_mentions": "int64",
                         "per_1k": "float64", "n_terms": "float64"})


def entity_salience(mentions: pd.DataFrame, docs: pd.DataFrame, *,
                    title_mentions: pd.DataFrame | None = None, gazetteer=None,
                    aliases=None) -> pd.DataFrame:
    """How prominently each document places each entity.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The table from :func:`entities` (on ``docs.text``).
    docs : pandas.DataFrame
        The docs table; ``title`` (the headline, kept out of ``text``) is used
        when present.
    title_mentions : pandas.DataFrame, optional
        Mentions in the headlines, ``entities(docs, field="title")``; computed with
        ``gazetteer``/``aliases`` when not given. A headline mentions an entity
        when one of its mentions has the same canonical name (partial names in the
        headline resolve through the body).
    gazetteer, aliases
        As in :func:`entities`, for the headline mentions.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SALIENCE_COLUMNS`: ``doc_id, source, canonical, type,
        mentions, n_sentences`` (sentences naming it), ``first_sent``,
        ``first_start``, ``first_fraction`` (= first_start / length of the text,
        0 is the first character), ``in_first_sentence``, ``in_headline``
        (nullable boolean: NA for a document without a headline) and
        ``n_doc_sentences``. Sorted by doc_id, first_start, canonical.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["S"], "title": ["Kim parla"],
    ...     "text": ["Ieri Lavrov ha visto Kim Jong Un. Kim ha sorriso."]})
    >>> sal = entity_salience(entities(docs), docs)
    >>> sal[["canonical", "first_sent", "n_sentences", "in_headline"]].values.tolist()
    [['Sergey Lavrov', 0, 1, False], ['Kim Jong Un', 0, 2, True]]
    """
    _check_mentions(mentions)
    _check_docs(docs, "text")
    if title_mentions is None:
        if "title" in docs.columns:
            title_mentions = entities(docs, field="title", gazetteer=gazetteer, aliases=aliases)
        else:
            title_mentions = pd.DataFrame(columns=MENTIONS_COLUMNS)
    else:
        _check_mentions(title_mentions, "title_mentions")
    in_title = {(d, c) for d, c in zip(title_mentions["doc_id"], title_mentions["canonical"])}
    info = {}
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    titles = docs["title"] if "title" in docs.columns else pd.Series(None, index=docs.index)
    for doc_id, text, lang, title in zip(docs["doc_id"], docs["text"], langs, titles):
        has_title = isinstance(title, str) and title.strip() != ""
        n_sents = len(sentence_spans(text, check_lang(lang))) if isinstance(text, str) else 0
        info[doc_id] = (len(text) if isinstance(text, str) else 0, has_title, n_sents)
    rows = []
    for (doc_id, canonical), g in mentions.groupby(["doc_id", "canonical"], sort=True):
        length, has_title, n_sents = info.get(doc_id, (0, False, 0))
        first = g.sort_values("start", kind="stable").iloc[0]
        rows.append((doc_id, first["source"], canonical, first["type"], len(g),
                     g["sent"].nunique(), int(first["sent"]), int(first["start"]),
                     first["start"] / length if length else np.nan, bool(first["sent"] == 0),
                     ((doc_id, canonical) in in_title) if has_title else pd.NA, n_sents))
    table = pd.DataFrame(rows, columns=SALIENCE_COLUMNS)
    if table.empty:
        return table
    table = table.astype({"mentions": "int64", "n_sentences": "int64", "first_sent": "int64",
                          "first_start": "int64", "first_fraction": "float64",
                          "in_first_sentence": "bool", "in_headline": "boolean",
                          "n_doc_sentences": "int64"})
    order = {d: k for k, d in enumerate(docs["doc_id"])}
    table["_order"] = table["doc_id"].map(order)
    table = table.sort_values(["_order", "first_start", "canonical"], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def cooccurrence(mentions: pd.DataFrame, *, by: str = "source") -> pd.DataFrame:
    """Pairs of entities named in the same sentence, per group.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The table from :func:`entities`.
    by : str, default "source"
        Grouping column.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COOCCURRENCE_COLUMNS`: ``group, entity_a, entity_b``
        (canonical names, ``entity_a < entity_b``), ``sentences`` (sentences naming
        both), ``documents``, and the first such sentence (``first_doc_id``,
        ``first_sent``). Sorted by group, descending sentences, entity_a, entity_b.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["S"],
    ...     "text": ["Kim Jong Un ha visto Sergey Lavrov. Lavrov è partito."]})
    >>> cooccurrence(entities(docs))[["entity_a", "entity_b", "sentences"]].values.tolist()
    [['Kim Jong Un', 'Sergey Lavrov', 1]]
    """
    _check_mentions(mentions)
    if by not in mentions.columns:
        raise ValueError(f"by={by!r} is not a column of mentions; use one of {list(mentions.columns)}")
    pairs: dict = defaultdict(list)
    for (group, doc_id, sent), g in mentions.groupby([mentions[by].astype(str), "doc_id", "sent"],
                                                     sort=True):
        names = sorted(set(g["canonical"]))
        for a, b in combinations(names, 2):
            pairs[(group, a, b)].append((doc_id, sent))
    rows = [(group, a, b, len(where), len({d for d, _ in where}), where[0][0], int(where[0][1]))
            for (group, a, b), where in pairs.items()]
    table = pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)
    if table.empty:
        return table
    table = table.sort_values(["group", "sentences", "entity_a", "entity_b"],
                              ascending=[True, False, True, True], kind="stable")
    return table.reset_index(drop=True).astype({"sentences": "int64", "documents": "int64",
                                                "first_sent": "int64"})


def _label_cues(lang: str, gaz: Gazetteer):
    cues = gaz.cues.get(lang) or {name: frozenset() for name in _CUE_KEYS}
    descriptors = cues["roles"] | cues["org_heads"] | cues["place_nouns"] | frozenset(
        w for w in gaz._adjectives if w.islower())
    return (cues["determiners"], stopwords(lang) | cues["particles"], cues["portfolios"],
            descriptors)


def entity_labels(mentions: pd.DataFrame, docs: pd.DataFrame, *, by: str = "source",
                  aggregate: bool = False, max_words: int = 6, gazetteer=None) -> pd.DataFrame:
    """The words each source puts around a name: "il leader nordcoreano Kim".

    A label is the lowercase noun phrase between a determiner (article,
    articulated preposition, possessive: ``il``, ``del``, ``la sua``) and the
    mention, holding at least one descriptor (a role, an institution head, a
    place noun or a demonym from the gazetteer's cue lists) (``il presidente russo Vladimir Putin`` -> ``presidente russo``;
    ``il suo omologo nordcoreano, Choe Son-hui`` -> ``omologo nordcoreano``), or
    an apposition after it between commas or up to the sentence end
    (``Wonsan, una città sulla costa orientale del paese,``). Labels ending in a
    preposition (``alleati di Mosca``) are relations, not labels, and are left out.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The table from :func:`entities`.
    docs : pandas.DataFrame
        The docs table the mentions come from.
    by : str, default "source"
        Grouping column for ``aggregate=True``.
    aggregate : bool, default False
        Count each (group, canonical, label) instead of listing occurrences.
    max_words : int, default 6
        Longest label, in tokens.
    gazetteer : optional
        As in :func:`entities` (its determiner lists are used).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LABELS_COLUMNS` (``doc_id, source, sent, start, end,
        canonical, side, label, label_start, label_end``; ``side`` is ``before`` or
        ``after``; offsets into ``docs.text``), sorted by doc_id, start, side; or
        with ``aggregate=True`` :data:`LABEL_SUMMARY_COLUMNS` sorted by group,
        canonical, descending n, label.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["S"],
    ...     "text": ["Ha parlato il presidente russo Vladimir Putin."]})
    >>> entity_labels(entities(docs), docs)[["canonical", "label"]].values.tolist()
    [['Vladimir Putin', 'presidente russo']]
    """
    _check_mentions(mentions)
    _check_docs(docs, "text")
    if not isinstance(max_words, int) or max_words < 1:
        raise ValueError("max_words must be a positive integer")
    gaz = _resolve_gazetteer(gazetteer, None)
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    texts = {d: (t, check_lang(l)) for d, t, l in zip(docs["doc_id"], docs["text"], langs)}
    rows = []
    for doc_id, g in mentions.groupby("doc_id", sort=False):
        if doc_id not in texts:
            raise ValueError(f"mentions has doc_id {doc_id!r}, which docs does not have")
        text, lang = texts[doc_id]
        determiners, particles, portfolios, descriptors = _label_cues(lang, gaz)
        sents = sentence_spans(text, lang)
        spans = list(zip(g["start"], g["end"]))
        for row in g.itertuples(index=False):
            sa, sb = sents[row.sent] if row.sent < len(sents) else (0, len(text))
            left = _label_before(text, lang, sa, row.start, spans, determiners, particles,
                                 portfolios, max_words)
            if left and not _describes(text, lang, left, descriptors):
                left = None
            if left:
                rows.append((row.doc_id, row.source, row.sent, row.start, row.end, row.canonical,
                             "before", text[left[0]:left[1]], left[0], left[1]))
            right = _label_after(text, lang, row.end, sb, spans, determiners, particles, max_words)
            if right and not _describes(text, lang, right, descriptors):
                right = None
            if right:
                rows.append((row.doc_id, row.source, row.sent, row.start, row.end, row.canonical,
                             "after", text[right[0]:right[1]], right[0], right[1]))
    table = pd.DataFrame(rows, columns=LABELS_COLUMNS)
    table = table.sort_values(["doc_id", "start", "side"], ascending=[True, True, False],
                              kind="stable").reset_index(drop=True)
    if not aggregate:
        return table
    if by not in table.columns:
        raise ValueError(f"by={by!r} must be a column of the labels table, e.g. 'source'")
    summary = []
    for (group, canonical, label), s in table.groupby([table[by].astype(str), "canonical",
                                                       table["label"].str.lower()], sort=True):
        summary.append((group, canonical, label, len(s), s["doc_id"].iloc[0],
                        int(s["label_start"].iloc[0])))
    out = pd.DataFrame(summary, columns=LABEL_SUMMARY_COLUMNS)
    return out.sort_values(["group", "canonical", "n", "label"], ascending=[True, True, False, True],
                           kind="stable").reset_index(drop=True)


def _describes(text: str, lang: str, span, descriptors) -> bool:
    """True when a label holds a role, institution, place noun or demonym."""
    words = {normalize(text[span[0] + a:span[0] + b]).lower()
             for a, b in token_spans(text[span[0]:span[1]], lang)}
    return bool(words & descriptors)


def _overlaps(a: int, b: int, spans) -> bool:
    return any(x < b and a < y for x, y in spans)


def _label_before(text, lang, sa, start, spans, determiners, particles, portfolios, max_words):
    toks = [(sa + a, sa + b) for a, b in token_spans(text[sa:start], lang)]
    words = []
    for k in range(len(toks) - 1, -1, -1):
        a, b = toks[k]
        tok = normalize(text[a:b]).lower()
        if tok == "," and not words and k == len(toks) - 1:
            continue
        first = normalize(text[words[0][0]:words[0][1]]).lower() if words else ""
        if tok in determiners and not (first in portfolios and text[words[0][0]].isupper()):
            break
        if not text[a].isalpha() or _overlaps(a, b, spans):
            return None
        if not text[a].islower() and not (words and tok in portfolios):
            return None
        words.insert(0, (a, b))
        if len(words) > max_words:
            return None
    else:
        return None
    if not words or any(normalize(text[a:b]).lower() in particles for a, b in (words[0], words[-1])):
        return None
    return words[0][0], words[-1][1]


def _label_after(text, lang, end, sb, spans, determiners, particles, max_words):
    rest = text[end:sb]
    if not rest.startswith(","):
        return None
    toks = [(end + a, end + b) for a, b in token_spans(rest, lang)]
    if len(toks) < 3 or normalize(text[toks[1][0]:toks[1][1]]).lower() not in determiners:
        return None
    words = []
    for a, b in toks[2:]:
        tok = text[a:b]
        if tok in {",", ".", ";", ":", "!", "?", ")", "»", "”"}:
            break
        if not tok[:1].isalpha() or not tok[:1].islower() or _overlaps(a, b, spans):
            return None
        words.append((a, b))
        if len(words) > max_words:
            return None
    if not words or normalize(text[words[-1][0]:words[-1][1]]).lower() in particles:
        return None
    return words[0][0], words[-1][1]


# ---------------------------------------------------------------- evaluation


def _check_gold(table, name):
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame with doc_id, start, end")
    missing = [c for c in ("doc_id", "start", "end") if c not in table.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}")


def evaluate_mentions(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of predicted mentions against a gold list.

    A mention is correct for ``span`` when ``doc_id``, ``start`` and ``end`` are
    exactly those of a gold mention; ``span+type``, ``span+canonical`` and
    ``span+metonym`` also require the same ``type``, ``canonical`` or
    ``is_metonym`` (each only when both tables have the column).

    Parameters
    ----------
    predicted, gold : pandas.DataFrame
        Mentions tables (gold as in ``tests/gold/entities_seeds.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EVALUATION_COLUMNS`: ``criterion, true_positives,
        predicted, gold, precision, recall, f1``.

    Examples
    --------
    >>> gold = pd.DataFrame({"doc_id": ["a", "a"], "start": [0, 10], "end": [3, 15]})
    >>> pred = pd.DataFrame({"doc_id": ["a", "a"], "start": [0, 20], "end": [3, 25]})
    >>> evaluate_mentions(pred, gold)[["criterion", "precision", "recall"]].values.tolist()
    [['span', 0.5, 0.5]]
    """
    _check_gold(predicted, "predicted")
    _check_gold(gold, "gold")
    rows = []
    for criterion, extra in (("span", []), ("span+type", ["type"]),
                             ("span+canonical", ["canonical"]), ("span+metonym", ["is_metonym"])):
        if any(c not in predicted.columns or c not in gold.columns for c in extra):
            continue
        cols = ["doc_id", "start", "end", *extra]
        p = set(map(tuple, predicted[cols].astype(str).values.tolist()))
        g = set(map(tuple, gold[cols].astype(str).values.tolist()))
        tp = len(p & g)
        precision = tp / len(p) if p else 1.0
        recall = tp / len(g) if g else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((criterion, tp, len(p), len(g), precision, recall, f1))
    return pd.DataFrame(rows, columns=EVALUATION_COLUMNS)


def mention_differences(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Every disagreement between predicted and gold mentions, for error analysis.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DIFFERENCE_COLUMNS`: ``doc_id, start, end, text, problem``
        (``missed``, ``spurious``, ``type``, ``canonical``, ``metonym``),
        ``predicted`` and ``gold`` values. Sorted by doc_id, start, problem.

    Examples
    --------
    >>> gold = pd.DataFrame({"doc_id": ["a"], "start": [0], "end": [3], "text": ["Kim"]})
    >>> mention_differences(gold.iloc[:0], gold)[["text", "problem"]].values.tolist()
    [['Kim', 'missed']]
    """
    _check_gold(predicted, "predicted")
    _check_gold(gold, "gold")
    key = ["doc_id", "start", "end"]
    p = predicted.assign(_k=list(zip(predicted["doc_id"], predicted["start"], predicted["end"])))
    g = gold.assign(_k=list(zip(gold["doc_id"], gold["start"], gold["end"])))
    pk, gk = dict(zip(p["_k"], p.to_dict("records"))), dict(zip(g["_k"], g.to_dict("records")))
    rows = []
    for k in sorted(set(pk) | set(gk), key=lambda t: (str(t[0]), int(t[1]), int(t[2]))):
        pr, gr = pk.get(k), gk.get(k)
        text = (pr or gr).get("text", "")
        if pr is None:
            rows.append((*k, text, "missed", "", gr.get("canonical", "")))
        elif gr is None:
            rows.append((*k, text, "spurious", pr.get("canonical", ""), ""))
        else:
            for col, problem in (("type", "type"), ("canonical", "canonical"),
                                 ("is_metonym", "metonym")):
                if col in pr and col in gr and str(pr[col]) != str(gr[col]):
                    rows.append((*k, text, problem, str(pr[col]), str(gr[col])))
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
