"""Vietnam's provincial units as dated records, frozen here and loaded by a data migration.

- Before 1 July 2025: 63 units (58 provinces, 5 centrally-run cities; Thừa Thiên Huế became the
  city of Huế on 1 January 2025).
- From 1 July 2025 (Resolution 202/2025/QH15): 34 units. Eleven kept their territory and name;
  the other 52 merged into 23 new units, each taking the name of one of its members.

A unit that continued unchanged is ONE record with no end date. A merged unit is a new record
from 1 July 2025; the old members end on 30 June 2025 and point to it as their successor, so a
2024 enrollment keeps printing "tỉnh Hà Giang" while new records use "tỉnh Tuyên Quang".

Treat this file as frozen: a later change of the map is a new migration with its own dates.
"""

from datetime import date

MERGER_DAY = date(2025, 7, 1)
HUE_CITY_DAY = date(2025, 1, 1)

PROVINCE = "tỉnh"
CITY = "thành phố"

# The 63 units as they stood before the 2025 merger: (name, kind).
BEFORE_2025 = [
    ("Hà Nội", CITY), ("Hải Phòng", CITY), ("Đà Nẵng", CITY), ("Hồ Chí Minh", CITY),
    ("Cần Thơ", CITY), ("Huế", CITY),
    ("An Giang", PROVINCE), ("Bà Rịa - Vũng Tàu", PROVINCE), ("Bắc Giang", PROVINCE),
    ("Bắc Kạn", PROVINCE), ("Bạc Liêu", PROVINCE), ("Bắc Ninh", PROVINCE), ("Bến Tre", PROVINCE),
    ("Bình Định", PROVINCE), ("Bình Dương", PROVINCE), ("Bình Phước", PROVINCE),
    ("Bình Thuận", PROVINCE), ("Cà Mau", PROVINCE), ("Cao Bằng", PROVINCE), ("Đắk Lắk", PROVINCE),
    ("Đắk Nông", PROVINCE), ("Điện Biên", PROVINCE), ("Đồng Nai", PROVINCE),
    ("Đồng Tháp", PROVINCE), ("Gia Lai", PROVINCE), ("Hà Giang", PROVINCE), ("Hà Nam", PROVINCE),
    ("Hà Tĩnh", PROVINCE), ("Hải Dương", PROVINCE), ("Hậu Giang", PROVINCE),
    ("Hòa Bình", PROVINCE), ("Hưng Yên", PROVINCE), ("Khánh Hòa", PROVINCE),
    ("Kiên Giang", PROVINCE), ("Kon Tum", PROVINCE), ("Lai Châu", PROVINCE),
    ("Lâm Đồng", PROVINCE), ("Lạng Sơn", PROVINCE), ("Lào Cai", PROVINCE), ("Long An", PROVINCE),
    ("Nam Định", PROVINCE), ("Nghệ An", PROVINCE), ("Ninh Bình", PROVINCE),
    ("Ninh Thuận", PROVINCE), ("Phú Thọ", PROVINCE), ("Phú Yên", PROVINCE),
    ("Quảng Bình", PROVINCE), ("Quảng Nam", PROVINCE), ("Quảng Ngãi", PROVINCE),
    ("Quảng Ninh", PROVINCE), ("Quảng Trị", PROVINCE), ("Sóc Trăng", PROVINCE),
    ("Sơn La", PROVINCE), ("Tây Ninh", PROVINCE), ("Thái Bình", PROVINCE),
    ("Thái Nguyên", PROVINCE), ("Thanh Hóa", PROVINCE), ("Tiền Giang", PROVINCE),
    ("Trà Vinh", PROVINCE), ("Tuyên Quang", PROVINCE), ("Vĩnh Long", PROVINCE),
    ("Vĩnh Phúc", PROVINCE), ("Yên Bái", PROVINCE),
]  # fmt: skip

# Thừa Thiên Huế (a province) until 31 December 2024, then the city of Huế.
HUE_PREDECESSOR = ("Thừa Thiên Huế", PROVINCE)

# From 1 July 2025: new unit -> (kind, its members before the merger).
MERGED_2025 = {
    "Tuyên Quang": (PROVINCE, ["Hà Giang", "Tuyên Quang"]),
    "Lào Cai": (PROVINCE, ["Lào Cai", "Yên Bái"]),
    "Thái Nguyên": (PROVINCE, ["Bắc Kạn", "Thái Nguyên"]),
    "Phú Thọ": (PROVINCE, ["Vĩnh Phúc", "Phú Thọ", "Hòa Bình"]),
    "Bắc Ninh": (PROVINCE, ["Bắc Giang", "Bắc Ninh"]),
    "Hưng Yên": (PROVINCE, ["Thái Bình", "Hưng Yên"]),
    "Hải Phòng": (CITY, ["Hải Dương", "Hải Phòng"]),
    "Ninh Bình": (PROVINCE, ["Hà Nam", "Ninh Bình", "Nam Định"]),
    "Quảng Trị": (PROVINCE, ["Quảng Bình", "Quảng Trị"]),
    "Đà Nẵng": (CITY, ["Quảng Nam", "Đà Nẵng"]),
    "Quảng Ngãi": (PROVINCE, ["Kon Tum", "Quảng Ngãi"]),
    "Gia Lai": (PROVINCE, ["Gia Lai", "Bình Định"]),
    "Khánh Hòa": (PROVINCE, ["Ninh Thuận", "Khánh Hòa"]),
    "Lâm Đồng": (PROVINCE, ["Lâm Đồng", "Đắk Nông", "Bình Thuận"]),
    "Đắk Lắk": (PROVINCE, ["Đắk Lắk", "Phú Yên"]),
    "Hồ Chí Minh": (CITY, ["Bà Rịa - Vũng Tàu", "Bình Dương", "Hồ Chí Minh"]),
    "Đồng Nai": (PROVINCE, ["Đồng Nai", "Bình Phước"]),
    "Tây Ninh": (PROVINCE, ["Long An", "Tây Ninh"]),
    "Cần Thơ": (CITY, ["Cần Thơ", "Sóc Trăng", "Hậu Giang"]),
    "Vĩnh Long": (PROVINCE, ["Bến Tre", "Vĩnh Long", "Trà Vinh"]),
    "Đồng Tháp": (PROVINCE, ["Tiền Giang", "Đồng Tháp"]),
    "Cà Mau": (PROVINCE, ["Bạc Liêu", "Cà Mau"]),
    "An Giang": (PROVINCE, ["Kiên Giang", "An Giang"]),
}

UNCHANGED_2025 = sorted(
    {name for name, _kind in BEFORE_2025}
    - {member for _kind, members in MERGED_2025.values() for member in members}
)

# The department a course participant directs: Sở Thông tin và Truyền thông until the ministries
# merged on 1 March 2025, then Sở Khoa học và Công nghệ (which absorbed it).
ICT_DEPARTMENT = "Sở Thông tin và Truyền thông"
SCIENCE_DEPARTMENT = "Sở Khoa học và Công nghệ"
DEPARTMENT_MERGER_DAY = date(2025, 3, 1)


def full_name(name: str, kind: str) -> str:
    """ "tỉnh Hà Giang", "thành phố Hà Nội"; Ho Chi Minh City is always written in full."""
    if name == "Hồ Chí Minh":
        return "Thành phố Hồ Chí Minh"
    return f"{kind} {name}"


def _check() -> None:
    """Refuse to load a map that contradicts the resolution (raises even under python -O)."""
    if len(BEFORE_2025) != 63:
        raise ValueError(f"Expected 63 units before 1 July 2025, found {len(BEFORE_2025)}.")
    if len(UNCHANGED_2025) + len(MERGED_2025) != 34:
        raise ValueError(
            f"Expected 34 units from 1 July 2025, found {len(UNCHANGED_2025)} unchanged "
            f"+ {len(MERGED_2025)} merged."
        )
    merged_members = [m for _k, members in MERGED_2025.values() for m in members]
    if len(merged_members) != 52 or len(set(merged_members)) != 52:
        raise ValueError(
            f"Expected 52 distinct members of merged units, found {len(merged_members)} "
            f"({len(set(merged_members))} distinct)."
        )
    unknown = set(merged_members) - {name for name, _kind in BEFORE_2025}
    if unknown:
        raise ValueError(f"Merged members not in the 63-unit map: {sorted(unknown)}.")


_check()
