"""The evidence library: uploads checked on their content, immutable revisions, links to items."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, lke_areas_for
from zona.accounts.models import Unit, User
from zona.assessments.models import (
    AnswerChange,
    AnswerLayer,
    Assessment,
    ChangeField,
    Evidence,
    EvidenceKind,
    EvidenceLink,
    EvidenceRevision,
)
from zona.assessments.ports import review_gate
from zona.assessments.services._common import invalid, require_perm
from zona.assessments.services.answers import check_unit_edit, lock_assessment
from zona.assessments.sheet import sheet_spec
from zona.assessments.uploads import CheckedFile, check_file
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, StateError
from zona.frameworks.models import Framework


def _check_dates(effective_date: dt.date | None, expires_on: dt.date | None) -> dt.date:
    effective = effective_date or timezone.localdate()
    if expires_on is not None and expires_on < effective:
        raise invalid(_("The expiry date cannot be before the effective date."), field="expires_on")
    return effective


def _store(unit: Unit, checked: CheckedFile, upload: File) -> str:
    name = f"evidence/{unit.pk}/{uuid.uuid4().hex}/{checked.name}"
    return default_storage.save(name, upload)


@dataclass(frozen=True)
class Uploaded:
    evidence: Evidence
    revision: EvidenceRevision
    duplicate: bool


def evidence_upload(
    *,
    actor: User,
    unit: Unit,
    file: File,
    title: str = "",
    description: str = "",
    effective_date: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> Uploaded:
    """Add one file to the unit's library.

    The same content uploaded again (same SHA-256 in this unit) is not stored twice: the
    existing document is returned with `duplicate` set.
    """
    require_perm(actor, Perm.EVIDENCE_EDIT, unit)
    checked = check_file(file)
    effective = _check_dates(effective_date, expires_on)
    existing = _same_content(unit, checked.sha256)
    if existing is not None:
        return Uploaded(existing.evidence, existing, True)
    title = (title or "").strip() or os.path.splitext(os.path.basename(file.name or ""))[0]
    stored = _store(unit, checked, file)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                unit=unit,
                title=title[:255] or checked.name,
                kind=EvidenceKind.FILE,
                description=description,
                sha256=checked.sha256,
                created_by=actor,
            )
            revision = _create_revision(
                evidence,
                actor,
                checked=checked,
                stored=stored,
                effective=effective,
                expires=expires_on,
            )
            audit_record(
                actor=actor,
                action="evidence.uploaded",
                target=evidence,
                unit=unit,
                details={
                    "file": checked.name,
                    "sha256": checked.sha256,
                    "size": checked.size,
                    "content_type": checked.content_type,
                },
            )
    except IntegrityError:
        # The same file uploaded in parallel: the other upload made the document first.
        default_storage.delete(stored)
        existing = _same_content(unit, checked.sha256)
        if existing is None:
            raise
        return Uploaded(existing.evidence, existing, True)
    except Exception:
        # The row never existed: do not leave an orphan file behind.
        default_storage.delete(stored)
        raise
    return Uploaded(evidence, revision, False)


def _same_content(unit: Unit, sha256: str) -> EvidenceRevision | None:
    """The unit's stored revision with this content (a document made from it first)."""
    document = Evidence.objects.filter(unit=unit, sha256=sha256).first()
    revisions = EvidenceRevision.objects.select_related("evidence")
    if document is not None:
        found = revisions.filter(evidence=document, sha256=sha256).order_by("number").first()
        if found is not None:
            return found
    return revisions.filter(evidence__unit=unit, sha256=sha256).order_by("-id").first()


def _create_revision(
    evidence: Evidence,
    actor: User,
    *,
    checked: CheckedFile | None = None,
    stored: str = "",
    url: str = "",
    effective: dt.date,
    expires: dt.date | None,
) -> EvidenceRevision:
    number = (
        EvidenceRevision.objects.filter(evidence=evidence).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    revision = EvidenceRevision(
        evidence=evidence,
        number=number,
        url=url,
        original_name=checked.name if checked else "",
        sha256=checked.sha256 if checked else "",
        size=checked.size if checked else 0,
        content_type=checked.content_type if checked else "",
        effective_date=effective,
        expires_on=expires,
        uploaded_by=actor,
    )
    if stored:
        revision.file.name = stored
    revision.save()
    evidence.current_revision = revision
    evidence.save(update_fields=["current_revision"])
    return revision


def _check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        raise invalid(
            _("Give a full web address starting with https:// (for example a Google Drive link)."),
            field="url",
        ) from None
    if len(url) > 2000:
        raise invalid(_("The web address is too long."), field="url")
    return url


def evidence_add_link(
    *,
    actor: User,
    unit: Unit,
    url: str,
    title: str,
    description: str = "",
    effective_date: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> Evidence:
    """An external link (Drive, a web page) kept in the library and marked as a link."""
    require_perm(actor, Perm.EVIDENCE_EDIT, unit)
    url = _check_url(url)
    effective = _check_dates(effective_date, expires_on)
    title = (title or "").strip() or url
    with transaction.atomic():
        evidence = Evidence.objects.create(
            unit=unit,
            title=title[:255],
            kind=EvidenceKind.LINK,
            description=description,
            created_by=actor,
        )
        _create_revision(evidence, actor, url=url, effective=effective, expires=expires_on)
        audit_record(
            actor=actor,
            action="evidence.link_added",
            target=evidence,
            unit=unit,
            details={"url": url},
        )
    return evidence


def _check_document_scope(actor: User, evidence: Evidence) -> None:
    """A working-group member changes a document only if every item it is attached to lies
    in her areas: replacing or renaming it would change other members' items."""
    areas = lke_areas_for(actor, evidence.unit)
    if areas is None:
        return
    links = EvidenceLink.objects.filter(evidence=evidence, unlinked_at__isnull=True).values_list(
        "item_code", "assessment__period__framework"
    )
    # Each link's area as its framework declares it; an item in no area is nobody's share.
    frameworks = {f.pk: f for f in Framework.objects.filter(pk__in={fw for _, fw in links})}
    linked = {sheet_spec(frameworks[fw]).area_of(code) for code, fw in links}
    outside = sorted(area or "—" for area in linked - areas)
    if outside:
        raise PermissionDenied(
            _(
                "This document is attached to items of area %(areas)s, which are assigned to "
                "other members. Ask the unit's operator, or upload it as a new document."
            )
            % {"areas": ", ".join(outside)}
        )


def evidence_pin_links(*, assessment: Assessment, now: dt.datetime) -> int:
    """At submission: freeze the revision and title each attached document shows.

    Items the unit may change in the sheet's current state (all of them in a draft, the
    returned ones after a return) are pinned to what they show now; the others keep the
    pin of the earlier submission. The caller holds the assessment's lock, before the status
    changes. Returns the number of links pinned.
    """
    links = list(
        EvidenceLink.objects.select_for_update(of=("self",))
        .select_related("evidence")
        .filter(assessment=assessment, unlinked_at__isnull=True)
    )
    pinned = []
    for link in links:
        if link.pinned_revision_id is not None and not assessment.item_reopened(link.item_code):
            continue
        link.pinned_revision_id = link.evidence.current_revision_id
        link.pinned_title = link.evidence.title
        link.pinned_at = now
        pinned.append(link)
    EvidenceLink.objects.bulk_update(pinned, ["pinned_revision", "pinned_title", "pinned_at"])
    return len(pinned)


def evidence_add_revision(
    *,
    actor: User,
    evidence: Evidence,
    file: File | None = None,
    url: str = "",
    effective_date: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> EvidenceRevision:
    """A new version of a document; earlier versions stay as they were.

    A sheet submitted with the document keeps showing the version it was submitted with.
    """
    require_perm(actor, Perm.EVIDENCE_EDIT, evidence.unit)
    _check_document_scope(actor, evidence)
    effective = _check_dates(effective_date, expires_on)
    if evidence.kind == EvidenceKind.LINK:
        url = _check_url(url)
        with transaction.atomic():
            locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
            revision = _create_revision(
                locked, actor, url=url, effective=effective, expires=expires_on
            )
            audit_record(
                actor=actor,
                action="evidence.revised",
                target=locked,
                unit=locked.unit,
                details={"revision": revision.number, "url": url},
            )
        return revision
    if file is None:
        raise invalid(_("Choose the file of the new version."), field="file")
    checked = check_file(file)
    current = evidence.current_revision
    if current is not None and current.sha256 == checked.sha256:
        raise invalid(
            _("This file is identical to the current version."), code="duplicate", field="file"
        )
    stored = _store(evidence.unit, checked, file)
    try:
        with transaction.atomic():
            locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
            revision = _create_revision(
                locked,
                actor,
                checked=checked,
                stored=stored,
                effective=effective,
                expires=expires_on,
            )
            audit_record(
                actor=actor,
                action="evidence.revised",
                target=locked,
                unit=locked.unit,
                details={
                    "revision": revision.number,
                    "sha256": checked.sha256,
                    "file": checked.name,
                },
            )
    except Exception:
        default_storage.delete(stored)
        raise
    return revision


def evidence_update(
    *,
    actor: User,
    evidence: Evidence,
    title: str,
    description: str = "",
    archived: bool = False,
) -> Evidence:
    """Rename, describe or archive a document (archived ones leave the picker, keep links)."""
    require_perm(actor, Perm.EVIDENCE_EDIT, evidence.unit)
    _check_document_scope(actor, evidence)
    if not title.strip():
        raise invalid(_("Give the document a title."), field="title")
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        before = {
            "title": locked.title,
            "description": locked.description,
            "archived": locked.archived,
        }
        locked.title = title.strip()[:255]
        locked.description = description
        locked.archived = archived
        locked.save(update_fields=["title", "description", "archived"])
        audit_record(
            actor=actor,
            action="evidence.updated",
            target=locked,
            unit=locked.unit,
            details={"before": before, "after": {"title": locked.title, "archived": archived}},
        )
    return locked


def _link_summary(evidence: Evidence) -> dict[str, Any]:
    return {"evidence": evidence.pk, "title": evidence.title, "kind": evidence.kind}


def _record_link_change(
    *, actor: User, assessment: Assessment, item_code: str, evidence: Evidence, linked: bool
) -> None:
    """Write an attach or a detach into the item's history (always the unit's layer, where
    evidence lives) and into the audit log, inside the caller's transaction."""
    layer, _created = AnswerLayer.objects.get_or_create(assessment=assessment, tier=None)
    summary = _link_summary(evidence)
    AnswerChange.objects.create(
        assessment=assessment,
        layer=layer,
        item_code=item_code,
        field=ChangeField.EVIDENCE,
        before=None if linked else summary,
        after=summary if linked else None,
        via="worksheet",
        changed_by=actor,
    )
    # A completed review above rested on the item's evidence as it was: it reopens (stale),
    # as it does when the unit changes an answer.
    review_gate().layer_changed(assessment, None)
    audit_record(
        actor=actor,
        action="assessment.evidence_linked" if linked else "assessment.evidence_unlinked",
        target=assessment,
        unit=assessment.unit,
        details={"item": item_code, "evidence": evidence.pk},
    )


def evidence_link(
    *, actor: User, assessment: Assessment, item_code: str, evidence: Evidence
) -> EvidenceLink:
    """Attach a library document to an item of the unit layer (idempotent)."""
    require_perm(actor, Perm.EVIDENCE_EDIT, assessment.unit)
    item = sheet_spec(assessment.period.framework).items.get(item_code)
    if item is None:
        raise invalid(_("Unknown item code %(code)s.") % {"code": item_code}, code="unknown_item")
    if evidence.unit_id != assessment.unit_id:
        raise invalid(_("Only documents of the unit's own library can be attached."))
    with transaction.atomic():
        locked = lock_assessment(assessment)
        check_unit_edit(actor, locked, item, None)
        link = EvidenceLink.objects.filter(
            evidence=evidence, assessment=locked, item_code=item.code, unlinked_at__isnull=True
        ).first()
        if link is not None:
            return link
        link = EvidenceLink.objects.create(
            evidence=evidence, assessment=locked, item_code=item.code, linked_by=actor
        )
        _record_link_change(
            actor=actor, assessment=locked, item_code=item.code, evidence=evidence, linked=True
        )
    return link


def evidence_unlink(*, actor: User, assessment: Assessment, link_id: int) -> EvidenceLink:
    """Detach a document from an item; the link row stays as history."""
    require_perm(actor, Perm.EVIDENCE_EDIT, assessment.unit)
    with transaction.atomic():
        locked = lock_assessment(assessment)
        link = (
            EvidenceLink.objects.select_for_update(of=("self",))
            .select_related("evidence")
            .filter(pk=link_id, assessment=locked)
            .first()
        )
        if link is None:
            raise invalid(_("That document is not attached to this sheet."), code="not_linked")
        if link.unlinked_at is not None:
            return link
        item = sheet_spec(locked.period.framework).items.get(link.item_code)
        if item is None:
            raise StateError(_("The item no longer exists in this framework."))
        check_unit_edit(actor, locked, item, None)
        link.unlinked_at = timezone.now()
        link.unlinked_by = actor
        link.save(update_fields=["unlinked_at", "unlinked_by"])
        _record_link_change(
            actor=actor,
            assessment=locked,
            item_code=link.item_code,
            evidence=link.evidence,
            linked=False,
        )
    return link
