"""Reports and the field table: every field of FORMAT.md §3 has Thai and English labels."""

from __future__ import annotations

import re
from pathlib import Path

from webcommon.places import PROVINCES
from workstation import fields, places, report
from workstation.bundle import Item

FORMAT_MD = Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md"


def _format_field_keys() -> set[str]:
    section = FORMAT_MD.read_text().split("## 3.")[1].split("## 4.")[0]
    keys = set()
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 3 and (match := re.fullmatch(r"`([a-z_]+)`", cells[1])):
            keys.add(match.group(1))
    return keys


def test_every_format_field_has_a_label() -> None:
    documented = _format_field_keys()
    assert len(documented) >= 15
    assert documented == fields.KNOWN
    for _, thai, english in fields.FIELDS:
        assert thai
        assert english
        assert re.search("[\u0e00-\u0e7f]", thai)


def test_provinces_match_the_web_apps_table() -> None:
    assert {p.code: (p.name_th, p.name_en) for p in PROVINCES} == places.PROVINCES


def test_values_are_spelled_out() -> None:
    assert fields.render("province", "TH-10") == "TH-10 กรุงเทพมหานคร / Bangkok"
    assert fields.render("province", "TH-99") == "TH-99"
    assert fields.render("wrongdoing", ["patronage", "made_up"]) == (
        "การเล่นพรรคเล่นพวก / Patronage, made_up"
    )
    assert fields.render("when_from", "2026-01-02") == "2026-01-02 (พ.ศ. 2569)"
    assert fields.render("wants_contact", True) == "ใช่ / Yes"
    assert fields.render("risk", {"nested": 1}) == "{'nested': 1}"


def test_unknown_and_malformed_fields_are_shown_not_lost() -> None:
    rows = dict(fields.rows({"agency": "x", "zzz_new": "value"}))
    assert rows["หน่วยงานที่เกิดเรื่อง / Agency where it happened"] == "x"
    assert rows["ข้อมูลอื่น / Other: zzz_new"] == "value"
    assert len(fields.rows("not a dict")) == len(fields.FIELDS)


def _tip(**changes: object) -> report.Tip:
    item = Item(
        0,
        "sources/a/0001-message.age",
        "a",
        "0001",
        "message",
        "a <b>",
        "nacc",
        "2026-11-20",
        1,
        "0" * 64,
    )
    values: dict[str, object] = {
        "item": item,
        "date": "2026-11-20",
        "language": "th",
        "fields": {"agency": "<script>alert(1)</script>", "district": "a\x1b[31mred"},
        "message": "line one\n<img src=x onerror=alert(1)>\x1b]0;title\x07",
        "message_file": "message-0001.txt",
        "bundle_name": "b.zip",
        "opened_on": "today",
    }
    values.update(changes)
    return report.Tip(**values)  # type: ignore[arg-type]


def test_html_report_escapes_everything_and_loads_nothing() -> None:
    page = report.tip_html(_tip())
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'none'" in page
    assert "a &lt;b&gt;" in page
    assert "\x1b" not in page  # controls are invalid in HTML; the exact text is in the .txt


def test_text_report_has_no_terminal_controls() -> None:
    text = report.tip_text(_tip())
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "line one\n" in text


def test_a_huge_message_points_to_its_file() -> None:
    text = report.tip_text(_tip(message=None))
    assert "message-0001.txt" in text
