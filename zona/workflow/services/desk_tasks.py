"""Background work of the desk part (django-tasks; the database worker runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def desk_confirmations_send(validation_id: int) -> int:
    """E-mail a survey validation's confirmation links that wait (each at most once)."""
    from zona.workflow.services.desk_validation import confirmation_emails_send

    return confirmation_emails_send(validation_id=validation_id)
