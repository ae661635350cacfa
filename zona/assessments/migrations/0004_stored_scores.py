# Placeholder: filled in by the stored-scores work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_import_jobs")]
    operations: list = []
