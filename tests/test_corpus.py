"""Corpus loading: the seeds, user corpora and bad input."""

import json
import warnings

import pandas as pd
import pytest

from analysis import load_corpus, read_text
from analysis.corpus import DOCS_COLUMNS, CorpusWarning, split_headline, split_signature
from analysis.paths import SEEDS_DIR

HEADLINE_001 = (
    "In diretta la guerra in Ucraina: Kim Jong-un assicura alla Russia il suo sostegno "
    "“incondizionato”"
)


# --- the seeds -------------------------------------------------------------------------
def test_seeds_load_with_metadata_headline_and_signature():
    docs = load_corpus()
    assert list(docs.columns) == DOCS_COLUMNS
    assert docs["doc_id"].tolist() == ["000_4a01d9418e012f08", "001_8ff4fca5f0285b44"]
    assert docs["source"].tolist() == ["Unsigned", "Le Monde"]
    assert docs["lang"].tolist() == ["it", "it"]
    unsigned, le_monde = docs.iloc[0], docs.iloc[1]
    assert pd.isna(unsigned["title"]) and pd.isna(unsigned["signature"])
    assert le_monde["title"] == HEADLINE_001
    assert le_monde["signature"] == "Le Monde"
    assert "Le Monde" not in le_monde["text"] and HEADLINE_001 not in le_monde["text"]
    assert le_monde["text"].endswith("omologo nordcoreano, Choe Son-hui.")
    assert unsigned["text"].endswith("ha detto Zelenskyy.")  # trailing blank lines stripped


def test_text_start_maps_offsets_back_to_the_file():
    docs = load_corpus()
    for doc in docs.itertuples():
        raw, _ = read_text(SEEDS_DIR / doc.path)
        assert raw[doc.text_start : doc.text_start + len(doc.text)] == doc.text


def test_relative_seeds_path_works_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(load_corpus("seeds")) == 2


def test_loading_never_writes_to_the_corpus(tmp_path):
    before = {p.name: p.read_bytes() for p in SEEDS_DIR.iterdir()}
    load_corpus()
    assert {p.name: p.read_bytes() for p in SEEDS_DIR.iterdir()} == before


# --- heuristics ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kim riceve Lavrov\n\nIl leader ha parlato.", "Kim riceve Lavrov"),
        ("Kim: «Sostegno incondizionato»\n\nTesto.", "Kim: «Sostegno incondizionato»"),
        ("Il leader ha ricevuto Lavrov.\n\nPoi ha parlato.", None),  # a lead paragraph
        ("Kim riceve Lavrov\nIl leader ha parlato.", None),  # no blank line
        ("Solo un titolo\n\n", None),  # nothing after it
        ("x " * 40 + "\n\nTesto.", None),  # too long
    ],
)
def test_split_headline(text, expected):
    assert split_headline(text)[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Testo.\nLe Monde\n\n", "Le Monde"),
        ("Testo.\n— Mario Rossi", "Mario Rossi"),
        ("Testo.\n(ANSA)", "(ANSA)"),
        ("Testo.\nPoi ha detto che verrà.", None),  # a sentence
        ("Testo.\nle monde", None),  # lower case
        ("Le Monde", None),  # the only line is the body
        ("Testo.\nUna riga finale lunga con molte parole dentro", None),
    ],
)
def test_split_signature(text, expected):
    assert split_signature(text)[0] == expected


def test_headline_and_signature_can_be_turned_off(tmp_path):
    (tmp_path / "a.txt").write_text("Titolo\n\nCorpo del testo.\nLe Monde\n", encoding="utf-8")
    doc = load_corpus(tmp_path, headline=False, signature=False).iloc[0]
    assert doc["text"] == "Titolo\n\nCorpo del testo.\nLe Monde"
    assert pd.isna(doc["title"]) and pd.isna(doc["signature"])


def test_metadata_flags_override_per_file(tmp_path):
    (tmp_path / "a.txt").write_text("Titolo.\n\nCorpo.\n", encoding="utf-8")
    (tmp_path / "sources.csv").write_text(
        "file,source,headline\na.txt,X,yes\n", encoding="utf-8"
    )
    doc = load_corpus(tmp_path).iloc[0]
    assert (doc["title"], doc["text"]) == ("Titolo.", "Corpo.")


# --- user corpora ----------------------------------------------------------------------
def test_subfolders_are_sources_without_metadata(tmp_path):
    for source, name in [("Corriere", "a"), ("Repubblica", "b")]:
        (tmp_path / source).mkdir()
        (tmp_path / source / f"{name}.txt").write_text("Testo.", encoding="utf-8")
    docs = load_corpus(tmp_path)
    assert docs[["doc_id", "source"]].values.tolist() == [
        ["Corriere/a", "Corriere"], ["Repubblica/b", "Repubblica"]
    ]


def test_signature_or_unsigned_is_the_source_of_flat_folders(tmp_path):
    (tmp_path / "a.txt").write_text("Testo uno.\nLe Monde", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Testo due.", encoding="utf-8")
    assert load_corpus(tmp_path)["source"].tolist() == ["Le Monde", "unsigned"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_table_files(tmp_path, suffix):
    table = pd.DataFrame(
        {"doc_id": ["x2", "x1"], "source": ["B", "A"], "text": [" Due.\r\n", "Uno."],
         "lang": ["it", "en"]}
    )
    path = tmp_path / f"corpus{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(r) for r in table.to_dict("records")), "utf-8")
    else:
        table.to_parquet(path)
    docs = load_corpus(path)
    assert docs[["doc_id", "source", "text", "lang"]].values.tolist() == [
        ["x1", "A", "Uno.", "en"], ["x2", "B", "Due.", "it"]
    ]


def test_table_with_other_column_names(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"body": ["Uno."], "outlet": ["A"]}).to_csv(path, index=False)
    docs = load_corpus(path, text_column="body", source_column="outlet")
    assert docs[["doc_id", "source"]].values.tolist() == [["000001", "A"]]
    with pytest.raises(ValueError, match="no column 'text'.*text_column="):
        load_corpus(path)


# --- encodings and line ends -------------------------------------------------------------
ITALIAN = "Perché l’agenzia “KCNA” ha detto: è così.\nSì."


@pytest.mark.parametrize(
    "encoded, encoding, warns",
    [
        (ITALIAN.encode("utf-8"), "utf-8", False),
        (b"\xef\xbb\xbf" + ITALIAN.encode("utf-8"), "utf-8-sig", False),
        (ITALIAN.encode("utf-16"), "utf-16", False),
        (ITALIAN.encode("cp1252"), "cp1252", True),
        ("Perché è così.\nSì.".encode("latin-1"), "cp1252", True),
        (ITALIAN.replace("\n", "\r\n").encode("utf-8"), "utf-8", False),
    ],
)
def test_encodings(tmp_path, encoded, encoding, warns):
    path = tmp_path / "a.txt"
    path.write_bytes(encoded)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text, used = read_text(path)
    assert used == encoding
    assert "\r" not in text and text.endswith("\nSì.")
    messages = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    assert bool(messages) == warns
    if warns:
        assert "a.txt" in messages[0] and encoding in messages[0]


def test_latin1_only_bytes_fall_back_to_latin1(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"caff\xe8 \x81")  # 0x81 is undefined in cp1252
    with pytest.warns(CorpusWarning, match="latin-1"):
        assert read_text(path) == ("caffè \x81", "latin-1")


def test_mixed_encodings_give_an_error_with_the_byte_offset(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("è ".encode("utf-8") + b"caff\xe8")
    with pytest.raises(ValueError, match=r"a\.txt.*byte 7.*re-save it as UTF-8"):
        read_text(path)


def test_forced_encoding(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("è".encode("latin-1"))
    assert read_text(path, encoding="latin-1") == ("è", "latin-1")
    with pytest.raises(ValueError, match="not valid utf-8"):
        read_text(path, encoding="utf-8")


# --- bad input ---------------------------------------------------------------------------
def test_missing_path():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_corpus("/no/such/folder")


def test_empty_folder(tmp_path):
    with pytest.raises(ValueError, match="no .txt documents found"):
        load_corpus(tmp_path)


def test_empty_document_is_kept_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text("Testo.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("  \n\n ", encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"b\.txt.*empty"):
        docs = load_corpus(tmp_path)
    assert docs["text"].tolist() == ["Testo.", ""]


def test_binary_files_are_skipped_with_a_warning_or_refused_when_strict(tmp_path):
    (tmp_path / "a.txt").write_text("Testo.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.7\x00\x01\x02")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7")
    with pytest.warns(CorpusWarning) as caught:
        docs = load_corpus(tmp_path)
    assert docs["doc_id"].tolist() == ["a"]
    text = " ".join(str(w.message) for w in caught)
    assert "scan.pdf" in text and "b.txt" in text and "binary" in text
    with pytest.raises(ValueError, match="scan.pdf"):
        load_corpus(tmp_path, strict=True)


def test_hidden_files_are_skipped_and_reported(tmp_path):
    # Hidden files are not documents, but nothing is dropped without a trace:
    # they are named in the one "not loaded" warning and in the load report.
    (tmp_path / "a.txt").write_text("Testo.", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    with pytest.warns(CorpusWarning, match=r"1 file\(s\) are not documents.*\.DS_Store"):
        assert len(load_corpus(tmp_path)) == 1


def test_metadata_row_naming_a_missing_file(tmp_path):
    (tmp_path / "a.txt").write_text("Testo.", encoding="utf-8")
    (tmp_path / "sources.csv").write_text("file,source\na.txt,A\nz.txt,Z\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"sources\.csv, line 3: names 'z\.txt'"):
        load_corpus(tmp_path)


def test_file_without_metadata_row_warns(tmp_path):
    (tmp_path / "a.txt").write_text("Testo.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Altro testo.", encoding="utf-8")
    (tmp_path / "sources.csv").write_text("file,source\na.txt,A\n", encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"b\.txt: no row in sources\.csv"):
        docs = load_corpus(tmp_path)
    assert docs["source"].tolist() == ["A", "unsigned"]


def test_duplicate_ids(tmp_path):
    (tmp_path / "a.txt").write_text("Uno.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Due.", encoding="utf-8")
    (tmp_path / "sources.csv").write_text(
        "file,doc_id,source\na.txt,same,A\nb.txt,same,B\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="doc_id 'same' is used by more than one document"):
        load_corpus(tmp_path)


def test_empty_source_in_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Uno.", encoding="utf-8")
    (tmp_path / "sources.csv").write_text("file,source\na.txt,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2.*source.*is empty.*'unsigned'"):
        load_corpus(tmp_path)


def test_unknown_language_in_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Uno.", encoding="utf-8")
    (tmp_path / "sources.csv").write_text("file,source,lang\na.txt,A,xx\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lang \(sources\.csv, line 2\)='xx' is not supported"):
        load_corpus(tmp_path)


def test_metadata_without_file_column(tmp_path):
    (tmp_path / "a.txt").write_text("Uno.", encoding="utf-8")
    (tmp_path / "sources.csv").write_text("name,source\na.txt,A\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'file' column"):
        load_corpus(tmp_path)


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match="unsupported corpus file type '.docx'"):
        load_corpus(path)


def test_single_text_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Titolo\n\nCorpo.\n", encoding="utf-8")
    doc = load_corpus(path).iloc[0]
    assert (doc["doc_id"], doc["title"], doc["text"]) == ("a", "Titolo", "Corpo.")


def test_table_with_empty_source(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"text": ["Uno.", "Due."], "source": ["A", ""]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"row 2: the source is empty"):
        load_corpus(path)


def test_explicit_metadata_file_inside_the_folder_is_not_a_document(tmp_path):
    (tmp_path / "a.txt").write_text("Uno.", encoding="utf-8")
    (tmp_path / "meta.csv").write_text("file,source\na.txt,A\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        docs = load_corpus(tmp_path, metadata=tmp_path / "meta.csv")
    assert docs["source"].tolist() == ["A"]
