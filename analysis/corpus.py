"""Load a corpus into the docs table: one row per document.

Two kinds of input are accepted by :func:`load_corpus`:

* a **folder of ``.txt`` files** (searched recursively), with an optional
  metadata file ``sources.csv`` beside them;
* a **table file** (``.csv``, ``.jsonl``/``.ndjson``, ``.parquet``) with a text
  column and a source column, for corpora exported from a news archive.

Files are only ever read. Every decision that changes what is analysed (a
headline or signature kept out of the body, a legacy encoding, a skipped file, an
empty document) is reported with a warning that names the file.

Headline and signature heuristics (text files only, overridable)
----------------------------------------------------------------
* **Headline**: the first line is a headline when it is followed by a blank line,
  is at most 200 characters and 30 words long, and does not end with a full stop,
  comma, semicolon or colon (a lead paragraph ends with a full stop; a headline
  rarely does). It becomes ``title`` and is left out of ``text``.
* **Signature**: the last non-empty line is a signature when it stands on its own
  line, is at most 60 characters and 6 words long, starts with a capital letter
  (after an optional dash) and ends without punctuation. It becomes ``signature``
  and is left out of ``text``.

Turn either off with ``headline=False`` / ``signature=False`` (or force it with
``True``), or per file with the ``headline`` / ``signature`` columns of
``sources.csv`` (``auto``, ``yes`` or ``no``).

Examples
--------
>>> docs = load_corpus()
>>> docs[["doc_id", "source", "lang"]].values.tolist()
[['000_4a01d9418e012f08', 'Unsigned', 'it'], ['001_8ff4fca5f0285b44', 'Le Monde', 'it']]
>>> docs.loc[1, "signature"]
'Le Monde'
"""

from __future__ import annotations

import codecs
import csv
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import regex

from .paths import SEEDS_DIR
from .langs import check_lang

__all__ = [
    "DOCS_COLUMNS",
    "METADATA_FILE",
    "CorpusWarning",
    "load_corpus",
    "read_text",
    "split_headline",
    "split_signature",
]

#: Columns of the docs table, in order.
DOCS_COLUMNS = [
    "doc_id",
    "source",
    "title",
    "text",
    "lang",
    "path",
    "date",
    "url",
    "signature",
    "text_start",
]

#: The metadata file read from a corpus folder.
METADATA_FILE = "sources.csv"
#: Files that live beside a corpus and are not documents (never warned about).
_COMPANIONS = frozenset({METADATA_FILE, "sha256sums", "readme.md", "readme", ".gitkeep"})
_TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".parquet"}
_METADATA_COLUMNS = ["file", "doc_id", "source", "lang", "title", "date", "url",
                     "headline", "signature", "notes"]
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x00\x00\x01\x00")
_UTF8_MULTIBYTE = regex.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_HEADLINE_MAX_CHARS, _HEADLINE_MAX_WORDS = 200, 30
_SIGNATURE_MAX_CHARS, _SIGNATURE_MAX_WORDS = 60, 6


class CorpusWarning(UserWarning):
    """Something about the corpus a researcher should know (it was loaded anyway)."""


@dataclass(frozen=True)
class _Decoded:
    text: str
    encoding: str


def _warn(message: str) -> None:
    warnings.warn(message, CorpusWarning, stacklevel=3)


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_MAGIC):
        return True
    return b"\x00" in data[:8192]


def read_text(path: str | Path, *, encoding: str | None = None) -> tuple[str, str]:
    """Read a text file, deciding its encoding, with universal line ends.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are decoded silently.
    Other bytes are decoded as cp1252 (or latin-1 where cp1252 has no character)
    with a :class:`CorpusWarning` naming the file, because those are the legacy
    encodings of Italian text from Windows tools. A file that mixes valid UTF-8
    with invalid bytes cannot be decided and raises an error with the byte offset.
    ``\\r\\n`` and ``\\r`` become ``\\n``.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read (opened read-only).
    encoding : str, optional
        Decode with exactly this codec instead of deciding.

    Returns
    -------
    (str, str)
        The text and the name of the encoding used.

    Raises
    ------
    ValueError
        For a binary file, or bytes that cannot be decoded, naming the file.

    Examples
    --------
    >>> from analysis.paths import SEEDS_DIR
    >>> text, enc = read_text(SEEDS_DIR / "000_4a01d9418e012f08.txt")
    >>> enc, text[:20]
    ('utf-8', 'Il ministro degli Es')
    """
    path = Path(path)
    data = path.read_bytes()
    decoded = _decode(data, path, encoding)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return text, decoded.encoding


def _decode(data: bytes, path: Path, encoding: str | None) -> _Decoded:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"encoding={encoding!r} is not a known codec") from None
        try:
            return _Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError as err:
            raise ValueError(
                f"{path}: byte {err.start} (0x{data[err.start]:02x}) is not valid "
                f"{encoding}; pass the file's real encoding or re-save it as UTF-8"
            ) from None
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as err:
                raise ValueError(
                    f"{path}: starts with a {codec} byte-order mark but byte {err.start} "
                    f"is not valid {codec}; re-save the file as UTF-8"
                ) from None
    if _looks_binary(data):
        raise ValueError(
            f"{path}: looks like a binary file (not text); remove it from the corpus "
            "folder or convert it to a UTF-8 .txt file"
        )
    try:
        return _Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
    if _UTF8_MULTIBYTE.search(data):
        raise ValueError(
            f"{path}: mixes UTF-8 with bytes that are not UTF-8 (first at byte "
            f"{first_bad}, 0x{data[first_bad]:02x}), so its encoding cannot be decided; "
            "re-save it as UTF-8, or pass encoding= if you know it"
        )
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        _warn(f"{path}: not UTF-8; decoded as {codec} (pass encoding= to choose another)")
        return _Decoded(text, codec)
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def split_headline(text: str) -> tuple[str | None, int]:
    """Find a headline: a short first line followed by a blank line.

    Parameters
    ----------
    text : str
        A document with ``\\n`` line ends.

    Returns
    -------
    (str or None, int)
        The headline (stripped) or ``None``, and the offset where the rest of
        the text starts (0 when there is no headline).

    Examples
    --------
    >>> split_headline("Kim riceve Lavrov\\n\\nIl leader nordcoreano ha ricevuto...")
    ('Kim riceve Lavrov', 19)
    >>> split_headline("Il leader ha ricevuto Lavrov.\\n\\nPoi...")
    (None, 0)
    """
    m = regex.match(r"[^\S\n]*([^\n]*?)[^\S\n]*\n[^\S\n]*\n", text)
    if not m:
        return None, 0
    line = m.group(1)
    rest = text[m.end() :]
    if (
        not line
        or not rest.strip()
        or len(line) > _HEADLINE_MAX_CHARS
        or len(line.split()) > _HEADLINE_MAX_WORDS
        or line[-1] in ".,;:"
    ):
        return None, 0
    return line, m.end()


def split_signature(text: str) -> tuple[str | None, int]:
    """Find a signature: a short last line naming an outlet or author.

    Parameters
    ----------
    text : str
        A document with ``\\n`` line ends.

    Returns
    -------
    (str or None, int)
        The signature (stripped, without a leading dash) or ``None``, and the
        offset where it starts (``len(text)`` when there is none).

    Examples
    --------
    >>> split_signature("Il ministro ha anche incontrato Choe Son-hui.\\nLe Monde\\n")
    ('Le Monde', 46)
    >>> split_signature("Il ministro ha detto.\\nPoi ha aggiunto altro.")
    (None, 44)
    """
    stripped = text.rstrip()
    cut = stripped.rfind("\n")
    if cut < 0 or not stripped[:cut].strip():
        return None, len(text)
    line = stripped[cut + 1 :].strip()
    name = line.lstrip("-–— ").strip()
    if (
        not name
        or len(name) > _SIGNATURE_MAX_CHARS
        or len(name.split()) > _SIGNATURE_MAX_WORDS
        or not name.lstrip("(")[:1].isupper()
        or not (name[-1].isalnum() or name[-1] == ")")
    ):
        return None, len(text)
    return name, cut + 1 + (len(stripped[cut + 1 :]) - len(stripped[cut + 1 :].lstrip()))


def _resolve_flag(value, argument: str) -> str:
    mapping = {"auto": "auto", True: "yes", False: "no", "yes": "yes", "no": "no", "": "auto"}
    key = value.strip().lower() if isinstance(value, str) else value
    if key not in mapping:
        raise ValueError(f"{argument}={value!r} must be 'auto', 'yes' or 'no' (or True/False)")
    return mapping[key]


def _body(text: str, *, headline: str, signature: str, path: Path) -> dict:
    title, start = (None, 0)
    if headline != "no":
        title, start = split_headline(text)
        if headline == "yes" and title is None:
            line_end = text.find("\n")
            line_end = len(text) if line_end < 0 else line_end
            title, start = text[:line_end].strip() or None, line_end
    sig, end = (None, len(text))
    if signature != "no":
        sig, end = split_signature(text[start:])
        end += start
        if signature == "yes" and sig is None:
            stripped = text.rstrip()
            cut = stripped.rfind("\n")
            sig, end = stripped[cut + 1 :].strip() or None, cut + 1
    body = text[start:end]
    lead = len(body) - len(body.lstrip())
    body = body.strip()
    if not body:
        _warn(f"{path}: the document is empty after removing headline and signature; "
              "it is kept and contributes no terms")
    return {"title": title, "signature": sig, "text": body, "text_start": start + lead}


def _read_metadata(folder: Path, metadata: str | Path | None) -> pd.DataFrame | None:
    meta_path = Path(metadata) if metadata is not None else folder / METADATA_FILE
    if metadata is None and not meta_path.is_file():
        return None
    if not meta_path.is_file():
        raise FileNotFoundError(f"metadata file {meta_path} does not exist; check metadata=")
    text, _ = read_text(meta_path)
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise ValueError(f"{meta_path}: the metadata file is empty; it needs a header row "
                         f"with at least the column 'file'")
    header = [h.strip() for h in rows[0]]
    if "file" not in header:
        raise ValueError(f"{meta_path}: no 'file' column (found {header}); the header must "
                         f"name the columns, e.g. {','.join(_METADATA_COLUMNS)}")
    unknown = sorted(set(header) - set(_METADATA_COLUMNS))
    if unknown:
        _warn(f"{meta_path}: ignoring unknown column(s) {unknown}; known: {_METADATA_COLUMNS}")
    records = []
    for lineno, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ValueError(f"{meta_path}, line {lineno}: {len(row)} fields but the header has "
                             f"{len(header)}; quote fields that contain commas")
        record = {h: cell.strip() for h, cell in zip(header, row)}
        record["_line"] = lineno
        records.append(record)
    meta = pd.DataFrame(records).reindex(columns=_METADATA_COLUMNS + ["_line"], fill_value="")
    meta.attrs["path"] = str(meta_path)
    dup = meta["file"][meta["file"].duplicated()]
    if len(dup):
        raise ValueError(f"{meta_path}: file {dup.iloc[0]!r} has more than one row; keep one")
    return meta


def _fallback_source(rel: Path, signature: str | None) -> str:
    if len(rel.parts) > 1:
        return rel.parts[0]
    return signature or "unsigned"


def _load_folder(folder, *, metadata, lang, headline, signature, encoding, strict) -> list[dict]:
    meta = _read_metadata(folder, metadata)
    meta_file = Path(meta.attrs["path"]).resolve() if meta is not None else None
    files = sorted(p for p in folder.rglob("*")
                   if p.is_file() and not _hidden(p, folder) and p.resolve() != meta_file)
    skipped = [p for p in files if p.suffix.lower() != ".txt" and p.name.lower() not in _COMPANIONS]
    texts = [p for p in files if p.suffix.lower() == ".txt" and p.name.lower() not in _COMPANIONS]
    if skipped:
        names = ", ".join(str(p.relative_to(folder)) for p in skipped)
        if strict:
            raise ValueError(f"{folder}: files that are not .txt documents: {names}; "
                             "remove them or pass strict=False to skip them")
        _warn(f"{folder}: skipped {len(skipped)} file(s) that are not .txt documents: {names}")
    by_file = {}
    if meta is not None:
        by_file = {row["file"]: row for row in meta.to_dict("records")}
        rel_names = {p.relative_to(folder).as_posix() for p in texts}
        for name, row in by_file.items():
            if name not in rel_names:
                raise FileNotFoundError(
                    f"{meta.attrs['path']}, line {row['_line']}: names {name!r}, which is not "
                    f"in {folder}; fix the file name or remove the row")
    if not texts:
        raise ValueError(f"{folder}: no .txt documents found; put one UTF-8 .txt file per "
                         "article in the folder (or pass a .csv/.jsonl/.parquet table)")
    records = []
    for path in texts:
        row = by_file.get(path.relative_to(folder).as_posix())
        if meta is not None and row is None:
            _warn(f"{path}: no row in {METADATA_FILE}; its source is taken from its folder "
                  "or signature (add a row to set it)")
        record = _load_text_file(path, folder, row, lang=lang, headline=headline,
                                 signature=signature, encoding=encoding, strict=strict)
        if record is not None:
            records.append(record)
    return records


def _load_text_file(path, folder, row, *, lang, headline, signature, encoding, strict):
    rel = path.relative_to(folder)
    try:
        raw, _ = read_text(path, encoding=encoding)
    except ValueError as err:
        if strict or "binary" not in str(err):
            raise
        _warn(f"{err}; skipped")
        return None
    where = f"{METADATA_FILE}, line {row['_line']}" if row else str(path)
    if row and not row["source"]:
        raise ValueError(f"{where}: the source of {row['file']!r} is empty; write the "
                         "outlet, or 'unsigned' if the text names none")
    doc = _body(
        raw,
        headline=_resolve_flag(row["headline"] if row and row["headline"] else headline,
                               f"headline ({where})"),
        signature=_resolve_flag(row["signature"] if row and row["signature"] else signature,
                                f"signature ({where})"),
        path=path,
    )
    return {
        "doc_id": row["doc_id"] if row and row["doc_id"] else rel.with_suffix("").as_posix(),
        "source": row["source"] if row else _fallback_source(rel, doc["signature"]),
        "title": row["title"] if row and row["title"] else doc["title"],
        "text": doc["text"],
        "lang": check_lang(row["lang"] if row and row["lang"] else lang,
                           argument=f"lang ({where})"),
        "path": rel.as_posix(),
        "date": (row["date"] or None) if row else None,
        "url": (row["url"] or None) if row else None,
        "signature": doc["signature"],
        "text_start": doc["text_start"],
    }


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if suffix in {".jsonl", ".ndjson"}:
            return pd.read_json(path, lines=True, dtype=False)
        return pd.read_parquet(path)
    except (ValueError, UnicodeDecodeError, OSError) as err:
        raise ValueError(f"{path}: cannot be read as a {suffix} table ({err})") from None


def _load_table(path, *, lang, text_column, source_column, id_column, title_column) -> list[dict]:
    table = _read_table(path)
    for column, argument in ((text_column, "text_column"), (source_column, "source_column")):
        if column not in table.columns:
            raise ValueError(f"{path}: no column {column!r} (found {list(table.columns)}); "
                             f"pass {argument}= to name it")
    records = []
    for n, row in enumerate(table.to_dict("records")):
        where = f"{path}, row {n + 1}"
        text = row[text_column]
        if text is None or (isinstance(text, float) and pd.isna(text)):
            text = ""
        if not isinstance(text, str):
            raise ValueError(f"{where}: {text_column!r} is not text ({type(text).__name__})")
        source = row[source_column]
        if source is None or (isinstance(source, float) and pd.isna(source)) or not str(source).strip():
            raise ValueError(f"{where}: the source is empty; fill column {source_column!r} "
                             "(write 'unsigned' where the outlet is unknown)")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        body = text.strip()
        if not body:
            _warn(f"{where}: the document is empty; it is kept and contributes no terms")
        doc_id = row.get(id_column) if id_column in table.columns else None
        doc_lang = row.get("lang") if "lang" in table.columns and row.get("lang") else lang
        records.append({
            "doc_id": str(doc_id) if doc_id not in (None, "") else f"{n + 1:06d}",
            "source": str(source).strip(),
            "title": (row.get(title_column) or None) if title_column in table.columns else None,
            "text": body,
            "lang": check_lang(doc_lang, argument=f"lang ({where})"),
            "path": path.name,
            "date": (str(row["date"]) if row.get("date") not in (None, "") else None)
            if "date" in table.columns else None,
            "url": (row.get("url") or None) if "url" in table.columns else None,
            "signature": None,
            "text_start": len(text) - len(text.lstrip()),
        })
    return records


def load_corpus(
    path: str | Path = SEEDS_DIR,
    *,
    metadata: str | Path | None = None,
    lang: str = "it",
    headline: str | bool = "auto",
    signature: str | bool = "auto",
    encoding: str | None = None,
    text_column: str = "text",
    source_column: str = "source",
    id_column: str = "doc_id",
    title_column: str = "title",
    strict: bool = False,
) -> pd.DataFrame:
    """Load a corpus into a docs table, one row per document.

    Parameters
    ----------
    path : str or pathlib.Path, default the project's ``seeds/``
        A folder of ``.txt`` files (recursively; sub-folder names serve as
        sources when there is no metadata), or a ``.csv``, ``.jsonl`` or
        ``.parquet`` table. A relative ``"seeds"`` is the project's seeds.
    metadata : str or pathlib.Path, optional
        Metadata CSV for a folder; default ``sources.csv`` inside it when
        present. Columns: ``file`` (required, path relative to the folder),
        ``doc_id``, ``source``, ``lang``, ``title``, ``date``, ``url``,
        ``headline`` and ``signature`` (``auto``/``yes``/``no``), ``notes``.
    lang : {"it", "en"}, default "it"
        Language of documents whose metadata does not say.
    headline, signature : {"auto", True, False}, default "auto"
        Detect (``"auto"``), always take (``True``) or never take (``False``)
        the first line as headline / the last line as signature; text files only.
    encoding : str, optional
        Force an encoding for every text file instead of deciding per file.
    text_column, source_column, id_column, title_column : str
        Column names in a table file.
    strict : bool, default False
        Raise instead of skipping binary or non-``.txt`` files in a folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, source, title, text, lang, path, date, url, signature,
        text_start``, sorted by ``doc_id``. ``text`` is the body analysed (no
        headline or signature, outer whitespace stripped, ``\\n`` line ends);
        ``text_start`` is its offset in the decoded file, so every offset into
        ``text`` maps back to the file. ``path`` is relative to the corpus
        folder (the file name for a table), so tables do not depend on where
        the project is checked out.

    Raises
    ------
    FileNotFoundError
        ``path`` (or ``metadata``, or a file a metadata row names) does not exist.
    ValueError
        No documents, undecodable bytes, duplicate ``doc_id``, empty source,
        unsupported language: the message names the file or row.

    Examples
    --------
    >>> docs = load_corpus("seeds")
    >>> docs.loc[1, "title"]
    'In diretta la guerra in Ucraina: Kim Jong-un assicura alla Russia il suo sostegno “incondizionato”'
    >>> docs.loc[0, "text"].startswith("Il ministro degli Esteri russo")
    True
    """
    lang = check_lang(lang)
    p = Path(path).expanduser()
    if not p.exists() and not p.is_absolute() and p.parts and p.parts[0] == "seeds":
        p = SEEDS_DIR.parent / p
    if not p.exists():
        raise FileNotFoundError(f"corpus path {p} does not exist; pass a folder of .txt files "
                                "or a .csv/.jsonl/.parquet table")
    if p.is_dir():
        records = _load_folder(p, metadata=metadata, lang=lang, headline=headline,
                               signature=signature, encoding=encoding, strict=strict)
    elif p.suffix.lower() in _TABLE_SUFFIXES:
        records = _load_table(p, lang=lang, text_column=text_column, source_column=source_column,
                              id_column=id_column, title_column=title_column)
    elif p.suffix.lower() == ".txt":
        record = _load_text_file(p, p.parent, None, lang=lang, headline=headline,
                                 signature=signature, encoding=encoding, strict=True)
        records = [record]
    else:
        raise ValueError(f"{p}: unsupported corpus file type {p.suffix!r}; use a folder of .txt "
                         "files or a .csv, .jsonl or .parquet table")
    if not records:
        raise ValueError(f"{p}: no documents could be loaded")
    docs = pd.DataFrame.from_records(records, columns=DOCS_COLUMNS)
    dup = docs["doc_id"][docs["doc_id"].duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        paths = docs.loc[docs["doc_id"] == first, "path"].tolist()
        raise ValueError(f"doc_id {first!r} is used by more than one document ({paths}); "
                         "give each document a unique doc_id")
    docs = docs.sort_values("doc_id", kind="stable").reset_index(drop=True)
    return docs.astype({"text_start": "int64"})
