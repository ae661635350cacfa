"""The assessments API (/api/v1/): the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.access import Perm, access_unit_by_id, review_tiers_for
from zona.accounts.models import ReviewTier, Unit, User
from zona.assessments.access import (
    access_assessment_by_id,
    access_evidence_by_id,
    access_period_by_id,
    assessments_visible_to,
    evidence_visible_to,
    periods_visible_to,
    sheet_rights,
)
from zona.assessments.api import serializers as s
from zona.assessments.models import Assessment, EvidenceLink
from zona.assessments.presenters import ReviewView
from zona.assessments.selectors import (
    SheetState,
    item_history,
    load_sheet_state,
    sheet_scores,
    submission_counts,
    submission_refusal,
    submission_window,
    survey_indices,
    workflow_events,
)
from zona.assessments.services import (
    UNSET,
    DeadlineInput,
    assessment_create_many,
    assessment_return,
    assessment_submit,
    evidence_add_link,
    evidence_add_revision,
    evidence_link,
    evidence_unlink,
    evidence_upload,
    period_create,
)
from zona.assessments.services.answers import answer_save
from zona.assessments.sheet import survey_answer, takes_survey_index
from zona.core.api.params import query_id
from zona.core.errors import NotFound, PermissionDenied, ValidationFailed
from zona.frameworks.models import Framework


def actor(request: Request) -> User:
    """The authenticated account (the API requires authentication for every view)."""
    return cast(User, request.user)


LAYER_PARAM = OpenApiParameter(
    "layer",
    OpenApiTypes.STR,
    description="`unit` (default) or the code of a review tier, e.g. `tpi`",
)


def fresh_state(assessment: Assessment) -> tuple[SheetState, dict[str, Any] | None]:
    """The sheet as stored and what the unit's surveys give now. Reading never writes: a
    survey index is offered (`survey_suggestions`), not put into the sheet."""
    return load_sheet_state(assessment), survey_indices(assessment)


def survey_suggestions(state: SheetState, indices: dict[str, Any] | None) -> dict[str, Any]:
    """Item code -> what the unit's surveys offer (taken only by a person, or at submission
    for an index item the unit left empty), beside the unit's own value."""
    if indices is None:
        return {}
    result: dict[str, Any] = {}
    for code, item in state.spec.items.items():
        value = survey_answer(item, indices)
        if value is None:
            continue
        row = state.unit_answers.get(code)
        offer: dict[str, Any] = {"value": value, "unit_value": row["value"] if row else None}
        if takes_survey_index(item):
            offer["index"] = item.source
        else:
            offer["skm_rounds"] = indices.get("skm_rounds")
        result[code] = offer
    return result


def _answer_rows(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "item": code,
            "value": row["value"],
            "note": row["note"],
            "revision": row["revision"],
            "source": row["source"],
            "suggested_value": row["suggested_value"],
            "updated_by": row["updated_by"],
            "updated_at": row["updated_at"],
        }
        for code, row in rows.items()
    ]


# --- periods ---------------------------------------------------------------------------------


class PeriodList(generics.ListCreateAPIView):
    serializer_class = s.PeriodSerializer

    def get_queryset(self) -> QuerySet:
        return (
            periods_visible_to(actor(self.request))
            .prefetch_related("deadlines")
            .order_by("-year", "id")
        )

    @extend_schema(request=s.PeriodWriteSerializer, responses={201: s.PeriodSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.PeriodWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agency = access_unit_by_id(actor(request), v["agency"], perm=Perm.PERIOD_MANAGE)
        framework = Framework.objects.filter(pk=v["framework"]).first()
        if framework is None:
            raise ValidationFailed("unknown framework")
        period = period_create(
            actor=actor(request),
            agency=agency,
            year=v["year"],
            title=v["title"],
            framework=framework,
            opens_on=v["opens_on"],
            closes_on=v["closes_on"],
            deadlines=[DeadlineInput(**d) for d in v.get("deadlines", [])],
        )
        return Response(s.PeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class PeriodDetail(APIView):
    @extend_schema(responses=s.PeriodSerializer)
    def get(self, request: Request, pk: int) -> Response:
        period = access_period_by_id(actor(request), pk, perm=Perm.ASSESSMENT_VIEW)
        return Response(s.PeriodSerializer(period).data)


class PeriodAssessments(APIView):
    @extend_schema(
        request=s.BulkCreateSerializer, responses={201: s.AssessmentSerializer(many=True)}
    )
    def post(self, request: Request, pk: int) -> Response:
        period = access_period_by_id(actor(request), pk)
        data = s.BulkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = {row["unit"]: row["target"] for row in data.validated_data["units"]}
        units = {u.pk: u for u in Unit.objects.filter(pk__in=list(wanted))}
        missing = [pk for pk in wanted if pk not in units]
        if missing:
            raise ValidationFailed(f"unknown units: {missing}")
        result = assessment_create_many(
            actor=actor(request),
            period=period,
            targets={units[pk]: target for pk, target in wanted.items()},
            carry_forward=data.validated_data["carry_forward"],
        )
        return Response(
            s.AssessmentSerializer(result.created, many=True).data, status=status.HTTP_201_CREATED
        )


# --- assessments -----------------------------------------------------------------------------


class AssessmentList(generics.ListAPIView):
    serializer_class = s.AssessmentSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.INT),
            OpenApiParameter("unit", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Assessment]:
        qs = assessments_visible_to(actor(self.request)).order_by(
            "-period__year", "unit__path", "id"
        )
        params = self.request.query_params
        for key in ("period", "unit"):
            value = query_id(params, key)
            if value is not None:
                qs = qs.filter(**{f"{key}_id": value})
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs


class AssessmentDetail(APIView):
    @extend_schema(responses=s.AssessmentDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state, indices = fresh_state(assessment)
        window = submission_window(assessment)
        data = s.AssessmentSerializer(assessment).data
        data["layers"] = [
            {"code": layer.code, "name": str(layer.name), "rank": layer.rank}
            for layer in state.layers
        ]
        data["window"] = {
            "opens_on": window.opens_on,
            "closes_on": window.closes_on,
            "kind": window.kind,
        }
        data["submission_refusal"] = submission_refusal(assessment)
        data["survey_suggestions"] = survey_suggestions(state, indices)
        data["submission_counts"] = submission_counts(state, indices).as_dict()
        data["events"] = [
            {
                "action": "returned"
                if event["returned"]
                else ("resubmitted" if event["resubmitted"] else "submitted"),
                "at": event["at"],
                "by": event["who"],
                "tier": event["tier"],
                "items": event["items"],
                "reason": event["reason"],
            }
            for event in workflow_events(assessment)
        ]
        data["your_tiers"] = [
            tier.code for tier in review_tiers_for(actor(request), assessment.unit)
        ]
        return Response(data)


def _tier(request: Request, assessment: Assessment) -> ReviewTier | None:
    code = request.query_params.get("layer", "unit")
    if code == "unit":
        return None
    for tier in review_tiers_for(actor(request), assessment.unit):
        if tier.code == code:
            return tier
    raise PermissionDenied(_("You do not review this unit in that tier."))


def _tier_exists(assessment: Assessment, code: str) -> bool:
    """Whether `code` names a review tier that could answer this sheet (its agency's or a
    national one), so an empty layer reads as [] and a typo as 404."""
    return ReviewTier.objects.filter(
        Q(agency__isnull=True) | Q(agency__path=assessment.unit.agency_path), code=code
    ).exists()


class AnswerList(APIView):
    @extend_schema(parameters=[LAYER_PARAM], responses=s.AnswerSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state, _indices = fresh_state(assessment)
        code = request.query_params.get("layer", "unit")
        layer = next((layer for layer in state.layers if layer.code == code), None)
        if layer is None:
            if code == "unit" or _tier_exists(assessment, code):
                return Response([])
            raise NotFound(_("This sheet has no layer %(layer)s.") % {"layer": code})
        return Response(_answer_rows(state.answers.get(layer.id, {})))


class AnswerDetail(APIView):
    parser_classes = [JSONParser]

    @extend_schema(parameters=[LAYER_PARAM], responses=s.AnswerSerializer)
    def get(self, request: Request, pk: int, code: str) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state, _indices = fresh_state(assessment)
        if code not in state.spec.items:
            raise Http404
        wanted = request.query_params.get("layer", "unit")
        layer = next((layer for layer in state.layers if layer.code == wanted), None)
        row = state.answers.get(layer.id, {}).get(code) if layer else None
        if row is None:
            row = {
                "value": None,
                "note": "",
                "revision": 0,
                "source": "manual",
                "suggested_value": None,
                "updated_by": None,
                "updated_at": None,
            }
        return Response(_answer_rows({code: row})[0])

    @extend_schema(
        parameters=[LAYER_PARAM],
        request=s.AnswerWriteSerializer,
        responses={200: s.AnswerSerializer, 409: OpenApiTypes.OBJECT},
        description="Save an answer and/or note. Send the revision you started from; if "
        "someone saved the item since, nothing changes and 409 carries their value.",
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        data = s.AnswerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tier = _tier(request, assessment)
        answer_save(
            actor=actor(request),
            assessment=assessment,
            item_code=code,
            revision=v["revision"],
            value=v.get("value", UNSET),
            note=v.get("note", UNSET),
            tier=tier,
            via="api",
        )
        return self.get(request, pk, code)


class AnswerHistory(APIView):
    @extend_schema(responses=s.ChangeSerializer(many=True))
    def get(self, request: Request, pk: int, code: str) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        return Response(
            [
                {
                    "layer": c.layer.tier.code if c.layer.tier else "unit",
                    "field": c.field,
                    "before": c.before,
                    "after": c.after,
                    "revision": c.revision,
                    "via": c.via,
                    "changed_by": c.changed_by.username if c.changed_by else None,
                    "changed_at": c.changed_at,
                }
                for c in item_history(assessment, code)
            ]
        )


class Scores(APIView):
    @extend_schema(responses=s.ScoresSerializer)
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state = fresh_state(assessment)[0]
        scores = sheet_scores(state)
        return Response(
            {
                "target": scores.target,
                # By the layer's code as the API names layers (`?layer=`); scored by tier.
                "layers": {
                    layer.code: scores.layers[layer.key].as_dict() for layer in state.layers
                },
                "effective": scores.effective.as_dict(),
            }
        )


class Layers(APIView):
    @extend_schema(
        responses=s.LayersSerializer,
        description="Every layer's answer and note per item side by side, the answer that "
        "counts in the effective score (the highest tier that answered) and whether a reviewer "
        "layer differs from the unit's answer. Same access rules as the review page.",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state, _indices = fresh_state(assessment)
        view = ReviewView.build_review(state, sheet_rights(actor(request), assessment), None)
        items = []
        for code in state.spec.items:
            answers = {}
            for layer in state.layers:
                row = state.answers.get(layer.id, {}).get(code)
                if row is not None:
                    answers[layer.code] = {
                        "value": row["value"],
                        "note": row["note"],
                        "revision": row["revision"],
                        "updated_by": row["updated_by"],
                        "updated_at": row["updated_at"],
                    }
            effective = view.effective_layer(code)
            effective_row = state.answers.get(effective.id, {}).get(code) if effective else None
            items.append(
                {
                    "item": code,
                    "answers": answers,
                    "effective": {
                        "layer": effective.code if effective else None,
                        "value": effective_row["value"] if effective_row else None,
                    },
                    "differs": view.differs(code),
                }
            )
        return Response(
            {
                "layers": [
                    {"code": layer.code, "name": str(layer.name), "rank": layer.rank}
                    for layer in state.layers
                ],
                "items": items,
            }
        )


class Return(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=s.ReturnSerializer,
        responses=s.AssessmentSerializer,
        description="A reviewer of the unit returns the whole sheet (`items` empty) or the "
        "listed items for revision, with a reason. `tier`: the review tier acted in (default: "
        "the reviewer's first that may act now); its review deadline applies.",
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tier = None
        if v.get("tier"):
            tiers = review_tiers_for(actor(request), assessment.unit)
            tier = next((t for t in tiers if t.code == v["tier"]), None)
            if tier is None:
                raise PermissionDenied(_("You do not review this unit in that tier."))
        returned = assessment_return(
            actor=actor(request),
            assessment=assessment,
            items=v.get("items", []),
            reason=v["reason"],
            tier=tier,
        )
        return Response(s.AssessmentSerializer(returned).data)


class Submit(APIView):
    @extend_schema(request=s.SubmitSerializer, responses=s.AssessmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        data = s.SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submitted = assessment_submit(
            actor=actor(request),
            assessment=assessment,
            confirmed=data.validated_data.get("counts"),
        )
        return Response(s.AssessmentSerializer(submitted).data)


class LinkList(APIView):
    @extend_schema(responses=s.EvidenceLinkSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        links = EvidenceLink.objects.filter(
            assessment=assessment, unlinked_at__isnull=True
        ).select_related("evidence")
        return Response(s.EvidenceLinkSerializer(links, many=True).data)

    @extend_schema(
        request=s.EvidenceLinkCreateSerializer, responses={201: s.EvidenceLinkSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        data = s.EvidenceLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = access_evidence_by_id(
            actor(request),
            data.validated_data["evidence"],
            perm=Perm.EVIDENCE_EDIT,
        )
        link = evidence_link(
            actor=actor(request),
            assessment=assessment,
            item_code=data.validated_data["item"],
            evidence=evidence,
        )
        return Response(s.EvidenceLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class LinkDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, link_id: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        if not EvidenceLink.objects.filter(pk=link_id, assessment=assessment).exists():
            raise Http404
        evidence_unlink(actor=actor(request), assessment=assessment, link_id=link_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- evidence --------------------------------------------------------------------------------


class EvidenceList(generics.ListAPIView):
    serializer_class = s.EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(parameters=[OpenApiParameter("unit", OpenApiTypes.INT)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        qs = evidence_visible_to(actor(self.request)).select_related(
            "current_revision", "current_revision__uploaded_by"
        )
        unit = query_id(self.request.query_params, "unit")
        if unit is not None:
            qs = qs.filter(unit_id=unit)
        return qs.order_by("title", "id")

    @extend_schema(
        request={"multipart/form-data": s.EvidenceCreateSerializer},
        responses={201: s.EvidenceSerializer},
    )
    def post(self, request: Request) -> Response:
        data = s.EvidenceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access_unit_by_id(actor(request), v["unit"], perm=Perm.EVIDENCE_EDIT)
        if v.get("file"):
            evidence = evidence_upload(
                actor=actor(request),
                unit=unit,
                file=v["file"],
                title=v.get("title", ""),
                description=v.get("description", ""),
                effective_date=v.get("effective_date"),
                expires_on=v.get("expires_on"),
            ).evidence
        else:
            evidence = evidence_add_link(
                actor=actor(request),
                unit=unit,
                url=v["url"],
                title=v.get("title", ""),
                description=v.get("description", ""),
                effective_date=v.get("effective_date"),
                expires_on=v.get("expires_on"),
            )
        evidence.refresh_from_db()
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDetail(APIView):
    @extend_schema(responses=s.EvidenceDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        evidence = access_evidence_by_id(actor(request), pk)
        return Response(s.EvidenceDetailSerializer(evidence).data)


class EvidenceRevisions(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": s.RevisionCreateSerializer},
        responses={201: s.RevisionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        evidence = access_evidence_by_id(actor(request), pk, perm=Perm.EVIDENCE_EDIT)
        data = s.RevisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        revision = evidence_add_revision(
            actor=actor(request),
            evidence=evidence,
            file=v.get("file"),
            url=v.get("url", ""),
            effective_date=v.get("effective_date"),
            expires_on=v.get("expires_on"),
        )
        return Response(s.RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)
