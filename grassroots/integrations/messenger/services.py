"""Every write for the messengers: connections, sign-in, contact syncs and messages."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.accounts.identity import (
    is_valid_employee_number,
    is_valid_mobile,
    normalise_employee_number,
    normalise_phone,
)
from grassroots.accounts.scope import scope_for
from grassroots.accounts.services import user_update
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.integrations.messenger import rules
from grassroots.integrations.messenger.backends import Vouched
from grassroots.integrations.messenger.models import MessengerAccount, MessengerConfig, SyncRun
from grassroots.integrations.messenger.policy import is_privileged, sign_in_refusal
from grassroots.integrations.messenger.providers import (
    Directory,
    MessengerError,
    provider_for,
)
from grassroots.integrations.messenger.secret_box import seal
from grassroots.orgs import selectors as orgs
from grassroots.orgs.importing import import_rows

CONFIG_FIELDS = (
    "vendor",
    "name",
    "corp_id",
    "agent_id",
    "api_base",
    "department_code_prefix",
    "sign_in_enabled",
    "office_holders_sign_in",
    "messages_enabled",
    "is_active",
)
SESSION_KEY = "messenger_sign_in"
PENDING_KEY = "messenger_link"
# In a session the messenger opened: its connection and when `policy.refusal` was last
# asked (`middleware.MessengerSessionMiddleware` asks again at most once a minute).
OPENED_KEY = "messenger_opened"
STATE_SECONDS = 600
CHUNK = 2000
DEFAULT_PREFIX = {"wecom": "WX-", "dingtalk": "DD-", "feishu": "FS-"}


# --- connections -----------------------------------------------------------------------


@transaction.atomic
def config_save(
    *, actor: Any, config: MessengerConfig | None, secret: str, **values: Any
) -> MessengerConfig:
    """Add or change a connection. An empty `secret` keeps the stored one; the secret is
    stored encrypted and never read back into a page or the audit log."""
    creating = config is None
    row = MessengerConfig() if config is None else locked(config)
    before = None if creating else snapshot(row, CONFIG_FIELDS)
    stored_target = (row.vendor, row.corp_id, row.api_base)
    for name, value in values.items():
        setattr(row, name, value)
    if row.api_base and not rules.api_address_allowed(row.api_base, http_loopback=http_loopback()):
        raise ValidationError({"api_base": _("The API address must start with https://.")})
    if not creating and not secret and (row.vendor, row.corp_id, row.api_base) != stored_target:
        # the stored secret is never sent to an address, app or vendor it was not given for
        raise ValidationError(
            {
                "secret": _(
                    "The messenger, the corp id or the API address changed: give the app's "
                    "secret again."
                )
            }
        )
    if not row.department_code_prefix:
        row.department_code_prefix = DEFAULT_PREFIX[row.vendor]
    if secret:
        row.secret_encrypted = seal(secret)
    if not row.secret_encrypted:
        raise ValidationError({"secret": _("Give the app's secret.")})
    duplicate = MessengerConfig.objects.filter(vendor=row.vendor, corp_id=row.corp_id)
    if duplicate.exclude(pk=row.pk).exists():
        raise ValidationError({"corp_id": _("This enterprise is connected already.")})
    row.updated_at = timezone.now()
    row.save()
    audit_record(
        actor=actor,
        action="messenger.create" if creating else "messenger.update",
        target=row,
        before=before,
        after=snapshot(row, CONFIG_FIELDS),
        extra={"secret_changed": bool(secret)},
    )
    return row


def http_loopback() -> bool:
    return bool(settings.GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK or settings.DEBUG)


# --- sign-in ---------------------------------------------------------------------------


def sign_in_start(
    *, request: HttpRequest, config: MessengerConfig, redirect_uri: str, in_app: bool, next_url: str
) -> str:
    """The vendor's address to send the browser to; the state it carries is bound to
    this session and good once, for ten minutes."""
    state = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {
        "state": state,
        "config": config.pk,
        "at": time.time(),
        "next": next_url,
        "redirect": redirect_uri,  # Feishu wants it again with the code
    }
    return provider_for(config).authorize_url(redirect_uri=redirect_uri, state=state, in_app=in_app)


class SignInRefusedError(Exception):
    """`reason`: state, no_code, unlinked, inactive, privileged, office, locked,
    vendor, password, taken."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SignedIn:
    user: Any
    next_url: str


def _take_state(request: HttpRequest, config: MessengerConfig, state: str) -> tuple[str, str]:
    """The stored state is removed whatever the outcome: a replayed state finds none."""
    stored = request.session.pop(SESSION_KEY, None)
    if (
        not isinstance(stored, dict)
        or not state
        or not secrets.compare_digest(str(stored.get("state", "")), state)
        or stored.get("config") != config.pk
        or time.time() - float(stored.get("at", 0)) > STATE_SECONDS
    ):
        raise SignInRefusedError("state")
    return str(stored.get("next") or ""), str(stored.get("redirect") or "")


def _linked(config: MessengerConfig, user_id: str) -> Any:
    """The employee linked to this messenger user, or None. Only a link made by the
    person (password once, see `messenger_link`) or confirmed by the administrator in
    a contact sync counts: an equal employee number or mobile number never does."""
    account = (
        MessengerAccount.objects.filter(config=config, external_user_id=user_id)
        .values_list("user_id", flat=True)
        .first()
    )
    if account is None:
        return None
    return accounts.users_by_ids([account]).first()


def _sign_in(request: HttpRequest, config: MessengerConfig, user: Any, next_url: str) -> SignedIn:
    if not user.is_active:
        raise SignInRefusedError("inactive")
    if (reason := sign_in_refusal(user, config)) is not None:
        raise SignInRefusedError(reason)
    signed = authenticate(
        request, username=user.employee_number, vouched=Vouched(user=user, config_id=config.pk)
    )
    if signed is None:
        raise SignInRefusedError(
            "locked" if getattr(request, "axes_locked_out", False) else "inactive"
        )
    with transaction.atomic():
        login(request, signed)
        request.session[OPENED_KEY] = {"config": config.pk, "checked": time.time()}
        audit_record(
            actor=signed,
            action="user.sign_in_messenger",
            target=signed,
            extra={"messenger": config.vendor, "config": config.pk},
        )
    return SignedIn(user=signed, next_url=next_url)


def messenger_sign_in(
    *, request: HttpRequest, config: MessengerConfig, code: str, state: str
) -> SignedIn:
    """Finish the OAuth code flow: check the state, ask the vendor who the code belongs
    to, find the employee linked to that messenger account and sign them in through the
    same backend chain as the password form (lockout, sign-in records, a new session
    key). A messenger account linked to nobody is kept in the session for ten minutes
    and refused as "unlinked": the person may link it by signing in with their password
    once (`messenger_link`)."""
    next_url, redirect_uri = _take_state(request, config, state)
    if not code or len(code) > 512:  # the person declined, or the address was mangled
        raise SignInRefusedError("no_code")
    try:
        person = provider_for(config).person_for_code(code, redirect_uri=redirect_uri)
    except MessengerError as error:
        raise SignInRefusedError("vendor", error.kind) from error
    user = _linked(config, person.user_id)
    if user is None:
        request.session[PENDING_KEY] = {
            "config": config.pk,
            "user_id": person.user_id,
            "at": time.time(),
            "next": next_url,
        }
        raise SignInRefusedError("unlinked")
    return _sign_in(request, config, user, next_url)


def pending_link(request: HttpRequest, config: MessengerConfig) -> dict[str, Any] | None:
    """The messenger account this session was vouched for and may link, if still fresh."""
    stored = request.session.get(PENDING_KEY)
    if (
        not isinstance(stored, dict)
        or stored.get("config") != config.pk
        or time.time() - float(stored.get("at", 0)) > STATE_SECONDS
    ):
        return None
    return stored


def messenger_link(
    *, request: HttpRequest, config: MessengerConfig, employee_number: str, password: str
) -> SignedIn:
    """Link the messenger account this session was vouched for to the employee who
    proves it is them with their password (through the password form's backend chain:
    lockout and sign-in records apply), then sign them in. The administrator and staff
    are never linked, nor office holders unless the connection allows them
    (`policy.sign_in_refusal`): then nothing is linked and nobody is signed in."""
    pending = pending_link(request, config)
    if pending is None:
        raise SignInRefusedError("state")
    signed = authenticate(request, username=employee_number, password=password)
    if signed is None:
        raise SignInRefusedError(
            "locked" if getattr(request, "axes_locked_out", False) else "password"
        )
    if (reason := sign_in_refusal(signed, config)) is not None:
        request.session.pop(PENDING_KEY, None)
        raise SignInRefusedError(reason)
    with transaction.atomic():
        taken = MessengerAccount.objects.select_for_update().filter(
            Q(config=config, external_user_id=pending["user_id"]) | Q(config=config, user=signed)
        )
        if taken.exists():
            request.session.pop(PENDING_KEY, None)
            raise SignInRefusedError("taken")
        account = MessengerAccount.objects.create(
            config=config, user=signed, external_user_id=pending["user_id"]
        )
        request.session.pop(PENDING_KEY, None)
        login(request, signed)
        audit_record(
            actor=signed,
            action="messenger.link",
            target=account,
            extra={"messenger": config.vendor, "config": config.pk},
        )
    return SignedIn(user=signed, next_url=str(pending.get("next") or ""))


# --- contact sync ----------------------------------------------------------------------


def _directory_json(directory: Directory) -> dict[str, Any]:
    return {
        "departments": [
            {"id": d.id, "name": d.name.strip(), "parent": d.parent_id}
            for d in directory.departments
        ],
        "people": [
            {
                "user_id": p.user_id,
                "name": p.name.strip(),
                "mobile": normalise_phone(p.mobile) if p.mobile else "",
                "department": p.department_id,
                "active": p.active,
            }
            for p in directory.people
        ],
    }


def _chunks(values: list[Any]) -> Any:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _compare(config: MessengerConfig, directory: dict[str, Any]) -> tuple[list[str], dict]:
    """Errors and the difference a directory would make to the records now."""
    departments, people = directory["departments"], directory["people"]
    errors = rules.directory_errors(departments, people)
    prefix = config.department_code_prefix
    ids = {d["id"] for d in departments}
    wanted_departments = {
        prefix + d["id"]: {"name": d["name"], "parent": prefix + d["parent"] if d["parent"] else ""}
        for d in departments
    }
    for code in wanted_departments:
        if len(code) > 32:
            errors.append(_("The department code %(code)s is longer than 32.") % {"code": code})
    existing_departments = {
        row["code"]: row for row in orgs.department_rows_with_code_prefix(prefix)
    }
    links = dict(
        MessengerAccount.objects.filter(config=config).values_list("external_user_id", "user_id")
    )
    linked_users: dict[int, str] = {}
    privileged_ids: set[int] = set()
    for chunk in _chunks(list(links.values())):
        for pk, number, superuser, staff in accounts.users_by_ids(chunk).values_list(
            "pk", "employee_number", "is_superuser", "is_staff"
        ):
            linked_users[pk] = number
            if superuser or staff:
                privileged_ids.add(pk)
    # A person not linked yet whose messenger user id equals an employee number on
    # record is not taken to be that employee: the administrator confirms the link.
    unlinked_numbers = sorted(
        {normalise_employee_number(p["user_id"]) for p in people if p["user_id"] not in links}
    )
    holders: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(unlinked_numbers):
        for pk, number, name, superuser, staff in accounts.users_with_employee_numbers(
            chunk
        ).values_list("pk", "employee_number", "name", "is_superuser", "is_staff"):
            holders[number] = {"pk": pk, "name": name, "privileged": superuser or staff}
    # Nor is one whose mobile number is an employee's on record (messengers' user ids are
    # often names, not employee numbers): proposed for confirmation the same way, never
    # added as a second person with that number. Only for a person the directory lists
    # as working there, whose mobile nobody else in the directory has, and an active
    # employee (a number given to someone new after its holder left is not the holder's).
    mobiles = Counter(p["mobile"] for p in people if p["mobile"])
    wanted_mobiles = sorted(
        p["mobile"]
        for p in people
        if mobiles[p["mobile"]] == 1
        and p["active"]
        and p["user_id"] not in links
        and normalise_employee_number(p["user_id"]) not in holders
        and is_valid_mobile(p["mobile"])
    )
    mobile_holders: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(wanted_mobiles):
        for pk, number, name, phone, active, superuser, staff in accounts.users_with_phones(
            chunk
        ).values_list(
            "pk", "employee_number", "name", "phone", "is_active", "is_superuser", "is_staff"
        ):
            if active and number not in holders:  # not proposed by number to another
                mobile_holders[str(phone)] = {
                    "pk": pk,
                    "number": number,
                    "name": name,
                    "privileged": superuser or staff,
                }
    wanted_people: dict[str, dict[str, Any]] = {}
    to_confirm: list[dict[str, Any]] = []
    untouched: list[dict[str, Any]] = []
    for person in people:
        linked_pk = links.get(person["user_id"])
        if linked_pk in privileged_ids:
            untouched.append({"number": linked_users[linked_pk], "user_id": person["user_id"]})
            continue
        number = linked_users.get(linked_pk or 0) or normalise_employee_number(person["user_id"])
        holder, by = (holders.get(number), "number") if linked_pk is None else (None, "")
        if holder is None and linked_pk is None and person["mobile"] in mobile_holders:
            holder, by = mobile_holders[person["mobile"]], "mobile"
            number = holder["number"]
        if holder is None and not is_valid_employee_number(number):
            errors.append(
                _(
                    "Person %(user_id)s: the messenger's user id is not a usable employee "
                    "number (1 to 32 letters, digits, - or _)."
                )
                % person
            )
            continue
        if holder is not None:
            row = {"number": number, "name": holder["name"], "user_id": person["user_id"]}
            # linked to another account of this messenger already: left alone too
            alone = holder["privileged"] or holder["pk"] in linked_users
            if alone:
                untouched.append(row)
            else:  # with the name the messenger gives, to be judged the same person
                to_confirm.append({**row, "by": by, "messenger_name": person["name"]})
            continue
        if person["mobile"] and not is_valid_mobile(person["mobile"]):
            person = {**person, "mobile": ""}
        wanted_people[number] = {
            "user_id": person["user_id"],
            "name": person["name"],
            "department": prefix + person["department"] if person["department"] in ids else "",
            "phone": person["mobile"],
            "active": person["active"],
        }
    leavable = {number for pk, number in linked_users.items() if pk not in privileged_ids}
    numbers = sorted(set(wanted_people) | leavable)
    existing_people: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(numbers):
        for number, name, department, phone, active in accounts.users_with_employee_numbers(
            chunk
        ).values_list("employee_number", "name", "department__code", "phone", "is_active"):
            existing_people[number] = {
                "name": name,
                "department": department or "",
                "phone": phone or "",
                "active": active,
            }
    people_diff = rules.person_diff(wanted_people, existing_people, leavable)
    people_diff["to_confirm"] = sorted(to_confirm, key=lambda row: row["number"])
    people_diff["untouched"] = sorted(untouched, key=lambda row: row["number"])
    diff = {
        "departments": rules.department_diff(wanted_departments, existing_departments),
        "people": people_diff,
    }
    return errors, diff


def sync_plan(*, actor: Any, config: MessengerConfig) -> SyncRun:
    """Read the directory and record what applying it would change (a dry run). Nothing
    is written to the department tree or to anyone's record, and nothing is sent to the
    messenger."""
    try:
        directory = _directory_json(provider_for(config).directory())
    except MessengerError as error:
        raise ValidationError(vendor_message(error)) from error
    errors, diff = _compare(config, directory)
    run = SyncRun.objects.create(
        config=config,
        created_by=actor,
        directory=directory,
        diff=diff,
        errors=errors,
        status=SyncRun.Status.REFUSED if errors else SyncRun.Status.PLANNED,
    )
    audit_record(actor=actor, action="messenger.sync_plan", target=run, extra=diff_counts(diff))
    return run


def diff_counts(diff: dict[str, Any]) -> dict[str, int]:
    return {
        f"{part}.{change}": len(rows)
        for part, changes in diff.items()
        for change, rows in changes.items()
    }


class SyncStaleError(Exception):
    """The records changed after the dry run: its difference is no longer the truth."""


# More people leaving at once than this share of those linked (and more than
# LEFT_AT_MOST_UNASKED) is more likely a directory read short than a wave of leavers:
# applied only when the administrator says so.
LEFT_SHARE = 0.2
LEFT_AT_MOST_UNASKED = 5


def many_leave(run: SyncRun) -> bool:
    """Whether applying this run needs the administrator's word that so many left."""
    left = len(run.diff.get("people", {}).get("left", []))
    linked = MessengerAccount.objects.filter(config_id=run.config_id).count()
    return left > LEFT_AT_MOST_UNASKED and left > LEFT_SHARE * linked


def sync_apply(
    *,
    actor: Any,
    run: SyncRun,
    confirmed: Collection[str] = (),
    all_confirmed: bool = False,
    many_left_confirmed: bool = False,
) -> SyncRun:
    """Apply a dry run, all or nothing. Refused when the records changed since the dry
    run (run it again) or when the import rules refuse a row. `confirmed`: the
    messenger user ids among the dry run's "to confirm" that the administrator confirmed
    are the employees on record proposed for them (the same number or mobile); linked (and updated by
    the next sync), the others are left alone; `all_confirmed`: every one of them, those
    the page did not list included. When more than a fifth of the people
    linked (and more than five) would leave, `many_left_confirmed` must say so."""
    with transaction.atomic():
        run = locked(run, related=("config",))
        _check_planned(run)
        if many_leave(run) and not many_left_confirmed:
            raise ValidationError(
                _(
                    "%(n)s people would be deactivated as having left, more than a fifth "
                    "of those linked: check the directory was read whole, then confirm "
                    "that they left."
                )
                % {"n": len(run.diff["people"]["left"])}
            )
        errors, diff = _compare(run.config, run.directory)
        if errors or diff != run.diff:
            run.status = SyncRun.Status.STALE
            run.save(update_fields=["status"])
            stale = True
        else:
            stale = False
    if stale:
        raise SyncStaleError
    with transaction.atomic():  # a refused row rolls everything back
        run = locked(run, related=("config",))
        _check_planned(run)  # a second request may have applied it in between
        if all_confirmed:
            confirmed = [row["user_id"] for row in run.diff["people"]["to_confirm"]]
        linked = _apply(actor=actor, run=run, confirmed=set(confirmed))
        run.status = SyncRun.Status.APPLIED
        run.applied_at = timezone.now()
        run.save(update_fields=["status", "applied_at"])
        audit_record(
            actor=actor,
            action="messenger.sync_apply",
            target=run,
            extra={**diff_counts(run.diff), "people.confirmed": linked},
        )
    return run


def _check_planned(run: SyncRun) -> None:
    if run.status != SyncRun.Status.PLANNED:
        raise ValidationError(
            _("This dry run cannot be applied (it is %(status)s).")
            % {"status": run.get_status_display()}
        )


def _apply(*, actor: Any, run: SyncRun, confirmed: set[str]) -> int:
    """Write the dry run; returns how many confirmed links were made."""
    config = run.config
    prefix = config.department_code_prefix
    scope = scope_for(actor)
    departments = [
        {
            "code": prefix + d["id"],
            "name": d["name"],
            "parent": prefix + d["parent"] if d["parent"] else "",
        }
        for d in run.directory["departments"]
    ]
    errors, _counts = import_rows(actor=actor, scope=scope, kind="departments", rows=departments)
    if errors:
        raise ValidationError([f"{e.value}: {e.message}" for e in errors[:20]])
    left = {row["number"] for row in run.diff["people"]["left"]}
    # Never written: the linked administrator and staff, and people on record not
    # linked yet (unless confirmed below, and then only linked).
    skipped = {row["user_id"] for row in run.diff["people"]["to_confirm"]} | {
        row["user_id"] for row in run.diff["people"]["untouched"]
    }
    ids = {d["id"] for d in run.directory["departments"]}
    links = dict(
        MessengerAccount.objects.filter(config=config).values_list("external_user_id", "user_id")
    )
    linked_numbers = dict(
        accounts.users_by_ids(list(links.values())).values_list("pk", "employee_number")
    )
    returning = sorted(row["number"] for row in run.diff["people"].get("returning", []))
    for user in accounts.users_with_employee_numbers(returning):
        if not user.is_active and not is_privileged(user):
            user_update(actor=actor, user=user, is_active=True)
    people = []
    number_of: dict[str, str] = {}
    for person in run.directory["people"]:
        if person["user_id"] in skipped:
            continue
        number = linked_numbers.get(links.get(person["user_id"], 0)) or normalise_employee_number(
            person["user_id"]
        )
        number_of[person["user_id"]] = number
        if not person["active"]:
            continue
        row = {
            "employee_number": number,
            "name": person["name"],
            "department": prefix + person["department"] if person["department"] in ids else "",
        }
        if person["mobile"] and is_valid_mobile(person["mobile"]):
            row["phone"] = person["mobile"]
        people.append(row)
    errors, _counts = import_rows(actor=actor, scope=scope, kind="employees", rows=people)
    if errors:
        raise ValidationError([f"{e.value}: {e.message}" for e in errors[:20]])
    users = {}
    for chunk in _chunks(sorted(set(number_of.values()) | left)):
        users.update({u.employee_number: u for u in accounts.users_with_employee_numbers(chunk)})
    for number in sorted(left):
        leaver = users.get(number)
        if leaver is not None and leaver.is_active and not is_privileged(leaver):
            user_update(actor=actor, user=leaver, is_active=False)
    added = {row["number"] for row in run.diff["people"]["added"]}
    new_links = [
        MessengerAccount(config=config, external_user_id=user_id, user=users[number])
        for user_id, number in number_of.items()
        if number in added and number in users and user_id not in links
    ]
    to_confirm = {row["number"]: row["user_id"] for row in run.diff["people"]["to_confirm"]}
    chosen = sorted(number for number, user_id in to_confirm.items() if user_id in confirmed)
    confirmed_links = [
        MessengerAccount(
            config=config, external_user_id=to_confirm[user.employee_number], user=user
        )
        for user in accounts.users_with_employee_numbers(chosen)
        if not is_privileged(user)
    ]
    MessengerAccount.objects.bulk_create(new_links + confirmed_links, batch_size=CHUNK)
    return len(confirmed_links)


# --- messages --------------------------------------------------------------------------


def message_send(*, user: Any, title: str, body: str, url: str) -> int:
    """Send a notice to a person through every messenger app they chose for notices.
    Returns how many apps took it; raises MessengerError from the first that refused."""
    sent = 0
    for account in MessengerAccount.objects.filter(
        user=user, wants_messages=True, config__is_active=True, config__messages_enabled=True
    ).select_related("config"):
        provider_for(account.config).send_text(
            user_id=account.external_user_id, title=title[:128], body=body[:512], url=url
        )
        sent += 1
    return sent


@transaction.atomic
def message_preference_set(*, user: Any, config: MessengerConfig, wanted: bool) -> None:
    account = MessengerAccount.objects.select_for_update().filter(config=config, user=user).first()
    if account is None:
        raise ValidationError(_("Sign in through this messenger once to link your account."))
    account.wants_messages = wanted
    account.save(update_fields=["wants_messages"])
    audit_record(
        actor=user,
        action="messenger.messages_preference",
        target=account,
        after={"wants_messages": wanted},
    )


def vendor_message(error: MessengerError) -> str:
    return {
        "token": _("The messenger refused the corp id or the secret; check them and save again."),
        "expired": _("The messenger kept refusing its access token; try again later."),
        "rate_limited": _(
            "The messenger says there were too many requests; try again in a minute."
        ),
        "not_found": _("The messenger does not know this person."),
        "bad_code": _("The messenger did not accept the sign-in code; start the sign-in again."),
        "network": _("The messenger could not be reached; check the address and the network."),
    }.get(
        error.kind, _("The messenger refused the request (%(detail)s).") % {"detail": error.detail}
    )
