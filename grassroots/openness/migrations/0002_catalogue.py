"""The openness catalogue every enterprise starts with (openness.catalogue)."""

from django.db import migrations


def seed(apps, schema_editor):
    from grassroots.openness.catalogue.defaults import catalogue_sync

    catalogue_sync(apps.get_model("openness", "CatalogueItem"))


class Migration(migrations.Migration):
    dependencies = [("openness", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
