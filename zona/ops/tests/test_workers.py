"""A crashed worker's task goes back to the queue once; a live or remote worker's stays."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zona.ops.workers import MAX_CLAIMS, host_name, requeue_orphans, worker_id

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running(*workers: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        args_kwargs={"args": ["k", 0], "kwargs": {}},
        task_path="zona.ops.tasks.probe",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=list(workers),
    )


def test_worker_id_names_host_and_process():
    host, pid, nonce = worker_id().split(":")
    assert host == host_name()
    assert int(pid) == os.getpid()
    assert len(nonce) == 8


def test_only_dead_workers_of_this_host_lose_their_tasks():
    here = host_name()
    dead = _running(f"{here}:{_dead_pid()}:aaaaaaaa")
    alive = _running(f"{here}:{os.getpid()}:bbbbbbbb")
    remote = _running(f"other-machine:{_dead_pid()}:cccccccc")
    foreign = _running("a-random-id-from-plain-db_worker")
    assert requeue_orphans() == (1, 0)
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.READY
    assert dead.started_at is None
    for kept in (alive, remote, foreign):
        kept.refresh_from_db()
        assert kept.status == TaskResultStatus.RUNNING
    assert requeue_orphans() == (0, 0)  # nothing twice


def test_a_task_that_keeps_killing_its_worker_fails():
    here = host_name()
    doomed = _running(*(f"{here}:{_dead_pid()}:n{i:07d}" for i in range(MAX_CLAIMS)))
    assert requeue_orphans() == (0, 1)
    doomed.refresh_from_db()
    assert doomed.status == TaskResultStatus.FAILED
    assert "died" in doomed.traceback
