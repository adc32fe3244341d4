"""Metadata cleaning with Debian's mat2 (installed under CI by `make test`)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tools import require_tool
from tests.workstation import bundles, samples
from tests.workstation.support import Desk, Run, files_under, partials_under
from workstation import clean


@pytest.fixture
def mat2() -> str:
    return require_tool("mat2")


def test_open_cleans_files_and_keeps_the_originals(
    mat2: str, tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    r = desk.recipients
    photo, document = samples.png("Somchai Secret"), samples.pdf("Somchai Secret")
    items = [
        bundles.item("file", "otter", 1, photo, r, filename="ภาพถ่าย.png"),
        bundles.item("file", "otter", 2, document, r, filename="สัญญา.pdf"),
        bundles.item("file", "otter", 3, b"\x00\x01binary", r, filename="data.bin"),
    ]
    out = tmp_path / "o"
    result = run(
        "open",
        bundles.write_bundle(tmp_path / "b.zip", items),
        "-i",
        desk.key_file,
        "-o",
        out,
        "--lang",
        "en",
    )
    assert result.status == 0, result.err
    written = files_under(out / "otter" / "files")
    assert written["ภาพถ่าย.png"] == photo  # the original, untouched
    assert written["สัญญา.pdf"] == document
    for cleaned in ("ภาพถ่าย.cleaned.png", "สัญญา.cleaned.pdf"):
        assert b"Somchai" not in written[cleaned]
        shown = subprocess.run(
            [mat2, "-s", str(out / "otter" / "files" / cleaned)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Somchai" not in shown.stdout
    assert "data.bin" in written
    assert "data.bin.cleaned" not in " ".join(written)
    assert "Files NOT cleaned of metadata" in result.out
    assert (
        "otter/files/data.bin: data.bin's format (application/octet-stream) is not supported"
        in (result.out)
    )
    page = (out / "index.html").read_text()
    assert (
        'href="otter/files/%E0%B8%A0%E0%B8%B2%E0%B8%9E%E0%B8%96%E0%B9%88%E0%B8%B2%E0%B8%A2' in page
    )
    assert partials_under(out) == []
    assert not [p for p in (out / "otter" / "files").iterdir() if p.name.startswith(".")]


def test_cleaning_never_overwrites_a_file_already_named_like_its_output(
    mat2: str, tmp_path: Path
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    original = folder / "photo.png"
    original.write_bytes(samples.png("Somchai Secret"))
    decoy = folder / "photo.cleaned.png"
    decoy.write_bytes(b"a file the source also sent")
    made = clean.clean(mat2, original)
    assert made.path == folder / "photo.cleaned-2.png"
    assert decoy.read_bytes() == b"a file the source also sent"
    assert b"Somchai" not in made.path.read_bytes()


def test_unsupported_and_broken_files_say_why(mat2: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    made = clean.clean(mat2, broken)
    assert made.path is None
    assert "broken.png" in made.problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.png"]


def test_without_mat2_the_summary_says_nothing_was_cleaned(
    tmp_path: Path, desk: Desk, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    item = bundles.item("file", "otter", 1, samples.png("x"), desk.recipients, filename="a.png")
    result = run(
        "open",
        bundles.write_bundle(tmp_path / "b.zip", [item]),
        "-i",
        desk.key_file,
        "-o",
        tmp_path / "o",
        "--lang",
        "en",
    )
    assert result.status == 0
    assert "mat2 is not installed: no file was cleaned of metadata." in result.out
    assert "mat2 not installed" in (tmp_path / "o" / "index.html").read_text()
