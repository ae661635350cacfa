"""Background documents of the insight app (the database worker runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def lke_files_run(job_id: int) -> None:
    """Write an agency's LKE files (a zip of a subtree's sheets); its page polls the job."""
    from zona.core.db_router import replica_reads
    from zona.insight.documents.lke_files import lke_files_run as run

    with replica_reads():  # as the recap export does (zona/insight/tasks.py)
        run(job_id=job_id)
