"""Pure rules for a contact sync: checking a directory and the difference it makes."""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

MAX_NAME = {"department": 100, "person": 64}


def directory_errors(departments: list[dict[str, str]], people: list[dict[str, Any]]) -> list[str]:
    """What makes a directory unusable: a cycle or a missing parent in the department
    tree, a department or person listed twice, a name missing or too long."""
    errors: list[str] = []
    by_id = {d["id"]: d for d in departments}
    for ident, count in Counter(d["id"] for d in departments).items():
        if count > 1:
            errors.append(_("Department %(id)s is listed %(n)s times.") % {"id": ident, "n": count})
    for ident, count in Counter(p["user_id"] for p in people).items():
        if count > 1:
            errors.append(_("Person %(id)s is listed %(n)s times.") % {"id": ident, "n": count})
    for department in departments:
        if not department["name"].strip() or len(department["name"]) > MAX_NAME["department"]:
            errors.append(_("Department %(id)s needs a name of 1 to 100 characters.") % department)
        parent = department["parent"]
        if parent and parent not in by_id:
            errors.append(
                _("Department %(id)s is under %(parent)s, which is not in the directory.")
                % department
            )
    reported: set[str] = set()
    for department in departments:
        seen = [department["id"]]
        parent = department["parent"]
        while parent and parent in by_id:
            if parent in seen:
                circle = seen[seen.index(parent) :]
                if not reported.intersection(circle):
                    errors.append(
                        _("The departments %(ids)s are each other's parents, in a circle.")
                        % {"ids": " → ".join([*circle, parent])}
                    )
                reported.update(circle)
                break
            seen.append(parent)
            parent = by_id[parent]["parent"]
    for person in people:
        if not person["name"].strip() or len(person["name"]) > MAX_NAME["person"]:
            errors.append(_("Person %(user_id)s needs a name of 1 to 64 characters.") % person)
    return errors


def department_diff(
    wanted: dict[str, dict[str, str]], existing: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """wanted / existing: code → {name, parent (code)}."""
    diff: dict[str, list[dict[str, Any]]] = {"added": [], "renamed": [], "moved": [], "left": []}
    for code, row in sorted(wanted.items()):
        now = existing.get(code)
        if now is None:
            diff["added"].append({"code": code, "name": row["name"], "parent": row["parent"]})
            continue
        if now["name"] != row["name"]:
            diff["renamed"].append({"code": code, "from": now["name"], "to": row["name"]})
        if now["parent"] != row["parent"]:
            diff["moved"].append(
                {"code": code, "name": row["name"], "from": now["parent"], "to": row["parent"]}
            )
    for code, now in sorted(existing.items()):
        if code not in wanted and now.get("is_active", True):
            diff["left"].append({"code": code, "name": now["name"]})
    return diff


def person_diff(
    wanted: dict[str, dict[str, Any]], existing: dict[str, dict[str, Any]], linked: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """wanted / existing: employee number → {name, department (code), phone, active};
    `linked`: the employee numbers linked to this messenger (only they can leave)."""
    diff: dict[str, list[dict[str, Any]]] = {
        "added": [],
        "renamed": [],
        "moved": [],
        "left": [],
        "returning": [],
        "phone": [],
    }
    for number, row in sorted(wanted.items()):
        now = existing.get(number)
        if not row["active"]:
            if now is not None and now["active"]:
                diff["left"].append({"number": number, "name": now["name"]})
            continue
        if now is None:
            diff["added"].append(
                {"number": number, "name": row["name"], "department": row["department"]}
            )
            continue
        if not now["active"]:  # deactivated (left before), listed again: back
            diff["returning"].append({"number": number, "name": row["name"]})
        if now["name"] != row["name"]:
            diff["renamed"].append({"number": number, "from": now["name"], "to": row["name"]})
        if now["department"] != row["department"]:
            diff["moved"].append(
                {
                    "number": number,
                    "name": row["name"],
                    "from": now["department"],
                    "to": row["department"],
                }
            )
        if row["phone"] and now["phone"] != row["phone"]:
            diff["phone"].append({"number": number, "name": row["name"]})
    for number in sorted(linked - set(wanted)):
        now = existing.get(number)
        if now is not None and now["active"]:
            diff["left"].append({"number": number, "name": now["name"]})
    return diff


def api_address_allowed(address: str, *, http_loopback: bool) -> bool:
    """Whether the app secret may be sent to this API address: https, or plain http to
    this machine's own address when `http_loopback` (tests, DEBUG)."""
    parts = urllib.parse.urlsplit(address)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http" or not http_loopback:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False
