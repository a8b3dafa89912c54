"""Verification codes of certificates: 128 random bits in Crockford's base32.

Crockford's alphabet (0-9 and A-Z without I, L, O, U) can be read aloud and typed from paper:
a reader who types O for 0 or I/L for 1, lower case, spaces or dashes still gets the right code.
128 bits take 26 characters (the first carries only 3 bits, so it is 0-7); they are stored
without separators (unique in the database) and shown in groups of four. The code is separate
from the certificate number, which is sequential and therefore guessable.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 26
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Crockford's decoding: look-alikes read as the digit they resemble.
_VALUE.update({"O": 0, "I": 1, "L": 1})


def new_code() -> str:
    return encode(secrets.randbits(128))


def encode(number: int) -> str:
    chars = []
    for _ in range(LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def display_code(code: str) -> str:
    """ "0ABC…" as printed and shown: groups of four joined by dashes."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def parse_code(text: str | None) -> str | None:
    """The stored form of what someone typed or scanned, or None when it cannot be a code.

    Case, spaces, dashes and look-alike letters are forgiven; anything else (wrong length,
    letters outside the alphabet, a value above 128 bits) is not a code — and the caller then
    answers exactly as for an unknown code.
    """
    if not text or len(text) > 64:
        return None
    cleaned = "".join(text.split()).replace("-", "").upper()
    if len(cleaned) != LENGTH or any(char not in _VALUE for char in cleaned):
        return None
    number = 0
    for char in cleaned:
        number = number * 32 + _VALUE[char]
    if number >= 1 << 128:
        return None
    return encode(number)
