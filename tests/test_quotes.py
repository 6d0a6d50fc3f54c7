"""Quotes, attributions and share of voice: regression tables, gold on the seeds."""

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import load_corpus
from analysis.paths import PROJECT_ROOT
from analysis.quotes import (
    EVALUATION_COLUMNS,
    QUOTES_COLUMNS,
    UNATTRIBUTED,
    VOICES_COLUMNS,
    QuotesWarning,
    evaluate_quotes,
    load_lexicon,
    quotes,
    voices,
)

GOLD_PATH = PROJECT_ROOT / "tests" / "gold" / "quotes_seeds.csv"
INT_NA = {"speaker_start": "Int64", "speaker_end": "Int64", "cue_start": "Int64",
          "cue_end": "Int64"}


def one(text, lang="it", **kwargs):
    docs = pd.DataFrame({"doc_id": ["t"], "source": ["S"], "lang": [lang], "text": [text]})
    return quotes(docs, **kwargs)


def na(value):
    return None if pd.isna(value) else value


def summary(table):
    return [(r.kind, na(r.speaker), na(r.cue), r.content) for r in table.itertuples()]


# --- regression table: (lang, text, [(kind, speaker, cue, content), ...]) ----------
CASES = [
    # Italian direct quotes: postposed cue, colon, cue before the quote
    ("it", "«Abbiamo parlato di pace», ha detto Lavrov.",
     [("direct", "Lavrov", "ha detto", "Abbiamo parlato di pace")]),
    ("it", "Lavrov ha detto: «Abbiamo parlato di pace».",
     [("direct", "Lavrov", "ha detto", "Abbiamo parlato di pace")]),
    ("it", "“Restiamo fino a domenica”, ha riferito l’agenzia Tass.",
     [("direct", "l’agenzia Tass", "ha riferito", "Restiamo fino a domenica")]),
    # Italian indirect: che-clause, content before the cue, noun-phrase content
    ("it", "Lavrov ha detto che i colloqui sono andati bene.",
     [("indirect", "Lavrov", "ha detto", "i colloqui sono andati bene")]),
    ("it", "I colloqui sono andati bene, ha detto Lavrov.",
     [("indirect", "Lavrov", "ha detto", "I colloqui sono andati bene")]),
    ("it", "I colloqui sono andati bene, il ministero ha detto sabato.",
     [("indirect", "il ministero", "ha detto", "I colloqui sono andati bene")]),
    ("it", "Pyongyang ha ribadito il suo sostegno alla guerra in cui sono morti migliaia.",
     [("indirect", "Pyongyang", "ha ribadito", "il suo sostegno alla guerra")]),
    ("it", "Il ministro sostiene che la guerra finirà presto.",
     [("indirect", "Il ministro", "sostiene", "la guerra finirà presto")]),
    ("it", "Kim ha anche ammesso che la situazione è difficile.",
     [("indirect", "Kim", "ha anche ammesso", "la situazione è difficile")]),
    # gerund: the speaker is the subject of the main clause
    ("it", "I media avevano annunciato la visita, dicendo che Lavrov sarebbe rimasto.",
     [("indirect", "I media", "avevano annunciato", "la visita"),
      ("indirect", "I media", "dicendo", "Lavrov sarebbe rimasto")]),
    # according to, before and after, and with no one named
    ("it", "Secondo la Tass, i colloqui sono andati bene.",
     [("according_to", "la Tass", "Secondo", "i colloqui sono andati bene")]),
    ("it", "I colloqui sono andati bene, secondo la Tass.",
     [("according_to", "la Tass", "secondo", "I colloqui sono andati bene")]),
    ("it", "Secondo quanto riferito, Kim ha inviato truppe.",
     [("according_to", None, "Secondo quanto riferito", "Kim ha inviato truppe")]),
    # reported by: a verb of relaying news, after or before the content
    ("it", "I colloqui sono andati bene, hanno riferito domenica i media ufficiali.",
     [("reported_by", "i media ufficiali", "hanno riferito", "I colloqui sono andati bene")]),
    ("it", "La Tass riferisce che Lavrov è arrivato.",
     [("reported_by", "La Tass", "riferisce", "Lavrov è arrivato")]),
    # scare and partial quotes take the speaker of the statement around them
    ("it", "Kim ha definito i soldati “eroici”.",
     [("indirect", "Kim", "ha definito", "i soldati “eroici”"),
      ("partial_quote", "Kim", None, "eroici")]),
    ("it", "Il cosiddetto ‘piano di pace’ è fallito, dice l’analista.",
     [("partial_quote", "l’analista", None, "piano di pace"),
      ("indirect", "l’analista", "dice", "Il cosiddetto ‘piano di pace’ è fallito")]),
    ("it", "Lavrov «ha ringraziato» i soldati.",
     [("partial_quote", None, None, "ha ringraziato")]),
    # no statement: ordinal "secondo", a noun homograph, apostrophes are not quotes
    ("it", "Il secondo incontro è previsto a settembre.", []),
    ("it", "La denuncia dell’agenzia è arrivata ieri.", []),
    ("it", "L’incontro all’inizio di luglio è durato un po’.", []),
    # English
    ("en", '"We exchanged views," Lavrov said.',
     [("direct", "Lavrov", "said", "We exchanged views")]),
    ("en", '"We exchanged views," said Lavrov.',
     [("direct", "Lavrov", "said", "We exchanged views")]),
    ("en", 'Lavrov said: "We agree."', [("direct", "Lavrov", "said", "We agree.")]),
    ("en", "Lavrov said that the talks went well.",
     [("indirect", "Lavrov", "said", "the talks went well")]),
    ("en", "The talks went well, Lavrov told reporters.",
     [("indirect", "Lavrov", "told", "The talks went well")]),
    ("en", "The United States said on Friday that aid would resume.",
     [("indirect", "The United States", "said", "aid would resume")]),
    ("en", "Officials claimed that the troops had left.",
     [("indirect", "Officials", "claimed", "the troops had left")]),
    ("en", "Kim denied the report.", [("indirect", "Kim", "denied", "the report")]),
    ("en", "According to Tass, the talks went well.",
     [("according_to", "Tass", "According to", "the talks went well")]),
    ("en", "The talks went well, according to Tass.",
     [("according_to", "Tass", "according to", "The talks went well")]),
    ("en", "The talks went well, Tass reported.",
     [("reported_by", "Tass", "reported", "The talks went well")]),
    ("en", "Pyongyang has reportedly armed Moscow.",
     [("according_to", None, "reportedly", "Pyongyang has reportedly armed Moscow")]),
    ("en", 'He called the soldiers "heroic".',
     [("indirect", "He", "called", 'the soldiers "heroic"'),
      ("partial_quote", "He", None, "heroic")]),
    ("en", "The United States and South Korea signed a deal.", []),
]


@pytest.mark.parametrize("lang, text, expected", CASES, ids=[c[1][:40] for c in CASES])
def test_patterns(lang, text, expected):
    table = one(text, lang)
    assert summary(table) == expected
    # every reported span slices the original text
    for r in table.itertuples():
        assert text[r.content_start : r.content_end] == r.content
        if na(r.cue) is not None:
            assert text[r.cue_start : r.cue_end] == r.cue


@pytest.mark.parametrize("lang, text, connotation", [
    ("it", "Lavrov ha detto che va bene.", "neutral"),
    ("it", "Lavrov ha dichiarato che va bene.", "neutral"),
    ("it", "Lavrov ha affermato che va bene.", "neutral"),
    ("it", "Va bene, ha riferito Lavrov.", "neutral"),
    ("it", "Lavrov sostiene che va bene.", "distancing"),
    ("it", "Va bene, secondo Lavrov.", "distancing"),
    ("it", "Lavrov ha ammesso che va male.", "evaluative"),
    ("it", "Kiev ha denunciato che Mosca bombarda.", "evaluative"),
    ("it", "Mosca ha accusato Kiev di aver violato la tregua.", "evaluative"),
    ("it", "Kim ha ribadito che sostiene Mosca.", "evaluative"),
    ("en", "Lavrov says that it is fine.", "neutral"),
    ("en", "Lavrov told reporters that it is fine.", "neutral"),
    ("en", "Lavrov claims that it is fine.", "distancing"),
    ("en", "Lavrov admitted that it is bad.", "evaluative"),
    ("en", "Lavrov denied that troops had left.", "evaluative"),
    ("en", "Seoul accused Pyongyang of sending troops.", "evaluative"),
])
def test_connotation_classes(lang, text, connotation):
    table = one(text, lang)
    assert table["connotation"].tolist() == [connotation]


def test_columns_and_dtypes():
    table = one("«Sì», ha detto Kim. Secondo la Tass, va bene.")
    assert list(table.columns) == QUOTES_COLUMNS
    assert table.columns[:15].tolist() == [
        "doc_id", "source", "sent", "kind", "content", "content_start", "content_end",
        "speaker", "speaker_start", "speaker_end", "speaker_canonical", "cue", "cue_start",
        "cue_end", "connotation"]
    assert table["sent"].tolist() == [0, 1]
    # "Sì" -> 1 word; "va bene" -> 2 words (stopwords kept)
    assert table["n_words"].tolist() == [1, 2]
    assert str(table["speaker_start"].dtype) == "Int64"


def test_quote_spanning_sentences_is_one_direct_statement():
    text = "“Abbiamo parlato. Siamo d’accordo”, ha detto Lavrov. Poi è partito."
    table = one(text)
    assert summary(table) == [
        ("direct", "Lavrov", "ha detto", "Abbiamo parlato. Siamo d’accordo")]
    # the content starts in sentence 0; the row is filed under the cue's sentence 1
    assert table.loc[0, "content_start"] == 1
    assert table.loc[0, "sent"] == 1


def test_standalone_quote_takes_the_previous_speaker():
    text = "Lavrov ha detto che resterà. «Siamo amici.» Poi è partito."
    table = one(text)
    assert summary(table) == [("indirect", "Lavrov", "ha detto", "resterà"),
                              ("direct", "Lavrov", None, "Siamo amici.")]
    assert table["speaker_rule"].tolist() == ["explicit", "previous_statement"]


def test_pro_drop_speaker_is_inherited():
    table = one("Lavrov ha detto che resterà. Ha aggiunto che tornerà.")
    assert table["speaker"].tolist() == ["Lavrov", "Lavrov"]
    assert table["speaker_rule"].tolist() == ["explicit", "previous_statement"]
    # beyond the window the speaker stays unknown
    far = one("Lavrov ha detto che resterà. Piove. Nevica. Grandina. Ha aggiunto che tornerà.",
              window=2)
    assert far["speaker_canonical"].tolist() == ["Lavrov", UNATTRIBUTED]


def test_partial_quote_without_statement_takes_the_last_source():
    text = ("Secondo la KCNA, Kim ha ricevuto Lavrov. "
            "I due hanno discusso di «questioni importanti».")
    table = one(text)
    row = table[table.kind == "partial_quote"].iloc[0]
    assert (row.speaker, row.speaker_rule) == ("la KCNA", "last_source")


@pytest.mark.parametrize("text, mark, expected", [
    # the open mark is ignored: the colon content is read as indirect speech
    ("Lavrov ha detto: «Abbiamo parlato di pace.", "«",
     [("indirect", "Lavrov", "ha detto", "«Abbiamo parlato di pace")]),
    ("Lavrov ha detto: Abbiamo parlato» di pace.", "»",
     [("indirect", "Lavrov", "ha detto", "Abbiamo parlato» di pace")]),
    # an ASCII quote left open at a blank line does not pair with the next paragraph's
    ('Lavrov ha detto: "Abbiamo parlato di pace.\n\nPoi "nulla".', '"',
     [("indirect", "Lavrov", "ha detto", '"Abbiamo parlato di pace'),
      ("partial_quote", None, None, "nulla")]),
])
def test_unbalanced_quotes_warn_and_degrade(text, mark, expected):
    docs = pd.DataFrame({"doc_id": ["broken"], "source": ["S"], "lang": ["it"], "text": [text]})
    with pytest.warns(QuotesWarning, match=r"document 'broken'.*" + mark):
        table = quotes(docs)
    assert summary(table) == expected


def test_unbalanced_paragraph_does_not_swallow_the_next_one():
    text = 'Kim ha detto: "Siamo pronti.\n\nLavrov ha detto: "Bene", e poi è partito.'
    with pytest.warns(QuotesWarning):
        table = one(text)
    assert ("direct", "Lavrov", "ha detto", "Bene") in summary(table)


def test_apostrophes_are_not_quotes():
    table = one("Secondo l’agenzia, l’incontro è finito all’alba.")
    assert summary(table) == [("according_to", "l’agenzia", "Secondo",
                               "l’incontro è finito all’alba")]


# --- canonical speakers ---------------------------------------------------------------
@pytest.mark.parametrize("text, canonical", [
    ("«Sì», ha detto l’agenzia di stampa russa Tass.", "Tass"),
    ("«Sì», ha detto il presidente ucraino Volodymyr Zelenskyy.", "Volodymyr Zelenskyy"),
    ("«Sì», ha detto il ministero degli Esteri russo.", "ministero degli Esteri russo"),
    ("«Sì», hanno detto i media ufficiali di Pyongyang.", "media ufficiali di Pyongyang"),
    ("Secondo la KCNA, va bene.", "KCNA"),
    ("Gli Stati Uniti e la Corea del Sud hanno detto che va bene.",
     "Stati Uniti e la Corea del Sud"),
])
def test_canonical_fallback_without_mentions(text, canonical):
    assert one(text)["speaker_canonical"].tolist() == [canonical]


def test_one_word_name_takes_the_longer_name_of_the_document():
    text = "Il presidente Volodymyr Zelenskyy ha detto che va bene. Va bene, ha detto Zelenskyy."
    assert one(text)["speaker_canonical"].tolist() == ["Volodymyr Zelenskyy"] * 2


def test_anaphor_resolves_to_the_first_name_of_its_sentence():
    text = "È stato chiesto al Cremlino di una visita, ma quest'ultimo ha risposto che no."
    table = one(text)
    assert table[["speaker", "speaker_canonical", "speaker_rule"]].values.tolist() == [
        ["quest'ultimo", "Cremlino", "anaphor"]]


def _mentions(text, spans):
    """Hand-built mentions table: (surface, canonical, type) found in text."""
    rows = []
    for surface, canonical, kind in spans:
        start = text.index(surface)
        rows.append({"doc_id": "t", "source": "S", "sent": 0, "start": start,
                     "end": start + len(surface), "text": surface, "canonical": canonical,
                     "type": kind, "rule": "hand", "is_metonym": False})
    return pd.DataFrame(rows)


def test_canonical_from_mentions():
    text = ("«Sì», ha detto il ministero degli Esteri russo. "
            "Gli Stati Uniti e la Corea del Sud hanno detto che va bene. "
            "I media ufficiali di Pyongyang hanno riferito che Kim ha detto che va bene.")
    mentions = _mentions(text, [
        ("ministero degli Esteri russo", "Russian Foreign Ministry", "organisation"),
        ("Stati Uniti", "United States", "place"),
        ("Corea del Sud", "South Korea", "place"),
        ("Pyongyang", "North Korea", "place"),
        ("Kim", "Kim Jong-un", "person"),
    ])
    before = mentions.copy()
    table = one(text, mentions=mentions)
    assert table["speaker_canonical"].tolist() == [
        "Russian Foreign Ministry",
        "United States + South Korea",   # names joined by "e"
        "media ufficiali di Pyongyang",  # "di Pyongyang" is a modifier, not the speaker
        "Kim Jong-un",
    ]
    pd.testing.assert_frame_equal(mentions, before)  # inputs are not mutated


def test_anaphor_with_mentions():
    text = "È stato chiesto al Cremlino di una visita, ma quest'ultimo ha risposto che no."
    mentions = _mentions(text, [("Cremlino", "Russia", "organisation")])
    assert one(text, mentions=mentions)["speaker_canonical"].tolist() == ["Russia"]


def test_via_names_the_enclosing_source():
    table = one("Secondo la KCNA, Kim ha detto che la Corea era «pronta».")
    assert table[["kind", "speaker_canonical", "via"]].values.tolist() == [
        ["according_to", "KCNA", ""],
        ["indirect", "Kim", "KCNA"],
        ["partial_quote", "Kim", "KCNA"],
    ]


# --- seeds: hand-built gold -------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds():
    docs = load_corpus()
    return docs, quotes(docs)


@pytest.fixture(scope="module")
def gold():
    return pd.read_csv(GOLD_PATH, comment="#", dtype=INT_NA, keep_default_na=False,
                       na_values={c: [""] for c in INT_NA})


def test_gold_offsets_slice_the_seeds(seeds, gold):
    docs, _ = seeds
    texts = dict(zip(docs["doc_id"], docs["text"]))
    for r in gold.itertuples():
        assert texts[r.doc_id][r.content_start : r.content_end] == r.content
        if not pd.isna(r.speaker_start):
            assert texts[r.doc_id][r.speaker_start : r.speaker_end] == r.speaker
        if not pd.isna(r.cue_start):
            assert texts[r.doc_id][r.cue_start : r.cue_end] == r.cue


def test_precision_recall_against_gold(seeds, gold):
    _, predicted = seeds
    scores = evaluate_quotes(predicted, gold)
    print("\n" + scores.to_string(index=False))
    by_level = scores.set_index("level")
    for level in ("statements", "speaker", "kind"):
        assert by_level.loc[level, "precision"] >= 0.9, level
        assert by_level.loc[level, "recall"] >= 0.9, level
    assert by_level.loc["content", "recall"] >= 0.85
    # 33 gold rows: 16 in the unsigned text, 17 in Le Monde's
    assert scores["n_gold"].iloc[0] == 33


def test_seed_golden_values(seeds):
    docs, table = seeds
    unsigned = table[table.source == "Unsigned"]
    tass = unsigned[unsigned.speaker_canonical == "Tass"].iloc[0]
    # the quote opens in sentence 10 and closes in sentence 11, where the cue is
    assert tass.kind == "direct" and tass.sent == 11
    assert tass.content.startswith("Abbiamo scambiato") and tass.content.endswith("forze armate")
    counts = table.groupby(["source", "kind"]).size().to_dict()
    assert counts == {
        ("Le Monde", "according_to"): 3, ("Le Monde", "indirect"): 5,
        ("Le Monde", "partial_quote"): 8, ("Le Monde", "reported_by"): 1,
        ("Unsigned", "according_to"): 2, ("Unsigned", "direct"): 1,
        ("Unsigned", "indirect"): 11, ("Unsigned", "partial_quote"): 2,
    }


def test_voices_on_the_seeds(seeds):
    _, table = seeds
    v = voices(table)
    assert list(v.columns) == VOICES_COLUMNS
    lm = v[v.group == "Le Monde"].set_index("speaker")
    # KCNA: 2 according_to statements; quoted words of the partial quotes it is given
    # alone: "in un'atmosfera di fiducia e caloroso cameratismo" (8 terms: in, un',
    # atmosfera, di, fiducia, e, caloroso, cameratismo) + "questioni importanti per la
    # fedele attuazione degli accordi raggiunti" (9) = 17
    assert lm.loc["KCNA", "n_statements"] == 2
    assert lm.loc["KCNA", "n_quoted_words"] == 17
    assert bool(lm.loc["Tass", "only_in_one_group"]) is False  # both sources cite Tass
    assert bool(lm.loc["KCNA", "only_in_one_group"]) is True
    for _, grp in v.groupby("group"):
        assert grp["share_statements"].sum() == pytest.approx(1.0)
        assert grp["share_quoted_words"].sum() == pytest.approx(1.0)


# --- voices on a tiny table -------------------------------------------------------------
TINY = pd.DataFrame({
    "doc_id": ["a", "a", "a", "b", "b"],
    "source": ["X", "X", "X", "Y", "Y"],
    "kind": ["direct", "according_to", "partial_quote", "indirect", "partial_quote"],
    "speaker_canonical": ["Tass", "KCNA", "KCNA", "Tass", UNATTRIBUTED],
    "n_words": [6, 10, 2, 5, 3],
})


def test_voices_hand_arithmetic():
    v = voices(TINY)
    assert v.values.tolist() == [
        # X: 2 statements (Tass direct, KCNA according_to); quoted words 6 + 2 = 8
        ["X", "Tass", 1, 6, 0.5, 0.75, 6, 2, False],   # 6 / 8 = 0.75
        ["X", "KCNA", 1, 2, 0.5, 0.25, 10, 1, True],   # 2 / 8; content words 10
        # Y: 1 statement; quoted words only the unattributed partial quote (3)
        ["Y", "Tass", 1, 0, 1.0, 0.0, 5, 2, False],
        ["Y", UNATTRIBUTED, 0, 3, 0.0, 1.0, 0, 1, True],
    ]


def test_voices_by_docs_column_and_errors():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "year": ["2025", "2025"]})
    v = voices(TINY, by="year", docs=docs)
    assert v["group"].unique().tolist() == ["2025"]
    assert v.set_index("speaker").loc["Tass", "n_statements"] == 2
    with pytest.raises(ValueError, match="by='year'"):
        voices(TINY, by="year")
    with pytest.raises(ValueError, match="missing column"):
        voices(TINY.drop(columns="n_words"))


def test_evaluate_quotes_hand_counts():
    gold = pd.DataFrame({"doc_id": ["a", "a", "a"], "kind": ["direct", "indirect", "partial_quote"],
                         "content_start": [0, 20, 40], "content_end": [10, 30, 45],
                         "speaker_start": [12, 32, pd.NA], "speaker_end": [15, 35, pd.NA],
                         "cue_start": [16, 36, pd.NA], "cue_end": [18, 38, pd.NA]}).astype(INT_NA)
    # one exact, one with the wrong kind and speaker, the partial quote missed, one extra
    pred = pd.DataFrame({"doc_id": ["a", "a", "a"], "kind": ["direct", "according_to", "indirect"],
                         "content_start": [0, 20, 60], "content_end": [10, 30, 70],
                         "speaker_start": [12, 50, 1], "speaker_end": [15, 55, 2],
                         "cue_start": [16, 37, 80], "cue_end": [18, 39, 82]}).astype(INT_NA)
    scores = evaluate_quotes(pred, gold).set_index("level")
    assert list(scores.reset_index().columns) == EVALUATION_COLUMNS
    assert scores["n_correct"].to_dict() == {"statements": 2, "kind": 1, "speaker": 1,
                                             "content": 2}
    assert scores.loc["statements", "precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores.loc["kind", "recall"] == pytest.approx(1 / 3, abs=1e-4)


# --- lexicon ------------------------------------------------------------------------------
def test_shipped_lexicon_covers_the_brief():
    lex = load_lexicon()
    it, en = lex.participles["it"], lex.forms["en"]
    neutral = ("detto", "dichiarato", "affermato", "riferito")
    assert {it[f].connotation for f in neutral} == {"neutral"}
    assert lex.forms["it"]["sostiene"].connotation == "distancing"
    assert {it[f].connotation for f in ("ammesso", "denunciato", "accusato", "ribadito")} == {
        "evaluative"}
    assert en["said"].connotation == en["told"].connotation == "neutral"
    assert en["claimed"].connotation == "distancing"
    assert {en[f].connotation for f in ("admitted", "denied", "accused")} == {"evaluative"}
    assert any(f.words == ("secondo",) for f in lex.frames["it"])
    assert any(f.words == ("according", "to") for f in lex.frames["en"])


LEXICON_OK = """
languages:
  it: {auxiliaries: [ha], inserts: [], skip_after_cue: [], speaker_stops: [], anaphors: []}
frames:
  - {phrase: a parere di, lang: it, connotation: distancing, speaker: true}
cues:
  - {lemma: bisbigliare, lang: it, connotation: neutral, participles: [bisbigliato]}
"""


def test_user_lexicon(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(LEXICON_OK, encoding="utf-8")
    table = one("Kim ha bisbigliato che va bene. Va male, a parere di Lavrov.", lexicon=path)
    assert summary(table) == [("indirect", "Kim", "ha bisbigliato", "va bene"),
                              ("according_to", "Lavrov", "a parere di", "Va male")]
    # the shipped verbs are not in the user's file
    assert one("Kim ha detto che va bene.", lexicon=path).empty


@pytest.mark.parametrize("body, message", [
    ("cues:\n  - {lemma: x, lang: it, connotation: loud, forms: [x]}\n",
     r"cues entry 1 \(lemma 'x'\): connotation 'loud'"),
    ("cues:\n  - {lemma: x, lang: it, connotation: neutral}\n",
     r"cues entry 1 \(lemma 'x'\): needs at least one"),
    ("cues:\n  - {lemma: x, lang: it, forms: [x]}\n", r"missing key\(s\) \['connotation'\]"),
    ("cues:\n  - {lemma: x, lang: it, connotation: neutral, forms: [Dice]}\n", "lowercase"),
    ("cues:\n  - {lemma: x, lang: it, connotation: neutral, forms: [dice]}\n"
     "  - {lemma: y, lang: it, connotation: neutral, forms: [dice]}\n",
     r"cues entry 2 \(lemma 'y'\): form 'dice' already belongs to lemma 'x'"),
    ("cues:\n  - {lemma: x, lang: fr, connotation: neutral, forms: [dit]}\n", "not supported"),
    ("frames:\n  - {phrase: secondo, lang: it, connotation: neutral, speaker: maybe}\n"
     "cues:\n  - {lemma: x, lang: it, connotation: neutral, forms: [x]}\n",
     r"frames entry 1 \(phrase 'secondo'\): speaker must be true or false"),
    ("colours: []\n", "unknown key"),
    ("cues: [\n", "not valid YAML"),
])
def test_lexicon_errors_name_file_and_entry(tmp_path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_lexicon(path)
    assert "bad.yaml" in str(err.value)


# --- validation -------------------------------------------------------------------------
def test_bad_arguments():
    docs = pd.DataFrame({"doc_id": ["t"], "text": ["Kim ha detto che va bene."]})
    with pytest.raises(ValueError, match="missing column"):
        quotes(docs.drop(columns="text"))
    with pytest.raises(TypeError, match="docs must be"):
        quotes(["Kim ha detto"])
    with pytest.raises(ValueError, match="mentions is missing"):
        quotes(docs, mentions=pd.DataFrame({"doc_id": ["t"]}))
    with pytest.raises(ValueError, match="window"):
        quotes(docs, window=-1)
    with pytest.raises(TypeError, match="lexicon"):
        quotes(docs, lexicon=3)
    # without source and lang columns: source "" and Italian
    assert quotes(docs)[["source", "kind"]].values.tolist() == [["", "indirect"]]


def test_empty_inputs():
    docs = pd.DataFrame({"doc_id": ["e", "f"], "source": ["S", "S"], "lang": ["it", "en"],
                         "text": ["", "NO CAPITALS HERE, SAID NOBODY"]})
    table = quotes(docs)
    assert list(table.columns) == QUOTES_COLUMNS
    assert voices(table.iloc[0:0]).empty


# --- properties ---------------------------------------------------------------------------
FRAGMENTS = ["«", "»", "“", "”", '"', "‘", "’", "Kim", "ha detto", "che", "secondo",
             "la Tass", ",", ".", ":", "hanno riferito", "l’agenzia", "va bene", "\n\n",
             "said", "according to", "Lavrov", "ribadito", "dicendo", "quest'ultimo"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25), st.sampled_from(["it", "en"]))
def test_any_text_gives_valid_offsets(parts, lang):
    text = " ".join(parts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuotesWarning)
        table = one(text, lang)
    for r in table.itertuples():
        assert 0 <= r.content_start <= r.content_end <= len(text)
        assert text[r.content_start : r.content_end] == r.content
        if na(r.speaker) is not None:
            assert text[r.speaker_start : r.speaker_end] == r.speaker
        if na(r.cue) is not None:
            assert text[r.cue_start : r.cue_end] == r.cue
        assert r.kind in {"direct", "indirect", "according_to", "reported_by", "partial_quote"}


# --- figure -----------------------------------------------------------------------------
def test_plot_share_of_voice_draws_one_bar_per_speaker_and_source():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots import plot_share_of_voice, source_colors

    v = voices(TINY)
    fig = plot_share_of_voice(v, colors=source_colors(["X", "Y"]))
    left, right = fig.axes
    # 3 speakers x 2 sources per panel
    assert len(left.patches) == len(right.patches) == 6
    assert [t.get_text() for t in left.get_yticklabels()] == ["Tass", UNATTRIBUTED, "KCNA"]
    assert left.get_xlabel() == "share of quoted words (%)"
    # bar lengths are the shares in percent: Tass in X has 6 of 8 quoted words
    widths = sorted(round(p.get_width(), 6) for p in left.patches)
    assert 75.0 in widths and 100.0 in widths
    plt.close(fig)
    with pytest.raises(ValueError, match="missing column"):
        plot_share_of_voice(v.drop(columns="share_statements"))


def test_word_counts_are_the_projects_terms(seeds):
    from analysis import terms

    docs, table = seeds
    lang = dict(zip(docs["doc_id"], docs["lang"]))
    for r in table.itertuples():
        assert r.n_words == len(terms(r.content, lang[r.doc_id], stopwords=False)), r.content
