"""Offset-preserving text normalisation.

Matching needs one form for characters that print alike (typographic and ASCII
apostrophes, the many Unicode spaces and hyphens), but every table in the project
reports character offsets into the original text. :func:`normalize` therefore maps
characters one to one: the result always has the length of its input, so an offset
found in the normalised text is valid in the original one. The original text is
never replaced; tokenizers match on the normalised copy and slice the original.

Changes that cannot keep the length (Unicode NFC composition, removing soft
hyphens) are applied to analysis *terms* only, never to text with offsets.

Examples
--------
>>> normalize("dell\u2019intelligence")
"dell'intelligence"
>>> s = "6\u00a0000 Jong\u2010un"
>>> len(normalize(s)) == len(s)
True
"""

from __future__ import annotations

import unicodedata

__all__ = ["normalize", "normalize_term", "APOSTROPHES", "SPACES", "HYPHENS"]

#: Characters used as apostrophes (and single closing quotes) in real text.
APOSTROPHES = "\u2019\u2018\u201b\u02bc\u02bb\u2032\u00b4\uff07"
#: Spaces other than U+0020 and zero-width breaks.
SPACES = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u202f\u205f\u3000\u200b\ufeff"
)
#: Hyphens that join words (not dashes, which are punctuation).
HYPHENS = "\u2010\u2011\u2043\ufe63\uff0d"
#: Line and paragraph separators.
NEWLINES = "\u2028\u2029\u0085"

_MAPPING = {
    **{c: "'" for c in APOSTROPHES},
    **{c: " " for c in SPACES},
    **{c: "-" for c in HYPHENS},
    **{c: "\n" for c in NEWLINES},
}
_TABLE = str.maketrans(_MAPPING)
# Every character mapped is outside ASCII and maps to an ASCII character, so an ASCII
# text is already normal and replacing the mapped characters one by one gives exactly
# ``text.translate(_TABLE)``; news text holds only a few of them, and ``in`` plus
# ``str.replace`` are much faster than ``translate`` with a dict table.
_PAIRS = tuple(_MAPPING.items())


def normalize(text: str) -> str:
    """Map look-alike characters to one form, keeping every offset.

    Typographic apostrophes become ``'``, non-breaking and other Unicode spaces
    (including zero-width space and a stray BOM) become a plain space, Unicode
    hyphens become ``-`` and Unicode line separators become ``\\n``. Each
    character maps to exactly one character, so ``len(normalize(t)) == len(t)``
    and the function is idempotent. Soft hyphens are kept (they are removed from
    terms by :func:`normalize_term`).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The normalised text, of the same length.

    Examples
    --------
    >>> normalize("l\u2019agenzia e l'agenzia")
    "l'agenzia e l'agenzia"
    >>> normalize(normalize("Kim Jong\u2011un")) == normalize("Kim Jong\u2011un")
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if text.isascii():
        return text
    for char, replacement in _PAIRS:
        if char in text:
            text = text.replace(char, replacement)
    return text


def normalize_term(token: str) -> str:
    """Return the analysis form of one surface token.

    Lower case, Unicode NFC, look-alike characters unified as in
    :func:`normalize`, soft hyphens removed. This is the ``term`` every count,
    TF-IDF score and keyness value in the project is keyed on.

    Parameters
    ----------
    token : str
        One surface token, e.g. from :func:`analysis.tokenize`.

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_term("Dell\u2019")
    "dell'"
    >>> normalize_term("Jong\u2010Un")
    'jong-un'
    """
    term = token.translate(_TABLE).replace("\u00ad", "")
    if not term.isascii():
        term = unicodedata.normalize("NFC", term)
    return term.lower()
