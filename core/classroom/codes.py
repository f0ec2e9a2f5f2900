"""Class codes, teacher keys, student ids and nicknames: made at random, checked strictly.

A class code is 6 characters a student can read off a projector and type: capital
letters and digits without the look-alikes 0/O, 1/I/L (31 characters, about 8.9e8
codes), read case-insensitively. The teacher key is a secret of 192 random bits; the
store keeps only its SHA-256, and compares in constant time.

    >>> normalise_code(" abc-def ")
    'ABCDEF'
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from core.classroom.errors import ClassError

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0, O, 1, I, L
CODE_LENGTH = 6
KEY_BYTES = 24  # 192 bits (DESIGN.md asks for at least 128)
ID_BYTES = 16
NICKNAME_PUNCTUATION = frozenset(" -_.'")
# Typographic apostrophes and dashes a phone keyboard types, read as their plain forms.
_PLAIN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"})


def new_code() -> str:
    """A random class code (the store retries on the rare collision)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: object) -> str:
    """The code a person typed, upper-cased, without spaces or dashes.

    Raises:
        ClassError: when it cannot be a class code.
    """
    cleaned = "".join(str(text).split()).replace("-", "").upper() if isinstance(text, str) else ""
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        raise ClassError(
            "A class code has 6 letters and digits (never 0, O, 1, I or L): check the code "
            "your teacher shows and type it again."
        )
    return cleaned


def new_secret() -> str:
    """A teacher key: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(KEY_BYTES)


def new_id() -> str:
    """An id for a student or a question: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(ID_BYTES)


def key_hash(key: str) -> str:
    """What the store keeps of a teacher key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(key: object, stored_hash: str) -> bool:
    """Whether `key` is the key whose hash is stored, compared in constant time."""
    if not isinstance(key, str) or not key:
        return False
    return hmac.compare_digest(key_hash(key), stored_hash)


def clean_nickname(text: object, max_length: int) -> str:
    """The nickname to store: NFC, trimmed, inner spaces collapsed, checked.

    Letters of any script (accents included), digits, spaces and - _ . ' only, at
    least one letter or digit, at most `max_length` characters.

    Raises:
        ClassError: with a sentence that says what to change.
    """
    if not isinstance(text, str):
        raise ClassError("Type a nickname to join the class.")
    name = " ".join(unicodedata.normalize("NFC", text).translate(_PLAIN).split())
    if not name:
        raise ClassError(f"Type a nickname (1 to {max_length} characters) to join the class.")
    if len(name) > max_length:
        raise ClassError(f"That nickname has {len(name)} characters: use at most {max_length}.")
    for position, ch in enumerate(name):
        category = unicodedata.category(ch)
        allowed = (
            category.startswith("L")
            or category == "Nd"
            or ch in NICKNAME_PUNCTUATION
            or (category in ("Mn", "Mc") and position > 0)  # marks a script composes with
        )
        if not allowed:
            shown = ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
            raise ClassError(
                f"A nickname can use letters, digits, spaces and - _ . ' only: remove “{shown}”."
            )
    if not any(ch.isalnum() for ch in name):
        raise ClassError("A nickname needs at least one letter or digit.")
    return name


def nickname_key(name: str) -> str:
    """The form two nicknames are compared in: "Zoé" and "ZOÉ" are the same person."""
    return unicodedata.normalize("NFC", name.casefold())
