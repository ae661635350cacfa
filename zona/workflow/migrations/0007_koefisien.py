# Placeholder: filled in by the koefisien workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0006_desk")]
    operations: list = []
