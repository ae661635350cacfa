"""Task workers that may crash: claimed tasks of a dead worker go back to the queue.

django-tasks' database worker claims a task with SELECT ... FOR UPDATE SKIP LOCKED and marks
it RUNNING in the same transaction, so two workers never take the same task. A worker that
dies mid-task (killed, out of memory, the machine rebooted) leaves its task RUNNING forever.
Our workers name themselves `<host>:<pid>:<nonce>`; when one starts it returns to the queue
the RUNNING tasks whose worker on this host no longer exists. systemd restarts a crashed
worker at once (deploy/), so its tasks are retried within seconds. A task that has killed its
worker MAX_CLAIMS times is marked failed instead of looping.
"""

from __future__ import annotations

import os
import socket

from django.db import transaction
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

MAX_CLAIMS = 3


def host_name() -> str:
    return socket.gethostname()[:40]


def worker_id() -> str:
    return f"{host_name()}:{os.getpid()}:{get_random_string(8)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dead_here(worker: str, host: str) -> bool:
    parts = worker.split(":")
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False  # another machine's worker, or one not named by us: not ours to judge
    return not _alive(int(parts[1]))


def requeue_orphans() -> tuple[int, int]:
    """Put back the tasks of this host's dead workers; returns (requeued, given up)."""
    host = host_name()
    requeued = failed = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        )
        for result in running:
            if not result.worker_ids or not _dead_here(result.worker_ids[-1], host):
                continue
            if len(result.worker_ids) >= MAX_CLAIMS:
                result.status = TaskResultStatus.FAILED
                result.exception_class_path = "zona.ops.workers.WorkerDied"
                result.traceback = f"The worker died {len(result.worker_ids)} times running it."
                failed += 1
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                requeued += 1
            result.save(update_fields=["status", "started_at", "exception_class_path", "traceback"])
    return requeued, failed
