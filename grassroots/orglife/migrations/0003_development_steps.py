from django.db import migrations


def create_steps(apps, schema_editor):
    from grassroots.orglife.development.rules import STEPS

    DevelopmentStep = apps.get_model("orglife", "DevelopmentStep")
    for step in STEPS:
        DevelopmentStep.objects.get_or_create(
            number=step.number, defaults={"stage": step.stage, "name": step.name}
        )


class Migration(migrations.Migration):
    dependencies = [("orglife", "0002_development")]
    operations = [migrations.RunPython(create_steps, migrations.RunPython.noop)]
