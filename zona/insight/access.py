"""Who may request an export and who may see it.

A recap shows every sheet of a subtree, so only someone who may view every sheet there may
ask for one: ASSESSMENT_VIEW on the subtree's root through an assignment that covers the
subtree (or on a unit that has no units below). An export job is its requester's: nobody
else sees it or its file but system administrators (the same 404 for missing and
another's, as everywhere).
"""

from __future__ import annotations

from django.http import Http404

from zona.accounts.access import AnyUser, Perm, covers_subtree_of, is_system_admin, user_can
from zona.accounts.models import Unit
from zona.insight.models import ExportJob


def can_export_subtree(user: AnyUser, unit: Unit) -> bool:
    if covers_subtree_of(user, Perm.ASSESSMENT_VIEW, unit):
        return True
    return unit.numchild == 0 and user_can(user, Perm.ASSESSMENT_VIEW, unit)


def access_export_job_by_id(user: AnyUser, job_id: object) -> ExportJob:
    if not user.is_authenticated:
        raise Http404
    try:
        job = ExportJob.objects.select_related("unit", "requested_by").get(
            pk=int(job_id)  # type: ignore[call-overload]
        )
    except (ExportJob.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    if job.requested_by_id != user.pk and not is_system_admin(user):
        raise Http404
    return job
