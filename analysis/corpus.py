"""Load a corpus into the docs table: one row per document.

Two kinds of input are accepted by :func:`load_corpus`:

* a **folder of ``.txt`` files** (searched recursively), with an optional
  metadata file ``sources.csv`` beside them;
* a **table file** (``.csv``, ``.jsonl``/``.ndjson``, ``.parquet``) with a text
  column and a source column, for corpora exported from a news archive.

Files are only ever read. Every decision that changes what is analysed (a
headline or signature kept out of the body, a legacy encoding, a skipped file, an
empty document) is reported with a warning that names the file, and recorded in
the load report that travels with the docs table (:func:`load_report`): one row
per file of the folder (or row of the table) with its status and the reason, so
no document is ever dropped without a trace.

Encodings
---------
UTF-8 (with or without BOM) and UTF-16/32 with a BOM are decoded silently.
UTF-16 without a BOM is recognised by its pattern of zero bytes (every other
byte is zero in Latin-script text) and decoded with a warning. Other bytes that
are not UTF-8 are decoded as cp1252, or latin-1 where cp1252 has no character,
with a warning: those are the legacy encodings of Italian text exported from
Windows tools. A file that mixes valid UTF-8 sequences with bytes that are not
UTF-8 cannot be decided and raises an error naming the file and the byte offset.
Binary files (PDF, images, archives, Office documents, ``.DS_Store``) are
recognised by their first bytes, by zero bytes, or by a high share of control
bytes, and are skipped.

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
>>> load_report(docs)[["file", "status"]].values.tolist()
[['000_4a01d9418e012f08.txt', 'loaded'], ['001_8ff4fca5f0285b44.txt', 'loaded'], ['README.md', 'companion'], ['SHA256SUMS', 'companion'], ['sources.csv', 'companion']]
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import regex

from .paths import SEEDS_DIR
from .langs import check_lang

__all__ = [
    "DOCS_COLUMNS",
    "LOAD_REPORT_COLUMNS",
    "LOAD_STATUSES",
    "METADATA_FILE",
    "BinaryFileError",
    "CorpusWarning",
    "load_corpus",
    "load_report",
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

#: Columns of :func:`load_report`, in order.
LOAD_REPORT_COLUMNS = ["file", "row", "doc_id", "status", "reason", "encoding"]

#: What happened to a file (or table row): ``loaded`` (a document with text),
#: ``empty`` (a document kept with no text), ``skipped`` (not loaded, with the
#: reason) and ``companion`` (the metadata file, a README or checksums: not a
#: document, nothing to load).
LOAD_STATUSES = ("loaded", "empty", "skipped", "companion")

#: The metadata file read from a corpus folder.
METADATA_FILE = "sources.csv"
#: Files that live beside a corpus and are not documents (never warned about).
_COMPANIONS = frozenset({METADATA_FILE, "sha256sums", "readme.md", "readme", "readme.txt",
                         ".gitkeep", ".gitignore", ".gitattributes"})
_TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".parquet"}
_METADATA_COLUMNS = ["file", "doc_id", "source", "lang", "title", "date", "url",
                     "headline", "signature", "notes"]
# First bytes of common non-text files found in corpus folders, and what they are.
_BINARY_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office document (.doc/.xls)"),
    (b"\x00\x00\x00\x01Bud1", "a macOS .DS_Store file"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file (WAV, AVI, WebP)"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"{\\rtf", "an RTF document (save it as plain text)"),
)
_SNIFF_BYTES = 8192
# C0 control bytes other than tab, line feed, vertical tab, form feed, carriage
# return and escape: rare in text, common in binary formats.
_CONTROL_BYTES = frozenset(set(range(32)) - {9, 10, 11, 12, 13, 27})
_MAX_CONTROL_SHARE = 0.10
# A complete UTF-8 multi-byte sequence, not followed by another continuation byte.
_UTF8_MULTIBYTE = regex.compile(
    rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})"
    rb"(?![\x80-\xbf])"
)
# Characters a UTF-8 sequence in a European news text plausibly stands for:
# Latin-1 and Latin Extended-A letters, Greek, basic Cyrillic, Latin Extended
# Additional, general punctuation, currency, letter-like symbols. In cp1252
# text, byte runs that happen to form UTF-8 ("ì»…" is ec bb 85) decode to
# far-away scripts (U+CEC5, a Hangul syllable), so they are no evidence.
_PLAUSIBLE_UTF8 = ((0x80, 0x17F), (0x370, 0x45F), (0x1E00, 0x1EFF), (0x2000, 0x206F),
                   (0x20A0, 0x20CF), (0x2100, 0x214F))
# UTF-8 read as cp1252/latin-1 and saved again as UTF-8 ("perchÃ©", "lâ€™").
_MOJIBAKE = regex.compile(r"[ÃÂ][\u0080-\u00bf]|â€[™œ\u009d“”˜¦\u2019\u201c\u201d]")
_HEADLINE_MAX_CHARS, _HEADLINE_MAX_WORDS = 200, 30
_SIGNATURE_MAX_CHARS, _SIGNATURE_MAX_WORDS = 60, 6


class CorpusWarning(UserWarning):
    """Something about the corpus a researcher should know (it was loaded anyway)."""


class BinaryFileError(ValueError):
    """A file that is not text (a PDF, an image, an archive...).

    Attributes
    ----------
    kind : str
        What the file looks like, e.g. ``"a PDF document"``.
    """

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class _Decoded:
    text: str
    encoding: str
    notes: tuple[str, ...] = ()  # what a reader should be warned about


def _warn(message: str) -> None:
    warnings.warn(message, CorpusWarning, stacklevel=3)


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    return sum(b in _CONTROL_BYTES for b in sample) / len(sample)


def _binary_kind(data: bytes) -> str | None:
    """What a non-text file looks like, or ``None`` if it may be text."""
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return "binary data (it contains zero bytes)"
    if _control_share(head) > _MAX_CONTROL_SHARE:
        return "binary data (it is full of control bytes)"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the zero bytes say so, else ``None``.

    In UTF-16 text in a Latin script nearly every character has a zero high
    byte, so zeros fill one of the two byte positions and (almost) never the
    other. Binary files have zeros everywhere. The decision is kept only when
    the whole file decodes strictly and reads as text.
    """
    head = data[:_SNIFF_BYTES]
    if len(data) % 2 or len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    if zeros_odd >= 0.3 * len(odd) and zeros_even <= 0.01 * len(even):
        codec = "utf-16-le"
    elif zeros_even >= 0.3 * len(even) and zeros_odd <= 0.01 * len(odd):
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    sample = text[:_SNIFF_BYTES]
    controls = sum(ord(c) in _CONTROL_BYTES for c in sample)
    if "\x00" in sample or controls > _MAX_CONTROL_SHARE * len(sample):
        return None
    return codec


def _has_utf8_text(data: bytes) -> bool:
    """True when some byte run is a UTF-8 character a news text would hold."""
    for m in _UTF8_MULTIBYTE.finditer(data):
        try:
            code = ord(m.group().decode("utf-8"))
        except UnicodeDecodeError:  # overlong or surrogate forms
            continue
        if any(lo <= code <= hi for lo, hi in _PLAUSIBLE_UTF8):
            return True
    return False


def read_text(path: str | Path, *, encoding: str | None = None) -> tuple[str, str]:
    """Read a text file, deciding its encoding, with universal line ends.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are decoded silently.
    UTF-16 without a BOM (recognised by its zero bytes) and other bytes, decoded
    as cp1252 (or latin-1 where cp1252 has no character), give a
    :class:`CorpusWarning` naming the file and the encoding used, because those
    are guesses. A file that mixes valid UTF-8 with invalid bytes cannot be
    decided and raises an error with the byte offset. A UTF-8 file that looks
    double-encoded (``perchÃ©``) is read as it is, with a warning. ``\\r\\n``
    and ``\\r`` become ``\\n``.

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
    BinaryFileError
        For a binary file (a subclass of ``ValueError``), naming the file.
    ValueError
        For bytes that cannot be decoded, naming the file and the byte offset.

    Examples
    --------
    >>> from analysis.paths import SEEDS_DIR
    >>> text, enc = read_text(SEEDS_DIR / "000_4a01d9418e012f08.txt")
    >>> enc, text[:20]
    ('utf-8', 'Il ministro degli Es')
    """
    decoded = _read(Path(path), encoding)
    for note in decoded.notes:
        _warn(note)
    return decoded.text, decoded.encoding


def _read(path: Path, encoding: str | None) -> _Decoded:
    """Read and decode a file; warnings are returned as notes, not issued."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist or is not a file")
    data = path.read_bytes()
    decoded = _decode(data, path, encoding)
    text = decoded.text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    notes = decoded.notes
    if decoded.encoding.startswith("utf-8"):
        m = _MOJIBAKE.search(text)
        if m:
            notes += (f"{path}: looks double-encoded ({m.group()!r} at character {m.start()}, "
                      "UTF-8 read as cp1252 and saved again); it is loaded as it is: "
                      "re-export the file from its source to fix the accents",)
    return _Decoded(text, decoded.encoding, notes)


def _decode(data: bytes, path: Path, encoding: str | None) -> _Decoded:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise ValueError(f"encoding={encoding!r} is not a known codec; use e.g. "
                             "'utf-8', 'cp1252' or 'latin-1'") from None
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
    codec = _utf16_without_bom(data)
    if codec is not None:
        return _Decoded(data.decode(codec), codec, (
            f"{path}: no byte-order mark, but its zero bytes say {codec}; decoded as "
            f"{codec} (pass encoding= to choose another)",))
    kind = _binary_kind(data)
    if kind is not None:
        raise BinaryFileError(
            f"{path}: looks like {kind}, not text; remove it from the corpus "
            "folder or convert it to a UTF-8 .txt file", kind)
    try:
        return _Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
    if _has_utf8_text(data):
        line = data.count(b"\n", 0, first_bad) + 1
        raise ValueError(
            f"{path}: mixes UTF-8 with bytes that are not UTF-8 (first at byte "
            f"{first_bad}, line {line}, 0x{data[first_bad]:02x}), so its encoding cannot "
            "be decided; re-save it as UTF-8, or pass encoding= if you know it"
        )
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return _Decoded(text, codec, (
            f"{path}: not UTF-8; decoded as {codec} (pass encoding= to choose another)",))
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


def _body(text: str, *, headline: str, signature: str) -> dict:
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
    return {"title": title, "signature": sig, "text": body, "text_start": start + lead}


@dataclass
class _Entry:
    """One row of the load report (see :data:`LOAD_REPORT_COLUMNS`)."""

    file: str
    status: str
    reason: str = ""
    row: int | None = None
    doc_id: str | None = None
    encoding: str | None = None

    def record(self) -> dict:
        return {"file": self.file, "row": self.row, "doc_id": self.doc_id,
                "status": self.status, "reason": self.reason, "encoding": self.encoding}


@dataclass
class _Metadata:
    path: Path
    columns: list[str]
    rows: dict[str, dict] = field(default_factory=dict)  # file -> record with "_line"


def _read_metadata(folder: Path, metadata: str | Path | None) -> _Metadata | None:
    meta_path = Path(metadata).expanduser() if metadata is not None else folder / METADATA_FILE
    if metadata is None and not meta_path.is_file():
        return None
    if not meta_path.is_file():
        raise FileNotFoundError(f"metadata file {meta_path} does not exist; check metadata=")
    decoded = _read(meta_path, None)
    for note in decoded.notes:
        _warn(note)
    # (first line of the record, cells): a quoted cell may hold line breaks
    rows, reader, end = [], csv.reader(io.StringIO(decoded.text, newline="")), 0
    try:
        for row in reader:
            rows.append((end + 1, row))
            end = reader.line_num
    except csv.Error as err:
        raise ValueError(f"{meta_path}, line {reader.line_num}: not valid CSV ({err}); "
                         "check the quotes") from None
    while rows and not any(cell.strip() for cell in rows[0][1]):
        rows.pop(0)
    if not rows:
        raise ValueError(f"{meta_path}: the metadata file is empty; it needs a header row "
                         f"with at least the column 'file'")
    header_line, header = rows[0][0], [h.strip() for h in rows[0][1]]
    if "file" not in header:
        raise ValueError(f"{meta_path}: no 'file' column (found {header}); the header must "
                         f"name the columns, e.g. {','.join(_METADATA_COLUMNS)}")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise ValueError(f"{meta_path}, line {header_line}: column(s) {repeated} appear more "
                         "than once in "
                         "the header; keep one of each")
    unknown = sorted(set(header) - set(_METADATA_COLUMNS))
    if unknown:
        _warn(f"{meta_path}: ignoring unknown column(s) {unknown}; known: {_METADATA_COLUMNS}")
    meta = _Metadata(meta_path, header)
    first_line: dict[str, int] = {}
    for lineno, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ValueError(f"{meta_path}, line {lineno}: {len(row)} fields but the header has "
                             f"{len(header)}; quote fields that contain commas")
        # columns the header does not have are None; cells it has are stripped strings
        record = {c: None for c in _METADATA_COLUMNS}
        record.update({h: cell.strip() for h, cell in zip(header, row)})
        record["_line"] = lineno
        name = Path(record["file"].replace("\\", "/")).as_posix() if record["file"] else ""
        if not name:
            raise ValueError(f"{meta_path}, line {lineno}: the 'file' cell is empty; write the "
                             "file name (relative to the corpus folder) or delete the row")
        if name in first_line:
            raise ValueError(f"{meta_path}, lines {first_line[name]} and {lineno}: file "
                             f"{name!r} has more than one row; keep one")
        first_line[name] = lineno
        record["file"] = name
        meta.rows[name] = record
    return meta


def _fallback_source(rel: Path, signature: str | None) -> str:
    if len(rel.parts) > 1:
        return rel.parts[0]
    return signature or "unsigned"


def _walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """All files under ``folder`` (sorted) and the hidden sub-folders not searched."""
    files, hidden_dirs = [], []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        hidden_dirs.extend(Path(root) / d for d in dirs if d.startswith("."))
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(Path(root) / n for n in names if (Path(root) / n).is_file())
    return sorted(files), hidden_dirs


def _sniff(path: Path) -> str | None:
    with path.open("rb") as handle:
        return _binary_kind(handle.read(_SNIFF_BYTES))


def _classify(path: Path, rel: str, meta_file: Path | None) -> _Entry | None:
    """Report entry for a file that is not a candidate document, else ``None``."""
    name = path.name.lower()
    if meta_file is not None and path.resolve() == meta_file:
        return _Entry(rel, "companion", "metadata file")
    if name in _COMPANIONS:
        return _Entry(rel, "companion", "not a document (README, checksums or metadata)")
    if path.name.startswith("."):
        kind = _sniff(path)
        return _Entry(rel, "skipped", "hidden file" + (f": {kind}" if kind else ""))
    if path.suffix.lower() != ".txt":
        kind = _sniff(path)
        what = f"{path.suffix or 'no extension'}" + (f", {kind}" if kind else "")
        return _Entry(rel, "skipped", f"not a .txt document ({what})")
    return None


def _skipped_message(folder: Path, skipped: list[_Entry]) -> str:
    listing = "; ".join(f"{e.file} ({e.reason})" for e in skipped)
    return f"{folder}: {len(skipped)} file(s) are not documents and were not loaded: {listing}"


def _load_folder(folder, *, metadata, lang, headline, signature, encoding, strict):
    meta = _read_metadata(folder, metadata)
    meta_file = meta.path.resolve() if meta is not None else None
    files, hidden_dirs = _walk(folder)
    entries = [_Entry(d.relative_to(folder).as_posix() + "/", "skipped",
                      "hidden folder, not searched") for d in hidden_dirs]
    candidates = []
    for path in files:
        rel = path.relative_to(folder).as_posix()
        entry = _classify(path, rel, meta_file)
        if entry is None:
            candidates.append(path)
        else:
            entries.append(entry)
    by_rel = {e.file: e for e in entries}
    if meta is not None:
        present = {p.relative_to(folder).as_posix() for p in candidates}
        for name, row in meta.rows.items():
            if name in present:
                continue
            where = f"{meta.path}, line {row['_line']}: names {name!r}"
            if name in by_rel:
                raise ValueError(f"{where}, which is not a text document "
                                 f"({by_rel[name].reason}); convert it to a UTF-8 .txt file "
                                 "or remove the row")
            close = difflib.get_close_matches(name, sorted(present), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FileNotFoundError(f"{where}, which is not in {folder}{hint}; fix the file "
                                    "name or remove the row")
    if not candidates:
        raise ValueError(f"{folder}: no .txt documents found; put one UTF-8 .txt file per "
                         "article in the folder (or pass a .csv/.jsonl/.parquet table)")
    records = []
    for path in candidates:
        rel = path.relative_to(folder).as_posix()
        row = meta.rows.get(rel) if meta is not None else None
        try:
            decoded = _read(path, encoding)
        except BinaryFileError as err:
            if row is not None:
                raise ValueError(f"{meta.path}, line {row['_line']}: names {rel!r}, which "
                                 f"looks like {err.kind}, not text; convert it to a UTF-8 .txt "
                                 "file or remove the row") from None
            entries.append(_Entry(rel, "skipped", f"binary content: {err.kind}"))
            continue
        for note in decoded.notes:
            _warn(note)
        notes = []
        if meta is not None and row is None:
            _warn(f"{path}: no row in {METADATA_FILE}; its source is taken from its folder "
                  "or signature (add a row to set it)")
            notes.append(f"no row in {meta.path.name}")
        record = _text_record(decoded.text, Path(rel), row, meta, lang=lang, headline=headline,
                              signature=signature)
        if not decoded.encoding.startswith("utf-8"):
            notes.append(f"decoded as {decoded.encoding}")
        if any("double-encoded" in n for n in decoded.notes):
            notes.append("looks double-encoded")
        if not record["text"]:
            _warn(f"{path}: the document is empty after removing headline and signature; "
                  "it is kept and contributes no terms")
            notes.insert(0, "no text after removing headline and signature")
        status = "loaded" if record["text"] else "empty"
        record["_where"] = (f"{meta.path.name}, line {row['_line']}" if row else rel)
        entries.append(_Entry(rel, status, "; ".join(notes), doc_id=record["doc_id"],
                              encoding=decoded.encoding))
        records.append(record)
    skipped = sorted((e for e in entries if e.status == "skipped"), key=lambda e: e.file)
    if skipped:
        if strict:
            raise ValueError(_skipped_message(folder, skipped) + "; remove them or pass "
                             "strict=False to skip them")
        _warn(_skipped_message(folder, skipped) + "; see analysis.load_report(docs)")
    return records, entries


def _text_record(raw, rel: Path, row, meta, *, lang, headline, signature) -> dict:
    where = f"{meta.path.name}, line {row['_line']}" if row else rel.as_posix()
    if row and row["source"] is not None and not row["source"]:
        raise ValueError(f"{where}: the source of {row['file']!r} is empty; write the "
                         "outlet, or 'unsigned' if the text names none")
    doc = _body(
        raw,
        headline=_resolve_flag(row["headline"] if row and row["headline"] else headline,
                               f"headline ({where})"),
        signature=_resolve_flag(row["signature"] if row and row["signature"] else signature,
                                f"signature ({where})"),
    )
    source = row["source"] if row and row["source"] else _fallback_source(rel, doc["signature"])
    return {
        "doc_id": row["doc_id"] if row and row["doc_id"] else rel.with_suffix("").as_posix(),
        "source": source,
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


def _missing(value) -> bool:
    """True for an empty cell: None, NaN/NA or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a scalar, not missing
        return False


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            text, _ = read_text(path)
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        if suffix in {".jsonl", ".ndjson"}:
            text, _ = read_text(path)
            return pd.read_json(io.StringIO(text), lines=True, dtype=False)
        return pd.read_parquet(path)
    except BinaryFileError:
        raise
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: the table is empty; it needs a header row and one row "
                         "per document") from None
    except (ValueError, UnicodeDecodeError, OSError, pd.errors.ParserError) as err:
        raise ValueError(f"{path}: cannot be read as a {suffix} table ({err})") from None


def _load_table(path, *, lang, text_column, source_column, id_column, title_column):
    table = _read_table(path)
    for column, argument in ((text_column, "text_column"), (source_column, "source_column")):
        if column not in table.columns:
            raise ValueError(f"{path}: no column {column!r} (found {list(table.columns)}); "
                             f"pass {argument}= to name it")
    if not len(table):
        raise ValueError(f"{path}: the table has no rows; it needs one row per document")

    def cell(row, column):
        if column not in table.columns or _missing(row.get(column)):
            return None
        return row[column]

    records, entries = [], []
    for n, row in enumerate(table.to_dict("records")):
        where = f"{path}, row {n + 1}"
        text = cell(row, text_column)
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise ValueError(f"{where}: {text_column!r} is not text ({type(text).__name__}); "
                             "the text column must hold each article's text")
        source = cell(row, source_column)
        if source is None:
            raise ValueError(f"{where}: the source is empty; fill column {source_column!r} "
                             "(write 'unsigned' where the outlet is unknown)")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        body = text.strip()
        reason = ""
        if not body:
            _warn(f"{where}: the document is empty; it is kept and contributes no terms")
            reason = "no text"
        doc_id = cell(row, id_column)
        title = cell(row, title_column)
        date = cell(row, "date")
        url = cell(row, "url")
        record = {
            "doc_id": str(doc_id).strip() if doc_id is not None else f"{n + 1:06d}",
            "source": str(source).strip(),
            "title": str(title) if title is not None else None,
            "text": body,
            "lang": check_lang(cell(row, "lang") or lang, argument=f"lang ({where})"),
            "path": path.name,
            "date": str(date) if date is not None else None,
            "url": str(url) if url is not None else None,
            "signature": None,
            "text_start": len(text) - len(text.lstrip()),
            "_where": f"{path.name}, row {n + 1}",
        }
        records.append(record)
        entries.append(_Entry(path.name, "loaded" if body else "empty", reason, row=n + 1,
                              doc_id=record["doc_id"]))
    return records, entries


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
        Without a ``source`` column, sources come from sub-folders or
        signatures; with one, every cell must be filled.
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
        Raise instead of skipping files in a folder that are not text
        documents (binary files, files that are not ``.txt``, hidden files
        such as ``.DS_Store``, hidden sub-folders).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, source, title, text, lang, path, date, url, signature,
        text_start``, sorted by ``doc_id``. ``text`` is the body analysed (no
        headline or signature, outer whitespace stripped, ``\\n`` line ends);
        ``text_start`` is its offset in the decoded file, so every offset into
        ``text`` maps back to the file. ``path`` is relative to the corpus
        folder (the file name for a table), so tables do not depend on where
        the project is checked out. Empty documents are kept (they count as
        documents with no terms). What happened to every file is in
        :func:`load_report` (stored as JSON in ``docs.attrs["load_report"]``; the skipped
        files are listed in ``docs.attrs["skipped"]``, a tuple of names).

    Raises
    ------
    FileNotFoundError
        ``path`` (or ``metadata``, or a file a metadata row names) does not exist.
    ValueError
        No documents, undecodable bytes, duplicate ``doc_id``, empty source,
        unsupported language, a metadata row naming a file that is not text,
        skipped files with ``strict=True``: the message names the file or row.
    TypeError
        ``path`` is not a path.

    Examples
    --------
    >>> docs = load_corpus("seeds")
    >>> docs.loc[1, "title"]
    'In diretta la guerra in Ucraina: Kim Jong-un assicura alla Russia il suo sostegno “incondizionato”'
    >>> docs.loc[0, "text"].startswith("Il ministro degli Esteri russo")
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a folder or file path, got {type(path).__name__}")
    lang = check_lang(lang)
    if not isinstance(strict, bool):
        raise TypeError(f"strict={strict!r} must be True or False")
    p = Path(path).expanduser()
    if not p.exists() and not p.is_absolute() and p.parts and p.parts[0] == "seeds":
        p = SEEDS_DIR.parent / p
    if not p.exists():
        raise FileNotFoundError(f"corpus path {p} does not exist; pass a folder of .txt files "
                                "or a .csv/.jsonl/.parquet table")
    if p.is_dir():
        records, entries = _load_folder(p, metadata=metadata, lang=lang, headline=headline,
                                        signature=signature, encoding=encoding, strict=strict)
    elif p.suffix.lower() in _TABLE_SUFFIXES:
        records, entries = _load_table(p, lang=lang, text_column=text_column,
                                       source_column=source_column, id_column=id_column,
                                       title_column=title_column)
    elif p.suffix.lower() == ".txt":
        decoded = _read(p, encoding)
        for note in decoded.notes:
            _warn(note)
        record = _text_record(decoded.text, Path(p.name), None, None, lang=lang,
                              headline=headline, signature=signature)
        if not record["text"]:
            _warn(f"{p}: the document is empty after removing headline and signature; "
                  "it is kept and contributes no terms")
        record["_where"] = p.name
        records = [record]
        entries = [_Entry(p.name, "loaded" if record["text"] else "empty",
                          "" if record["text"] else "no text after removing headline and "
                          "signature", doc_id=record["doc_id"], encoding=decoded.encoding)]
    else:
        raise ValueError(f"{p}: unsupported corpus file type {p.suffix!r}; use a folder of .txt "
                         "files or a .csv, .jsonl or .parquet table")
    if not records:
        listing = "; ".join(f"{e.file} ({e.reason})" for e in entries if e.status == "skipped")
        raise ValueError(f"{p}: no documents could be loaded (skipped: {listing}); put one "
                         "UTF-8 .txt file per article in the folder")
    wheres = [r.pop("_where") for r in records]
    docs = pd.DataFrame.from_records(records, columns=DOCS_COLUMNS)
    dup = docs["doc_id"][docs["doc_id"].duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        places = [w for w, d in zip(wheres, docs["doc_id"]) if d == first]
        raise ValueError(f"doc_id {first!r} is used by more than one document "
                         f"({', '.join(places)}); give each document a unique doc_id")
    docs = docs.sort_values("doc_id", kind="stable").reset_index(drop=True)
    docs = docs.astype({"text_start": "int64"})
    entries.sort(key=lambda e: (e.file, e.row or 0))
    # Stored as one JSON string: pandas deep-copies attrs on every operation, and
    # a string is copied for free (a list of 100,000 dicts would take seconds).
    docs.attrs["load_report"] = json.dumps([e.record() for e in entries], ensure_ascii=False)
    docs.attrs["skipped"] = tuple(e.file for e in entries if e.status == "skipped")
    return docs


def load_report(docs: pd.DataFrame) -> pd.DataFrame:
    """What happened to every file (or table row) when a corpus was loaded.

    Nothing is dropped silently: every file in the corpus folder has a row,
    with its status and the reason, so the documents analysed can be
    reconciled with the files delivered. Count the statuses for a corpus
    summary (``load_report(docs)["status"].value_counts()``).

    Parameters
    ----------
    docs : pandas.DataFrame
        The table returned by :func:`load_corpus` (or a selection of its rows:
        the report describes the whole load, not the selection).

    Returns
    -------
    pandas.DataFrame
        Columns ``file, row, doc_id, status, reason, encoding``, sorted by
        ``file`` then ``row``. ``file`` is relative to the corpus folder (a
        hidden folder ends with ``/``); ``row`` is the 1-based row of a table
        corpus (missing for text files); ``doc_id`` names the document made
        from the file; ``status`` is one of :data:`LOAD_STATUSES`
        (``loaded``, ``empty``, ``skipped``, ``companion``); ``reason`` says
        why a file was skipped, or what to know about a loaded one (a legacy
        encoding, no metadata row); ``encoding`` is the encoding used.

    Raises
    ------
    ValueError
        ``docs`` carries no load report (it was not made by
        :func:`load_corpus`, or an operation such as ``pd.concat`` of
        different corpora dropped it).

    Examples
    --------
    >>> report = load_report(load_corpus())
    >>> report["status"].value_counts().sort_index().to_dict()
    {'companion': 3, 'loaded': 2}
    >>> report.loc[0, ["file", "doc_id", "encoding"]].tolist()
    ['000_4a01d9418e012f08.txt', '000_4a01d9418e012f08', 'utf-8']
    """
    if not isinstance(docs, pd.DataFrame):
        raise TypeError(f"docs must be the DataFrame from load_corpus, got {type(docs).__name__}")
    stored = docs.attrs.get("load_report")
    if not isinstance(stored, str):
        raise ValueError("docs carries no load report: pass the table returned by "
                         "load_corpus (pd.concat of different corpora drops it)")
    report = pd.DataFrame.from_records(json.loads(stored), columns=LOAD_REPORT_COLUMNS)
    return report.astype({"row": "Int64"})
