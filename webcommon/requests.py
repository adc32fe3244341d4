"""A Request that refuses to spool file parts: no form parser may write plaintext to disk."""

from __future__ import annotations

from typing import IO

from flask import Request
from werkzeug.exceptions import BadRequest


class NoSpoolRequest(Request):
    """Werkzeug writes file parts over 500 KB to temporary files; this request never does.

    Uploads go through `webcommon.uploads.parse`, which encrypts as it reads. A file part sent
    to any other form is refused before a byte of it is stored anywhere.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        raise BadRequest("file uploads are accepted only by the submit form")
