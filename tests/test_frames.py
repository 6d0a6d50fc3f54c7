"""Frames: codebook loading and validation, cue matching, scores, evidence, figure."""

import textwrap
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import (
    codebook_cues,
    codebook_table,
    corpus_summary,
    frame_contrast,
    frame_evidence,
    frame_scores,
    frame_sentences,
    load_codebook,
    load_corpus,
    sentence_spans,
    terms,
)
from analysis.frames import (
    BOOTSTRAP_COLUMNS,
    CODEBOOK_COLUMNS,
    CONTRAST_COLUMNS,
    CUES_COLUMNS,
    EVIDENCE_COLUMNS,
    SCORES_COLUMNS,
    SENTENCES_COLUMNS,
    Codebook,
    CodebookWarning,
)
from analysis.plots import plot_frame_profile

matplotlib.use("Agg")

# A small codebook written for the tests. Line numbers matter for the error tests.
CUSTOM = """\
frames:
  - id: military
    label: Military
    definition: Armed forces.
    cues:
      it:
        lemmas: [soldato]
        forms: [truppe]
        phrases: [forze armate]
        patterns: ["\\\\bin guerra\\\\b"]
      en:
        lemmas: [soldier]
        phrases: [armed forces]
  - id: weapons
    label: Weapons
    definition: Arms.
    cues:
      it:
        lemmas: [armato]
      en:
        forms: [armed]
"""


def write(tmp_path, text, name="codebook.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    return load_codebook(write(tmp_path_factory.mktemp("codebook"), CUSTOM))


def docs_of(*texts, lang="it", sources=None):
    sources = sources or ["X"] * len(texts)
    return pd.DataFrame({"doc_id": [f"d{k}" for k in range(len(texts))], "source": sources,
                         "text": list(texts), "lang": lang})


def hits(evidence):
    return [(r.frame, r.cue, r.match) for r in evidence.itertuples()]


# --------------------------------------------------------------------------
# Matching on tiny corpora
# --------------------------------------------------------------------------


def test_italian_exact_hits_and_offsets(custom):
    text = "I soldati sono in guerra. Le truppe e la truppa."
    ev = frame_evidence(docs_of(text), codebook=custom)
    assert list(ev.columns) == EVIDENCE_COLUMNS
    # lemma soldato -> "soldati" (same stem "sold"); pattern "in guerra"; form truppe
    # matches "truppe" but not "truppa" (forms are exact)
    assert hits(ev) == [("military", "soldato", "soldati"),
                        ("military", "\\bin guerra\\b", "in guerra"),
                        ("military", "truppe", "truppe")]
    assert ev[["sent", "start", "end"]].values.tolist() == [[0, 2, 9], [0, 15, 24],
                                                              [1, 29, 35]]
    for r in ev.itertuples():
        assert text[r.start:r.end] == r.match
    assert ev["sentence"].tolist() == ["I soldati sono in guerra.", "I soldati sono in guerra.",
                                       "Le truppe e la truppa."]


def test_english_exact_hits(custom):
    text = "The soldiers waited. Armed forces, armed men."
    ev = frame_evidence(docs_of(text, lang="en"), codebook=custom)
    # "Armed forces" is a military phrase and its "Armed" a weapons form (two frames);
    # "armed men" gives one more weapons hit
    assert hits(ev) == [("military", "soldier", "soldiers"),
                        ("military", "armed forces", "Armed forces"),
                        ("weapons", "armed", "Armed"),
                        ("weapons", "armed", "armed")]


def test_multi_word_cue_needs_consecutive_words(custom):
    ev = frame_evidence(docs_of("Le forze armate. Le forze, armate. Forze molto armate."),
                        codebook=custom)
    # only the first is the phrase; punctuation or a word in between breaks it
    military = ev[ev.frame == "military"]
    assert military["match"].tolist() == ["forze armate"]
    assert military["sent"].tolist() == [0]


def test_overlaps_count_once_per_frame_but_in_every_frame(custom):
    ev = frame_evidence(docs_of("Le forze armate."), codebook=custom)
    # military: the phrase "forze armate" (the longest match); weapons: "armate" by the
    # lemma armato. One token ("armate") counts for two frames, once in each.
    assert hits(ev) == [("military", "forze armate", "forze armate"),
                        ("weapons", "armato", "armate")]


def test_overlap_within_a_frame_keeps_the_longest(tmp_path):
    path = write(tmp_path, """\
        frames:
          - id: war
            label: War
            definition: War.
            cues:
              it:
                lemmas: [militare, speciale]
                phrases: [operazione militare speciale]
        """)
    ev = frame_evidence(docs_of("Una operazione militare speciale. Un militare."),
                        codebook=path)
    # sentence 0: one hit (the phrase covers "militare" and "speciale"); sentence 1: one
    assert hits(ev) == [("war", "operazione militare speciale", "operazione militare speciale"),
                        ("war", "militare", "militare")]


def test_stems_versus_exact_forms(tmp_path):
    path = write(tmp_path, """\
        frames:
          - id: stems
            label: Stems
            definition: By stem.
            cues:
              it:
                lemmas: [vittima]
          - id: forms
            label: Forms
            definition: Exact.
            cues:
              it:
                forms: [vittima]
        """)
    ev = frame_evidence(docs_of("Una vittima, due vittime, Vittima."), codebook=path)
    # stem "vittim": all three; form "vittima": the two singulars (case-insensitive)
    assert ev.groupby("frame")["match"].agg(list).to_dict() == {
        "stems": ["vittima", "vittime", "Vittima"], "forms": ["vittima", "Vittima"]}


def test_scores_exact_rates_and_zero_rows(custom):
    docs = docs_of("I soldati sono in guerra. Le truppe.", "Un giorno di pace.",
                   sources=["A", "B"])
    scores = frame_scores(docs, codebook=custom)
    assert list(scores.columns) == SCORES_COLUMNS
    # A terms: soldati, guerra, truppe -> 3 ("i", "sono", "in", "le" are stopwords);
    # military hits 3 (soldati, in guerra, truppe) in 2 sentences -> 1000 * 3 / 3 = 1000
    # B terms: giorno, pace -> 2, no hits
    assert scores.values.tolist() == [
        ["A", "military", 3, 3, 1000.0, 2, True],
        ["A", "weapons", 0, 3, 0.0, 0, True],
        ["B", "military", 0, 2, 0.0, 0, True],
        ["B", "weapons", 0, 2, 0.0, 0, True],
    ]
    assert frame_scores(docs, codebook=custom, min_hits=3)["few_hits"].tolist() == [
        False, True, True, True]


def test_scores_group_by_any_column(custom):
    docs = docs_of("Soldati.", "Soldati e soldati.", sources=["A", "A"])
    docs["year"] = [2024, 2025]
    scores = frame_scores(docs, codebook=custom, by="year")
    military = scores[scores.frame == "military"]
    # 2024: 1 hit / 1 term; 2025: 2 hits / 2 terms ("e" is a stopword)
    assert military[["group", "hits", "n_terms", "per_1k"]].values.tolist() == [
        ["2024", 1, 1, 1000.0], ["2025", 2, 2, 1000.0]]
    pooled = frame_scores(docs, codebook=custom)
    assert pooled.loc[pooled.frame == "military", ["hits", "n_terms"]].values.tolist() == [
        [3, 3]]


def test_stopwords_never_match_and_are_not_counted(tmp_path):
    path = write(tmp_path, """\
        frames:
          - id: state
            label: State
            definition: The state.
            cues:
              it:
                phrases: [media di stato]
        """)
    # "stato" is a stopword (auxiliary): only inside a phrase can it match
    ev = frame_evidence(docs_of("I media di stato hanno parlato. È stato detto."),
                        codebook=path)
    assert hits(ev) == [("state", "media di stato", "media di stato")]
    scores = frame_scores(docs_of("I media di stato hanno parlato."), codebook=path)
    assert scores["n_terms"].tolist() == [len(terms("I media di stato hanno parlato."))]


def test_stopword_token_with_a_cue_stem_is_not_a_hit():
    # the shipped lemma "alleato" stems to "alle", which is also the preposition "alle"
    ev = frame_evidence(docs_of("Gli alleati vanno alle urne."))
    assert hits(ev) == [("diplomacy_alliance", "alleato", "alleati")]


def test_lang_argument_overrides_docs(custom):
    docs = docs_of("The soldiers.", lang="it")
    assert frame_evidence(docs, codebook=custom)["match"].tolist() == []  # Italian stems
    assert frame_evidence(docs, codebook=custom, lang="en")["match"].tolist() == ["soldiers"]


def test_empty_document_and_inputs_not_mutated(custom):
    docs = docs_of("", "Soldati.")
    before = docs.copy()
    scores = frame_scores(docs, codebook=custom, by="doc_id")
    assert scores.loc[scores.group == "d0", ["hits", "n_terms"]].values.tolist() == [
        [0, 0], [0, 0]]
    pd.testing.assert_frame_equal(docs, before)


# --------------------------------------------------------------------------
# Bootstrap interval
# --------------------------------------------------------------------------


def test_bootstrap_collapses_when_every_sentence_has_the_same_rate(custom):
    # each sentence: 2 terms, 1 military hit -> every resample gives 500 per 1,000
    docs = docs_of("Soldati marciano. Soldati cantano. Soldati dormono.")
    scores = frame_scores(docs, codebook=custom, n_boot=200)
    assert list(scores.columns) == SCORES_COLUMNS + BOOTSTRAP_COLUMNS
    row = scores[scores.frame == "military"].iloc[0]
    assert (row.per_1k, row.per_1k_low, row.per_1k_high) == (500.0, 500.0, 500.0)
    weapons = scores[scores.frame == "weapons"].iloc[0]
    assert (weapons.per_1k_low, weapons.per_1k_high) == (0.0, 0.0)


def test_bootstrap_is_reproducible_and_brackets_the_rate():
    docs = load_corpus()
    a = frame_scores(docs, n_boot=300, random_state=7)
    b = frame_scores(docs, n_boot=300, random_state=7)
    pd.testing.assert_frame_equal(a, b)
    c = frame_scores(docs, n_boot=300, random_state=8)
    assert not np.allclose(a["per_1k_low"], c["per_1k_low"])
    assert (a["per_1k_low"] <= a["per_1k_high"]).all()
    big = a[a.hits >= 5]
    assert ((big.per_1k_low <= big.per_1k) & (big.per_1k <= big.per_1k_high)).all()


# --------------------------------------------------------------------------
# Golden values on the seeds (every evidence row read against the texts)
# --------------------------------------------------------------------------

# (source, frame) -> (hits, sentences with a hit). Read from the evidence table:
# Unsigned security: guerra x5, soldati x4, truppe x4, militari/militare x5, armi x3,
#   intelligence x2, difesa x2, schierare/schieramento x2, offensiva, forze ucraine,
#   minaccia, nucleare, operazione militare speciale, forze armate, riconquistare,
#   sicurezza (Consiglio di sicurezza), armato, Pentagono = 36 in 16 sentences.
# Le Monde diplomacy: sostegno x2, incondizionato, incondizionatamente, ricevuto,
#   fiducia, cameratismo, legami, diplomatici, stringono la mano, abbracciano, patto x2,
#   difesa reciproca, ospite, sostenere, accordi, vertice, visita x2, contatti,
#   incontro, incontrato, omologo = 23 in 10 sentences.
SEED_SCORES = {
    ("Le Monde", "security_defence"): (12, 6),
    ("Le Monde", "diplomacy_alliance"): (23, 10),
    ("Le Monde", "external_reputation"): (0, 0),
    ("Le Monde", "political"): (6, 5),
    ("Le Monde", "economic"): (1, 1),
    ("Le Monde", "human_cost"): (0, 0),
    ("Le Monde", "legality"): (0, 0),
    ("Le Monde", "morality"): (3, 2),
    ("Le Monde", "state_media"): (6, 4),
    ("Unsigned", "security_defence"): (36, 16),
    ("Unsigned", "diplomacy_alliance"): (18, 10),
    ("Unsigned", "external_reputation"): (3, 3),
    ("Unsigned", "political"): (5, 5),
    ("Unsigned", "economic"): (5, 4),
    ("Unsigned", "human_cost"): (3, 3),
    ("Unsigned", "legality"): (1, 1),
    ("Unsigned", "morality"): (2, 2),
    ("Unsigned", "state_media"): (3, 3),
}

# Matches read in the texts, per source and frame, in reading order.
SEED_MATCHES = [
    # the unsigned article: killed soldiers, the dead, coffins on state TV
    ("Unsigned", "human_cost", ["uccisi", "morti", "bare"]),
    ("Unsigned", "state_media", ["media dello stato", "Tass", "statali"]),
    ("Unsigned", "external_reputation", ["alto profilo", "preoccupazione", "sanzionate"]),
    ("Unsigned", "economic", ["ricostruzione", "in cambio", "trasferimenti di tecnologia",
                              "resort", "sanzionate"]),
    ("Unsigned", "morality", ["eroici", "omaggio"]),
    ("Unsigned", "legality", ["clausola"]),
    # Le Monde: the account of North Korea's official media, in their words
    ("Le Monde", "state_media", ["media ufficiali", "agenzia di stampa statale", "KCNA",
                                 "KCNA", "agenzia di stato", "Tass"]),
    ("Le Monde", "morality", ["sacra causa", "dignità", "fedele"]),
    ("Le Monde", "political", ["leader", "leadership", "leader", "presidente", "Cremlino",
                               "leader"]),
    ("Le Monde", "economic", ["turistico"]),
]


@pytest.fixture(scope="module")
def seeds():
    docs = load_corpus()
    return docs, frame_scores(docs), frame_evidence(docs)


def test_seed_scores_golden(seeds):
    docs, scores, _ = seeds
    got = {(r.group, r.frame): (r.hits, r.n_sentences) for r in scores.itertuples()}
    assert got == SEED_SCORES
    assert scores["group"].tolist() == ["Le Monde"] * 9 + ["Unsigned"] * 9
    # the denominators are the documents' terms
    summary = corpus_summary(docs).set_index("source")["n_terms"]
    assert scores.groupby("group")["n_terms"].first().to_dict() == {
        "Le Monde": summary["Le Monde"], "Unsigned": summary["Unsigned"]}
    assert scores.set_index(["group", "frame"]).loc[("Unsigned", "human_cost"), "per_1k"] == \
        pytest.approx(1000 * 3 / 315)


@pytest.mark.parametrize("source, frame, matches", SEED_MATCHES,
                         ids=[f"{s}-{f}" for s, f, _ in SEED_MATCHES])
def test_seed_evidence_golden(seeds, source, frame, matches):
    _, _, ev = seeds
    assert ev.loc[(ev.source == source) & (ev.frame == frame), "match"].tolist() == matches


def test_seed_evidence_known_false_positive(seeds):
    # "la sacra causa della difesa della dignità": "difesa" here is moral, not military,
    # yet the security lemma counts it. The evidence table is there to catch this.
    _, _, ev = seeds
    row = ev[(ev.source == "Le Monde") & (ev.frame == "security_defence")
             & ev.sentence.str.contains("dignità")]
    assert row["match"].tolist() == ["esercito", "difesa"]


def test_seed_evidence_offsets_and_sentences(seeds):
    docs, _, ev = seeds
    texts = dict(zip(docs.doc_id, docs.text))
    langs = dict(zip(docs.doc_id, docs.lang))
    for r in ev.itertuples():
        text = texts[r.doc_id]
        a, b = sentence_spans(text, langs[r.doc_id])[r.sent]
        assert text[r.start:r.end] == r.match
        assert a <= r.start < r.end <= b and text[a:b] == r.sentence
    # sorted by document, then position
    keys = list(zip(ev.doc_id.map({d: k for k, d in enumerate(docs.doc_id)}), ev.start))
    assert keys == sorted(keys)


# --------------------------------------------------------------------------
# Codebook: shipped file, table views, custom file
# --------------------------------------------------------------------------


def test_shipped_codebook_loads_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cb = load_codebook()
    assert cb.ids == ["security_defence", "diplomacy_alliance", "external_reputation",
                      "political", "economic", "human_cost", "legality", "morality",
                      "state_media"]
    table = codebook_table(cb)
    assert list(table.columns) == CODEBOOK_COLUMNS
    assert (table["langs"] == "en, it").all()
    assert (table["n_cues"] > 5).all()


def test_codebook_cues_view(custom):
    cues = codebook_cues(custom)
    assert list(cues.columns) == CUES_COLUMNS
    assert cues.values.tolist() == [
        ["military", "en", "lemmas", "soldier", "soldier", 12],
        ["military", "en", "phrases", "armed forces", "arm forc", 13],
        ["military", "it", "lemmas", "soldato", "sold", 7],
        ["military", "it", "forms", "truppe", "truppe", 8],
        ["military", "it", "phrases", "forze armate", "forz armat", 9],
        ["military", "it", "patterns", "\\bin guerra\\b", "\\bin guerra\\b", 10],
        ["weapons", "en", "forms", "armed", "armed", 21],
        ["weapons", "it", "lemmas", "armato", "armat", 19],
    ]
    assert codebook_cues(custom, lang="en")["lang"].unique().tolist() == ["en"]


def test_codebook_argument_accepts_path_and_object(tmp_path, custom):
    path = write(tmp_path, CUSTOM)
    docs = docs_of("Soldati.")
    assert frame_scores(docs, codebook=str(path)).equals(frame_scores(docs, codebook=custom))
    assert isinstance(load_codebook(path), Codebook)
    with pytest.raises(TypeError, match="codebook must be None, a file path or a Codebook"):
        frame_scores(docs, codebook=42)


def test_codebook_without_cues_for_the_language(tmp_path):
    path = write(tmp_path, """\
        frames:
          - id: war
            label: War
            definition: War.
            cues:
              it:
                lemmas: [guerra]
        """)
    with pytest.raises(ValueError, match="has no cues for lang='en'"):
        frame_scores(docs_of("War.", lang="en"), codebook=path)


# Every validation error: (YAML text, line, message). Each text differs from a valid
# codebook by one mistake.
def frame(body, frame_id="war"):
    return ("frames:\n  - id: " + frame_id + "\n    label: War\n    definition: War.\n"
            "    cues:\n" + body)


VALID_CUES = "      it:\n        lemmas: [guerra]\n"
INVALID = [
    ("frames:\n  - id: war\n   label: War\n", 3, "not valid YAML"),
    ("- id: war\n", 1, "must be a mapping with a 'frames' list"),
    ("framez: []\n", 1, "unknown key 'framez'"),
    ("name: x\nframes: []\n", 2, "'frames' must be a non-empty list"),
    ("frames:\n  - just text\n", 2, "frame number 1 must be a mapping"),
    (frame(VALID_CUES) + "    colour: red\n", 8, "frame 'war': unknown key 'colour'"),
    ("frames:\n  - id: war\n    label: War\n    cues: {it: {lemmas: [guerra]}}\n", 2,
     "frame 'war': missing key\\(s\\) definition"),
    (frame(VALID_CUES, frame_id="War-1"), 2, "frame id 'War-1' must be lowercase"),
    (frame(VALID_CUES) + frame(VALID_CUES).replace("frames:\n", ""), 8,
     "frame id 'war' is already used on line 2"),
    (frame(VALID_CUES).replace("label: War", "label: ''"), 3,
     "frame 'war': 'label' must be non-empty text"),
    (frame(VALID_CUES).replace("definition: War.", "definition:"), 4,
     "'definition' must be non-empty text"),
    (frame("      - guerra\n"), 5, "'cues' must map a language"),
    (frame("      fr:\n        lemmas: [guerre]\n"), 6, "language key 'fr'.* is not supported"),
    (frame(VALID_CUES + "      it-IT:\n        lemmas: [pace]\n"), 8,
     "language 'it' is given twice"),
    (frame("      it: {}\n"), 6, "give at least one of lemmas, forms"),
    (frame("      it:\n        words: [guerra]\n"), 7, "unknown cue kind 'words'"),
    (frame("      it:\n        lemmas: []\n"), 7, "'lemmas' must be a non-empty list"),
    (frame("      it:\n        lemmas: [guerra, yes]\n"), 7, "cue True is not text"),
    (frame("      it:\n        lemmas: [forze armate]\n"), 7, "is not a single word"),
    (frame("      it:\n        forms: [il]\n"), 7, "'il' is a stopword"),
    (frame("      it:\n        phrases: [guerra]\n"), 7, "two or more words"),
    (frame("      it:\n        patterns: ['(guerra']\n"), 7, "not a valid regular expression"),
    (frame("      it:\n        patterns: ['a*']\n"), 7, "matches the empty text"),
    (frame("      it:\n        lemmas:\n          - soldato\n          - soldati\n"), 9,
     "'soldati' matches the same words as 'soldato' \\(line 8\\)"),
    (frame("      it:\n        lemmas: [soldato]\n        forms: [soldati]\n"), 8,
     "'soldati' matches the same words as 'soldato'"),
    (frame("      it:\n        forms: [Truppe, truppe]\n"), 7, "matches the same words"),
    (frame("      it:\n        phrases: [forze armate, forza armata]\n"), 7,
     "'forza armata' matches the same words as 'forze armate'"),
    (frame(VALID_CUES).replace("    label: War\n", "    label: War\n    label: Guerra\n"), 4,
     "key 'label' is repeated \\(first on line 3\\)"),
]


@pytest.mark.parametrize("text, line, message", INVALID,
                         ids=[m.split(":")[-1][:40] for _, _, m in INVALID])
def test_every_validation_error_names_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"bad\.yaml, line {line}: .*{message}"):
        load_codebook(path)


def test_valid_base_of_the_error_table_loads(tmp_path):
    path = write(tmp_path, frame(VALID_CUES))
    assert load_codebook(path).ids == ["war"]


def test_short_stem_warns(tmp_path):
    path = write(tmp_path, frame("      it:\n        lemmas: [bara]\n"))
    with pytest.warns(CodebookWarning, match="line 7: .*'bara' has the short stem 'bar'"):
        load_codebook(path)


def test_codebook_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(frame("      it:\n        lemmas: [dignità]\n").encode("latin-1"))
    with pytest.raises(ValueError, match="latin1.yaml is not UTF-8 text"):
        load_codebook(path)


def test_missing_codebook_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="codebook file .*nope.yaml does not exist"):
        load_codebook(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [({"by": "outlet"}, "missing column.*'outlet'"), ({"min_hits": -1}, "min_hits"),
     ({"n_boot": 1.5}, "n_boot"), ({"ci": 1.5}, "ci=1.5"), ({"ci": 0}, "ci=0"),
     ({"random_state": "x"}, "random_state"), ({"lang": "fr"}, "lang='fr'")],
)
def test_bad_options(custom, kwargs, message):
    with pytest.raises(ValueError, match=message):
        frame_scores(docs_of("Soldati."), codebook=custom, **kwargs)


def test_bad_docs(custom):
    with pytest.raises(TypeError, match="docs must be a DataFrame"):
        frame_evidence(["Soldati."], codebook=custom)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['source'\]"):
        frame_evidence(docs_of("Soldati.").drop(columns="source"), codebook=custom)
    docs = pd.concat([docs_of("Soldati."), docs_of("Truppe.")], ignore_index=True)
    with pytest.raises(ValueError, match="doc_id 'd0' more than once"):
        frame_scores(docs, codebook=custom)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

WORDS = st.sampled_from(["soldati", "truppe", "forze", "armate", "in", "guerra", "la",
                         "pace", ",", ".", "Soldato", "armato", "e"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(WORDS, min_size=1, max_size=12).map(" ".join), min_size=1,
                max_size=3))
def test_evidence_and_scores_agree_on_any_text(custom, texts):
    cb = custom
    docs = docs_of(*texts)
    ev = frame_evidence(docs, codebook=cb)
    scores = frame_scores(docs, codebook=cb, by="doc_id")
    text_of = dict(zip(docs.doc_id, docs.text))
    for r in ev.itertuples():
        assert text_of[r.doc_id][r.start:r.end] == r.match
    # within a frame, matches never overlap
    for _, part in ev.groupby(["doc_id", "frame"]):
        ends = part.sort_values("start")
        assert (ends.start.to_numpy()[1:] >= ends.end.to_numpy()[:-1]).all()
    counted = ev.groupby(["doc_id", "frame"]).size()
    for r in scores.itertuples():
        assert r.hits == counted.get((r.group, r.frame), 0)
        assert r.n_terms == len(terms(text_of[r.group]))
        assert r.per_1k == (1000 * r.hits / r.n_terms if r.n_terms else 0.0)


# --------------------------------------------------------------------------
# Figure (through its table first)
# --------------------------------------------------------------------------


def test_frame_profile_figure(seeds):
    _, scores, _ = seeds
    fig = plot_frame_profile(scores, labels=load_codebook().labels)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "36 hits in 16 sentences" in texts and "0 hits" in texts
    assert "1 hit in 1 sentence" in texts
    assert len(ax.patches) == len(scores)  # one bar per group x frame
    pale = [p.get_alpha() for p in ax.patches]
    assert pale.count(0.4) == int(scores["few_hits"].sum())
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Security and defence"
    assert ax.get_title() == "Frame profile per source"
    matplotlib.pyplot.close(fig)


def test_frame_profile_draws_intervals():
    scores = frame_scores(load_corpus(), n_boot=100)
    fig = plot_frame_profile(scores)
    assert len(fig.axes[0].lines) == len(scores)
    assert "bootstrap interval" in fig.axes[0].get_xlabel()
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="scores is missing column"):
        plot_frame_profile(scores.drop(columns="few_hits"))


# --------------------------------------------------------------------------
# Contrast of two groups
# --------------------------------------------------------------------------


def test_frame_contrast_orders_by_absolute_difference(seeds):
    _, scores, _ = seeds
    contrast = frame_contrast(scores, target="Le Monde", reference="Unsigned")
    assert list(contrast.columns) == CONTRAST_COLUMNS
    # diplomacy: 1000 * 23 / 193 - 1000 * 18 / 315 = 119.17 - 57.14 = +62.03
    # security:  1000 * 12 / 193 - 1000 * 36 / 315 =  62.18 - 114.29 = -52.11
    assert contrast["frame"].tolist()[:2] == ["diplomacy_alliance", "security_defence"]
    assert contrast.loc[0, "diff_per_1k"] == pytest.approx(23000 / 193 - 18000 / 315)
    assert contrast.loc[1, ["hits_target", "hits_reference"]].tolist() == [12, 36]
    # external reputation and human cost tie at -1000 * 3 / 315: codebook order breaks it
    tied = contrast[contrast.diff_per_1k.round(9) == round(-3000 / 315, 9)]["frame"].tolist()
    assert tied == ["external_reputation", "human_cost"]
    assert contrast.set_index("frame").loc["state_media", "few_hits"]  # Unsigned: 3 hits


@pytest.mark.parametrize("kwargs, message", [
    ({"target": "Le Monde", "reference": "Le Monde"}, "both 'Le Monde'"),
    ({"target": "Corriere", "reference": "Le Monde"}, "target='Corriere' is not a group"),
])
def test_frame_contrast_bad_groups(seeds, kwargs, message):
    with pytest.raises(ValueError, match=message):
        frame_contrast(seeds[1], **kwargs)


# --------------------------------------------------------------------------
# Evidence read sentence by sentence
# --------------------------------------------------------------------------


def test_frame_sentences_groups_hits_of_one_sentence(custom):
    docs = docs_of("Le forze armate e i soldati. Pace.", "Soldati.")
    table = frame_sentences(frame_evidence(docs, codebook=custom))
    assert list(table.columns) == SENTENCES_COLUMNS
    # d0 sentence 0: military "forze armate" + "soldati" (2), weapons "armate" (1)
    assert table[["doc_id", "sent", "frame", "hits", "matches"]].values.tolist() == [
        ["d0", 0, "military", 2, "forze armate; soldati"],
        ["d0", 0, "weapons", 1, "armate"],
        ["d1", 0, "military", 1, "Soldati"],
    ]
    assert table["sentence"].tolist()[0] == "Le forze armate e i soldati."
    with pytest.raises(ValueError, match="evidence is missing column"):
        frame_sentences(table.drop(columns="sentence"))


def test_frame_sentences_agree_with_scores_on_the_seeds(seeds):
    _, scores, ev = seeds
    table = frame_sentences(ev)
    per = table.groupby(["source", "frame"]).agg(n=("sent", "size"), hits=("hits", "sum"))
    for r in scores.itertuples():
        n, h = per.loc[(r.group, r.frame)] if (r.group, r.frame) in per.index else (0, 0)
        assert (n, h) == (r.n_sentences, r.hits)
