"""Language codes the project supports, validated in one place.

Examples
--------
>>> check_lang("it-IT")
'it'
>>> check_lang("fr")
Traceback (most recent call last):
...
ValueError: lang='fr' is not supported; use one of it, en
"""

from __future__ import annotations

__all__ = ["SUPPORTED_LANGS", "check_lang"]

#: Language codes the tokenizer, stopword lists and stemmers support.
SUPPORTED_LANGS = ("it", "en")


def check_lang(lang: str, *, argument: str = "lang") -> str:
    """Validate a language code and return its canonical form.

    Parameters
    ----------
    lang : str
        ``"it"`` or ``"en"``; region suffixes and case are accepted
        (``"it-IT"``, ``"EN"``, ``"en_GB"``).
    argument : str
        What to call the value in the error message (an argument name, or a
        file and row).

    Returns
    -------
    str
        ``"it"`` or ``"en"``.

    Raises
    ------
    ValueError
        For any other code, naming ``argument``.
    """
    if isinstance(lang, str):
        code = lang.strip().lower().replace("_", "-").split("-")[0]
        if code in SUPPORTED_LANGS:
            return code
    raise ValueError(
        f"{argument}={lang!r} is not supported; use one of {', '.join(SUPPORTED_LANGS)}"
    )
