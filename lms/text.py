"""Vietnamese text: normalisation, search keys, name ordering, dates and numbers in words.

Why this module exists:
- Vietnamese arrives in two Unicode forms (precomposed, and combining from Unikey's "Unicode tổ
  hợp"), plus a look-alike Ð (U+00D0, Icelandic eth) for Đ. Text that looks identical must be
  identical in the database, so every input goes through `normalize()` before it is stored.
- Search must ignore diacritics, and Unicode decomposition does not turn đ into d by itself.
- Class lists sort by given name, then family + middle name, in the Vietnamese alphabet
  (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y) with tone only as a tie-break
  (none < huyền < hỏi < ngã < sắc < nặng). Python's sort puts "Đ" after "Z" and "Á" after "B";
  plain UCA ignores the letter distinctions. ICU's "vi" collation gets it right but PyICU needs a
  C++ toolchain and libicu headers that a fresh machine lacks, so the key is implemented here
  (the tests compare it with ICU when PyICU happens to be installed).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

# --- Normalisation ------------------------------------------------------------------------

# Ð ð -> Đ đ; NUL dropped: it is never text, PostgreSQL refuses it in text columns and it can
# split a word such as "java\0script" that a later reader would join again.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\x00": None})


def normalize(text: str | None) -> str | None:
    """Return `text` in NFC with the look-alike Ð/ð mapped to Đ/đ and NUL characters removed.
    None stays None."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text.translate(_LOOKALIKES))


def normalize_name(text: str | None) -> str:
    """A person's name as stored: normalised, trimmed, inner whitespace collapsed."""
    return " ".join((normalize(text) or "").split())


# --- Decomposition into letters and tones ---------------------------------------------------

# Tone marks, in the order Vietnamese dictionaries use as a tie-break.
_TONES = {
    "\u0300": 1,  # huyền  (grave)
    "\u0309": 2,  # hỏi    (hook above)
    "\u0303": 3,  # ngã    (tilde)
    "\u0301": 4,  # sắc    (acute)
    "\u0323": 5,  # nặng   (dot below)
}
# Marks that make a different letter (ă â ê ô ơ ư), not a tone.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: 100 + i for i, letter in enumerate(_ALPHABET)}


def _letters_and_tones(word: str) -> tuple[list[str], list[int], list[bool]]:
    """Split a word into base letters (with ă â ê ô ơ ư đ kept), tones, and upper-case flags."""
    letters: list[str] = []
    tones: list[int] = []
    upper: list[bool] = []
    for char in unicodedata.normalize("NFD", normalize(word) or ""):
        if char in _TONES:
            tones.append(_TONES[char])
        elif char in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        elif unicodedata.combining(char):
            continue  # any other mark carries no meaning in Vietnamese; ignore it
        else:
            upper.append(char.isupper())
            letters.append(char.lower())
    return letters, tones, upper


def _primary_weight(letter: str) -> int:
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter]
    if letter.isdigit():
        return 10 + int(letter) if letter in "0123456789" else 20
    if letter.isspace():
        return 1
    # Punctuation before letters, other scripts after, each in code point order.
    return 2 if not letter.isalpha() else 1000 + ord(letter)


def sort_key(text: str | None) -> tuple:
    """A key that sorts Vietnamese text as a Vietnamese dictionary does.

    Letters decide first (over the whole text), then tones word by word, then case. Because the
    tone is attached to the word rather than to a vowel, the old and new tone placements
    ("Hòa"/"Hoà", "Thủy"/"Thuỷ") give the same key.
    """
    primary: list[int] = []
    secondary: list[tuple[int, ...]] = []
    tertiary: list[int] = []
    for index, word in enumerate((text or "").split()):
        letters, tones, upper = _letters_and_tones(word)
        if index:
            primary.append(_primary_weight(" "))
        primary.extend(_primary_weight(letter) for letter in letters)
        secondary.append(tuple(tones))
        tertiary.extend(1 if is_upper else 0 for is_upper in upper)  # lower case first, as ICU
    return (tuple(primary), tuple(secondary), tuple(tertiary))


def name_sort_key(family_and_middle: str | None, given: str | None) -> tuple:
    """Class-list order: given name first, then family + middle name (curriculum.md, "Names")."""
    given_key = sort_key(given)
    family_key = sort_key(family_and_middle)
    # Compare letters of both parts before any tone, as a register does.
    return (given_key[0], family_key[0], given_key[1], family_key[1], given_key[2], family_key[2])


# --- Search ---------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def search_key(text: str | None) -> str:
    """Fold `text` for diacritic-insensitive search: lower case, no marks, đ -> d, one space.

    "Nguyễn Thị Đào" -> "nguyen thi dao"; "Hoà" and "Hòa" both -> "hoa".
    """
    decomposed = unicodedata.normalize("NFD", normalize(text) or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = stripped.replace("đ", "d").replace("Đ", "D").casefold()
    return _SPACES.sub(" ", folded).strip()


def same_text(a: str | None, b: str | None) -> bool:
    """True when two texts are the same words with the same tones, whatever their encoding
    or tone placement ("Đỗ Văn Hòa" and the NFD form of "Đỗ Văn Hoà")."""
    return sort_key(normalize_name(a)) == sort_key(normalize_name(b))


# --- Dates and numbers ----------------------------------------------------------------------


def format_date_words(value: dt.date, place: str | None = None) -> str:
    """A date as documents write it: "ngày 05 tháng 02 năm 2023", "ngày 30 tháng 6 năm 2025".

    Days 1-9 and months 1-2 take a leading zero; other months do not. With `place`:
    "Hà Nội, ngày 05 tháng 02 năm 2023".
    """
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    words = f"ngày {day} tháng {month} năm {value.year}"
    return f"{place}, {words}" if place else words


def format_date_short(value: dt.date) -> str:
    """A date as tables write it: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def format_time(value: dt.datetime) -> str:
    """A moment's local time of day: "07:30"."""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%H:%M")


def format_datetime_short(value: dt.datetime) -> str:
    """A moment as tables write it, in local time: "02/12/2026 07:30"."""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def format_moment(value: dt.datetime) -> str:
    """A moment as a sentence says it, in local time: "07:30 ngày 02/12/2026"."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    local = timezone.localtime(value)
    return _("%(time)s ngày %(date)s") % {
        "time": format_time(local),
        "date": format_date_short(local),
    }


def format_decimal(value: float | Decimal | int, places: int = 1) -> str:
    """A number with a decimal comma: 8.5 -> "8,5"; thousands with a dot: 1234.5 -> "1.234,5"."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    sign = "-" if rounded < 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
