"""Commitment ratings and deed answers move to the one satisfaction scale
(core.satisfaction): partly → fairly, yes → satisfied, no → not; the deed's answer
counters are renamed after the scale. Reversible."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

# old value → value on the one scale, per table and column
COMMITMENT_SCORES = {"partly": "fairly"}
DEED_ANSWERS = {"yes": "satisfied", "partly": "fairly", "no": "not"}

SCALE = [("satisfied", "Satisfied"), ("fairly", "Fairly satisfied"), ("not", "Not satisfied")]


def _rewrite(apps: Any, model: str, field: str, mapping: dict[str, str]) -> None:
    rows = apps.get_model("service", model).objects
    for old, new in mapping.items():
        rows.filter(**{field: old}).update(**{field: new})


def forwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, "CommitmentRating", "score", COMMITMENT_SCORES)
    _rewrite(apps, "DeedRating", "delivered", DEED_ANSWERS)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, "CommitmentRating", "score", {v: k for k, v in COMMITMENT_SCORES.items()})
    _rewrite(apps, "DeedRating", "delivered", {v: k for k, v in DEED_ANSWERS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0002_posts_commitments_pairings_deeds"),
    ]

    operations = [
        # Wide enough for "satisfied" before the values are rewritten.
        migrations.AlterField(
            model_name="deedrating",
            name="delivered",
            field=models.CharField(choices=SCALE, max_length=16, verbose_name="was it delivered?"),
        ),
        migrations.AlterField(
            model_name="commitmentrating",
            name="score",
            field=models.CharField(choices=SCALE, max_length=16, verbose_name="rating"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.RenameField(model_name="deed", old_name="rated_yes", new_name="rated_satisfied"),
        migrations.RenameField(model_name="deed", old_name="rated_partly", new_name="rated_fairly"),
        migrations.RenameField(model_name="deed", old_name="rated_no", new_name="rated_not"),
    ]
