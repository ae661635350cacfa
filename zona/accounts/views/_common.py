from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from zona.accounts.access import AnyUser, Perm, has_perm_anywhere

PAGE_SIZE = 50


def require_perm_anywhere(user: AnyUser, perm: Perm) -> None:
    """Administration pages do not exist for users without the right: 404, like any object."""
    if not has_perm_anywhere(user, perm):
        raise Http404


def paginate(request: HttpRequest, qs: QuerySet, size: int = PAGE_SIZE) -> Page:
    return Paginator(qs, size).get_page(request.GET.get("page"))
