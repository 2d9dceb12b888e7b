"""The error answers of the JSON API, declared in its OpenAPI schema.

Every endpoint answers errors as `{"detail": …}`: a sentence for the errors our code
raises (401, 403, 404, 422 from a service), the list of field problems for a request
that does not fit the schema (422 from django-ninja's validation). Declaring them lets
a client, and the schema-driven tests, tell a documented refusal from a surprise.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str | list[dict[str, Any]]


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """`response={200: Thing, **errors(401, 404)}`: the refusals an endpoint can give."""
    return dict.fromkeys(codes, ErrorOut)
