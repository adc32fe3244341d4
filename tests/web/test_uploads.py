"""webcommon.uploads, directly: fields in memory, files into sinks, everything aborted on
failure, limits enforced without losing the fields read before them."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.test import encode_multipart

from webcommon.uploads import (
    FilePart,
    LimitedReader,
    MemorySink,
    StoredFile,
    UploadTooLarge,
    parse,
)


class RecordingSink:
    """A sink that keeps bytes in memory and says whether it was finished or aborted."""

    def __init__(self, part: FilePart) -> None:
        self.part = part
        self.data = bytearray()
        self.state = "open"

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def finish(self) -> StoredFile:
        self.state = "finished"
        return StoredFile(self.part.field, self.part.filename, len(self.data), len(self.data))

    def abort(self) -> None:
        self.state = "aborted"


def body(*items: tuple[str, str | FileStorage]) -> tuple[str, bytes]:
    boundary, data = encode_multipart(MultiDict(list(items)))
    return f"multipart/form-data; boundary={boundary}", data


def test_fields_and_files_arrive_in_order() -> None:
    big = bytes(range(256)) * 10_000  # 2.5 MB: many feed slices
    content_type, data = body(
        ("desk", "nacc"),
        ("msg", "สวัสดี"),
        ("fh", FileStorage(io.BytesIO(big), "หลักฐาน.pdf", content_type="application/pdf")),
        ("fh", FileStorage(io.BytesIO(b"x"), "b.txt")),
    )
    sinks: list[RecordingSink] = []

    def open_sink(part: FilePart) -> RecordingSink:
        assert part.fields["desk"] == "nacc"  # the fields before the file are known
        sinks.append(RecordingSink(part))
        return sinks[-1]

    fields, files = parse(io.BytesIO(data), content_type, open_sink)
    assert fields.to_dict() == {"desk": "nacc", "msg": "สวัสดี"}
    assert [f.blob_name for f in files] == ["หลักฐาน.pdf", "b.txt"]
    assert bytes(sinks[0].data) == big
    assert sinks[0].part.content_type == "application/pdf"
    assert [s.state for s in sinks] == ["finished", "finished"]


def test_an_empty_file_input_opens_no_sink() -> None:
    content_type, data = body(("msg", "x"), ("fh", FileStorage(io.BytesIO(b""), "")))
    fields, files = parse(io.BytesIO(data), content_type, lambda part: pytest.fail("no sink"))
    assert fields["msg"] == "x"
    assert files == []


def test_a_truncated_body_aborts_every_sink() -> None:
    content_type, data = body(
        ("desk", "nacc"), ("fh", FileStorage(io.BytesIO(b"y" * 200_000), "a"))
    )
    sinks: list[RecordingSink] = []

    def open_sink(part: FilePart) -> RecordingSink:
        sinks.append(RecordingSink(part))
        return sinks[-1]

    with pytest.raises(BadRequest, match="ended early"):
        parse(io.BytesIO(data[: len(data) // 2]), content_type, open_sink)
    assert [s.state for s in sinks] == ["aborted"]


def test_over_the_limit_keeps_the_fields_and_aborts() -> None:
    content_type, data = body(
        ("msg", "ข้อความที่พิมพ์ไว้"), ("fh", FileStorage(io.BytesIO(b"z" * 500_000), "big"))
    )
    sinks: list[RecordingSink] = []

    def open_sink(part: FilePart) -> RecordingSink:
        sinks.append(RecordingSink(part))
        return sinks[-1]

    with pytest.raises(UploadTooLarge) as raised:
        parse(LimitedReader(io.BytesIO(data), 100_000), content_type, open_sink)
    assert raised.value.fields["msg"] == "ข้อความที่พิมพ์ไว้"
    assert [s.state for s in sinks] == ["aborted"]


def test_a_huge_text_field_is_refused() -> None:
    content_type, data = body(("msg", "a" * 300_000))
    with pytest.raises(UploadTooLarge):
        parse(io.BytesIO(data), content_type, lambda part: pytest.fail("no sink"))


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data", "application/json"])
def test_only_multipart_with_a_boundary(content_type: str) -> None:
    with pytest.raises(BadRequest):
        parse(io.BytesIO(b""), content_type, lambda part: pytest.fail("no sink"))


def test_memory_sink_refuses_past_its_limit() -> None:
    sink = MemorySink("logo", 10)
    sink.write(b"12345")
    with pytest.raises(RequestEntityTooLarge):
        sink.write(b"678901")
    sink.abort()
    assert sink.data == bytearray()
