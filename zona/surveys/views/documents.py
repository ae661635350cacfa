"""Printable PDFs (WeasyPrint + segno): the QR poster per unit or service, and code slips.

WeasyPrint and segno are imported where they are used: WeasyPrint alone takes about a second
to import, which every web process and test run would otherwise pay at start-up.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from zona.core.documents import pdf_from_template
from zona.surveys.access import access_campaign_by_id, access_code_batch_by_id


def _qr(url: str, scale: int) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=scale, border=2, dark="#0a2540")


def _pdf(request: HttpRequest, template: str, context: dict, filename: str) -> HttpResponse:
    # Posters are for the public: always in Indonesian, with an English line.
    with translation.override("id"):
        pdf = pdf_from_template(
            template, context, request=request, stylesheets=["surveys/print.css"]
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def poster(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    link = request.build_absolute_uri(reverse("survey_public:form", args=[campaign.public_code]))
    service = None
    wanted = request.GET.get("service", "")
    if wanted:
        service = next(
            (s.service_type for s in campaign.services.all() if s.service_type.code == wanted), None
        )
        if service is None:
            raise Http404
        link = f"{link}?s={service.code}"
    return _pdf(
        request,
        "surveys/pdf/poster.html",
        {
            "campaign": campaign,
            "service": service,
            "link": link,
            "qr": _qr(link, 12),
            "instruments": campaign.ordered_versions(),
        },
        f"poster-{campaign.unit.code}-{service.code if service else 'all'}.pdf",
    )


@login_required
def code_slips(request: HttpRequest, campaign_id: int, batch_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    batch = access_code_batch_by_id(request.user, campaign, batch_id)
    link = request.build_absolute_uri(reverse("survey_public:form", args=[campaign.public_code]))
    slips = [
        {
            "code": f"{c.code[:4]}-{c.code[4:]}",
            "used": c.used,
            "qr": _qr(f"{link}?code={c.code}", 3),
        }
        for c in batch.codes.all()
    ]
    return _pdf(
        request,
        "surveys/pdf/codes.html",
        {"campaign": campaign, "batch": batch, "slips": slips, "link": link},
        f"codes-{campaign.unit.code}-{batch.pk}.pdf",
    )
