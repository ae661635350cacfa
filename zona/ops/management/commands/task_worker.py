"""`manage.py task_worker`: django-tasks' db_worker, named by host and pid, that first puts
back the tasks of this host's dead workers (zona.ops.workers). Takes db_worker's options."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from zona.ops.workers import requeue_orphans, worker_id


class Command(DbWorkerCommand):
    help = "Run a background task worker (several may run at once, on one or more machines)"

    def handle(self, *args: Any, **options: Any) -> None:
        # db_worker's default id is drawn once at import; ours names the process.
        options["worker_id"] = worker_id()
        requeued, failed = requeue_orphans()
        if requeued or failed:
            self.stderr.write(f"Dead workers' tasks: {requeued} requeued, {failed} failed.")
        super().handle(*args, **options)
