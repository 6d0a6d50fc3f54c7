"""The fast path of the scanning functions gives exactly the reference result.

The fast path splits a text on spaces, looks each piece's token layout up in a cache
and rebuilds the offsets with numpy (see the comment above ``_USE_FAST_SCAN`` in
``analysis/tokens.py``). It rests on a few facts about Unicode and the token patterns,
checked here over every code point, and is compared with the reference scanner and
sentence splitter on hand-made cases for every rule, the seeds, a sample of the
benchmark corpus when it exists, and Hypothesis text.
"""

import os
import re
import sys
import threading

import pandas as pd
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis
from analysis import (
    load_corpus,
    normalize,
    scan,
    scan_sentences,
    sentence_spans,
    token_spans,
    tokenize,
)
from analysis import tokens as tokens_module
from analysis.normalize import APOSTROPHES, HYPHENS, NEWLINES, SPACES
from analysis.paths import PROJECT_ROOT
from analysis.tokens import Token

BENCH = PROJECT_ROOT / "build" / "bench" / "news-10k.jsonl"
#: ``ANALYSIS_FUZZ=long`` (as ``make fuzz`` sets it): ten times the generated examples.
SCALE = 10 if os.environ.get("ANALYSIS_FUZZ", "short") == "long" else 1
# every code point, in one string (normalize maps character by character)
ALL = "".join(map(chr, range(sys.maxunicode + 1)))
ALL_NORMALIZED = normalize(ALL)


def where(pattern, text):
    """The characters of ``ALL`` at whose position ``pattern`` matches in ``text``."""
    return {ALL[m.start()] for m in pattern.finditer(text)}


def reference(text, lang="it"):
    """Tokens and sentence ids by the reference scanner and splitter."""
    toks = tokens_module._reference_scan(text, lang)
    return toks, tokens_module._sentence_ids(text, normalize(text), toks)


def reference_spans(toks, ids):
    spans = {}
    for tok, sid in zip(toks, ids):
        spans[sid] = (spans.get(sid, (tok.start,))[0], tok.end)
    return [spans[k] for k in sorted(spans)]


def assert_same(text, lang="it"):
    """Every scanning function agrees with the reference; return the reference result."""
    toks, ids = reference(text, lang)
    assert scan(text, lang) == toks
    assert token_spans(text, lang) == [(t.start, t.end) for t in toks]
    assert tokenize(text, lang) == [text[t.start : t.end] for t in toks]
    assert scan_sentences(text, lang) == (toks, ids)
    assert sentence_spans(text, lang) == reference_spans(toks, ids)
    return toks, ids


def fast_path_taken(text, lang="it"):
    return tokens_module._fast_scan_arrays(text, lang) is not None


@pytest.fixture
def fresh_layouts(monkeypatch):
    """An empty cache for one test, the shared one restored afterwards."""
    monkeypatch.setattr(tokens_module, "_layouts", tokens_module._Layouts())


# --- the facts the fast path rests on, over every code point --------------------------------
def test_split_and_re_agree_on_whitespace():
    # str.split splits pieces further only through _SCAN_CHUNK / _SCAN_HAS_SPACE (re \s)
    assert where(re.compile(r"\s"), ALL) == {c for c in ALL if c.isspace()}


def test_unsafe_characters_are_exactly_where_split_and_tokenizer_disagree():
    # the tokenizer matches on normalize(text) with the regex module's \s
    tokenizer_spaces = where(regex.compile(r"\s"), ALL_NORMALIZED)
    disagree = tokenizer_spaces ^ {c for c in ALL if c.isspace()}
    assert disagree == set(tokens_module._UNSAFE_CHARS) == set("\x1c\x1d\x1e\x1f\u200b\ufeff")


def test_normalize_keeps_spaces_and_capitals_where_the_fast_path_reads_the_original():
    # the next-capital test of the initials rule runs on the original text
    unsafe = set(tokens_module._UNSAFE_CHARS)
    for pattern in (regex.compile(r"\s"), regex.compile(r"\p{Lu}")):
        assert where(pattern, ALL) - unsafe == where(pattern, ALL_NORMALIZED) - unsafe


def test_characters_replaced_before_splitting_are_safe_spaces():
    for space in tokens_module._SCAN_SPACES:
        assert space.isspace() and space not in tokens_module._UNSAFE_CHARS


def test_line_break_candidates_are_the_characters_normalised_to_a_newline():
    becomes_newline = where(re.compile("\n"), ALL_NORMALIZED)
    assert becomes_newline == {"\n", *NEWLINES}
    assert where(tokens_module._NEWLINE, ALL) == becomes_newline


def test_terminal_marks_end_in_a_character_normalize_keeps():
    # a token that can end a sentence ends with . ! ? or …, never a mapped character
    mapped = set(APOSTROPHES) | set(SPACES) | set(HYPHENS) | set(NEWLINES)
    assert not mapped & set(".!?\u2026")


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_lookaround_sees_one_character_but_the_initials_rule(lang):
    """If a new pattern looks further, this fails: the piece cache would then be wrong."""
    pattern = tokens_module._token_regex(lang).pattern
    lookarounds = set(regex.findall(r"\(\?<?[=!](?:[^()\[\]]|\[[^\]]*\])*\)", pattern))
    one_character = {r"(?<![\p{L}\p{N}_])", r"(?<![\p{L}\p{N}.])", r"(?!\p{L})",
                     r"(?<![\p{L}\p{N}])", r"(?![\p{L}\p{N}])"}
    assert lookarounds - one_character == {r"(?=\s+\p{Lu})"}
    assert pattern.count("(?") - pattern.count("(?P<") - pattern.count("(?:") \
        - pattern.count("(?i:") == sum(pattern.count(x) for x in lookarounds)


# --- the two shortcuts: sentence roles and common pieces --------------------------------------
def roles_by_the_rules(surface, kind):
    """The sentence roles of a token, written as _sentence_ids reads them."""
    s = normalize(surface)
    T = tokens_module
    ends = s in T._TERMINAL or (kind == "punct" and s.startswith("...")) \
        or s.lower() in T._SENTENCE_FINAL_ABBR
    hard = s in T._TERMINAL or (s in T._CLOSERS and s not in T._SOFT_CLOSERS)
    soft = s in T._CLOSERS and s in T._SOFT_CLOSERS
    continues = s[0].islower() or s[0] in ",;:)]}"  # _continues
    mid = s in T._MID_PHRASE_ENDINGS or s[0].islower()  # _line_break_ends
    return (ends * T._ENDS | hard * T._HARD | soft * T._SOFT | continues * T._CONT
            | mid * T._MID)


def check_roles(text, lang="it"):
    for tok in tokens_module._reference_scan(text, lang):
        surface = text[tok.start : tok.end]
        assert tokens_module._roles(surface, tok.kind) == roles_by_the_rules(surface, tok.kind)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_roles_follow_the_rules_on_the_cases(lang):
    for text in CASES:
        check_roles(text, lang)


@settings(max_examples=100 * SCALE, deadline=None)
@given(st.text(st.one_of(st.characters(), st.sampled_from(".!?…»”')\"\u2019ⅻⅫ")), max_size=40))
def test_roles_follow_the_rules_on_any_text(text):
    check_roles(text)


SIMPLE_ALPHABET = st.sampled_from(list("aAzZéÉàÿßØ×÷0159") + ["'", "’", ".", ",", ";", ":", "!",
                                  "?", "«", "»", "“", "”", '"', "(", ")", "[", "]", "%", "-", "…"])
LETTERS = st.text(st.sampled_from(list("aAeEiIoOnNsSwWhHtTpPzZéÉàÿßØ")), min_size=1, max_size=5)
SHAPED = st.tuples(
    st.text(st.sampled_from(list("«“([\"'")), max_size=2),
    st.one_of(LETTERS, LETTERS.map(lambda w: w + "'"), st.tuples(LETTERS, LETTERS).map("’".join),
              st.from_regex(r"[0-9]{1,3}([.,][0-9]{1,3})?", fullmatch=True)),
    st.text(st.sampled_from(list(",;:!?»”)]\"%.'")), max_size=2),
    st.sampled_from(["", "", "."]),
).map("".join)
SIMPLE_PIECES = st.one_of(
    SHAPED,
    st.text(SIMPLE_ALPHABET, min_size=1, max_size=8),
    st.sampled_from(["sig.", "Sig.", "SIG.", "L'on.", "dell'on.", "n.", "A.", "a.", "E.", "www.",
                     "wwwx", "http", "Www.", "O'Brien", "o'brien", "po'", "E'", "E'vero", "ecc.",
                     "etc.", "mr.", "Mr.", "«Basta.»", "(Tass).", "6.000.", "3,5%", "20%.",
                     "dell’agenzia,", "cf.", "st."]),
)


@settings(max_examples=300 * SCALE, deadline=None)
@given(SIMPLE_PIECES, st.sampled_from(["it", "en"]))
def test_common_pieces_parse_as_the_reference_scans_them(piece, lang):
    got = tokens_module._simple_layout(piece, lang)
    if got is not None:
        expected = tokens_module._relative(tokens_module._reference_scan(piece, lang), 0, piece)
        assert got == expected
        # no other rule could apply before a following capital (the initials rule)
        assert tokens_module._reference_scan(piece + " A", lang)[:-1] == \
            tokens_module._reference_scan(piece, lang)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_piece_of_latin_1_letters_is_one_word(lang):
    # the shortcut for new pieces that pass str.isalpha() and are Latin-1
    letters = [c for c in ALL[:256] if c.isalpha()]
    assert len(letters) == 52 + 62 + 3  # a-z and A-Z, À-ÿ but × and ÷, and ª µ º
    for c in letters:
        for piece in (c, c + "a", "A" + c + c):
            assert tokens_module._reference_scan(piece, lang) == [Token(0, len(piece), "word")]


def test_common_pieces_leave_the_exceptions_to_the_scanner():
    simple = tokens_module._simple_layout
    assert simple("dell’agenzia,", "it") == ((0, 5, "word", 24), (5, 7, "word", 24),
                                             (12, 1, "punct", 24))
    for piece in ["sig.", "L'on.", "A.", "www.x", "O'Brien", "dell'agenzia"]:
        assert simple(piece, "en" if piece == "dell'agenzia" else "it") is None


# --- hand-made cases for every rule ---------------------------------------------------------
CASES = [
    "",
    "   \n\t ",
    "Il sig. Rossi ha parlato. «Basta.» Poi è uscito.",
    "L'on. Rossi e l’on. Bianchi. La dott.ssa Verdi, ecc. Fine ecc. E poi.",
    "Lo scrisse J. R. R. Tolkien. Firmato J.\nRossi. Poi J. e basta. A. B. c.",
    "J.  R. Tolkien e J.\n\nR. Rossi e J.\u00a0R. e J.\u2009R. e J.\u3000R. e (J. R.) e x.J. R.",
    "Gli U.S. e la U.E. Poi gli U.S.\nArmy. Mr. Lavrov in the U.S. on Friday.",
    "Aspetta... E poi… Sì. Davvero.... no. Ma…, sì. Fine...",
    "Disse: «Basta.» Poi: “Mai!” E (così.) [fine.] {fine.} Poi 'sì.' e \"no.\" Dopo.",
    "Fine.» Ancora.” Ancora.' Ancora.\" Ancora. ' Staccato. \" Staccato.",
    "Ciao.\n\n» Poi va. Fine?!\n\nNuovo. Fine!?» Altro.",
    "Prima riga\nseconda riga\nTerza riga.\nQuarta,\nQuinta:\nSesta -\nSettima «\nOttava",
    "Titolo\n\nTesto del pezzo\n \nAltro paragrafo\r\nCon CRLF\r\n\r\nE doppio.",
    "riga\u2028Nuova\u2029Altra\u0085Ancora e\u000bverticale\u000cmodulo",
    "6.000 soldati, 3,5 per cento, alle 10.30, il 20%, nel 2024. 12/07/2025 e 2024-2025.",
    "vedi https://www.lemonde.fr/a?b=1. e www.x.it, poi redazione@esempio.it. @KCNA_news #Wonsan.",
    "...a@b.it e ...www.x.it e x.@y.it",
    "Russia's army didn't move. I'm here, O'Brien's. Can't won't. soldiers' arms.",
    "dell’intelligence e dell'intelligence, l’Ucraina; all'inizio. L'8 luglio. po' E' mo'",
    "inter\u00adnazionale CAFFE\u0301 caffè Città PERCHÉ \u0301a \u00ad. Cafe\u0301. E\u0301 vero.",
    "Kim Jong\u2011un e Jong\u2010un. \u2010 Trattino. Fine \u2010\nNuova",
    "spazi\u00a0non\u00a0separabili\u202fstretti\u2009fini\u3000ideografici\u1680ogham",
    "«Sì» “incondizionato” \"certa\" ‘eroici’ 'no' (Tass) [sic] Kursk – una — due",
    "A.B.C. e a.C. e d.C. Nel 300 a.C. Roma. Fine a.C.\nNuova",
    "Vedi n. 5 e nn. 6-7, pag. 3, art. 2. Fine. Cfr. sopra.",
    "ß İstanbul ﬁne Ⅻ ² ١٢٣ 😀 👍🏽 🇮🇹 שלום مرحبا \u202e \u200f \x00 x\u0301",
    "\ud800 e \udfff.",  # lone surrogates
    "zero\u200bwidth e bom\ufeff qui, un separatore\x1cqui. Fine.",  # the reference path
    "x" * 200 + ". " + "Parola " * 50 + "fine." + " " * 3,
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("lang", ["it", "en"])
def test_hand_made_cases_equal_the_reference(text, lang, fresh_layouts):
    expected = assert_same(text, lang)
    assert assert_same(text, lang) == expected  # again, from the cache


def test_the_cases_exercise_every_rule():
    """The table above reaches both paths and splits where the rules say."""
    assert not fast_path_taken(CASES[-2]) and fast_path_taken(CASES[2])
    text = "Lo scrisse J. R. Tolkien. Firmato J.\nRossi. Poi J. e basta."
    # "J." before a capital is an initial (no split after "J. R."); across a line break
    # too, but the line break before "Rossi" ends the sentence (the line does not end
    # mid-phrase and the next starts with a capital); "J." before "e" is a word and a
    # full stop, and the lower-case "e" carries the sentence on.
    assert sentence_spans(text) == [(0, 25), (26, 36), (37, 43), (44, 59)]
    assert [t.kind for t in scan("J. R. Tolkien")] == ["abbr", "abbr", "word"]
    assert [t.kind for t in scan("J. R. x")] == ["abbr", "word", "punct", "word"]
    assert [t.kind for t in scan("J. r.")] == ["word", "punct", "word", "punct"]


def test_an_initial_depends_on_the_next_piece_within_and_across_texts(fresh_layouts):
    # the same piece "J." is an initial before a capital and a word + full stop otherwise
    for text in ["J. Rossi", "J. rossi", "Firmato J.", "J.\n\n\tRossi", "(J.) Rossi", "J.\tR."]:
        assert_same(text)
    toks, _ = assert_same("Firmato J. e J. Rossi e J.")
    assert [(t.start, t.kind) for t in toks if t.start >= 8] == [
        (8, "word"), (9, "punct"), (11, "word"), (13, "abbr"), (16, "word"), (22, "word"),
        (24, "word"), (25, "punct")]


# --- real text ----------------------------------------------------------------------------------
def test_seeds_equal_the_reference():
    for doc in load_corpus().itertuples():
        toks, ids = assert_same(doc.text, doc.lang)
        assert len(toks) > 300 and ids[-1] >= 11  # 604 and 385 tokens, 20 and 12 sentences
        if isinstance(doc.title, str):
            assert_same(doc.title, doc.lang)


@pytest.fixture(scope="module")
def bench():
    if not BENCH.is_file():
        pytest.skip(f"{BENCH} not generated (python -m benchmarks.generate)")
    return pd.read_json(BENCH, lines=True, nrows=300)


def test_bench_sample_equals_the_reference(bench):
    n_sentences = 0
    for text in bench["text"]:
        assert fast_path_taken(text)
        _, ids = assert_same(text)
        n_sentences += ids[-1] + 1
    assert n_sentences > 300 * 10


# --- generated text -----------------------------------------------------------------------------
PIECES = st.sampled_from([
    "il", "Il", "la", "di", "un", "Un", "e", "E", "Kim", "Jong", "dell'", "dell’", "l'", "L’",
    "agenzia", "on.", "On.", "sig.", "ecc.", "etc.", "Mr.", "J.", "R.", "j.", "U.S.", "a.C.", "A",
    "x", "é", "\u0301", "\u00ad", ".", ",", ";", ":", "!", "?", "…", "...", "....", "«", "»", "“",
    "”", '"', "'", "’", "(", ")", "[", "]", "{", "}", "-", "–", "\u2010", "6.000", "3,5", "10.30",
    "%", "www", "www.", "x.it", "http://x.it/a", "a@b.it", "@", "#", "@kcna", "#tag", "po'",
    "E'", "O'", "Brien", "'s", "n't", "città", "CITTÀ", "ß", "İ", "🙂", "١",
])
SEPARATORS = st.sampled_from(["", "", "", " ", " ", " ", "  ", "\n", "\n\n", "\n \n", "\t",
                              "\r\n", "\u00a0", "\u2009", "\u3000", "\u2028", "\x0b", "\x85"])
NEWS_LIKE = st.lists(st.tuples(PIECES, SEPARATORS), max_size=40).map(
    lambda pairs: "".join(p + s for p, s in pairs))
ANY_TEXT = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=80)
MIXED = st.lists(st.one_of(PIECES, SEPARATORS, st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NEWS_LIKE, st.sampled_from(["it", "en"]))
def test_news_like_text_equals_the_reference(text, lang):
    assert fast_path_taken(text, lang)  # no unsafe separator among the pieces
    assert_same(text, lang)


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NEWS_LIKE, st.sampled_from("\x1c\x1d\x1e\x1f\u200b\ufeff"), st.data())
def test_text_with_an_unsafe_character_takes_the_reference_path(text, unsafe, data):
    at = data.draw(st.integers(0, len(text)))
    text = text[:at] + unsafe + text[at:]
    assert not fast_path_taken(text)
    assert_same(text)


@settings(max_examples=150 * SCALE, deadline=None)
@given(ANY_TEXT, st.sampled_from(["it", "en"]))
def test_any_unicode_equals_the_reference(text, lang):
    assert_same(text, lang)


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
def test_mixed_text_equals_the_reference(text):
    assert_same(text)


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NEWS_LIKE, min_size=2, max_size=6))
def test_pieces_seen_in_other_texts_equal_the_reference(texts):
    # a layout remembered from one text is reused in the next with other neighbours
    tokens_module._reset_layouts()
    for text in texts:
        assert_same(text)


# --- caches, limits and fallbacks ----------------------------------------------------------------
def test_caches_are_bounded_and_rebuilt(monkeypatch, fresh_layouts):
    monkeypatch.setattr(tokens_module, "_SCAN_CACHE_MAX", 5)
    text = " ".join(f"parola{k}." for k in range(50)) + " Fine."
    assert_same(text)
    assert_same(text)  # the full piece cache is dropped and refilled
    assert len(tokens_module._layouts.pieces["it"]) == 51  # 50 words and "Fine."
    monkeypatch.setattr(tokens_module, "_LAYOUTS_MAX", 2)
    assert_same(text + " «Altro»")
    layouts = tokens_module._layouts
    assert_same("Nuovo testo, 6.000 parole!")
    assert tokens_module._layouts is not layouts  # too many layouts: all forgotten


def test_long_pieces_are_not_remembered(monkeypatch, fresh_layouts):
    long_piece = "x" * (tokens_module._SCAN_PIECE_MAX + 1) + "."
    # a piece with whitespace other than the replaced spaces is split by re and kept whole
    assert_same(f"{long_piece} e\u3000poi\x0bfine.")
    assert set(tokens_module._layouts.pieces["it"]) == {"e\u3000poi\x0bfine."}
    monkeypatch.setattr(tokens_module, "_SCAN_MISS_MAX", 10)
    assert not fast_path_taken("parola lunghissima, non ancora vista")
    assert_same("parola lunghissima, non ancora vista")
    assert fast_path_taken("parola e poi")  # short pieces still take the fast path


def test_switch_selects_the_reference(monkeypatch):
    text = "Kim parla. Lavrov\n\nascolta."
    fast = scan_sentences(text)
    monkeypatch.setattr(tokens_module, "_USE_FAST_SCAN", False)
    monkeypatch.setattr(tokens_module, "_fast_scan_arrays", None)  # never called
    assert scan_sentences(text) == fast == reference(text)
    # a blank line always ends a sentence
    assert scan(text) == fast[0] and sentence_spans(text) == [(0, 10), (11, 17), (19, 27)]


def test_threads_share_the_cache_safely(fresh_layouts):
    texts = [f"Testo {k}: il sig. Rossi{k % 7} disse «sì.» Poi J. R. Tolkien{k % 5}.\n\nFine."
             for k in range(200)]
    expected = [reference(t) for t in texts]
    results = {}

    def work(offset):
        results[offset] = [scan_sentences(t) for t in texts[offset:] + texts[:offset]]

    threads = [threading.Thread(target=work, args=(k * 50,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for offset, got in results.items():
        assert got == expected[offset:] + expected[:offset]


# --- the public function --------------------------------------------------------------------
def test_scan_sentences_returns_tokens_and_ids():
    text = "Il sig. Rossi parla. «Basta.» Poi esce"
    toks, ids = scan_sentences(text)
    assert all(type(t) is Token for t in toks)
    assert [text[t.start : t.end] for t in toks] == [
        "Il", "sig.", "Rossi", "parla", ".", "«", "Basta", ".", "»", "Poi", "esce"]
    assert ids == [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
    assert scan_sentences("") == ([], []) and scan_sentences(" \n ") == ([], [])
    assert analysis.scan_sentences is scan_sentences
    assert "scan_sentences" in analysis.__all__ and "scan_sentences" in tokens_module.__all__


@pytest.mark.parametrize("function", [scan, scan_sentences, sentence_spans, token_spans, tokenize])
def test_bad_arguments_are_refused_with_their_name(function):
    with pytest.raises(TypeError, match="text must be a str"):
        function(b"Kim parla.")
    with pytest.raises(ValueError, match="lang"):
        function("Kim parla.", lang="fr")
