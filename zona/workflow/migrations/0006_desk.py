# Placeholder: filled in by the desk workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_comments")]
    operations: list = []
