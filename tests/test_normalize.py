"""Offset-preserving normalisation."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import normalize, normalize_term

CASES = [
    ("dell’intelligence", "dell'intelligence"),
    ("l‘agenzia", "l'agenzia"),
    ("Jong\u2010un Jong\u2011un", "Jong-un Jong-un"),
    ("6\u00a0000", "6 000"),
    ("a\u202fb\u2009c\u200bd", "a b c d"),
    ("riga\u2028riga", "riga\nriga"),
    ("inter\u00adnazionale", "inter\u00adnazionale"),  # soft hyphen kept in text
    ("«Sì» “no” – —", "«Sì» “no” – —"),  # quotes and dashes are not apostrophes
    ("", ""),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_normalize_regression_table(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "token, expected",
    [
        ("Dell’", "dell'"),
        ("Jong\u2010Un", "jong-un"),
        ("inter\u00adnazionale", "internazionale"),
        ("CAFFE\u0301", "caff\u00e9"),  # NFC composes the accent
        ("KCNA", "kcna"),
    ],
)
def test_normalize_term(token, expected):
    assert normalize_term(token) == expected


def test_normalize_rejects_non_strings():
    with pytest.raises(TypeError, match="text must be a str"):
        normalize(b"bytes")


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_normalize_is_length_preserving_and_idempotent(text):
    once = normalize(text)
    assert len(once) == len(text)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_changes_only_lookalike_characters(text):
    for a, b in zip(text, normalize(text)):
        assert a == b or b in "' -\n"


def test_normalize_equals_the_translation_table_on_every_code_point():
    import sys

    from analysis.normalize import _TABLE

    chars = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert normalize(chars) == chars.translate(_TABLE)
    for c in chars:
        assert normalize("ab" + c + "cd" + c) == ("ab" + c + "cd" + c).translate(_TABLE)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab é'’‘´\u00a0\u2009\u200b\ufeff\u2010\u2011\u2028\u0085-\n"))
       | st.text())
def test_normalize_equals_the_translation_table(text):
    from analysis.normalize import _TABLE

    assert normalize(text) == text.translate(_TABLE)
