"""The structured tip fields (FORMAT.md §3) as a person reads them: Thai and English labels,
values spelled out. Thai wording follows the source interface's catalog.

Fields arrive from an envelope that anyone holding the desk's public key could have made, so
every value is treated as untrusted: unknown keys are shown under their own name, unexpected
types are shown as text, and nothing here interprets markup (the renderers escape).
"""

from __future__ import annotations

import re
from typing import Any

from workstation.places import PROVINCES

# (key, Thai label, English label), in the order of the submit form.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("agency", "หน่วยงานที่เกิดเรื่อง", "Agency where it happened"),
    ("official_position", "ตำแหน่งของผู้ที่เกี่ยวข้อง", "Position of the person involved"),
    ("official_name", "ชื่อของผู้ที่เกี่ยวข้อง", "Name of the person involved"),
    ("province", "จังหวัด", "Province"),
    ("district", "อำเภอ/เขต", "District"),
    ("wrongdoing", "ประเภทของการกระทำผิด", "Kind of wrongdoing"),
    ("when_kind", "ช่วงเวลาที่เกิดเหตุ", "When it happened"),
    ("when_from", "วันที่ (หรือวันแรก)", "Date (or first date)"),
    ("when_to", "วันสุดท้าย", "Last date"),
    ("amount_baht", "จำนวนเงินที่เกี่ยวข้อง (บาท)", "Amount involved (baht)"),
    ("evidence_location", "จะหาหลักฐานได้ที่ไหน", "Where evidence can be found"),
    ("witnesses", "ผู้ที่รู้หรือเห็นเหตุการณ์", "Who else knows or saw it"),
    ("reported_before", "เคยแจ้งเรื่องนี้ที่อื่นมาก่อน", "Reported elsewhere before"),
    ("reported_before_result", "แจ้งที่ไหน และผลเป็นอย่างไร", "Where, and what happened"),
    ("risk", "ความเสี่ยงของผู้แจ้งหากถูกเปิดเผย", "Risk to the source if found out"),
    ("wants_protection", "ต้องการสอบถามเรื่องการคุ้มครองพยาน", "Asks about witness protection"),
    ("wants_contact", "ยินดีตอบคำถามผ่านเว็บไซต์", "Willing to answer questions on the site"),
)
KNOWN = frozenset(key for key, _, _ in FIELDS)

_CHOICES: dict[str, dict[str, tuple[str, str]]] = {
    "wrongdoing": {
        "bribery": ("การให้หรือรับสินบน", "Bribery"),
        "procurement_fraud": ("การทุจริตในการจัดซื้อจัดจ้าง", "Procurement fraud"),
        "embezzlement": ("การยักยอกทรัพย์ของรัฐ", "Embezzlement"),
        "abuse_of_authority": ("การใช้อำนาจโดยมิชอบ", "Abuse of authority"),
        "unusual_wealth": ("ร่ำรวยผิดปกติ", "Unusual wealth"),
        "conflict_of_interest": ("การขัดกันแห่งผลประโยชน์", "Conflict of interest"),
        "patronage": ("การเล่นพรรคเล่นพวก", "Patronage"),
        "other": ("อื่น ๆ", "Other"),
    },
    "when_kind": {
        "date": ("ในวันเดียว", "On one date"),
        "range": ("ในช่วงระหว่างสองวัน", "Between two dates"),
        "ongoing": ("ยังคงเกิดขึ้นอยู่", "Still going on"),
    },
    "risk": {
        "low": ("ต่ำ", "Low"),
        "medium": ("ปานกลาง", "Medium"),
        "high": (
            "สูง: กลัวว่าจะเสียงาน เสียที่เรียน หรือไม่ปลอดภัย",
            "High: fears for job, place at school or safety",
        ),
    },
    "reported_before": {"yes": ("เคย", "Yes")},
}
_YES = ("ใช่", "Yes")
_NOT_GIVEN = "ไม่ได้ระบุ / not given"
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_MAX_VALUE = 20_000  # characters per value; the form allows at most 4,000


def _text(value: object) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = repr(value)
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + " […]"


def _choice(key: str, value: object) -> str:
    label = _CHOICES[key].get(value) if isinstance(value, str) else None
    return f"{label[0]} / {label[1]}" if label else _text(value)


def date_both_eras(value: object) -> str:
    """Show a Gregorian date with its Buddhist Era year, which Thai documents use."""
    text = _text(value)
    match = _DATE.fullmatch(text)
    if match is None:
        return text
    return f"{text} (พ.ศ. {int(match.group(1)) + 543})"


def render(key: str, value: object) -> str:
    """Return one field's value as a line (or lines) of plain text."""
    if key == "wrongdoing":
        values = value if isinstance(value, list) else [value]
        return ", ".join(_choice(key, v) for v in values)
    if key in _CHOICES:
        return _choice(key, value)
    if key == "province" and isinstance(value, str) and value in PROVINCES:
        thai, english = PROVINCES[value]
        return f"{value} {thai} / {english}"
    if key in {"when_from", "when_to"}:
        return date_both_eras(value)
    if key in {"wants_protection", "wants_contact"}:
        return f"{_YES[0]} / {_YES[1]}" if value is True or value == "true" else _text(value)
    if key == "amount_baht":
        return f"{_text(value)} บาท / baht"
    return _text(value)


def rows(fields: object) -> list[tuple[str, str]]:
    """Return (label, value) for every known field in form order, then any unknown ones."""
    given: dict[str, Any] = fields if isinstance(fields, dict) else {}
    out = []
    for key, thai, english in FIELDS:
        value = given.get(key)
        shown = _NOT_GIVEN if value is None or value in ("", []) else render(key, value)
        out.append((f"{thai} / {english}", shown))
    for key in sorted(k for k in given if k not in KNOWN):
        out.append((f"ข้อมูลอื่น / Other: {_text(key)}", _text(given[key])))
    return out
