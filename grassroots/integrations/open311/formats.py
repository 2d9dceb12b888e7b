"""Open311's two formats: answers as JSON or XML, request bodies from a form, JSON or XML.

Answers are lists of flat records (a record's value may be a list of records, for a
service definition's attributes and their values). XML names the list and its items as
the specification does (`services`/`service`, `service_requests`/`request`, `errors`/
`error`). Bodies are read defensively: an XML body with a document type (the door to
entity expansion) is refused before it is parsed.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# A list's items in XML, by the list's name (anything else: "item").
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}

Record = Mapping[str, Any]
# What XML 1.0 cannot carry, even escaped: C0 controls but tab, LF and CR, lone
# surrogates, U+FFFE and U+FFFF. A description with one was accepted and made the
# XML answer not well-formed; they are left out of XML answers.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class BodyError(ValueError):
    """A request body that cannot be read; the message says why."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    return _NOT_XML.sub("", str(value))


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return _text(value)
    if isinstance(value, Mapping):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def _xml_into(parent: ElementTree.Element, name: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _xml_into(element, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _xml_into(element, ITEM_NAMES.get(name, "item"), item)
    else:
        element.text = _text(value)


def render(
    fmt: str, root: str, records: Sequence[Record] | Record, status: int = 200
) -> HttpResponse:
    """`records` as the answer body: a JSON array (or object), or XML under `root`."""
    if fmt == JSON:
        body = json.dumps(_json_value(records), ensure_ascii=False)
    else:
        top = ElementTree.Element(root)
        if isinstance(records, Mapping):
            for key, item in records.items():
                _xml_into(top, key, item)
        else:
            for record in records:
                _xml_into(top, ITEM_NAMES.get(root, "item"), record)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(top, "unicode")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error answer: a list of {code, description}."""
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def _flat(data: Mapping[str, Any]) -> dict[str, str]:
    """A JSON object as form fields: `{"attribute": {"urgency": "urgent"}}` and
    `{"attribute[urgency]": "urgent"}` are the same field."""
    fields: dict[str, str] = {}
    for key, value in data.items():
        if key == "attribute" and isinstance(value, Mapping):
            for name, item in value.items():
                fields[f"attribute[{name}]"] = _scalar(f"attribute[{name}]", item)
        else:
            fields[str(key)] = _scalar(str(key), value)
    return fields


def _scalar(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if value is None:
        return ""
    raise BodyError(f"{name[:60]}: give a single value, not a list or an object")


def body_fields(request: HttpRequest) -> dict[str, str]:
    """The fields of a POST: form-encoded (the specification's), a JSON object or an
    XML document whose root's children are the fields (`<attribute>` holding one
    element per attribute). Raises BodyError for a body that cannot be read."""
    fields = _fields(request)
    for name, value in fields.items():
        if "\x00" in name or "\x00" in value:
            raise BodyError(f"{name[:60]}: contains a NUL character")
        try:
            name.encode("utf-8")
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON): cannot be stored
            raise BodyError(f"{name[:60]!a}: contains a lone surrogate (\\ud800-\\udfff)") from None
    return fields


def _fields(request: HttpRequest) -> dict[str, str]:
    kind = request.content_type or ""
    if kind == "application/json":
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BodyError("the body is not valid JSON") from None
        except RecursionError:  # "[[[[…" nested deeper than the parser goes
            raise BodyError("the JSON body is nested too deeply") from None
        if not isinstance(data, Mapping):
            raise BodyError("the JSON body must be an object of fields")
        return _flat(data)
    if kind in {"application/xml", "text/xml"}:
        return _xml_fields(request.body)
    return {key: request.POST.get(key, "") for key in request.POST}


def _xml_fields(raw: bytes) -> dict[str, str]:
    # UTF-8 only, and no NUL: a UTF-16 body would hide a DOCTYPE from the check below.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the XML body must be UTF-8") from None
    if "\x00" in text or "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise BodyError("the XML body may not declare a document type or entities")
    try:
        root = ElementTree.fromstring(raw)  # noqa: S314 - no DOCTYPE, so no entities to expand
    except ElementTree.ParseError:
        raise BodyError("the body is not well-formed XML") from None
    fields: dict[str, str] = {}
    for child in root:
        if child.tag == "attribute":
            for item in child:
                fields[f"attribute[{item.tag}]"] = (item.text or "").strip()
        elif len(child):
            raise BodyError(f"{child.tag[:60]}: give a single value, not nested elements")
        else:
            fields[child.tag] = child.text or ""
    return fields
