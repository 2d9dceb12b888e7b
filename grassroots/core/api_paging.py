"""Paging of the JSON API's lists: django-ninja's limit/offset, bounded.

Unbounded, a `limit` or `offset` past what the database's integers hold (say
99999999999999999999) reached the SQL and answered 500; here it is a 422 naming the
field, like any other value out of range.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


class BoundedPaging(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
