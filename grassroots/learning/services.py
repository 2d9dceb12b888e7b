"""Every write in learning: materials and courses (by officers), a person marking a
material studied (which completes a course when it was the last one), and training
taken elsewhere with its certificate. Atomic and audited; nothing half-saved."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.identity import normalise_employee_number
from grassroots.appeals import uploads
from grassroots.core import parameters
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.learning import rule_parameters, rules
from grassroots.learning.models import (
    TEXT_MAX,
    TITLE_MAX,
    Course,
    CourseCompletion,
    CourseMaterial,
    ExternalTraining,
    Material,
    NamedLearner,
    Study,
)
from grassroots.learning.tallies import tallies_refresh
from grassroots.learning.vocabulary import Audience, MaterialKind

if TYPE_CHECKING:
    from grassroots.orgs.models import Member, OrgUnit

MATERIAL_FIELDS = ("unit", "title", "kind", "url", "body", "plain_text", "file_name")
COURSE_FIELDS = ("unit", "title", "description", "hours", "audience")
EXTERNAL_FIELDS = ("member", "title", "hours", "taken_on", "certificate_name")
FILE_MAX_BYTES = 10 * 1024 * 1024
NAMED_MAX = 500


def media_max_bytes() -> int:
    return int(parameters.value(rule_parameters.MEDIA_MAX_MB.key)) * 1024 * 1024


def document_max_bytes() -> int:
    return FILE_MAX_BYTES


def file_max_bytes() -> int:
    """The largest file the material and training forms take (the media limit when it
    is larger: each kind's own limit is checked in the service)."""
    return max(FILE_MAX_BYTES, media_max_bytes())


def _text_errors(**fields: tuple[str, int, bool]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, (text, limit, required) in fields.items():
        if required and not text.strip():
            errors[name] = _("This field is required.")
        elif len(text) > limit:
            errors[name] = _("Keep this to %(max)d characters.") % {"max": limit}
    return errors


def _hours_errors(hours: Decimal | None, *, allow_zero: bool = False) -> str | None:
    problem = rules.hours_error(hours)
    if problem == "not_positive" and allow_zero and hours == 0:
        return None
    if problem == "missing":
        return _("Give the training hours.")
    if problem == "not_positive":
        return _("Training hours must be more than zero.")
    if problem == "too_many":
        return _("Training hours must be at most %(max)s.") % {"max": rules.HOURS_MAX}
    return None


def _checked(upload: Any, field: str, *, kind: str = MaterialKind.DOCUMENT) -> uploads.CheckedFile:
    """A document checked and cleaned, or a video or audio file identified by its
    content (appeals' upload checks, one set for every app); a ValidationError on
    `field` otherwise."""
    try:
        if kind in (MaterialKind.VIDEO, MaterialKind.AUDIO):
            family = uploads.VIDEO if kind == MaterialKind.VIDEO else uploads.AUDIO
            return uploads.check_media(upload, max_bytes=media_max_bytes(), family=family)
        return uploads.check_upload(upload, max_bytes=FILE_MAX_BYTES)
    except uploads.UploadError as error:
        raise ValidationError({field: str(error)}) from None


def _is_web_address(url: str) -> bool:
    """An http or https address (a learner follows it: never javascript: or data:)."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def material_errors(
    *, title: str, kind: str, url: str, body: str, plain_text: str, has_file: bool
) -> dict[str, str]:
    errors = _text_errors(
        title=(title, TITLE_MAX, True),
        body=(body, TEXT_MAX, False),
        plain_text=(plain_text, TEXT_MAX, True),
    )
    if len(url) > 500:
        errors["url"] = _("Keep this to %(max)d characters.") % {"max": 500}
    elif url.strip() and not _is_web_address(url.strip()):
        errors["url"] = _("Give a web address that starts with http:// or https://.")
    if kind not in MaterialKind.values:
        errors["kind"] = _("Choose a kind of material.")
    elif kind in (MaterialKind.VIDEO, MaterialKind.AUDIO) and not (url.strip() or has_file):
        errors["file"] = _("Upload the video or audio file, or give its web address.")
    elif kind == MaterialKind.LINK and not url.strip():
        errors["url"] = _("Give the web address where it can be watched, heard or read.")
    elif kind == MaterialKind.DOCUMENT and not has_file:
        errors["file"] = _("Attach the document (PDF or picture).")
    elif kind == MaterialKind.TEXT and not body.strip():
        errors["body"] = _("Write the text.")
    return errors


def material_create(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    kind: str,
    url: str = "",
    body: str = "",
    plain_text: str,
    upload: Any = None,
    idempotency_key: str | None = None,
) -> Material:
    """A material for the unit's courses. The caller checks the actor may author for
    the unit (policy.can_author)."""
    if idempotency_key:
        earlier = Material.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    errors = material_errors(
        title=title,
        kind=kind,
        url=url,
        body=body,
        plain_text=plain_text,
        has_file=upload is not None,
    )
    if errors:
        raise ValidationError(errors)
    checked = _checked(upload, "file", kind=kind) if upload is not None else None
    with transaction.atomic():
        material = Material(
            unit=unit,
            title=title.strip(),
            kind=kind,
            url=url.strip(),
            body=body.strip(),
            plain_text=plain_text.strip(),
            created_by=actor,
            idempotency_key=idempotency_key or None,
        )
        if checked is not None:
            material.file_name = checked.name
            material.content_type = checked.content_type
            material.file.save(checked.name, checked.content, save=False)
        material.save()
        audit_record(
            actor=actor,
            action="learning.material_create",
            target=material,
            after=snapshot(material, MATERIAL_FIELDS),
            org_path=unit.path,
        )
    return material


def material_update(
    *,
    actor: Any,
    material: Material,
    title: str,
    url: str = "",
    body: str = "",
    plain_text: str,
    upload: Any = None,
) -> Material:
    errors = material_errors(
        title=title,
        kind=material.kind,
        url=url,
        body=body,
        plain_text=plain_text,
        has_file=upload is not None or bool(material.file),
    )
    if errors:
        raise ValidationError(errors)
    checked = _checked(upload, "file", kind=material.kind) if upload is not None else None
    with transaction.atomic():
        material = locked(material)
        before = snapshot(material, MATERIAL_FIELDS)
        material.title, material.url = title.strip(), url.strip()
        material.body, material.plain_text = body.strip(), plain_text.strip()
        if checked is not None:
            material.file_name = checked.name
            material.content_type = checked.content_type
            material.file.save(checked.name, checked.content, save=False)
        material.save()
        audit_record(
            actor=actor,
            action="learning.material_update",
            target=material,
            before=before,
            after=snapshot(material, MATERIAL_FIELDS),
            org_path=material.unit.path,
        )
    return material


def _course_errors(
    *,
    title: str,
    description: str,
    hours: Decimal | None,
    audience: str,
    materials: Sequence[Material],
) -> dict[str, str]:
    errors = _text_errors(title=(title, TITLE_MAX, True), description=(description, 5000, False))
    problem = _hours_errors(hours, allow_zero=True)
    if problem:
        errors["hours"] = problem
    if audience not in Audience.values:
        errors["audience"] = _("Choose who the course is for.")
    if not materials:
        errors["materials"] = _("Choose at least one material.")
    elif len({material.pk for material in materials}) != len(materials):
        errors["materials"] = _("A material can be in a course only once.")
    return errors


def employee_numbers(text: str) -> list[str]:
    """Employee numbers written one a line or separated by commas, spaces or 、."""
    found: list[str] = []
    for raw in re.split(r"[\s,，;；、]+", text):
        number = normalise_employee_number(raw)
        if number and number not in found:
            found.append(number)
    return found


def _named_members(unit: OrgUnit, audience: str, numbers: Sequence[str]) -> list[Member]:
    """The people a named-people course is for, each a member record of the course's
    organisation or one below it; anyone else is refused by number (the author's scope
    is the course's organisation, so nobody outside it can be named)."""
    from grassroots.learning import selectors

    if audience != Audience.NAMED:
        return []
    if not numbers:
        raise ValidationError({"named": _("Give the employee number of each person.")})
    if len(numbers) > NAMED_MAX:
        raise ValidationError(
            {"named": _("Name at most %(max)d people in one course.") % {"max": NAMED_MAX}}
        )
    found = selectors.members_to_name(unit, numbers)
    missing = [number for number in numbers if number not in found]
    if missing:
        raise ValidationError(
            {
                "named": _(
                    "Not a member of %(unit)s or an organisation below it: %(numbers)s. "
                    "Only people there can be named."
                )
                % {"unit": unit.name, "numbers": "、".join(missing)}
            }
        )
    return [found[number] for number in numbers]


def _set_learners(course: Course, materials: Sequence[Material], named: Sequence[Member]) -> None:
    """The course's materials in the order given, and the people it names (none unless
    its audience is named people): what was there before is replaced."""
    course.items.all().delete()
    CourseMaterial.objects.bulk_create(
        [
            CourseMaterial(course=course, material=material, position=number)
            for number, material in enumerate(materials, start=1)
        ]
    )
    course.named.all().delete()
    NamedLearner.objects.bulk_create([NamedLearner(course=course, member=m) for m in named])


def course_create(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    description: str = "",
    hours: Decimal | None,
    audience: str,
    materials: Sequence[Material],
    named: Sequence[str] = (),
    idempotency_key: str | None = None,
) -> Course:
    """A course of materials, in the order given. The caller checks the actor may
    author for the unit and that the materials are ones they may use. `named`: the
    employee numbers of the people a named-people course is for."""
    if idempotency_key:
        earlier = Course.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    materials = list(materials)
    errors = _course_errors(
        title=title, description=description, hours=hours, audience=audience, materials=materials
    )
    if errors:
        raise ValidationError(errors)
    assert hours is not None
    people = _named_members(unit, audience, named)
    with transaction.atomic():
        course = Course.objects.create(
            unit=unit,
            title=title.strip(),
            description=description.strip(),
            hours=hours,
            audience=audience,
            created_by=actor,
            idempotency_key=idempotency_key or None,
        )
        _set_learners(course, materials, people)
        audit_record(
            actor=actor,
            action="learning.course_create",
            target=course,
            after=snapshot(course, COURSE_FIELDS),
            org_path=unit.path,
            extra={
                "materials": [material.pk for material in materials],
                "named": [member.pk for member in people],
            },
        )
        _complete_where_studied(actor, course, today=timezone.localdate())
    return course


def course_update(
    *,
    actor: Any,
    course: Course,
    title: str,
    description: str = "",
    hours: Decimal | None,
    audience: str,
    materials: Sequence[Material],
    named: Sequence[str] = (),
) -> Course:
    """Change a course. Completions already recorded stand (their hours were earned)."""
    materials = list(materials)
    errors = _course_errors(
        title=title, description=description, hours=hours, audience=audience, materials=materials
    )
    if errors:
        raise ValidationError(errors)
    assert hours is not None
    people = _named_members(course.unit, audience, named)
    with transaction.atomic():
        course = locked(course)
        before = snapshot(course, COURSE_FIELDS)
        before_materials = list(
            course.items.order_by("position").values_list("material_id", flat=True)
        )
        course.title, course.description = title.strip(), description.strip()
        course.hours, course.audience = hours, audience
        course.save()
        _set_learners(course, materials, people)
        audit_record(
            actor=actor,
            action="learning.course_update",
            target=course,
            before=before,
            after=snapshot(course, COURSE_FIELDS),
            org_path=course.unit.path,
            extra={
                "materials": [before_materials, [material.pk for material in materials]],
                "named": [member.pk for member in people],
            },
        )
        _complete_where_studied(actor, course, today=timezone.localdate())
    return course


def _complete_where_studied(actor: Any, course: Course, *, today: datetime.date) -> int:
    """Record the course completed today for everyone in its audience who has already
    studied all its materials (a course made, or changed, from materials people studied
    before): their hours are earned now, as if they had marked the last one today.
    Someone outside the audience who studied the same materials (for another course)
    earns nothing from this one. A fixed number of queries, however many people."""
    from grassroots.learning import selectors

    material_ids = set(course.items.values_list("material_id", flat=True))
    if not material_ids:
        return 0
    finished = (
        Study.objects.filter(material_id__in=material_ids)
        .order_by()
        .values("member_id")
        .annotate(n=Count("material_id", distinct=True))
        .filter(n=len(material_ids))
        .exclude(member_id__in=course.completions.values("member_id"))
        .values_list("member_id", flat=True)
    )
    for_them = sorted(selectors.in_audience_ids(course, list(finished), today=today))
    made = CourseCompletion.objects.bulk_create(
        [
            CourseCompletion(
                member_id=member_id, course=course, completed_on=today, hours=course.hours
            )
            for member_id in for_them
        ],
        ignore_conflicts=True,
    )
    if made:
        audit_record(
            actor=actor,
            action="learning.course_complete",
            target=course,
            extra={"completed_on": today.isoformat(), "people": len(made)},
        )
        tallies_refresh([row.member_id for row in made], [today.year], today=today)
    return len(made)


def study_mark(
    *, actor: Any, member: Member, material: Material, today: datetime.date | None = None
) -> list[Course]:
    """The person says they studied the material. Marking twice changes nothing. Each
    course of theirs this completes is recorded completed today; returns those. The
    caller checks the material is in a course assigned to them."""
    from grassroots.learning import selectors

    today = today or timezone.localdate()
    completed: list[Course] = []
    with transaction.atomic():
        try:
            with transaction.atomic():
                study = Study.objects.create(member=member, material=material, studied_on=today)
        except IntegrityError:
            return []
        audit_record(
            actor=actor,
            action="learning.study",
            target=study,
            after={"material": material.pk, "studied_on": today.isoformat()},
        )
        for course in selectors.courses_for(member, today=today).filter(items__material=material):
            material_ids = [item.material_id for item in course.items.all()]
            if len(selectors.studied_ids(member, material_ids)) < len(material_ids):
                continue
            _, created = CourseCompletion.objects.get_or_create(
                member=member,
                course=course,
                defaults={"completed_on": today, "hours": course.hours},
            )
            if created:
                completed.append(course)
                audit_record(
                    actor=actor,
                    action="learning.course_complete",
                    target=course,
                    extra={"completed_on": today.isoformat()},
                )
        if completed:
            tallies_refresh([member.pk], [today.year], today=today)
    return completed


def external_training_add(
    *,
    actor: Any,
    member: Member,
    title: str,
    hours: Decimal | None,
    taken_on: datetime.date | None,
    certificate: Any,
    today: datetime.date | None = None,
    idempotency_key: str | None = None,
) -> ExternalTraining:
    """Training elsewhere, entered by the person or an officer over them (the caller
    checks which). A certificate is required; a day in the future is refused."""
    if idempotency_key:
        earlier = ExternalTraining.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    today = today or timezone.localdate()
    errors = _text_errors(title=(title, TITLE_MAX, True))
    problem = _hours_errors(hours)
    if problem:
        errors["hours"] = problem
    if taken_on is None:
        errors["taken_on"] = _("Give the date of the training.")
    elif taken_on > today:
        errors["taken_on"] = _("The training cannot be in the future.")
    if certificate is None:
        errors["certificate"] = _("Attach the certificate (PDF or photo).")
    if errors:
        raise ValidationError(errors)
    assert hours is not None and taken_on is not None
    checked = _checked(certificate, "certificate")
    with transaction.atomic():
        record = ExternalTraining(
            member=member,
            title=title.strip(),
            hours=hours,
            taken_on=taken_on,
            certificate_name=checked.name,
            content_type=checked.content_type,
            entered_by=actor,
            idempotency_key=idempotency_key or None,
        )
        record.certificate.save(checked.name, checked.content, save=False)
        record.save()
        audit_record(
            actor=actor,
            action="learning.external_add",
            target=record,
            after=snapshot(record, EXTERNAL_FIELDS),
            org_path=member.branch.path,
        )
        tallies_refresh([member.pk], [taken_on.year], today=today)
    return record
