import datetime as dt
import unicodedata
from decimal import Decimal

import pytest

from lms import text

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


class TestNormalize:
    def test_nfd_input_becomes_nfc(self):
        decomposed = NFD("Nguyễn Thị Đào")
        assert decomposed != "Nguyễn Thị Đào"
        assert text.normalize(decomposed) == "Nguyễn Thị Đào"
        assert unicodedata.is_normalized("NFC", text.normalize(decomposed))

    def test_icelandic_eth_lookalike_becomes_vietnamese_d_stroke(self):
        assert text.normalize("\u00d0ỗ V\u0103n H\u00f2a") == "Đỗ Văn Hòa"
        assert text.normalize("\u00f0\u00e0o") == "đào"

    def test_none_stays_none(self):
        assert text.normalize(None) is None

    def test_name_is_trimmed_and_spaces_collapsed(self):
        assert text.normalize_name("  Nguyễn   Thị\tĐào ") == "Nguyễn Thị Đào"


class TestSearchKey:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("Nguyễn Thị Đào", "nguyen thi dao"),
            ("ĐỖ VĂN HÒA", "do van hoa"),
            ("Đỗ Văn Hoà", "do van hoa"),
            (NFD("Thuỷ"), "thuy"),
            ("Thủy", "thuy"),
            ("Sở Thông tin và Truyền thông", "so thong tin va truyen thong"),
            ("  nhiều   khoảng  trắng ", "nhieu khoang trang"),
        ],
    )
    def test_folds_diacritics_case_and_d_stroke(self, value, expected):
        assert text.search_key(value) == expected

    def test_old_and_new_tone_placement_match(self):
        assert text.search_key("Hoà") == text.search_key("Hòa")
        assert text.search_key("Thuỷ") == text.search_key("Thủy")

    def test_folding_is_not_fooled_by_encoding(self):
        assert text.search_key(NFD("Đặng Thị Ngọc Ánh")) == text.search_key("Đặng Thị Ngọc Ánh")


class TestSameText:
    def test_tone_placement_and_encoding_do_not_matter(self):
        assert text.same_text("Đỗ Văn Hòa", "Đỗ Văn Hoà")
        assert text.same_text("Đỗ Văn Hòa", NFD("Đỗ Văn Hoà"))

    def test_different_tones_are_different_names(self):
        assert not text.same_text("Hòa", "Hóa")
        assert not text.same_text("Hồ", "Hò")


def vi_sorted(words):
    return sorted(words, key=text.sort_key)


class TestSortKey:
    def test_vietnamese_alphabet_order(self):
        # a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
        words = ["ư", "đ", "ơ", "â", "ă", "ô", "ê", "u", "d", "o", "e", "a", "y", "x", "v"]
        assert vi_sorted(words) == [
            "a", "ă", "â", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư", "v", "x", "y",
        ]  # fmt: skip

    def test_d_stroke_comes_after_d_not_after_z(self):
        assert vi_sorted(["Đào", "Dũng", "Em", "Yến"]) == ["Dũng", "Đào", "Em", "Yến"]

    def test_tone_is_only_a_tie_break(self):
        # Letters decide first: "anh" < "ánhs"; then tones none < huyền < hỏi < ngã < sắc < nặng
        assert vi_sorted(["ạ", "á", "ã", "ả", "à", "a"]) == ["a", "à", "ả", "ã", "á", "ạ"]
        assert vi_sorted(["Ánh", "Anh", "An"]) == ["An", "Anh", "Ánh"]

    def test_ho_and_hoa(self):
        # "Hòa" and "Hoà" are one name; "Hồ" (ô) comes after both since o < ô.
        assert vi_sorted(["Hồ", "Hoà", "Hò"]) == ["Hò", "Hoà", "Hồ"]
        assert text.sort_key("Hòa") == text.sort_key("Hoà")

    def test_nfd_and_nfc_sort_together(self):
        assert text.sort_key(NFD("Nguyễn")) == text.sort_key("Nguyễn")

    def test_plain_python_sort_gets_it_wrong(self):
        names = ["Đào", "Bình", "Ánh", "Dũng"]
        assert sorted(names) != vi_sorted(names)
        assert vi_sorted(names) == ["Ánh", "Bình", "Dũng", "Đào"]


class TestNameSortKey:
    def test_class_list_sorts_by_given_name_then_family_name(self):
        people = [
            ("Trần", "Đức"),
            ("Nguyễn Thị", "Ánh"),
            ("Lê Văn", "Anh"),
            ("Đỗ Văn", "An"),
        ]
        ordered = sorted(people, key=lambda p: text.name_sort_key(*p))
        assert [f"{family} {given}" for family, given in ordered] == [
            "Đỗ Văn An",
            "Lê Văn Anh",
            "Nguyễn Thị Ánh",
            "Trần Đức",
        ]

    def test_same_given_name_sorts_by_family_name(self):
        people = [("Nguyễn Văn", "Hòa"), ("Đỗ Văn", "Hoà"), ("Bùi Thị", "Hòa")]
        ordered = sorted(people, key=lambda p: text.name_sort_key(*p))
        assert [family for family, _ in ordered] == ["Bùi Thị", "Đỗ Văn", "Nguyễn Văn"]

    def test_agrees_with_icu_when_available(self):
        icu = pytest.importorskip("icu", reason="PyICU is optional; the key is tested above")
        collator = icu.Collator.createInstance(icu.Locale("vi"))
        words = [
            "An", "Anh", "Ánh", "Ân", "Ăn", "Bình", "Dũng", "Đào", "Đức", "Em", "Ê", "Giang",
            "Hòa", "Hồ", "Hà", "Hạnh", "Hải", "Hương", "Lan", "Ngọc", "Oanh", "Ơn", "Ôn",
            "Phương", "Quỳnh", "Thủy", "Tú", "Tư", "Uyên", "Ưng", "Vân", "Xuân", "Yến",
        ]  # fmt: skip
        assert vi_sorted(words) == sorted(words, key=collator.getSortKey)


class TestDates:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (dt.date(2023, 2, 5), "ngày 05 tháng 02 năm 2023"),
            (dt.date(2025, 6, 30), "ngày 30 tháng 6 năm 2025"),
            (dt.date(2020, 9, 22), "ngày 22 tháng 9 năm 2020"),
            (dt.date(2020, 1, 9), "ngày 09 tháng 01 năm 2020"),
            (dt.date(2021, 12, 1), "ngày 01 tháng 12 năm 2021"),
            (dt.date(2021, 3, 10), "ngày 10 tháng 3 năm 2021"),
        ],
    )
    def test_date_in_words(self, value, expected):
        assert text.format_date_words(value) == expected

    def test_date_with_place(self):
        assert (
            text.format_date_words(dt.date(2023, 2, 5), place="Hà Nội")
            == "Hà Nội, ngày 05 tháng 02 năm 2023"
        )

    def test_short_date_in_tables(self):
        assert text.format_date_short(dt.date(2020, 9, 22)) == "22/09/2020"


class TestDecimal:
    @pytest.mark.parametrize(
        ("value", "places", "expected"),
        [
            (8.5, 1, "8,5"),
            (Decimal("5.0"), 1, "5,0"),
            (22.5, 1, "22,5"),
            (7.25, 1, "7,3"),
            (1234.5, 1, "1.234,5"),
            (160, 0, "160"),
            (-0.5, 1, "-0,5"),
        ],
    )
    def test_decimal_comma(self, value, places, expected):
        assert text.format_decimal(value, places) == expected


def test_normalize_drops_nul_characters_that_postgresql_refuses():
    assert text.normalize("java\x00script Ha\x00\u0300 Nội") == "javascript Hà Nội"
