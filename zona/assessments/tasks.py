"""Background work of the assessments app, run by the database worker (`make run`)."""

from __future__ import annotations

from django_tasks import task


@task()
def excel_import_run(job_id: int) -> None:
    """Apply a queued Excel import; its page polls the job for progress and the outcome."""
    from zona.assessments.services.excel_import import import_job_run

    import_job_run(job_id=job_id)
