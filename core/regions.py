"""The six regions of Thailand by province (ISO 3166-2:TH codes), for the public statistics.

The six-region grouping of the National Geographical Committee (1977), as the Royal Society
(Royal Institute) publishes it: North 9 provinces, Northeast 20 (with Bueng Kan, split from
Nong Khai in 2011), West 5, Central 22 (with Bangkok), East 7, South 14 — 77 in all. The
province names live in `webcommon.places`; a test checks that both list the same 77 codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """One region: a stable key, its Thai and English names."""

    key: str
    name_th: str
    name_en: str


REGIONS: tuple[Region, ...] = (
    Region("north", "ภาคเหนือ", "North"),
    Region("northeast", "ภาคตะวันออกเฉียงเหนือ", "Northeast"),
    Region("west", "ภาคตะวันตก", "West"),
    Region("central", "ภาคกลาง", "Central"),
    Region("east", "ภาคตะวันออก", "East"),
    Region("south", "ภาคใต้", "South"),
)
BY_KEY: dict[str, Region] = {r.key: r for r in REGIONS}

_CODES: dict[str, str] = {
    "north": "50 57 52 51 58 55 56 54 53",
    "northeast": "37 38 31 36 46 40 42 44 49 48 30 39 43 45 47 33 32 34 41 35",
    "west": "71 63 70 76 77",
    "central": "10 15 14 18 62 16 26 73 60 12 13 67 66 65 11 74 75 19 17 64 72 61",
    "east": "22 24 20 25 21 27 23",
    "south": "86 81 80 96 94 82 93 83 85 91 90 84 92 95",
}
PROVINCE_REGION: dict[str, str] = {
    f"TH-{code}": key for key, codes in _CODES.items() for code in codes.split()
}


def region_of(province_code: str | None) -> str | None:
    """Return the region key of a province code, or None for no (or an unknown) province."""
    return PROVINCE_REGION.get(province_code or "")
