"""The complaint report (issue 12): written when a bundle is opened, in the commission's field
order, printed to A4 by real headless Chromium (`--print-to-pdf`); the PDF's text (poppler's
pdftotext) holds every field the source filled in, "not given" for the rest, and the running
header (case and date) on every page."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.tools import require_tool
from tests.workstation import bundles
from tests.workstation.support import Desk, Run
from workstation import complaint, fields

# Every structured field as the source interface sends it (source_interface/forms.py).
FILLED: dict[str, object] = {
    "agency": "องค์การบริหารส่วนตำบลหนองน้ำใส",
    "official_position": "นายกองค์การบริหารส่วนตำบล",
    "official_name": "นายสมปอง ทองดี",
    "province": "TH-40",
    "district": "อำเภอน้ำพอง",
    "wrongdoing": ["procurement_fraud", "bribery"],
    "when_kind": "range",
    "when_from": "2026-03-02",
    "when_to": "2026-04-15",
    "amount_baht": "1250000",
    "evidence_location": "สำเนาสัญญาจ้างอยู่ในตู้เอกสารห้องพัสดุ ชั้นสอง",
    "witnesses": "เจ้าหน้าที่พัสดุสองคนเห็นการส่งซองเงิน",
    "reported_before": "yes",
    "reported_before_result": "เคยแจ้งศูนย์ดำรงธรรมจังหวัด ยังไม่มีผล",
    "risk": "high",
    "wants_protection": True,
    "wants_contact": True,
}
MESSAGE = "วันที่ 2 มีนาคม 2569 เวลาประมาณ 14.30 น. ผู้รับเหมาส่งซองเงินให้นายก อบต. ที่ห้องทำงาน"


def _squash(text: str) -> str:
    """Drop whitespace: a value wraps over lines, and pdftotext puts breaks where lines end."""
    return re.sub(r"\s+", "", text)


def _print_to_pdf(page: Path, pdf: Path) -> None:
    chromium = require_tool("chromium")
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={pdf.parent / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(
        [require_tool("pdfinfo"), pdf], check=True, capture_output=True, text=True
    ).stdout
    assert re.search(r"Page size:.* pts \(A4\)", info), info
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    pdftotext = require_tool("pdftotext")
    return [
        subprocess.run(
            [pdftotext, "-f", str(n), "-l", str(n), pdf, "-"],
            check=True, capture_output=True, text=True,
        ).stdout
        for n in range(1, count + 1)
    ]  # fmt: skip


def _open(
    tmp_path: Path,
    desk: Desk,
    run: Callable[..., Run],
    message: str,
    files: Sequence[tuple[str, bytes]] = (),
    **header: Any,
) -> Path:
    item = bundles.item("message", "brave otter", 1, message.encode(), desk.recipients, **header)
    items = [item] + [
        bundles.item("file", "brave otter", n, data, desk.recipients, filename=name)
        for n, (name, data) in enumerate(files, 2)
    ]
    bundle = bundles.write_bundle(tmp_path / "export.zip", items)
    out = tmp_path / "opened"
    result = run("open", bundle, "--identity", desk.key_file, "--out", out, "--no-progress")
    assert result.status == 0, result.err
    return out / "brave-otter"


def test_every_filled_field_is_on_two_a4_pages_in_the_commissions_order(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    files = [("ใบเสนอราคา.pdf", b"%PDF-1.4\n" + b"0" * 5000), ("setup.exe", b"MZ\x90\x00" * 100)]
    folder = _open(tmp_path, desk, run, MESSAGE, files, fields=FILLED, language="th")
    page = folder / "complaint-0001.html"
    assert (folder / "complaint-0001.txt").is_file()
    _print_to_pdf(page, tmp_path / "complaint.pdf")
    pages = _pages(tmp_path / "complaint.pdf")
    assert len(pages) == 2
    text = _squash("".join(pages))
    for key, value in FILLED.items():
        shown = fields.render(key, value)
        assert _squash(shown) in text, (key, shown)
    assert _squash(MESSAGE) in text
    assert "notgiven" not in text  # every field was filled in
    # The evidence the source sent: its files, the risky one marked.
    assert _squash("brave-otter/files/ใบเสนอราคา.pdf (5,009 B)") in text
    assert _squash("brave-otter/files/setup.exe (400 B) ⚠") in text
    assert _squash("กรณี / Case: brave otter") in text
    assert _squash("2026-11-20 (พ.ศ. 2569)") in text  # the date submitted
    # The commission's order: the accused, the offence, what happened, evidence, witnesses,
    # reported elsewhere.
    order = [str(FILLED[k]) for k in ("official_name", "official_position", "agency")]
    order += ["การทุจริตในการจัดซื้อจัดจ้าง", MESSAGE, str(FILLED["evidence_location"])]
    order += [str(FILLED["witnesses"]), str(FILLED["reported_before_result"])]
    places = [text.index(_squash(v)) for v in order]
    assert places == sorted(places)


def test_empty_fields_say_not_given_and_a_long_tip_repeats_its_header(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    long = "".join(f"บรรทัดที่ {n}: ผู้รับเหมารายเดิมชนะการประมูลทุกครั้ง\n" for n in range(1, 121))
    folder = _open(tmp_path, desk, run, long, fields={"agency": "กรมตัวอย่าง"})
    _print_to_pdf(folder / "complaint-0001.html", tmp_path / "long.pdf")
    pages = _pages(tmp_path / "long.pdf")
    assert len(pages) == 5
    for number, page in enumerate(pages, 1):
        text = _squash(page)
        assert _squash("กรณี / Case: brave otter") in text, number
        assert f"page{number}/{len(pages)}" in text
    whole = _squash("".join(pages))
    assert _squash("กรมตัวอย่าง") in whole
    assert whole.count("ไม่ได้ระบุ/notgiven") == len(fields.FIELDS) - 1
    assert _squash("ไม่มี / none") in whole  # no files
    assert _squash("บรรทัดที่ 120:") in whole


def test_the_layout_escapes_what_the_source_wrote() -> None:
    doc = complaint.Document("t", "<b>case</b>", (complaint.Section("s", (("k", "<i>"),)),))
    page = complaint.html(doc)
    assert "<b>case" not in page
    assert "&lt;i&gt;" in page
    assert "default-src 'none'" in page


@pytest.mark.parametrize("key", [key for key, _, _ in fields.FIELDS])
def test_every_field_has_a_place(key: str) -> None:
    placed = [k for _, keys in complaint.ORDER for k in keys]
    assert placed.count(key) == 1
