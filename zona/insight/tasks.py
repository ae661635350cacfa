"""Background work of the insight app, run by the database worker (`make run`)."""

from __future__ import annotations

from django_tasks import task


@task()
def export_run(job_id: int) -> None:
    """Write a queued export; its page polls the job for progress and the file."""
    from zona.core.db_router import replica_reads
    from zona.insight.services.exports import export_job_run

    # Reads may go to a read replica when one is configured (docs/scaling.md); the job's own
    # claim and progress are written, so they stay on the primary.
    with replica_reads():
        export_job_run(job_id=job_id)
