"""Files larger than the view accepts are not read onto disk.

Django writes an upload to a temporary file whole before any form sees it, so a 20 MB
file sent to a form that takes 5 MB filled the disk with 20 MB first (and a proxy's
body limit is the only other guard). `CappedUploadHandler`, first in
FILE_UPLOAD_HANDLERS, passes each file's bytes on to Django's memory and temporary-file
handlers only up to the limit of the view the request is for; past it, what was stored
is dropped, the rest is read and thrown away, and the form gets a stand-in file that
keeps the name and the size that was sent, so its own size check refuses it with its
own message.

A view states its limit with `@upload_limit(...)`; any other view gets
GRASSROOTS_UPLOAD_MAX_BYTES.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.urls import Resolver404, resolve

View = TypeVar("View", bound=Callable[..., Any])
_LIMIT = "upload_max_bytes"


def upload_limit(max_bytes: Callable[[], int]) -> Callable[[View], View]:
    """Mark a view with the largest file it accepts (read at each request: some limits
    are rule parameters an administrator changes)."""

    def mark(view: View) -> View:
        vars(view)[_LIMIT] = max_bytes
        return view

    return mark


def limit_for(request: HttpRequest) -> int:
    """The largest file the request's view accepts."""
    match = request.resolver_match
    if match is None:
        # The body may be read before the URL is resolved (a middleware that reads the
        # form), so resolve it here.
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return int(settings.GRASSROOTS_UPLOAD_MAX_BYTES)
    max_bytes = getattr(match.func, _LIMIT, None)
    return int(max_bytes()) if max_bytes else int(settings.GRASSROOTS_UPLOAD_MAX_BYTES)


class OversizeUpload(UploadedFile):
    """What the form receives for a file over the limit: its name and the size that was
    sent, without the content."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size)


class CappedUploadHandler(FileUploadHandler):
    max_bytes = 0
    received = 0

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        self.max_bytes = (
            limit_for(self.request)
            if self.request is not None
            else int(settings.GRASSROOTS_UPLOAD_MAX_BYTES)
        )

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        within = self.received <= self.max_bytes
        self.received += len(raw_data)
        if self.received <= self.max_bytes:
            return raw_data
        if within:
            self._drop_what_was_stored()
        return None  # the handlers after this one store nothing more of this file

    def _drop_what_was_stored(self) -> None:
        # The same as Django's parser does for a skipped file: a temporary upload file
        # is deleted when closed.
        handlers = self.request.upload_handlers if self.request is not None else []
        for handler in handlers:
            if handler is not self and hasattr(handler, "file"):
                handler.file.close()

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.max_bytes:
            return None  # within the limit: the next handler hands over the file
        return OversizeUpload(self.file_name or "", self.content_type or "", self.received)
