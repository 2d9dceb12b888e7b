# The public ids filled by 0005: now required, unique, and drawn for every new row.

import grassroots.core.public_ids
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_fill_public_ids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="public_id",
            field=models.CharField(
                default=grassroots.core.public_ids.new_public_id, editable=False, max_length=16
            ),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(
                default=grassroots.core.public_ids.new_public_id, editable=False, max_length=16
            ),
        ),
        migrations.AlterField(
            model_name="cohandling",
            name="public_id",
            field=models.CharField(
                default=grassroots.core.public_ids.new_public_id, editable=False, max_length=16
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.UniqueConstraint(fields=("public_id",), name="appeal_public_id_unique"),
        ),
        migrations.AddConstraint(
            model_name="attachment",
            constraint=models.UniqueConstraint(
                fields=("public_id",), name="attachment_public_id_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="cohandling",
            constraint=models.UniqueConstraint(
                fields=("public_id",), name="cohandling_public_id_unique"
            ),
        ),
    ]
