# Placeholder: filled in by the running-aggregates work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_reporting")]
    operations: list = []
