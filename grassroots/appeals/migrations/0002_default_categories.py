"""The default categories of RULES.md, each with the default deadlines."""

from django.db import migrations

from grassroots.appeals.migrations._defaults import create_categories


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
