# Every appeal, co-handling task and file gets its public id, and what named them by
# their primary key is rewritten to name them by it: the links and event keys of
# notices and deliveries ("/appeals/handle/123/" → "/appeals/handle/<public id>/"), the
# audit log's target ids and the appeal ids in its recorded changes. The counter of
# named numbers starts, for each year, after the highest named number given in it.
# Backwards, the same rewriting the other way. Portable: plain ORM on SQLite and
# PostgreSQL, in chunks.

import re
import secrets

from django.db import migrations
from django.db.models import BigIntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # as grassroots.core.public_ids, frozen here
LENGTH = 16
CHUNK = 2000

NOTICE_URL = re.compile(r"^/appeals/(handle|mine)/([^/]+)/$")
KEY_APPEAL = re.compile(r"(?<![a-z_])appeal:([0-9a-z]+)(?=:|$)")
KEY_TASK = re.compile(r":co:([0-9a-z]+)(?=:|$)")
NAMED_NUMBER = re.compile(r"^SQ([0-9]{4})([0-9]{6,})$")


def _new_id(taken):
    while True:
        value = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if value not in taken:
            taken.add(value)
            return value


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _fill(model):
    taken = set(model.objects.exclude(public_id=None).values_list("public_id", flat=True))
    missing = model.objects.filter(public_id=None).order_by("pk").values_list("pk", flat=True)
    for pks in _chunks(missing):
        model.objects.bulk_update([model(pk=pk, public_id=_new_id(taken)) for pk in pks], ["public_id"])


class Names:
    """Primary key ↔ public id of appeals and co-handling tasks, read as needed."""

    def __init__(self, apps, to_public):
        self.models = {
            "appeal": apps.get_model("appeals", "Appeal"),
            "task": apps.get_model("appeals", "CoHandling"),
        }
        self.to_public = to_public
        self.known = {"appeal": {}, "task": {}}

    def load(self, kind, names):
        model, known = self.models[kind], self.known[kind]
        wanted = {name for name in names if name not in known}
        if self.to_public:
            wanted = [int(name) for name in wanted if name.isdigit()]
            rows = model.objects.filter(pk__in=wanted).values_list("pk", "public_id")
        else:
            rows = model.objects.filter(public_id__in=wanted).values_list("public_id", "pk")
        for old, new in rows:
            known[str(old)] = str(new)

    def get(self, kind, name):
        return self.known[kind].get(name, name)


def _url(names, url):
    match = NOTICE_URL.match(url or "")
    if not match:
        return url
    return f"/appeals/{match[1]}/{names.get('appeal', match[2])}/"


def _key(names, key):
    key = KEY_APPEAL.sub(lambda m: f"appeal:{names.get('appeal', m[1])}", key)
    return KEY_TASK.sub(lambda m: f":co:{names.get('task', m[1])}", key)


def _rewrite_notices(model, names, key_length):
    shape = r"^/appeals/(handle|mine)/[^/]+/$"
    candidates = (
        model.objects.filter(Q(url__regex=shape) | Q(dedupe_key__contains="appeal:"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pks in _chunks(candidates):
        rows = list(model.objects.filter(pk__in=pks).values_list("pk", "url", "dedupe_key"))
        appeals, tasks = set(), set()
        for _pk, url, key in rows:
            match = NOTICE_URL.match(url or "")
            if match:
                appeals.add(match[2])
            appeals.update(m[1] for m in KEY_APPEAL.finditer(key))
            tasks.update(m[1] for m in KEY_TASK.finditer(key))
        names.load("appeal", appeals)
        names.load("task", tasks)
        changed = []
        for pk, url, key in rows:
            new_url, new_key = _url(names, url), _key(names, key)[:key_length]
            if (new_url, new_key) != (url, key):
                changed.append(model(pk=pk, url=new_url, dedupe_key=new_key))
        model.objects.bulk_update(changed, ["url", "dedupe_key"])


# The audit entries that name appeals in their recorded changes, and under which key.
AUDIT_CHANGES = {"appeal.merge": "into", "pairing.visit_appeal": "appeal", "deed.create": "appeals"}


def _rewrite_audit(apps, names, to_public):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for model_name in ("appeal", "attachment"):
        kind = ContentType.objects.filter(app_label="appeals", model=model_name).first()
        if kind is None:
            continue  # a new database: no entry can name one yet
        model = apps.get_model("appeals", model_name)
        entries = AuditEntry.objects.filter(target_type=kind)
        if to_public:
            # Only primary keys are there before: each one becomes its row's public id.
            entries = entries.filter(target_id__regex=r"^[0-9]+$")
            same = model.objects.filter(pk=Cast(OuterRef("target_id"), BigIntegerField()))
            entries.update(
                target_id=Coalesce(Subquery(same.values("public_id")[:1]), "target_id")
            )
        else:
            same = model.objects.filter(public_id=OuterRef("target_id"))
            entries.exclude(target_id__regex=r"^[0-9]+$").update(
                target_id=Coalesce(
                    Cast(Subquery(same.values("pk")[:1]), model._meta.get_field("public_id")),
                    "target_id",
                )
            )
    for action, field in AUDIT_CHANGES.items():
        for entry in AuditEntry.objects.filter(action=action).order_by("pk"):
            value = (entry.changes or {}).get(field)
            values = value if isinstance(value, list) else [value]
            texts = [str(v) for v in values if v is not None]
            names.load("appeal", texts)
            renamed = [names.get("appeal", text) for text in texts]
            if not to_public:
                renamed = [int(text) if text.isdigit() else text for text in renamed]
            new = sorted(renamed) if isinstance(value, list) else (renamed[0] if renamed else value)
            if new != value:
                entry.changes = {**entry.changes, field: new}
                entry.save(update_fields=["changes"])


def _counters(apps):
    Appeal = apps.get_model("appeals", "Appeal")
    NumberCounter = apps.get_model("appeals", "NumberCounter")
    highest = {}
    numbers = Appeal.objects.filter(number__regex=r"^SQ[0-9]{10,}$").values_list(
        "number", flat=True
    )
    for number in numbers.iterator(chunk_size=CHUNK):
        match = NAMED_NUMBER.match(number)
        if match:
            year, sequence = int(match[1]), int(match[2])
            highest[year] = max(highest.get(year, 0), sequence)
    for year, last in highest.items():
        counter, created = NumberCounter.objects.get_or_create(year=year, defaults={"last": last})
        if not created and counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


def _rewrite(apps, to_public):
    names = Names(apps, to_public)
    _rewrite_notices(apps.get_model("notifications", "Notification"), names, 150)
    _rewrite_notices(apps.get_model("notifications", "Delivery"), names, 200)
    _rewrite_audit(apps, names, to_public)


def forwards(apps, schema_editor):
    for name in ("Appeal", "CoHandling", "Attachment"):
        _fill(apps.get_model("appeals", name))
    _rewrite(apps, to_public=True)
    _counters(apps)


def backwards(apps, schema_editor):
    _rewrite(apps, to_public=False)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0004_public_ids_and_number_counter"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_calendarday"),
        ("notifications", "0002_delivery_attempt_started_at"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
