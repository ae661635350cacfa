# Placeholder: filled in by the exports workstream.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("assessments", "0004_stored_scores")]
    operations: list = []
