"""Robustness: bad input gets a clear answer, nothing is lost, nothing crashes.

Each test here is one row of the table in ``docs/robustness.md``: a bad or odd
input, what the project does with it, and the check. Tiny corpora are written
to ``tmp_path``; expected values are worked out by hand in the comments.
"""

import ast
import importlib.util
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import (
    corpus_summary,
    load_corpus,
    load_report,
    read_text,
    sentence_spans,
    sentences,
    term_counts,
    terms,
    token_spans,
    tokenize,
    tokens_table,
    vocabulary_overlap,
)
from analysis.corpus import LOAD_REPORT_COLUMNS, LOAD_STATUSES, BinaryFileError, CorpusWarning
from analysis.paths import PROJECT_ROOT

LONG_RUN = os.environ.get("ANALYSIS_FUZZ", "short") == "long"

# Italian with accents and typographic quotes: every legacy encoding below has
# all of these characters (cp1252 has ’ “ ”; latin-1 has only the accents).
ITALIAN = "Perché l’agenzia “KCNA” ha detto: è così.\nSì, però."
ACCENTS = "Perché è così.\nSì, però."


def corpus_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]


def load(folder, **options):
    """Load a folder, returning the docs and the corpus warnings given."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = load_corpus(folder, **options)
    return docs, corpus_warnings(caught)


def write(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


# --- encodings ----------------------------------------------------------------------------
# (name, bytes, expected text, encoding reported, warning expected)
ENCODINGS = [
    ("utf-8", ITALIAN.encode("utf-8"), ITALIAN, "utf-8", False),
    ("utf-8 with BOM", b"\xef\xbb\xbf" + ITALIAN.encode("utf-8"), ITALIAN, "utf-8-sig", False),
    ("utf-16 with BOM (LE)", ITALIAN.encode("utf-16"), ITALIAN, "utf-16", False),
    ("utf-16 with BOM (BE)", b"\xfe\xff" + ITALIAN.encode("utf-16-be"), ITALIAN, "utf-16", False),
    ("utf-16-le without BOM", ITALIAN.encode("utf-16-le"), ITALIAN, "utf-16-le", True),
    ("utf-16-be without BOM", ITALIAN.encode("utf-16-be"), ITALIAN, "utf-16-be", True),
    ("utf-32 with BOM", ITALIAN.encode("utf-32"), ITALIAN, "utf-32", False),
    ("cp1252", ITALIAN.encode("cp1252"), ITALIAN, "cp1252", True),
    # "ì”" in cp1252 is ec 94: a UTF-8 lead byte and one continuation, not a sequence
    ("cp1252 like utf-8", "Sì”, «così»…".encode("cp1252"), "Sì”, «così»…", "cp1252", True),
    # latin-1 accents are the same bytes in cp1252, so the text is decoded exactly
    ("latin-1", ACCENTS.encode("latin-1"), ACCENTS, "cp1252", True),
    # 0x81 has no character in cp1252: only latin-1 decodes it
    ("latin-1 only", ACCENTS.encode("latin-1") + b"\x81", ACCENTS + "\x81", "latin-1", True),
    ("CRLF line ends", ITALIAN.replace("\n", "\r\n").encode("utf-8"), ITALIAN, "utf-8", False),
    ("CR line ends", ITALIAN.replace("\n", "\r").encode("utf-8"), ITALIAN, "utf-8", False),
    (
        "mixed line ends",
        b"Uno.\r\nDue.\rTre.\nQuattro.",
        "Uno.\nDue.\nTre.\nQuattro.",
        "utf-8",
        False,
    ),
]


@pytest.mark.parametrize(
    "data, expected, encoding, warns", [case[1:] for case in ENCODINGS],
    ids=[case[0] for case in ENCODINGS],
)
def test_encodings_are_decoded_and_reported(tmp_path, data, expected, encoding, warns):
    write(tmp_path, "a.txt", data)
    docs, messages = load(tmp_path, headline=False, signature=False)
    assert docs["text"].tolist() == [expected.strip()]
    report = load_report(docs)
    assert report[["file", "status", "encoding"]].values.tolist() == [["a.txt", "loaded", encoding]]
    if warns:
        # one warning, naming the file and the encoding used
        assert len(messages) == 1 and "a.txt" in messages[0] and encoding in messages[0]
        assert f"decoded as {encoding}" in report.loc[0, "reason"]
    else:
        assert messages == []


def test_undecidable_bytes_name_the_file_the_offset_and_the_fix(tmp_path):
    # "è " is 3 bytes in UTF-8 (c3 a8 20); "caff" 4 more: the cp1252 è (0xe8) is byte 7.
    write(tmp_path, "mixed.txt", "è ".encode("utf-8") + b"caff\xe8")
    with pytest.raises(ValueError, match=r"mixed\.txt: mixes UTF-8.*byte 7, line 1, 0xe8.*"
                                         r"re-save it as UTF-8, or pass encoding="):
        load_corpus(tmp_path)


def test_bytes_invalid_after_a_bom(tmp_path):
    write(tmp_path, "a.txt", b"\xef\xbb\xbfcaff\xe8")  # BOM, then cp1252 è at byte 7
    with pytest.raises(ValueError, match=r"a\.txt: starts with a utf-8-sig byte-order mark but "
                                         r"byte 4 is not valid"):
        load_corpus(tmp_path)  # byte 4 of the text after the 3-byte BOM


def test_forced_encoding_must_be_a_codec(tmp_path):
    write(tmp_path, "a.txt", "Testo.")
    with pytest.raises(ValueError, match=r"encoding='klingon' is not a known codec"):
        load_corpus(tmp_path, encoding="klingon")


def test_double_encoded_utf8_is_loaded_with_a_warning(tmp_path):
    write(tmp_path, "a.txt", "Perché".encode("utf-8").decode("cp1252"))  # "PerchÃ©"
    docs, messages = load(tmp_path)
    assert docs.loc[0, "text"] == "PerchÃ©"
    assert len(messages) == 1 and "a.txt: looks double-encoded ('Ã©' at character 5" in messages[0]
    assert load_report(docs).loc[0, "reason"] == "looks double-encoded"


def test_binary_with_zero_bytes_everywhere_is_not_taken_for_utf16(tmp_path):
    write(tmp_path, "a.txt", bytes(range(256)) * 4)  # zeros in both byte positions
    with pytest.raises(BinaryFileError, match="zero bytes") as err:
        read_text(tmp_path / "a.txt")
    assert isinstance(err.value, ValueError) and err.value.kind.startswith("binary data")


# --- binary and non-text files in a corpus folder ---------------------------------------------
def messy_folder(root: Path) -> Path:
    write(root, "a.txt", "Kim incontra Lavrov.")
    write(root, "sub/b.txt", "Lavrov parla.")
    write(root, "scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    write(root, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(root, ".DS_Store", b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00")
    write(root, "renamed_pdf.txt", b"%PDF-1.4\n1 0 obj\n")  # a PDF with a .txt name
    write(root, "controls.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 10)  # no zeros, all control
    write(root, ".git/config", "[core]\n")
    write(root, "README.md", "About this corpus.")
    return root


def test_binary_and_other_files_are_skipped_with_one_warning(tmp_path):
    docs, messages = load(messy_folder(tmp_path))
    assert docs["doc_id"].tolist() == ["a", "sub/b"]
    assert len(messages) == 1
    message = messages[0]
    assert "6 file(s) are not documents and were not loaded" in message
    for name in [".DS_Store", ".git/", "controls.txt", "photo.png", "renamed_pdf.txt", "scan.pdf"]:
        assert name in message
    assert "see analysis.load_report(docs)" in message
    assert docs.attrs["skipped"] == (".DS_Store", ".git/", "controls.txt", "photo.png",
                                     "renamed_pdf.txt", "scan.pdf")


def test_the_load_report_accounts_for_every_file(tmp_path):
    docs, _ = load(messy_folder(tmp_path))
    report = load_report(docs)
    assert list(report.columns) == LOAD_REPORT_COLUMNS
    assert set(report["status"]) <= set(LOAD_STATUSES)
    assert report[["file", "status", "reason"]].values.tolist() == [
        [".DS_Store", "skipped", "hidden file: a macOS .DS_Store file"],
        [".git/", "skipped", "hidden folder, not searched"],
        ["README.md", "companion", "not a document (README, checksums or metadata)"],
        ["a.txt", "loaded", ""],
        ["controls.txt", "skipped", "binary content: binary data (it is full of control bytes)"],
        ["photo.png", "skipped", "not a .txt document (.png, a PNG image)"],
        ["renamed_pdf.txt", "skipped", "binary content: a PDF document"],
        ["scan.pdf", "skipped", "not a .txt document (.pdf, a PDF document)"],
        ["sub/b.txt", "loaded", ""],
    ]
    # every file outside the hidden folder has exactly one row
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                   if p.is_file() and ".git" not in p.parts)
    assert sorted(set(report["file"]) - {".git/"}) == files
    # the documents in the report are the documents in the table
    assert sorted(report["doc_id"].dropna()) == docs["doc_id"].tolist()


def test_strict_refuses_a_folder_with_files_that_are_not_documents(tmp_path):
    messy_folder(tmp_path)
    with pytest.raises(ValueError, match=r"6 file\(s\) are not documents.*scan\.pdf.*"
                                         r"pass strict=False to skip them"):
        load_corpus(tmp_path, strict=True)


def test_a_folder_of_only_binary_files(tmp_path):
    write(tmp_path, "a.txt", b"%PDF-1.4")
    with pytest.raises(ValueError, match=r"no documents could be loaded \(skipped: a\.txt "
                                         r"\(binary content: a PDF document\)\)"):
        load(tmp_path)


def test_a_single_binary_txt_file_is_an_error(tmp_path):
    path = write(tmp_path, "a.txt", b"\x89PNG\r\n\x1a\n")
    with pytest.raises(BinaryFileError, match=r"a\.txt: looks like a PNG image, not text"):
        load_corpus(path)


# --- odd documents ------------------------------------------------------------------------
def test_empty_and_whitespace_only_documents_are_kept_and_counted(tmp_path):
    write(tmp_path, "a.txt", "Kim incontra Lavrov.")
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "blank.txt", " \n\t\r\n  \n")
    docs, messages = load(tmp_path)
    assert docs[["doc_id", "text"]].values.tolist() == [["a", "Kim incontra Lavrov."],
                                                      ["blank", ""], ["empty", ""]]
    assert sum("blank.txt: the document is empty" in m for m in messages) == 1
    assert sum("empty.txt: the document is empty" in m for m in messages) == 1
    report = load_report(docs)
    assert report["status"].value_counts().to_dict() == {"empty": 2, "loaded": 1}
    summary = corpus_summary(docs)
    assert summary.set_index("doc_id").loc["empty", ["n_tokens", "n_terms"]].tolist() == [0, 0]
    counts = term_counts(docs, by="doc_id")
    assert counts.total("empty") == 0 and counts.total("a") == 3  # kim incontra lavrov
    assert tokens_table(docs).groupby("doc_id").size().to_dict() == {"a": 4}


def test_a_corpus_with_no_terms_at_all_counts_zero():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["X", "Y"], "text": ["", "!!! ..."],
                         "lang": ["it", "it"]})
    counts = term_counts(docs)
    assert counts.totals.tolist() == [0, 0] and len(counts.terms) == 0
    assert counts.to_frame().empty
    assert vocabulary_overlap(docs)["n_types"].tolist() == [0, 0]


def test_a_50_mb_document_of_one_line_loads_in_seconds(tmp_path):
    # 7,142,857 copies of "parola " (7 bytes) is 49,999,999 bytes; no line break
    n = 50_000_000 // 7
    write(tmp_path, "big.txt", b"parola " * n)
    start = time.perf_counter()
    docs, messages = load(tmp_path)
    elapsed = time.perf_counter() - start
    assert messages == []
    assert len(docs.loc[0, "text"]) == 7 * n - 1  # the trailing space is stripped
    assert pd.isna(docs.loc[0, "title"]) and pd.isna(docs.loc[0, "signature"])
    assert elapsed < 10, f"loading a 50 MB line took {elapsed:.1f} s"


def test_one_long_line_tokenizes_linearly():
    # 200 kB here (under a second); the fuzz target (make fuzz) runs the full 50 MB
    text = "parola " * 30_000
    spans = token_spans(text)
    assert len(spans) == 30_000 and spans[-1] == (209_993, 209_999)
    assert sentence_spans(text) == [(0, 209_999)]  # one sentence: no punctuation


@pytest.mark.slow
@pytest.mark.skipif(not LONG_RUN, reason="50 MB tokenization runs in `make fuzz` only")
def test_a_50_mb_line_tokenizes():
    n = 50_000_000 // 7
    text = "parola " * n
    spans = token_spans(text)
    assert len(spans) == n and spans[-1] == (7 * n - 7, 7 * n - 1)
    assert len(terms(text)) == n


def test_a_document_without_sentence_punctuation():
    text = "Kim incontra Lavrov a Wonsan\nsenza dire nulla\n\nPoi riparte senza punto"
    # a blank line always ends a sentence; the single break after a lower-case word does not
    assert sentences(text) == ["Kim incontra Lavrov a Wonsan\nsenza dire nulla",
                               "Poi riparte senza punto"]
    assert sentences("nessun punto e nessuna maiuscola") == ["nessun punto e nessuna maiuscola"]


def test_all_caps_text_is_tokenized_and_lowercased():
    text = "TUTTO IN MAIUSCOLO. KIM JONG-UN HA RICEVUTO LAVROV."
    assert sentences(text) == ["TUTTO IN MAIUSCOLO.", "KIM JONG-UN HA RICEVUTO LAVROV."]
    assert tokenize(text)[:4] == ["TUTTO", "IN", "MAIUSCOLO", "."]
    assert all(t == t.lower() for t in terms(text))


def test_all_caps_text_drops_the_same_stopwords_as_lower_case():
    # "Il ministro ha detto che" gives ['ministro', 'detto']. A capital initial only
    # marks a name part in mixed case (Kim Jong Un); a word all in capitals (HA, CHE)
    # says nothing, so the stopword goes. The price: all-caps "KIM JONG UN" loses "un".
    assert terms("IL MINISTRO HA DETTO CHE") == terms("Il ministro ha detto che")
    assert terms("KIM JONG UN E LAVROV") == ["kim", "jong", "e", "lavrov"]  # one-letter E kept
    assert terms("Kim Jong Un e Lavrov") == ["kim", "jong", "un", "lavrov"]


@pytest.mark.parametrize(
    "text, expected_terms",
    [
        ("12 345 — !!! 😀 3,5%", ["12", "345", "3,5"]),  # numbers are terms; symbols are not
        ("!!! ??? ... — «»", []),
        ("😀😀😀 🇮🇹", []),
        ("\u0301\u0301 \u200b\u200e\u202e", []),  # combining marks and format controls only
    ],
)
def test_text_with_no_letters(text, expected_terms):
    assert terms(text) == expected_terms
    for a, b in token_spans(text):
        assert 0 <= a < b <= len(text)
    docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "text": [text], "lang": ["it"]})
    assert corpus_summary(docs).loc[0, "n_terms"] == len(expected_terms)


# --- metadata -----------------------------------------------------------------------------
def two_files(folder: Path) -> Path:
    write(folder, "a.txt", "Uno.")
    write(folder, "b.txt", "Due.")
    return folder


@pytest.mark.parametrize(
    "metadata, error, pattern",
    [
        # a row naming a missing file: the line, the name, a close match
        ("file,source\na.txt,A\nB.txt,B\n", FileNotFoundError,
         r"sources\.csv, line 3: names 'B\.txt', which is not in .* \(did you mean 'b\.txt'\?\); "
         r"fix the file name or remove the row"),
        # duplicate ids: both lines named
        ("file,doc_id,source\na.txt,same,A\nb.txt,same,B\n", ValueError,
         r"doc_id 'same' is used by more than one document \(sources\.csv, line 2, "
         r"sources\.csv, line 3\); give each document a unique doc_id"),
        # the same file twice
        ("file,source\na.txt,A\nb.txt,B\na.txt,C\n", ValueError,
         r"lines 2 and 4: file 'a\.txt' has more than one row; keep one"),
        # an unknown language code
        ("file,source,lang\na.txt,A,it\nb.txt,B,xx\n", ValueError,
         r"lang \(sources\.csv, line 3\)='xx' is not supported; use one of it, en"),
        # missing required column
        ("name,source\na.txt,A\n", ValueError, r"no 'file' column \(found \['name', 'source'\]\)"),
        # an outlet column with an empty value
        ("file,source\na.txt,A\nb.txt,\n", ValueError,
         r"sources\.csv, line 3: the source of 'b\.txt' is empty; write the outlet, or "
         r"'unsigned'"),
        ("file,source\na.txt,A\n,B\n", ValueError, r"line 3: the 'file' cell is empty"),
        ("file,source,source\na.txt,A,B\n", ValueError,
         r"line 1: column\(s\) \['source'\] appear more than once"),
        ("file,source\na.txt,A,extra\n", ValueError,
         r"line 2: 3 fields but the header has 2; quote fields that contain commas"),
        ("file,source,headline\na.txt,A,maybe\n", ValueError,
         r"headline \(sources\.csv, line 2\)='maybe' must be 'auto', 'yes' or 'no'"),
        ("", ValueError, r"the metadata file is empty; it needs a header row"),
    ],
    ids=["missing file", "duplicate ids", "duplicate file", "unknown lang", "no file column",
         "empty outlet", "empty file cell", "repeated column", "extra field", "bad flag",
         "empty metadata"],
)
def test_metadata_errors_name_the_row_and_what_to_do(tmp_path, metadata, error, pattern):
    write(two_files(tmp_path), "sources.csv", metadata)
    with pytest.raises(error, match=pattern):
        load(tmp_path)


def test_a_file_with_no_metadata_row_is_loaded_warned_and_reported(tmp_path):
    write(two_files(tmp_path), "sources.csv", "file,source\na.txt,A\n")
    docs, messages = load(tmp_path)
    assert docs["source"].tolist() == ["A", "unsigned"]
    assert any("b.txt: no row in sources.csv" in m for m in messages)
    report = load_report(docs).set_index("file")
    assert report.loc["b.txt", "reason"] == "no row in sources.csv"
    assert report.loc["sources.csv", ["status", "reason"]].tolist() == ["companion",
                                                                        "metadata file"]


def test_metadata_without_a_source_column_falls_back_to_signatures(tmp_path):
    write(tmp_path, "a.txt", "Testo uno.\nLe Monde")
    write(tmp_path, "b.txt", "Testo due.")
    write(tmp_path, "sources.csv", "file,lang\na.txt,it\nb.txt,en\n")
    docs, messages = load(tmp_path)
    assert docs[["source", "lang"]].values.tolist() == [["Le Monde", "it"], ["unsigned", "en"]]
    assert messages == []


def test_metadata_naming_a_file_that_is_not_text(tmp_path):
    write(tmp_path, "a.txt", "Uno.")
    write(tmp_path, "b.pdf", b"%PDF-1.7")
    write(tmp_path, "sources.csv", "file,source\na.txt,A\nb.pdf,B\n")
    with pytest.raises(ValueError, match=r"line 3: names 'b\.pdf', which is not a text document "
                                         r"\(not a \.txt document \(\.pdf, a PDF document\)\)"):
        load(tmp_path)
    write(tmp_path, "sources.csv", "file,source\na.txt,A\nc.txt,C\n")
    write(tmp_path, "c.txt", b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match=r"line 3: names 'c\.txt', which looks like a PNG image"):
        load(tmp_path)


def test_metadata_in_cp1252_is_decoded_with_a_warning(tmp_path):
    write(tmp_path, "a.txt", "Uno.")
    write(tmp_path, "sources.csv", "file,source\na.txt,Corriere “della” Sera\n".encode("cp1252"))
    docs, messages = load(tmp_path)
    assert docs["source"].tolist() == ["Corriere “della” Sera"]
    assert any("sources.csv: not UTF-8; decoded as cp1252" in m for m in messages)


def test_metadata_with_windows_line_ends_and_quoted_newlines(tmp_path):
    write(tmp_path, "a.txt", "Uno.")
    write(tmp_path, "sources.csv", b'file,source,notes\r\na.txt,A,"riga uno\r\nriga due"\r\n')
    docs, _ = load(tmp_path)
    assert docs["source"].tolist() == ["A"]
    # line numbers count lines of the file, not records: the row after a two-line
    # note starts on line 4
    write(tmp_path, "sources.csv", 'file,source,notes\na.txt,A,"uno\ndue"\nz.txt,Z,\n')
    with pytest.raises(FileNotFoundError, match=r"sources\.csv, line 4: names 'z\.txt'"):
        load(tmp_path)


# --- table corpora ------------------------------------------------------------------------
def test_table_errors_name_the_row(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"doc_id": ["x", "y", "x"], "source": ["A", "B", "C"],
                  "text": ["Uno.", "Due.", "Tre."]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"doc_id 'x' is used by more than one document "
                                         r"\(c\.csv, row 1, c\.csv, row 3\)"):
        load_corpus(path)
    pd.DataFrame({"text": ["Uno."], "outlet": ["A"]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"no column 'source'.*pass source_column="):
        load_corpus(path)
    path.write_text("text,source\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"c\.csv: the table has no rows"):
        load_corpus(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=r"c\.csv: the table is empty"):
        load_corpus(path)


def test_table_with_missing_cells(tmp_path):
    path = tmp_path / "c.parquet"
    pd.DataFrame({"doc_id": ["a", None], "source": ["A", "B"], "text": ["Uno.", None],
                  "lang": [None, "en"], "title": [np.nan, "T"]}).to_parquet(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = load_corpus(path)
    # a missing id becomes the row number; a missing lang the default; missing text is empty
    assert docs[["doc_id", "text", "lang"]].values.tolist() == [["000002", "", "en"],
                                                                ["a", "Uno.", "it"]]
    assert docs.loc[0, "title"] == "T" and pd.isna(docs.loc[1, "title"])
    assert any("row 2: the document is empty" in m for m in corpus_warnings(caught))
    report = load_report(docs)
    assert report[["file", "row", "status"]].values.tolist() == [["c.parquet", 1, "loaded"],
                                                                 ["c.parquet", 2, "empty"]]


def test_table_in_cp1252_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("text,source\n“Sì”,A\n".encode("cp1252"))
    with pytest.warns(CorpusWarning, match=r"c\.csv: not UTF-8; decoded as cp1252"):
        docs = load_corpus(path)
    assert docs["text"].tolist() == ["“Sì”"]


# --- the load report ----------------------------------------------------------------------
def test_the_load_report_travels_with_selections_but_not_with_plain_frames(tmp_path):
    write(two_files(tmp_path), "c.txt", "")
    docs, _ = load(tmp_path)
    selection = docs[docs["text"] != ""]
    assert load_report(selection).equals(load_report(docs))
    with pytest.raises(ValueError, match="docs carries no load report"):
        load_report(pd.DataFrame(docs))  # a fresh frame has no attrs
    with pytest.raises(TypeError, match="docs must be the DataFrame"):
        load_report([docs])
    # pandas deep-copies attrs on every operation: the report is one JSON string,
    # which costs nothing to copy (a list of dicts for 100,000 files took seconds)
    assert isinstance(docs.attrs["load_report"], str)
    assert isinstance(docs.attrs["skipped"], tuple)
    docs.to_parquet(tmp_path / "docs.parquet")  # attrs must stay JSON-serialisable
    assert load_report(pd.read_parquet(tmp_path / "docs.parquet")).equals(load_report(docs))


def test_bad_arguments_to_load_corpus(tmp_path):
    with pytest.raises(TypeError, match="path must be a folder or file path"):
        load_corpus(42)
    with pytest.raises(TypeError, match="strict='yes' must be True or False"):
        load_corpus(tmp_path, strict="yes")
    with pytest.raises(ValueError, match="lang='fr' is not supported"):
        load_corpus(tmp_path, lang="fr")
    with pytest.raises(FileNotFoundError, match="corpus path .* does not exist"):
        load_corpus(tmp_path / "nope")


# --- outputs are written atomically -----------------------------------------------------------
def test_an_interrupted_table_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    from analysis import save_table

    table = pd.DataFrame({"term": ["kim"], "n": [1]})
    target = save_table(table, "terms", folder=tmp_path)
    before = target.read_bytes()

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_table(table.assign(n=2), "terms", folder=tmp_path)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary left


def test_an_interrupted_figure_write_leaves_the_previous_figure_intact(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import save_figure

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    (png,) = save_figure(fig, "line", folder=tmp_path, formats=["png"])
    before = png.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C in the middle of `make figures`

    fig.savefig = interrupted
    with pytest.raises(KeyboardInterrupt):
        save_figure(fig, "line", folder=tmp_path, formats=["png"])
    plt.close(fig)
    assert png.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["line.png"]


# --- safety: no code execution on data ----------------------------------------------------------
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve", "marshal",
                  "joblib"}
UNSAFE_BUILTINS = {"eval", "exec", "__import__"}
UNSAFE_ATTRIBUTES = {"read_pickle", "unsafe_load", "full_load", "unsafe_load_all",
                     "full_load_all"}
UNSAFE_YAML_LOADERS = {"Loader", "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader",
                       "CUnsafeLoader"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}


def _name(node) -> str:
    """``yaml.SafeLoader`` -> ``SafeLoader``; ``_LineLoader`` -> ``_LineLoader``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _safe_loaders(tree) -> set[str]:
    """Safe YAML loader classes: PyYAML's, and classes of the module derived from them."""
    safe = set(SAFE_YAML_LOADERS)
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name not in safe and any(_name(b) in safe for b in cls.bases):
                safe.add(cls.name)
                changed = True
    return safe


def python_sources() -> list[tuple[str, str]]:
    """(name, code) of every Python file in analysis/ and scripts/, and notebook cells."""
    import nbformat

    sources = []
    for folder in ("analysis", "scripts"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            sources.append((str(path.relative_to(PROJECT_ROOT)), path.read_text("utf-8")))
    for path in sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for k, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines()
                                 if not line.lstrip().startswith(("%", "!")))
                sources.append((f"{path.name} cell {k}", code))
    return sources


def unsafe_uses(name: str, code: str) -> list[str]:
    """Every import, call or attribute that can run code hidden in data."""
    found = []
    tree = ast.parse(code, filename=name)
    safe_loaders = _safe_loaders(tree)
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names
                      if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in UNSAFE_MODULES:
                found.append(f"{where} from {node.module} import")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in UNSAFE_BUILTINS:
                found.append(f"{where} {func.id}()")
            if isinstance(func, ast.Attribute):
                owner = _name(func.value)
                if owner == "yaml" and func.attr in {"load", "load_all"}:
                    loader = [k.value for k in node.keywords if k.arg == "Loader"]
                    loader += node.args[1:2]
                    if not loader or _name(loader[0]) not in safe_loaders:
                        found.append(f"{where} yaml.{func.attr}() without a safe Loader "
                                     "(use yaml.safe_load)")
                if owner in {"np", "numpy"} and func.attr == "load" and any(
                        k.arg == "allow_pickle" for k in node.keywords):
                    found.append(f"{where} numpy.load(allow_pickle=...)")
        elif isinstance(node, ast.Attribute):
            if node.attr in UNSAFE_ATTRIBUTES:
                found.append(f"{where} .{node.attr}")
            elif node.attr in UNSAFE_YAML_LOADERS and _name(node.value) == "yaml":
                found.append(f"{where} yaml.{node.attr}")
    return found


def test_the_source_scan_catches_unsafe_code():
    code = ("import pickle\nimport yaml\nfrom marshal import loads\nyaml.load(s)\n"
            "yaml.load(s, Loader=yaml.Loader)\neval('1')\nexec('x=1')\npd.read_pickle(p)\n"
            "yaml.safe_load(s)\nregex.compile('a')\nyaml.load(s, Loader=yaml.SafeLoader)\n"
            "class Lines(yaml.SafeLoader):\n    pass\nyaml.load(s, Loader=Lines)\n"
            "yaml.load(s, yaml.FullLoader)\n")
    found = unsafe_uses("example.py", code)
    unsafe = "without a safe Loader (use yaml.safe_load)"
    assert sorted(found) == sorted([
        "example.py:1 import pickle", "example.py:3 from marshal import",
        f"example.py:4 yaml.load() {unsafe}", f"example.py:5 yaml.load() {unsafe}",
        "example.py:5 yaml.Loader", "example.py:6 eval()", "example.py:7 exec()",
        "example.py:8 .read_pickle", f"example.py:15 yaml.load() {unsafe}",
        "example.py:15 yaml.FullLoader"])


def test_no_pickle_eval_exec_or_unsafe_yaml_in_the_project():
    sources = python_sources()
    assert any(name.startswith("analysis/") for name, _ in sources)
    offenders = [hit for name, code in sources for hit in unsafe_uses(name, code)]
    assert not offenders, f"unsafe code on data: {offenders}; use yaml.safe_load, CSV or JSON"


# --- later stages, when they exist ----------------------------------------------------------
def has_module(name: str) -> bool:
    return importlib.util.find_spec(f"analysis.{name}") is not None


# --- statistics (keyness) ---------------------------------------------------------------------
def keyness_of(target, reference, **options):
    from analysis import keyness

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small-corpus warnings are not the point here
        return keyness(target, reference, **options).set_index("term")


needs_keyness = pytest.mark.skipif(not has_module("keyness"), reason="analysis/keyness.py absent")


@needs_keyness
@pytest.mark.parametrize(
    "target, reference, pattern",
    [
        ({}, {"a": 3}, r"target is empty"),  # a group with zero terms
        ({"a": 3}, {}, r"reference is empty"),
        ({"a": float("nan")}, {"a": 1}, r"target has a count of nan for term 'a'"),
        ({"a": 1}, {"a": float("inf")}, r"reference has a count of inf"),
        ({"a": -1, "b": 2}, {"a": 1}, r"target has a count of -1 for term 'a'"),
    ],
    ids=["zero terms (target)", "zero terms (reference)", "NaN", "infinity", "negative"],
)
def test_keyness_refuses_bad_counts_naming_the_argument(target, reference, pattern):
    from analysis import keyness

    with pytest.raises(ValueError, match=pattern):
        keyness(target, reference)


@needs_keyness
def test_keyness_with_a_single_group_or_the_same_group_twice():
    from analysis import keyness

    docs = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "text": ["Kim parla."],
                         "lang": ["it"]})
    counts = term_counts(docs)
    with pytest.raises(ValueError, match=r"reference=: the counts have only the group\(s\) "
                                         r"\['X'\]"):
        keyness(counts, target="X")
    with pytest.raises(ValueError, match="target and reference are the same group"):
        keyness(counts, target="X", reference="X")
    with pytest.raises(ValueError, match="target='Y': group 'Y' is not in the counts"):
        keyness(counts, target="Y")


@needs_keyness
def test_keyness_of_identical_groups_is_zero():
    table = keyness_of({"a": 3, "b": 2}, {"a": 3, "b": 2})
    # same rates: G2 = 0, p = 1, log ratio = 0, no difference
    assert table["g2"].tolist() == [0.0, 0.0] and table["p_value"].tolist() == [1.0, 1.0]
    assert table["log_ratio"].abs().max() == 0 and table["pct_diff"].abs().max() == 0


@needs_keyness
def test_keyness_of_a_term_in_only_one_group_is_finite():
    table = keyness_of({"a": 3, "b": 2}, {"a": 3})
    # b: 2 of 5 target terms, 0 of 3 reference terms; the 2x2 table is
    # [[2, 0], [3, 3]]; G2 = 2 * sum O ln(O/E) = 2.2672 (worked in the keyness tests)
    assert table.loc["b", ["n_target", "n_reference"]].tolist() == [2, 0]
    assert table.loc["b", "g2"] == pytest.approx(2.267246, abs=1e-6)
    for column in ("g2", "p_value", "log_ratio", "log_odds", "log_odds_z"):
        assert np.isfinite(table.loc["b", column]), column
    assert table.loc["a", "g2"] == pytest.approx(-2.267246, abs=1e-6)  # the mirror image


@needs_keyness
def test_keyness_of_a_trillion_terms_does_not_overflow():
    big = 10**12
    table = keyness_of({"a": big, "b": 1}, {"a": big, "b": 2})
    # the two terms of a two-term table have the same |G2| (one 2x2 table)
    assert table.loc["a", "g2"] == pytest.approx(-table.loc["b", "g2"], rel=1e-6)
    assert table.loc["a", "g2"] == pytest.approx(0.339798, rel=1e-5)
    assert np.isfinite(table[["g2", "log_ratio", "log_odds", "log_odds_z"]].to_numpy()).all()


@needs_keyness
def test_keyness_of_counts_near_the_int64_limit():
    big = 2**62
    table = keyness_of({"a": big, "b": 1}, {"a": big, "b": 2})
    assert np.isfinite(table[["g2", "log_odds", "log_odds_z"]].to_numpy()).all()
    assert table.loc["a", "g2"] == pytest.approx(-table.loc["b", "g2"], rel=1e-3)
    # the same 2x2 table as with a trillion: the small cells decide, G2 = 0.339798
    assert table.loc["b", "g2"] == pytest.approx(-0.339798, rel=1e-4)


@needs_keyness
@pytest.mark.parametrize("big", [10**15, 2**53])
def test_keyness_keeps_precision_when_huge_counts_barely_differ(big):
    table = keyness_of({"a": big, "b": 1}, {"a": big, "b": 2})
    assert table.loc["a", "g2"] == pytest.approx(0.339798, rel=1e-4)
    assert table.loc["b", "g2"] == pytest.approx(-0.339798, rel=1e-4)


@needs_keyness
def test_keyness_refuses_counts_that_are_not_numbers():
    from analysis import keyness

    with warnings.catch_warnings(), pytest.raises((ValueError, TypeError), match="target"):
        warnings.simplefilter("ignore")
        keyness({"a": "3", "b": 2}, {"a": 3, "b": 1})


# --- quotes -------------------------------------------------------------------------------
needs_quotes = pytest.mark.skipif(not has_module("quotes"), reason="analysis/quotes.py absent")


@needs_quotes
@pytest.mark.parametrize(
    "text",
    [
        "«Non è vero, ha detto Putin. Poi è uscito.",  # opened, never closed
        "Non è vero» ha detto Putin.",  # closed, never opened
        "«Ha detto: “noi” e ‘voi’ siamo pronti» ha detto Kim.",  # nested marks
        "“Noi siamo pronti.\n\nE non abbiamo paura” ha detto Lavrov.",  # spans paragraphs
        '"Sì" e "no" e "forse',  # ASCII quotes, odd count
        "«»“”",  # empty quotes only
    ],
    ids=["unclosed", "unopened", "nested", "across paragraphs", "odd ASCII", "empty"],
)
def test_quotes_survive_odd_quotation_marks(text):
    import importlib

    quotes = importlib.import_module("analysis.quotes")
    docs = pd.DataFrame({"doc_id": ["d"], "source": ["X"], "text": [text], "lang": ["it"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = quotes.quotes(docs)
    assert list(table.columns) == quotes.QUOTES_COLUMNS
    for row in table.itertuples():
        assert text[row.content_start:row.content_end] == row.content


# --- the command line -------------------------------------------------------------------------
needs_cli = pytest.mark.skipif(not has_module("__main__") or not has_module("report"),
                               reason="the command line does not exist yet")


def run_cli(argv, capsys):
    from analysis.__main__ import main

    status = main([*argv, "--no-progress"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("warning:")]
    return status, lines, err


@needs_cli
@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing corpus", "does not exist"),
        ("out is a file", "is a file; give a folder"),
        ("out not empty", "exists and is not empty; pass --overwrite"),
        ("undecidable bytes", "mixes UTF-8 with bytes that are not UTF-8 (first at byte 7"),
        ("metadata names a missing file", "sources.csv, line 2: names 'z.txt'"),
        ("only binary files", "no documents could be loaded"),
    ],
)
def test_cli_user_errors_are_one_line_with_exit_status_2(case, expected, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    write(corpus, "a.txt", "Kim incontra Lavrov a Wonsan.")
    write(corpus, "b/b.txt", "Lavrov incontra Kim.")
    out = tmp_path / "out"
    if case == "missing corpus":
        corpus = tmp_path / "nope"
    elif case == "out is a file":
        out = write(tmp_path, "out.html", "x")
    elif case == "out not empty":
        write(out, "keep.txt", "x")
    elif case == "undecidable bytes":
        write(corpus, "c.txt", "è ".encode("utf-8") + b"caff\xe8")
    elif case == "metadata names a missing file":
        write(corpus, "sources.csv", "file,source\nz.txt,Z\n")
    elif case == "only binary files":
        corpus = tmp_path / "binary"
        write(corpus, "a.txt", b"%PDF-1.4")
    status, lines, err = run_cli(["report", str(corpus), "--out", str(out)], capsys)
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], err
    assert "Traceback" not in err


@needs_cli
def test_cli_cannot_write_the_output(tmp_path, capsys, monkeypatch):
    # Running as root, a read-only folder is still writable, so the refusal of the
    # operating system is simulated where the report makes its temporary folder.
    import tempfile

    corpus = tmp_path / "corpus"
    write(corpus, "a.txt", "Kim incontra Lavrov a Wonsan.")
    write(corpus, "b/b.txt", "Lavrov incontra Kim.")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    status, lines, err = run_cli(["report", str(corpus), "--out", str(tmp_path / "out")], capsys)
    assert status == 2 and len(lines) == 1 and "Permission denied" in lines[0], err
    assert not (tmp_path / "out").exists()


@needs_cli
def test_cli_reports_skipped_files_as_warnings(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    write(corpus, "a.txt", "Kim incontra Lavrov a Wonsan.")
    write(corpus, "b/b.txt", "Lavrov incontra Kim.")
    write(corpus, "scan.pdf", b"%PDF-1.4")
    from analysis.__main__ import main

    status = main(["report", str(corpus), "--out", str(tmp_path / "out"), "--no-progress",
                   "--sections", "overview"])
    err = capsys.readouterr().err
    assert status == 0, err
    assert any(line.startswith("warning:") and "scan.pdf" in line for line in err.splitlines())


# --- resource files: safe YAML, errors that name the file and line -------------------------------
RESOURCE_LOADERS = [("entities", "load_gazetteer"), ("quotes", "load_lexicon"),
                    ("frames", "load_codebook")]


def resource_loader(module: str, function: str):
    if not has_module(module):
        pytest.skip(f"analysis/{module}.py absent")
    import importlib

    return getattr(importlib.import_module(f"analysis.{module}"), function)


@pytest.mark.parametrize("module, function", RESOURCE_LOADERS, ids=[m for m, _ in RESOURCE_LOADERS])
def test_resource_files_never_run_code(module, function, tmp_path):
    load = resource_loader(module, function)
    marker = tmp_path / "pwned"
    path = write(tmp_path, "evil.yaml",
                 f"entities:\n  - !!python/object/apply:os.mkdir ['{marker}']\n"
                 f"frames: !!python/object/apply:os.mkdir ['{marker}']\n")
    with pytest.raises(ValueError, match=r"evil\.yaml"):
        load(path)
    assert not marker.exists(), "a YAML tag ran code"


@pytest.mark.parametrize("module, function", RESOURCE_LOADERS, ids=[m for m, _ in RESOURCE_LOADERS])
def test_resource_files_with_broken_yaml_name_the_line(module, function, tmp_path):
    load = resource_loader(module, function)
    path = write(tmp_path, "broken.yaml", "entities:\n  - name: [unclosed\n")
    with pytest.raises(ValueError, match=r"(?s)broken\.yaml.*line \d"):
        load(path)


@pytest.mark.parametrize(
    "module, function",
    [("entities", "load_gazetteer"), ("frames", "load_codebook")],
    ids=["entities", "frames"],
)
def test_resource_entries_of_the_wrong_shape_name_the_line(module, function, tmp_path):
    load = resource_loader(module, function)
    path = write(tmp_path, "shape.yaml", f"{module}:\n  - 42\n")
    with pytest.raises(ValueError, match=r"shape\.yaml, line \d"):
        load(path)
