"""Every page without a path argument, asked with hostile query parameters, answers
something other than a server error.

For each page the parameters it actually reads are found first (a plain request with a
`QueryDict` that records which keys the view and its forms looked up); then each of
those parameters, plus `unit` and `page`, is sent with each hostile
value in turn, as an administrator and as a committee officer. A 404, a redirect, a
page with a message or the page's default are all fine answers; a 500 is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

HOSTILE = [
    "²",  # "²".isdigit() is true, int("²") raises
    "-1",
    "9" * 10_000,
    "%00\x00",
    "999999",  # an id that does not exist
    "<script>alert(1)</script>",
]
ALWAYS = ["unit", "page"]  # read by most lists, sometimes only on some paths

# Pages that are not lists a person browses: the admin, downloads answered by the API,
# set-up endpoints that only take POST.
SKIP_PREFIXES = ("admin:", "api-")


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if "<" in route or "(?P" in route:
                continue  # needs an argument: not a list page
            yield f"{namespace}{entry.name}", "/" + route.lstrip("^").rstrip("$")


def list_pages() -> list[tuple[str, str]]:
    pages = {
        name: path
        for name, path in _patterns(get_resolver())
        if not name.startswith(SKIP_PREFIXES) and not path.startswith("/api/")
    }
    return sorted(pages.items())


class _Recorder:
    """Records the keys a view reads from request.GET."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self._originals: dict[str, Any] = {}

    def __enter__(self) -> _Recorder:
        for method in ("get", "__getitem__", "getlist", "__contains__"):
            original = getattr(QueryDict, method)
            self._originals[method] = original

            def spy(
                self_: QueryDict, key: Any, *args: Any, _original: Any = original, **kw: Any
            ) -> Any:
                if isinstance(key, str):
                    self.keys.add(key)
                return _original(self_, key, *args, **kw)

            setattr(QueryDict, method, spy)
        return self

    def __exit__(self, *exc: Any) -> None:
        for method, original in self._originals.items():
            setattr(QueryDict, method, original)


def test_every_list_page_survives_hostile_parameters(world, client_for):
    client_for(None)  # a client that raises nothing: a 500 comes back as a response
    failures: list[str] = []
    pages = list_pages()
    assert len(pages) > 30  # the crawl found the site's pages
    for user in (world.admin, world.committee_officer):
        client = client_for(user)
        client.raise_request_exception = False
        for name, path in pages:
            with _Recorder() as recorder:
                baseline = client.get(path)
            if baseline.status_code >= 500:
                failures.append(f"{name} {path}: {baseline.status_code} without parameters")
                continue
            keys = sorted((recorder.keys - {"csrfmiddlewaretoken"}) | set(ALWAYS))
            for key in keys:
                for value in HOSTILE:
                    response = client.get(path, {key: value})
                    if response.status_code >= 500:
                        failures.append(
                            f"{name} {path}?{key}={value[:12]!r}: {response.status_code}"
                        )
                        break
    assert not failures, "\n".join(failures)
