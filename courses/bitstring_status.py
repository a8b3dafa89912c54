"""W3C Bitstring Status List (https://www.w3.org/TR/vc-bitstring-status-list/): one bit per
credential, 1 = revoked, published as a gzip-compressed, base64url, multibase ("u") string.

Pure functions, no Django: the offline verifier decodes with the same code the site encodes with.
"""

from __future__ import annotations

import base64
import gzip

#: The specification's minimum length (16 KB of bits), so a list never reveals how few
#: certificates it covers; index n lives in list n // LIST_SIZE at position n % LIST_SIZE.
LIST_SIZE = 131_072
STATUS_PURPOSE = "revocation"


def list_number(index: int) -> int:
    return index // LIST_SIZE


def encode(revoked_positions) -> str:
    """The encodedList of a list whose set bits are `revoked_positions` (0 ≤ p < LIST_SIZE)."""
    bits = bytearray(LIST_SIZE // 8)
    for position in revoked_positions:
        if not 0 <= position < LIST_SIZE:
            raise ValueError(f"position {position} outside the list")
        bits[position // 8] |= 0x80 >> (position % 8)  # index 0 is the left-most bit
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def is_set(encoded_list: str, position: int) -> bool:
    """Whether bit `position` of an encodedList is 1. Raises ValueError on a malformed list."""
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    text = encoded_list[1:]
    try:
        bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (OSError, ValueError, EOFError) as error:
        raise ValueError("encodedList cannot be decoded") from error
    if not 0 <= position < len(bits) * 8:
        raise ValueError(f"position {position} outside the list")
    return bool(bits[position // 8] & (0x80 >> (position % 8)))
