"""Numbers and quantities in news text: which figures each source chose to give.

:func:`numbers` finds every number a text states, with its value, what it counts
(the noun after it, ``unit``) and the words around it; :func:`numbers_side_by_side`
lines the figures of each source up by what they count, so a reader sees at a
glance that one source gives casualty figures and the other does not.

What counts as a quantity
-------------------------
* **Digits**, with the separators of the text's language. Italian: ``.`` groups
  thousands and ``,`` marks decimals (``6.000`` -> 6000, ``3,5`` -> 3.5,
  ``1.234,5`` -> 1234.5); a ``.`` not followed by exactly three digits is read as
  a decimal point (``2.5`` -> 2.5, as in texts translated from English). English:
  the other way round (``6,000`` -> 6000, ``3.5`` -> 3.5). ``10mila`` -> 10000.
* **Number words**: Italian ``due`` ... ``venti``, the tens, ``cento``, ``mille``
  and their written compounds (``ventitré``, ``duemila``, ``trecentomila``);
  English ``one`` ... ``twenty``, the tens, hyphenated compounds
  (``twenty-five``) and runs with ``hundred``/``thousand``. Scale words multiply
  the number before them (``6 milioni``, ``tre miliardi``, ``two million``).
  Italian ``un``/``uno``/``una`` are **not** counted: they are also the
  indefinite article and the pronoun (``un video``, ``uno dei principali
  alleati``), so counting them would list every article as a figure.
* **Approximate quantities**: ``decine``, ``centinaia``, ``migliaia``,
  ``milioni``, ``miliardi`` (``tens``, ``dozens``, ``hundreds``,
  ``thousands``, ``millions``, ``billions``) with no number before them; the
  value is the order of magnitude (``migliaia di soldati`` -> 1000, kind
  ``approximate``).
* **Qualifiers** right before the number are kept in ``qualifier``: ``più di``,
  ``oltre``, ``almeno``, ``circa``, ``quasi``, ``meno di``, ``fino a`` (``more
  than``, ``over``, ``at least``, ``about``, ``around``, ``nearly``, ``almost``,
  ``fewer than``, ``less than``, ``up to``).

Kinds: ``count`` (a plain number), ``approximate``, ``percent`` (followed by
``%``, ``per cento``, ``percent``), ``year`` (four digits from 1900 to 2100 not
followed by a noun: ``nell'estate del 2024``), ``date`` (a day 1-31 followed by a
month, ``12 luglio``; a slashed date ``12/07/2025``), ``range`` (``2014-2015``,
value is the first number), ``time`` (``10:30``) and ``ordinal`` (``20th``).

Not counted: ordinal words (``prima``, ``first`` are adverbs as often as
ordinals), relative dates (``lo scorso novembre``, ``quest'anno``) and vague
quantifiers (``più volte``, ``several``): they carry no figure. ``unit`` is the
first word after the number (after ``di``/``of`` for scale words and
approximate quantities) when that word is not a stopword, else missing: ``6.000
soldati`` -> ``soldati``, ``più di tre anni`` -> ``anni``, ``i due hanno`` -> no
unit. The unit is a word, not a parsed noun: in English, where adjectives come
before the noun, ``6,000 North Korean troops`` gives ``north``.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "lang": ["it"],
...     "text": ["Più di 6.000 soldati sono morti; migliaia di truppe nel 2024."]})
>>> numbers(docs)[["text", "value", "unit", "kind", "qualifier"]].values.tolist()
[['6.000', 6000.0, 'soldati', 'count', 'più di'], ['migliaia', 1000.0, 'truppe', 'approximate', nan], ['2024', 2024.0, nan, 'year', nan]]
"""

from __future__ import annotations

import bisect

import numpy as np
import pandas as pd
import regex

from .langs import check_lang
from .normalize import normalize_term
from .tokens import scan, sentence_spans, stopwords

__all__ = ["NUMBERS_COLUMNS", "SIDE_BY_SIDE_COLUMNS", "KINDS", "figure_label", "numbers",
           "numbers_side_by_side", "parse_number"]

#: Columns of :func:`numbers`, in order.
NUMBERS_COLUMNS = ["doc_id", "source", "sent", "start", "end", "text", "value", "unit", "kind",
                   "qualifier", "left", "right"]
#: Leading columns of :func:`numbers_side_by_side` (one column per source follows).
SIDE_BY_SIDE_COLUMNS = ["kind", "unit", "n_sources"]
#: Kinds of quantity, in the order tables sort them.
KINDS = ["count", "approximate", "percent", "range", "year", "date", "time", "ordinal"]

_UNITS_IT = {"due": 2, "tre": 3, "tré": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7,
             "otto": 8, "nove": 9}
_MORPHEMES_IT = {
    **_UNITS_IT, "uno": 1, "un": 1, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13,
    "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18,
    "diciannove": 19, "venti": 20, "vent": 20, "trenta": 30, "trent": 30, "quaranta": 40,
    "quarant": 40, "cinquanta": 50, "cinquant": 50, "sessanta": 60, "sessant": 60,
    "settanta": 70, "settant": 70, "ottanta": 80, "ottant": 80, "novanta": 90, "novant": 90,
    "cento": 100, "cent": 100, "mille": 1000, "mila": 1000,
}
_MORPHEME_RE = regex.compile("|".join(sorted(_MORPHEMES_IT, key=lambda m: (-len(m), m))))
_WORDS_EN = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {
    "it": {"milione": 1e6, "milioni": 1e6, "miliardo": 1e9, "miliardi": 1e9, "mila": 1e3},
    "en": {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9},
}
_APPROXIMATE = {
    "it": {"decine": 10, "dozzine": 12, "centinaia": 100, "migliaia": 1000, "milioni": 1e6,
           "miliardi": 1e9},
    "en": {"tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000, "millions": 1e6,
           "billions": 1e9},
}
_OF = {"it": {"di", "d'"}, "en": {"of"}}
_QUALIFIERS = {
    "it": ["più di", "oltre", "almeno", "circa", "quasi", "meno di", "fino a", "intorno a",
           "oltre a"],
    "en": ["more than", "over", "at least", "about", "around", "nearly", "almost",
           "fewer than", "less than", "up to"],
}
_MONTHS = {
    "it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"},
    "en": {"january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"},
}
_PERCENT = {"it": [("%",), ("per", "cento"), ("percento",)],
            "en": [("%",), ("percent",), ("per", "cent")]}
_ORDINAL_SUFFIX = regex.compile(r"^(\d+)(st|nd|rd|th|º|ª)$", regex.IGNORECASE)
_DIGITS = regex.compile(r"^\d+(?:[.,]\d+)*$")


def _italian_word(word: str) -> float | None:
    """Value of an Italian number word (``ventitré`` -> 23), or None."""
    if word in ("un", "uno", "una", "cent", "mila"):
        return None
    pos, parts = 0, []
    while pos < len(word):
        m = _MORPHEME_RE.match(word, pos)
        if not m:
            return None
        parts.append(_MORPHEMES_IT[m.group()])
        pos = m.end()
    total, current = 0, 0
    for p in parts:
        if p == 100:
            current = (current or 1) * 100
        elif p == 1000:
            total += (current or 1) * 1000
            current = 0
        else:
            current += p
    return float(total + current)


def _english_word(word: str) -> float | None:
    if word in _WORDS_EN:
        return float(_WORDS_EN[word])
    if "-" in word:
        head, _, tail = word.partition("-")
        if head in _WORDS_EN and _WORDS_EN[head] % 10 == 0 and _WORDS_EN[head] >= 20 \
                and tail in _WORDS_EN and 1 <= _WORDS_EN[tail] <= 9:
            return float(_WORDS_EN[head] + _WORDS_EN[tail])
    return None


def parse_number(token: str, lang: str = "it") -> tuple[float, str] | None:
    """Value and kind of one number token or number word, or None.

    Parameters
    ----------
    token : str
        One token of :func:`analysis.tokenize` (``"6.000"``, ``"3,5"``,
        ``"ventitré"``, ``"twenty-five"``, ``"10mila"``, ``"2014-2015"``).
    lang : {"it", "en"}
        Decides the separators (see the module docstring) and the number words.

    Returns
    -------
    tuple of (float, str) or None
        ``(value, kind)`` with kind ``count``, ``range``, ``time``, ``date`` or
        ``ordinal`` (years and percentages need context: see :func:`numbers`).

    Examples
    --------
    >>> parse_number("6.000"), parse_number("3,5"), parse_number("6,000", "en")
    ((6000.0, 'count'), (3.5, 'count'), (6000.0, 'count'))
    >>> parse_number("ventitré"), parse_number("duemila"), parse_number("uno")
    ((23.0, 'count'), (2000.0, 'count'), None)
    """
    lang = check_lang(lang)
    word = normalize_term(token)
    if not word:
        return None
    if not word[0].isdigit():
        value = _italian_word(word) if lang == "it" else _english_word(word)
        return (value, "count") if value is not None else None
    m = _ORDINAL_SUFFIX.match(word)
    if m:
        return float(m.group(1)), "ordinal"
    if lang == "it" and word.endswith("mila") and _DIGITS.match(word[:-4]):
        base = parse_number(word[:-4], lang)
        return (base[0] * 1000, "count") if base else None
    if regex.fullmatch(r"\d{1,2}:\d{2}", word):
        return float(word.split(":")[0]) + float(word.split(":")[1]) / 60, "time"
    if regex.fullmatch(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?", word):
        return float(word.split("/")[0]), "date"
    if "-" in word:
        first = parse_number(word.split("-")[0], lang)
        return (first[0], "range") if first else None
    if not _DIGITS.match(word):
        digits = regex.match(r"\d+(?:[.,]\d+)*", word).group()
        parsed = parse_number(digits, lang)
        return parsed
    thousands, decimal = (".", ",") if lang == "it" else (",", ".")
    parts = word.split(thousands)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:-1]) and (
            len(parts[-1].split(decimal)[0]) == 3) and len(parts[0]) <= 3:
        word = "".join(parts)
    elif len(parts) > 1:  # a lone separator not before three digits: a decimal point
        if len(parts) != 2 or decimal in word:
            return None
        word = word.replace(thousands, decimal)
    return float(word.replace(decimal, ".")), "count"


def _words(text, toks):
    return [normalize_term(text[t.start:t.end]) for t in toks]


def _qualifier(words, toks, k, lang, text) -> tuple[str | None, int]:
    """The qualifier right before token ``k`` (surface text, first token index)."""
    for phrase in sorted(_QUALIFIERS[lang], key=lambda p: -len(p.split())):
        parts = phrase.split()
        n = len(parts)
        if k - n >= 0 and words[k - n:k] == parts and all(
                toks[j].kind == "word" for j in range(k - n, k)):
            return text[toks[k - n].start:toks[k - 1].end], k - n
    return None, k


def _scan_doc(doc_id, source, text, lang, window):
    toks = scan(text, lang)
    words = _words(text, toks)
    stop = stopwords(lang)
    spans = sentence_spans(text, lang)
    starts = [a for a, _ in spans]
    scales, approx, of = _SCALES[lang], _APPROXIMATE[lang], _OF[lang]
    rows = []
    k = 0
    n = len(toks)
    while k < n:
        tok, word = toks[k], words[k]
        parsed = None
        if tok.kind in ("number", "word") and not (tok.kind == "word" and word in approx):
            parsed = parse_number(text[tok.start:tok.end], lang)
        if parsed is None and word in approx and tok.kind == "word":
            parsed = (float(approx[word]), "approximate")
        if parsed is None:
            k += 1
            continue
        value, kind = parsed
        first, last = k, k
        # English runs: "two hundred thousand", "one hundred and five"
        # scale words after a number multiply it: "6 milioni", "tre miliardi"
        while kind == "count" and last + 1 < n and words[last + 1] in scales:
            value *= scales[words[last + 1]]
            last += 1
            if lang == "en" and last + 1 < n:
                nxt = parse_number(text[toks[last + 1].start:toks[last + 1].end], lang)
                if nxt and nxt[1] == "count" and nxt[0] < scales[words[last]]:
                    value += nxt[0]
                    last += 1
        scaled = last > first or kind == "approximate"
        # approximate quantities of approximate quantities: "decine di migliaia"
        if kind == "approximate" and last + 2 < n and words[last + 1] in of \
                and words[last + 2] in approx:
            value *= approx[words[last + 2]]
            last += 2
        after = last + 1
        unit = None
        if after < n and toks[after].kind == "punct" and words[after] == "%":
            kind, unit, after = "percent", "%", after + 1
        else:
            for phrase in _PERCENT[lang]:
                m = len(phrase)
                if tuple(words[after:after + m]) == phrase:
                    kind, unit, after = "percent", "%", after + m
                    break
        if unit is None:
            j = after
            if scaled and j < n and words[j] in of:
                j += 1
                # "migliaia di suoi soldati", "thousands of the soldiers"
                skipped = 0
                while skipped < 2 and j < n and toks[j].kind == "word" and words[j] in stop:
                    j += 1
                    skipped += 1
            if j < n and toks[j].kind == "word":
                if kind == "count" and words[j] in _MONTHS[lang] and 1 <= value <= 31:
                    kind, unit = "date", words[j]
                elif words[j] not in stop:
                    unit = text[toks[j].start:toks[j].end]
        no_noun = unit is None
        digits = text[toks[first].start:toks[last].end]
        if (kind == "count" and no_noun and regex.fullmatch(r"\d{4}", digits)
                and 1900 <= value <= 2100):
            kind = "year"
        qualifier, q_first = _qualifier(words, toks, first, lang, text)
        start, end = toks[first].start, toks[last].end
        sent = bisect.bisect_right(starts, start) - 1
        s_start, s_end = spans[sent]
        lo = max(q_first - window, 0)
        while lo < q_first and toks[lo].start < s_start:
            lo += 1
        hi = min(last + window, n - 1)
        while hi > last and toks[hi].end > s_end:
            hi -= 1
        left = text[toks[lo].start:toks[q_first].start].strip() if lo < q_first else ""
        right = text[toks[last].end:toks[hi].end].strip() if hi > last else ""
        rows.append([doc_id, source, sent, start, end, text[start:end], float(value),
                     unit.lower() if unit else None, kind,
                     qualifier.lower() if qualifier else None, left, right])
        k = after if kind == "percent" else last + 1
    return rows


def numbers(docs: pd.DataFrame, *, window: int = 5, by: str = "source") -> pd.DataFrame:
    """Every number and quantity the documents state, with what it counts.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`) with ``doc_id``, ``text``
        and the ``by`` column; ``lang`` is used when present, else ``"it"``.
    window : int, default 5
        Tokens of context on each side (``left``/``right``), never crossing the
        sentence. The left context starts before the qualifier.
    by : str, default "source"
        The docs column copied into ``source``. When it is another column than
        ``source`` or ``doc_id``, it is also kept under its own name as a last
        column, so that ``numbers_side_by_side(table, by=by)`` works.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, source, sent, start, end, text, value, unit, kind,
        qualifier, left, right``: one row per quantity, in the order of ``docs``
        and then of the text. ``start``/``end`` are offsets into the document's
        ``text`` of the number itself (scale words included: ``6 milioni``),
        ``sent`` the index of its sentence (:func:`analysis.sentence_spans`),
        ``value`` the number as a float (the order of magnitude for
        ``approximate``), ``unit`` the lower-cased noun it counts (missing when
        none follows), ``kind`` one of :data:`KINDS`, ``qualifier`` the
        lower-cased words before it (``più di``) or missing, ``left``/``right``
        the surrounding words. See the module docstring for what counts.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["e"], "source": ["Y"], "lang": ["en"],
    ...     "text": ["More than 6,000 soldiers and two men died on 12 July."]})
    >>> numbers(docs)[["text", "value", "unit", "kind"]].values.tolist()
    [['6,000', 6000.0, 'soldiers', 'count'], ['two', 2.0, 'men', 'count'], ['12', 12.0, 'july', 'date']]
    """
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be a pandas DataFrame (from load_corpus), got {type(docs).__name__}")
    missing = [c for c in ("doc_id", "text", by) if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass the table from load_corpus")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 0:
        raise ValueError(f"window={window!r} must be a whole number of tokens >= 0")
    langs = docs["lang"] if "lang" in docs.columns else pd.Series("it", index=docs.index)
    rows = []
    for doc_id, source, text, lang in zip(docs["doc_id"], docs[by], docs["text"], langs):
        lang = check_lang(lang, argument=f"lang of document {doc_id!r}")
        if isinstance(text, str) and text:
            rows.extend(_scan_doc(doc_id, source, text, lang, int(window)))
    table = pd.DataFrame(rows, columns=NUMBERS_COLUMNS)
    if by not in NUMBERS_COLUMNS:
        table[by] = table["source"]
    return table.astype({"sent": "int64", "start": "int64", "end": "int64", "value": float})


def figure_label(row) -> str:
    """Short display of one row of :func:`numbers`: ``"più di 6.000 soldati"``.

    Approximate quantities show their unit in brackets (``"migliaia (soldati)"``),
    percentages end in ``%``.
    """
    qualifier = row.qualifier if isinstance(row.qualifier, str) else ""
    unit = row.unit if isinstance(row.unit, str) else ""
    if row.kind == "percent":
        unit, number = "", f"{row.text}%"
    elif row.kind == "approximate" and unit:
        unit, number = f"({unit})", row.text
    else:
        number = row.text
    return " ".join(p for p in (qualifier, number, unit) if p)


def _figure(row) -> str:
    return f"{figure_label(row)} (s{row.sent})"


def numbers_side_by_side(numbers_table: pd.DataFrame, *, by: str = "source") -> pd.DataFrame:
    """Line up the figures of each source by what they count.

    Parameters
    ----------
    numbers_table : pandas.DataFrame
        The table of :func:`numbers`.
    by : str, default "source"
        The column whose values become the columns of the result.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind, unit, n_sources`` and then one column per source
        (sorted names): one row per (kind, unit) pair (``unit`` as written,
        lower case; empty for years and for numbers with no noun), each source
        cell listing that source's figures in reading order as ``"qualifier
        number unit (s<sentence>)"`` joined by ``"; "``, empty when the source
        gives none. Rows with figures in more sources come first, then by
        :data:`KINDS` order and unit.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["X", "Y"],
    ...     "text": ["Più di 6.000 soldati.", "Migliaia di soldati e 6.000 ingegneri."]})
    >>> numbers_side_by_side(numbers(docs)).values.tolist()
    [['count', 'ingegneri', 1, '', '6.000 ingegneri (s0)'], ['count', 'soldati', 1, 'più di 6.000 soldati (s0)', ''], ['approximate', 'soldati', 1, '', 'Migliaia (soldati) (s0)']]
    """
    if not isinstance(numbers_table, pd.DataFrame):
        raise TypeError("numbers_table must be the DataFrame from numbers()")
    needed = [c for c in NUMBERS_COLUMNS if c != "source"] + [by]
    missing = [c for c in needed if c not in numbers_table.columns]
    if missing:
        raise ValueError(f"numbers_table is missing column(s) {missing}; pass the table from numbers()")
    sources = sorted({str(s) for s in numbers_table[by]})
    table = numbers_table.assign(_unit=numbers_table["unit"].fillna("").astype(str),
                                 _src=numbers_table[by].astype(str))
    rows = []
    for (kind, unit), g in table.groupby(["kind", "_unit"], sort=False):
        g = g.sort_values(["doc_id", "start"], kind="stable")
        cells = {s: "; ".join(_figure(r) for r in g[g["_src"] == s].itertuples()) for s in sources}
        first = int(g["start"].min())
        rows.append([kind, unit, sum(1 for v in cells.values() if v), *cells.values(), first])
    out = pd.DataFrame(rows, columns=[*SIDE_BY_SIDE_COLUMNS, *sources, "_first"])
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    out = out.sort_values(["n_sources", "_kind", "unit"], ascending=[False, True, True],
                          kind="stable")
    out = out.drop(columns=["_first", "_kind"]).reset_index(drop=True)
    return out.astype({"n_sources": "int64"})
