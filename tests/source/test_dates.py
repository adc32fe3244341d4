"""Source pages: Thai dates on Thai pages, and a Buddhist-era date typed in a tip."""

from __future__ import annotations

import datetime as dt
import io
import json

from flask.testing import FlaskClient
from sqlalchemy import select

from store.models import Source, Submission, SubmissionKind
from tests.factories import Instance, new_source
from tests.source.support import open_blob, submit_data
from webcommon.dates import format_day


def test_thai_pages_show_thai_dates_and_english_pages_english(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    client.post("/submit", data=submit_data(client), content_type="multipart/form-data")
    today = dt.date.today()
    page = client.get("/lookup").get_data(as_text=True)
    assert format_day(today, "th") in page
    assert str(today.year + 543) in page
    assert today.isoformat() not in page
    client.get("/language/en")
    page = client.get("/lookup").get_data(as_text=True)
    assert format_day(today, "en") in page
    assert "2026 = 2569" in page


def test_a_buddhist_era_date_is_kept_as_a_common_era_date(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    data = submit_data(client, when_kind="date", when_from="2569-01-05", fh=[(io.BytesIO(b""), "")])
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)  # accepted: POST-303-GET
    with instance.session() as s:
        source = s.scalar(select(Source))
        assert source is not None
        [message] = [
            sub for sub in s.scalars(select(Submission)).all() if sub.kind == SubmissionKind.MESSAGE
        ]
        header, _content = open_blob(instance, message.blob_name)
    fields = header["fields"]
    assert isinstance(fields, dict), json.dumps(header)
    assert fields["when_from"] == "2026-01-05"
