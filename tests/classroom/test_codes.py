"""Class codes, teacher keys and nicknames (issue 24): random, readable, checked strictly."""

from __future__ import annotations

import hmac
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.classroom import Burst, ClassError, codes

LOOK_ALIKES = set("0O1IL")


def test_the_alphabet_has_no_look_alikes_and_codes_use_it():
    assert not LOOK_ALIKES & set(codes.CODE_ALPHABET)
    assert len(set(codes.CODE_ALPHABET)) == len(codes.CODE_ALPHABET) == 31
    made = {codes.new_code() for _ in range(200)}
    assert all(len(code) == 6 and set(code) <= set(codes.CODE_ALPHABET) for code in made)
    assert len(made) > 190  # random, not a counter


@given(st.text(alphabet=codes.CODE_ALPHABET, min_size=6, max_size=6))
def test_a_code_reads_case_insensitively_with_spaces_and_dashes(code):
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert codes.normalise_code(typed) == code


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDEFG", "ABCDE0", "ABCDEO", "ABC1EF", "ABCIEF",
                                   "ABCLEF", "ABC$EF", None, 123456])  # fmt: skip
def test_what_cannot_be_a_code_is_refused_with_a_sentence(typed):
    with pytest.raises(ClassError, match=r"6 letters and digits .*type it again\."):
        codes.normalise_code(typed)


def test_the_teacher_key_is_long_random_and_kept_hashed():
    keys = {codes.new_secret() for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert len(key) * 6 >= 128  # URL-safe base64: 6 bits a character
        stored = codes.key_hash(key)
        assert key not in stored
        assert len(stored) == 64
        assert codes.key_matches(key, stored)
        assert not codes.key_matches(key[:-1], stored)
        assert not codes.key_matches("", stored)
        assert not codes.key_matches(None, stored)


def test_keys_are_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(codes.hmac, "compare_digest", spy)
    key = codes.new_secret()
    assert codes.key_matches(key, codes.key_hash(key))
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Zoé", "Zoé"),
        ("  Anne   Marie ", "Anne Marie"),
        ("O’Brien", "O'Brien"),
        ("x_y-z.2", "x_y-z.2"),
        ("Zoe\u0301", "Zoé"),  # a decomposed accent is composed
        ("Łukasz", "Łukasz"),
        ("Дмитрий", "Дмитрий"),
        ("李雷", "李雷"),
        ("a" * 24, "a" * 24),
    ],
)
def test_good_nicknames_are_kept_clean(typed, kept):
    assert codes.clean_nickname(typed, 24) == kept


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("", r"Type a nickname \(1 to 24 characters\)"),
        ("   ", r"Type a nickname"),
        ("a" * 25, r"has 25 characters: use at most 24\."),
        ("<script>", r"remove “<”\."),
        ("Bob; DROP", r"remove “;”\."),
        ("=cmd()", r"remove “=”\."),
        ("bo\u200bb", r"remove “U\+200B”\."),
        ("tab\there", None),  # a tab is whitespace: collapsed to a space, kept
        ("...", r"at least one letter or digit\."),
        ("😀", r"remove “😀”\."),
        (None, r"Type a nickname"),
    ],
)
def test_bad_nicknames_are_refused_with_a_sentence(typed, sentence):
    if sentence is None:
        assert codes.clean_nickname(typed, 24) == "tab here"
        return
    with pytest.raises(ClassError, match=sentence):
        codes.clean_nickname(typed, 24)


FORBIDDEN = set(string.punctuation) - set("-_.'")


@given(st.text(max_size=40))
def test_an_accepted_nickname_is_short_and_safe(typed):
    try:
        name = codes.clean_nickname(typed, 24)
    except ClassError as error:
        message = str(error)
    else:
        message = None
        assert 1 <= len(name) <= 24
        assert name == name.strip()
        assert "  " not in name
        assert not set(name) & FORBIDDEN
        assert all(ch.isprintable() for ch in name)
    assert message is None or message.endswith(".")


def test_nicknames_compare_case_insensitively():
    assert codes.nickname_key("ZOÉ") == codes.nickname_key("zoé")


def test_a_burst_over_its_limit_is_refused_then_allowed_again():
    now = [0.0]
    burst = Burst(3, 10.0, clock=lambda: now[0])
    for _ in range(3):
        burst.check("answer")
    with pytest.raises(ClassError, match=r"Too many tries to answer .* wait 10 seconds"):
        burst.check("answer")
    now[0] = 10.0
    burst.check("answer")
