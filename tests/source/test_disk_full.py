"""A full disk, for real (a small tmpfs, as root): first as the blob store, then as the
database folder. The source gets a clear page in Thai and English with what they typed given
back; nothing half-stored is left; what was accepted before stays; the operator's log says
"disk full"; and the dropbox takes tips again once space is freed."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from store.models import Submission
from tests.conftest import IN_CI, require_tool
from tests.factories import make_configs, make_instance, new_source
from tests.source.support import leftovers, submit_data

MESSAGE = "ผู้อำนวยการเรียกรับเงินใต้โต๊ะ 50,000 บาท"
PDF = b"%PDF-1.4 evidence " * 60_000  # about 1 MiB


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("the full-disk tests need root (CI runs as root)")
        pytest.skip("the full-disk tests need root")
    mount = require_tool("mount")
    umount = require_tool("umount")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)], check=True
    )
    try:
        yield folder
    finally:
        subprocess.run([umount, "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Fill a file system to the last byte."""
    for i, block in enumerate((1 << 20, 4096, 1)):
        fd = os.open(folder / f"filler{i}", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * block):
                    pass
        finally:
            os.close(fd)


def free(folder: Path) -> None:
    for i in range(3):
        (folder / f"filler{i}").unlink()


def post_tip(client: FlaskClient) -> TestResponse:
    """POST a tip with a 1 MiB file, the body built in memory (the test client would spool
    it to a temporary file of its own)."""
    data = submit_data(client, msg=MESSAGE)
    values = MultiDict([(k, v) for k, v in data.items()])
    values.add("fh", FileStorage(io.BytesIO(PDF), "หลักฐาน.pdf", content_type="application/pdf"))
    boundary, body = encode_multipart(values)
    return client.post(
        "/submit", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def check_full_page(response: TestResponse, caplog: pytest.LogCaptureFixture) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 507
    assert MESSAGE in page  # what they typed, given back
    assert "cannot accept files right now" in page or "ยังรับไฟล์ไม่ได้" in page
    assert "Traceback" not in page
    assert any("disk full" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("where", ["store", "database"])
def test_a_full_disk_gives_the_text_back_and_recovers(
    tmp_path: Path, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    mount_point = tmp_path / "small"
    with tmpfs(mount_point, "4m"):
        if where == "store":
            configs = make_configs(tmp_path).with_(store_root=str(mount_point / "store"))
        else:
            base = make_configs(tmp_path)
            shutil.copyfile(base.database_url.removeprefix("sqlite:///"), mount_point / "db")
            configs = base.with_(database_url=f"sqlite:///{mount_point / 'db'}")
        instance = make_instance(configs)
        client = instance.app.test_client()
        new_source(client)
        ok = client.post(
            "/submit", data=submit_data(client, msg="ก่อนดิสก์เต็ม"), content_type="multipart/form-data"
        )
        assert ok.status_code == 303  # accepted
        fill(mount_point)
        response = post_tip(client)
        check_full_page(response, caplog)
        with instance.session() as s:
            assert s.scalar(select(func.count(Submission.id))) == 1  # the earlier tip stays
        assert len(instance.blobs.names()) == 1
        assert leftovers(instance) == []

        free(mount_point)
        again = post_tip(client)
        assert again.status_code == 303  # accepted
        with instance.session() as s:
            assert s.scalar(select(func.count(Submission.id))) == 3
        assert len(instance.blobs.names()) == 3
        instance.app.extensions.clear()  # drop the engine before the tmpfs goes
