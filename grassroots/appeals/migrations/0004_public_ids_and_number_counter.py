# Public ids for appeals, their co-handling tasks and their files, and the counter of
# named appeal numbers. In three steps, as a unique column is added to rows that exist:
# here the column, empty; 0005 fills it (and what links to the rows by their primary
# key); 0006 makes it required and unique.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0003_queue_and_rate_indexes_rate_months"),
    ]

    operations = [
        migrations.CreateModel(
            name="NumberCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(unique=True)),
                ("last", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="appeal",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.AddField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.AddField(
            model_name="cohandling",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
    ]
