"""REST API of the desk part: desk-evaluation sessions, survey validation (SHPZI) and
assistance. Every endpoint fetches the sheet and its rows through the access functions in
zona/workflow/selectors/desk.py (missing and forbidden: the same 404)."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.sheet import sheet_spec
from zona.core.errors import Problem, Refusal, ValidationFailed
from zona.workflow.engine import refusal
from zona.workflow.models import (
    AssistanceRecord,
    AssistanceStatus,
    DeskSession,
    DocumentCheck,
    ReportVerdict,
    SurveyValidation,
)
from zona.workflow.selectors.desk import (
    DeskRights,
    access_assistance_by_id,
    access_desk_session_by_id,
    access_desk_sheet,
    access_validation,
    assistance_of,
    confirmation_stats,
    confirmations_of,
    draw_of_campaign,
    sessions_of,
    validations_of,
)
from zona.workflow.services.desk import (
    AssistanceInput,
    SessionInput,
    assistance_follow_up,
    assistance_save,
    desk_note_save,
    desk_session_act,
    desk_session_create,
    desk_session_update,
    simulated_value,
)
from zona.workflow.services.desk_validation import (
    confirmation_url,
    confirmations_create,
    confirmations_email,
    contact_email,
    contact_phone,
    questionnaire_answer,
    survey_report_check,
    survey_validation_begin,
    validation_spec,
)
from zona.workflow.tables.desk import ASSISTANCE, ASSISTANCE_TARGETS, DESK_SESSION


def _actor(request: Request) -> User:
    return cast(User, request.user)


def _refusal_json(r: Refusal | None) -> dict[str, str] | None:
    return None if r is None else {"code": r.code, "message": r.message}


# --- serializers -----------------------------------------------------------------------------


class AttendeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    side = serializers.ChoiceField(choices=["reviewer", "unit"])
    user = serializers.IntegerField(allow_null=True, source="user_id")


class NoteSerializer(serializers.Serializer):
    item = serializers.CharField(source="item_code")
    note = serializers.CharField()
    updated_by = serializers.CharField(source="updated_by.username")
    updated_at = serializers.DateTimeField()


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tier = serializers.CharField(source="tier.code")
    area = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    meeting_url = serializers.CharField()
    agenda = serializers.CharField()
    status = serializers.ChoiceField(choices=["planned", "held", "cancelled"])
    outcome = serializers.CharField()
    attendees = AttendeeSerializer(many=True, source="attendees.all")
    notes = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    def get_notes(self, obj: DeskSession) -> list[dict[str, Any]] | None:
        """Interview notes: reviewers only (null for the unit)."""
        rights: DeskRights = self.context["rights"]
        if not rights.is_reviewer:
            return None
        return cast(list[dict[str, Any]], NoteSerializer(obj.notes.all(), many=True).data)

    def get_allowed_actions(self, obj: DeskSession) -> dict[str, Any]:
        """Action -> null when the user may do it now, else the refusal {code, message}."""
        user = self.context["user"]
        return {
            a: _refusal_json(refusal(DESK_SESSION, obj, a, user, data={"outcome": "-"}))
            for a in DESK_SESSION.actions_from(obj.status)
        }


class SessionWriteSerializer(serializers.Serializer):
    tier = serializers.CharField(required=False, help_text="your review tier's code")
    area = serializers.CharField(required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    meeting_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    unit_users = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    reviewer_names = serializers.ListField(
        child=serializers.CharField(max_length=160), required=False, default=list
    )
    unit_names = serializers.ListField(
        child=serializers.CharField(max_length=160), required=False, default=list
    )

    def session_input(self) -> SessionInput:
        d = self.validated_data
        return SessionInput(
            starts_at=d["starts_at"],
            ends_at=d.get("ends_at"),
            area=d.get("area", ""),
            place=d.get("place", ""),
            meeting_url=d.get("meeting_url", ""),
            agenda=d.get("agenda", ""),
            unit_users=d.get("unit_users", []),
            reviewer_names=d.get("reviewer_names", []),
            unit_names=d.get("unit_names", []),
        )


class SessionActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(DESK_SESSION.transitions))
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class NoteWriteSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=64)
    note = serializers.CharField(allow_blank=True)


class StatsSerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    answered = serializers.IntegerField()
    served = serializers.IntegerField()
    took_part = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="confirmed per answered, %")


class ValidationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tier = serializers.CharField(source="tier.code")
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    report_checks = serializers.DictField(child=serializers.BooleanField())
    report_verdict = serializers.ChoiceField(choices=ReportVerdict.choices)
    report_note = serializers.CharField()
    checked_at = serializers.DateTimeField(allow_null=True)
    questionnaire_version = serializers.CharField()
    questionnaire_answers = serializers.DictField()
    answered_at = serializers.DateTimeField(allow_null=True)
    confirmations = serializers.SerializerMethodField()

    def get_confirmations(self, obj: SurveyValidation) -> dict[str, Any]:
        stats = self.context["stats"][obj.pk]
        return {
            "sent": stats.sent,
            "answered": stats.answered,
            "served": stats.served,
            "took_part": stats.took_part,
            "confirmed": stats.confirmed,
            "rate": stats.rate,
        }


class BeginSerializer(serializers.Serializer):
    tier = serializers.CharField(required=False)


class ReportSerializer(serializers.Serializer):
    checks = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
    verdict = serializers.ChoiceField(choices=ReportVerdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(source="call.position")
    contact = serializers.CharField(source="call.contact.contact")
    channel = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    emailed_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    was_served = serializers.BooleanField(allow_null=True)
    took_part = serializers.BooleanField(allow_null=True)

    def get_channel(self, obj: Any) -> str:
        """`email`, `phone` (send it by hand, e.g. WhatsApp) or `other`."""
        contact = obj.call.contact.contact
        if contact_email(contact):
            return "email"
        return "phone" if contact_phone(contact) else "other"

    def get_url(self, obj: Any) -> str:
        return confirmation_url(self.context["request"], obj.token)


class DrawSerializer(serializers.Serializer):
    size = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
    draw = serializers.IntegerField(required=False, min_value=1, help_text="an earlier draw")


class QuestionnaireSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="question key -> answer (yes/no, an option key, a number, YYYY-MM-DD, text)"
    )


class AssistanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.CharField(source="item_code")
    tier = serializers.CharField(source="tier.code")
    document_check = serializers.CharField()
    simulated_answer = serializers.JSONField(allow_null=True)
    simulated_value = serializers.SerializerMethodField()
    advice = serializers.CharField()
    status = serializers.ChoiceField(choices=AssistanceStatus.choices)
    status_by = serializers.CharField(source="status_by.username", allow_null=True, default=None)
    status_at = serializers.DateTimeField(allow_null=True)
    allowed_statuses = serializers.SerializerMethodField()

    def get_simulated_value(self, obj: AssistanceRecord) -> str | None:
        """The item's value (0..1) the framework gives the simulated answer."""
        value = simulated_value(self.context["spec"], obj.item_code, obj.simulated_answer)
        return None if value is None else str(value.quantize(type(value)("0.0001")))

    def get_allowed_statuses(self, obj: AssistanceRecord) -> list[str]:
        user = self.context["user"]
        return [
            target
            for target, action in ASSISTANCE_TARGETS.items()
            if obj.status in ASSISTANCE.transition(action).sources
            and refusal(ASSISTANCE, obj, action, user) is None
        ]


class AssistanceWriteSerializer(serializers.Serializer):
    tier = serializers.CharField(required=False)
    item = serializers.CharField(max_length=64)
    document_check = serializers.ChoiceField(
        choices=["", *DocumentCheck.values], required=False, default=""
    )
    simulated_answer = serializers.JSONField(required=False, allow_null=True, default=None)
    advice = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AssistanceStatus.choices)


# --- views ------------------------------------------------------------------------------------


class SessionsView(APIView):
    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        assessment, rights = access_desk_sheet(_actor(request), pk)
        rows = sessions_of(assessment, with_notes=rights.is_reviewer)
        ctx = {"rights": rights, "user": request.user}
        return Response(SessionSerializer(rows, many=True, context=ctx).data)

    @extend_schema(request=SessionWriteSerializer, responses={201: SessionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assessment, rights = access_desk_sheet(_actor(request), pk)
        data = SessionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = desk_session_create(
            actor=_actor(request),
            assessment=assessment,
            tier=rights.tier(data.validated_data.get("tier")),
            data=data.session_input(),
        )
        session = access_desk_session_by_id(_actor(request), assessment, session.pk)
        ctx = {"rights": rights, "user": request.user}
        return Response(SessionSerializer(session, context=ctx).data, status=201)


class SessionView(APIView):
    @extend_schema(responses=SessionSerializer)
    def get(self, request: Request, pk: int, sid: int) -> Response:
        assessment, rights = access_desk_sheet(_actor(request), pk)
        session = access_desk_session_by_id(_actor(request), assessment, sid)
        ctx = {"rights": rights, "user": request.user}
        return Response(SessionSerializer(session, context=ctx).data)

    @extend_schema(request=SessionWriteSerializer, responses=SessionSerializer)
    def put(self, request: Request, pk: int, sid: int) -> Response:
        assessment, rights = access_desk_sheet(_actor(request), pk)
        session = access_desk_session_by_id(_actor(request), assessment, sid)
        data = SessionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        desk_session_update(actor=_actor(request), session=session, data=data.session_input())
        session = access_desk_session_by_id(_actor(request), assessment, sid)
        ctx = {"rights": rights, "user": request.user}
        return Response(SessionSerializer(session, context=ctx).data)


class SessionActionView(APIView):
    @extend_schema(request=SessionActionSerializer, responses=SessionSerializer)
    def post(self, request: Request, pk: int, sid: int) -> Response:
        assessment, rights = access_desk_sheet(_actor(request), pk)
        session = access_desk_session_by_id(_actor(request), assessment, sid)
        data = SessionActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        desk_session_act(actor=_actor(request), session=session, **data.validated_data)
        session = access_desk_session_by_id(_actor(request), assessment, sid)
        ctx = {"rights": rights, "user": request.user}
        return Response(SessionSerializer(session, context=ctx).data)


class SessionNoteView(APIView):
    @extend_schema(request=NoteWriteSerializer, responses={204: None})
    def post(self, request: Request, pk: int, sid: int) -> Response:
        assessment, rights = access_desk_sheet(_actor(request), pk)
        if not rights.is_reviewer:
            raise Http404
        session = access_desk_session_by_id(_actor(request), assessment, sid)
        data = NoteWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        desk_note_save(
            actor=_actor(request),
            session=session,
            item_code=data.validated_data["item"],
            note=data.validated_data["note"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _validation_of_tier(request: Request, pk: int, tier: str) -> tuple[Any, DeskRights, Any]:
    """The sheet, the rights and the validation of one of the user's tiers (404 if none);
    for the unit (no tier of theirs): the validation of the tier named."""
    assessment, rights = access_desk_sheet(_actor(request), pk)
    if rights.is_reviewer:
        chosen = rights.tier(tier)
        validation = access_validation(_actor(request), assessment, chosen) if chosen else None
    else:
        validation = next((v for v in validations_of(assessment) if v.tier.code == tier), None)
    if validation is None:
        raise Http404
    return assessment, rights, validation


def _validation_response(assessment: Any, validation: Any) -> Response:
    stats = confirmation_stats([validation.pk])
    return Response(ValidationSerializer(validation, context={"stats": stats}).data)


class ValidationsView(APIView):
    @extend_schema(responses=ValidationSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        assessment, _rights = access_desk_sheet(_actor(request), pk)
        rows = validations_of(assessment)
        stats = confirmation_stats([v.pk for v in rows])
        return Response(ValidationSerializer(rows, many=True, context={"stats": stats}).data)

    @extend_schema(request=BeginSerializer, responses={201: ValidationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Begin the validation of your tier (idempotent)."""
        assessment, rights = access_desk_sheet(_actor(request), pk)
        data = BeginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        validation = survey_validation_begin(
            actor=_actor(request),
            assessment=assessment,
            tier=rights.tier(data.validated_data.get("tier")),
        )
        response = _validation_response(assessment, validation)
        response.status_code = 201
        return response


class ValidationReportView(APIView):
    @extend_schema(request=ReportSerializer, responses=ValidationSerializer)
    def post(self, request: Request, pk: int, tier: str) -> Response:
        assessment, _rights, validation = _validation_of_tier(request, pk, tier)
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        validation = survey_report_check(
            actor=_actor(request), validation=validation, **data.validated_data
        )
        return _validation_response(assessment, validation)


class ConfirmationsView(APIView):
    @extend_schema(responses=ConfirmationSerializer(many=True))
    def get(self, request: Request, pk: int, tier: str) -> Response:
        """The confirmation links with the drawn contacts: the tier's reviewers only."""
        _assessment, rights, validation = _validation_of_tier(request, pk, tier)
        if not rights.acts_in(validation.tier_id):
            raise Http404
        rows = confirmations_of(validation)
        return Response(ConfirmationSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(request=DrawSerializer, responses={201: ConfirmationSerializer(many=True)})
    def post(self, request: Request, pk: int, tier: str) -> Response:
        """Make links for a new draw of `size` contacts, or for an earlier `draw`."""
        _assessment, rights, validation = _validation_of_tier(request, pk, tier)
        if not rights.acts_in(validation.tier_id):
            raise Http404
        data = DrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = None
        if data.validated_data.get("draw"):
            draw = draw_of_campaign(validation.campaign, data.validated_data["draw"])
            if draw is None:
                raise Http404
        confirmations_create(
            actor=_actor(request),
            validation=validation,
            draw=draw,
            size=data.validated_data.get("size"),
        )
        rows = confirmations_of(validation)
        return Response(
            ConfirmationSerializer(rows, many=True, context={"request": request}).data,
            status=201,
        )


class ConfirmationsEmailView(APIView):
    @extend_schema(request=None, responses={202: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int, tier: str) -> Response:
        """Queue the e-mails of the links not yet mailed (each respondent gets one)."""
        _assessment, rights, validation = _validation_of_tier(request, pk, tier)
        if not rights.acts_in(validation.tier_id):
            raise Http404
        queued = confirmations_email(actor=_actor(request), validation=validation)
        return Response({"queued": queued}, status=202)


class QuestionnaireView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int, tier: str) -> Response:
        """The questions (from the data file) and the unit's answers."""
        _assessment, _rights, validation = _validation_of_tier(request, pk, tier)
        spec = validation_spec()
        return Response(
            {
                "version": spec.version,
                "questions": [
                    {
                        "key": q.key,
                        "type": q.type,
                        "required": q.required,
                        "label": q.label,
                        "options": [{"key": o.key, "label": o.label} for o in q.options],
                    }
                    for q in spec.questionnaire
                ],
                "answers": validation.questionnaire_answers,
                "answered_at": validation.answered_at,
            }
        )

    @extend_schema(request=QuestionnaireSerializer, responses=ValidationSerializer)
    def put(self, request: Request, pk: int, tier: str) -> Response:
        assessment, _rights, validation = _validation_of_tier(request, pk, tier)
        data = QuestionnaireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        validation = questionnaire_answer(
            actor=_actor(request), validation=validation, answers=data.validated_data["answers"]
        )
        return _validation_response(assessment, validation)


STATUS_PARAM = OpenApiParameter(
    "status", OpenApiTypes.STR, enum=AssistanceStatus.values, description="follow-up status"
)


class AssistanceListView(APIView):
    @extend_schema(parameters=[STATUS_PARAM], responses=AssistanceSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        assessment, _rights = access_desk_sheet(_actor(request), pk)
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in AssistanceStatus.values:
            raise ValidationFailed(
                "unknown status", problems=[Problem("invalid", "unknown status", "status")]
            )
        rows = assistance_of(assessment, status=wanted)
        ctx = {"user": request.user, "spec": sheet_spec(assessment.period.framework)}
        return Response(AssistanceSerializer(rows, many=True, context=ctx).data)

    @extend_schema(request=AssistanceWriteSerializer, responses={201: AssistanceSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assessment, rights = access_desk_sheet(_actor(request), pk)
        data = AssistanceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        record = assistance_save(
            actor=_actor(request),
            assessment=assessment,
            tier=rights.tier(v.get("tier")),
            data=AssistanceInput(
                item_code=v["item"],
                document_check=v.get("document_check", ""),
                simulated_answer=v.get("simulated_answer"),
                advice=v.get("advice", ""),
            ),
        )
        record = access_assistance_by_id(_actor(request), assessment, record.pk)
        ctx = {"user": request.user, "spec": sheet_spec(assessment.period.framework)}
        return Response(AssistanceSerializer(record, context=ctx).data, status=201)


class AssistanceFollowUpView(APIView):
    @extend_schema(request=FollowUpSerializer, responses=AssistanceSerializer)
    def post(self, request: Request, pk: int, rid: int) -> Response:
        assessment, _rights = access_desk_sheet(_actor(request), pk)
        record = access_assistance_by_id(_actor(request), assessment, rid)
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assistance_follow_up(
            actor=_actor(request), record=record, status=data.validated_data["status"]
        )
        record = access_assistance_by_id(_actor(request), assessment, rid)
        ctx = {"user": request.user, "spec": sheet_spec(assessment.period.framework)}
        return Response(AssistanceSerializer(record, context=ctx).data)


P = "assessments/<int:pk>/"
V = P + "survey-validation/<str:tier>/"

urlpatterns = [
    path(P + "desk/sessions/", SessionsView.as_view(), name="api-workflow-desk-sessions"),
    path(P + "desk/sessions/<int:sid>/", SessionView.as_view(), name="api-workflow-desk-session"),
    path(
        P + "desk/sessions/<int:sid>/actions/",
        SessionActionView.as_view(),
        name="api-workflow-desk-session-action",
    ),
    path(
        P + "desk/sessions/<int:sid>/notes/",
        SessionNoteView.as_view(),
        name="api-workflow-desk-session-note",
    ),
    path(P + "survey-validation/", ValidationsView.as_view(), name="api-workflow-desk-validations"),
    path(V + "report/", ValidationReportView.as_view(), name="api-workflow-desk-report"),
    path(V + "confirmations/", ConfirmationsView.as_view(), name="api-workflow-desk-confirmations"),
    path(
        V + "confirmations/email/",
        ConfirmationsEmailView.as_view(),
        name="api-workflow-desk-confirmations-email",
    ),
    path(V + "questionnaire/", QuestionnaireView.as_view(), name="api-workflow-desk-questionnaire"),
    path(P + "assistance/", AssistanceListView.as_view(), name="api-workflow-desk-assistance"),
    path(
        P + "assistance/<int:rid>/follow-up/",
        AssistanceFollowUpView.as_view(),
        name="api-workflow-desk-assistance-follow-up",
    ),
]
