"""Items as the resource contract has them: name 1-100 characters, a nullable description
of at most 1000, a quantity; price, availability and timestamps go.

Existing rows are carried over: names longer than 100 characters are cut to 100 (the
column could not shrink otherwise) and empty descriptions become null.
"""

import django.core.validators
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models.functions import Length, Substr


# The app's label is its package's name, the first part of this module's.
APP_LABEL = __name__.split(".")[0]


def fit_existing_items(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    items = apps.get_model(APP_LABEL, "Item").objects
    items.filter(description="").update(description=None)
    long_names = items.annotate(name_length=Length("name")).filter(name_length__gt=100)
    long_names.update(name=Substr("name", 1, 100))


class Migration(migrations.Migration):
    dependencies = [
        (APP_LABEL, "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="item",
            name="description",
            field=models.TextField(blank=True, max_length=1000, null=True),
        ),
        migrations.RunPython(fit_existing_items, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="item",
            name="name",
            field=models.CharField(max_length=100),
        ),
        migrations.RemoveField(model_name="item", name="price"),
        migrations.RemoveField(model_name="item", name="is_available"),
        migrations.RemoveField(model_name="item", name="created_at"),
        migrations.RemoveField(model_name="item", name="updated_at"),
        migrations.AddField(
            model_name="item",
            name="quantity",
            field=models.PositiveIntegerField(
                default=0,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(1000000),
                ],
            ),
        ),
    ]
