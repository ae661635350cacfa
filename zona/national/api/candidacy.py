"""The candidacy part's API (under /api/v1/; issue 11 §1): a unit's declaration, integrity
pacts (roster import with a dry run), eligibility answers and candidacy for a year; the
agency's candidates (with designation of several units) and its eligibility checklist.

The same access functions (`zona.national.access_candidacy`: missing and forbidden are the
same 404) and services as the pages. Files go as multipart form data.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.imports.reader import MAX_BYTES, read_table
from zona.accounts.models import User
from zona.core.api.params import query_int
from zona.core.errors import Problem, ValidationFailed
from zona.national.access_candidacy import (
    access_candidacy_by_id,
    access_candidates_agency,
    access_checklist_agency,
    access_pact_by_id,
    access_zi_unit,
    is_designator,
)
from zona.national.models import CandidacyStatus
from zona.national.selectors.candidacy import (
    agency_candidates,
    agency_units_for,
    checklist,
    roster,
    unit_zi,
    year_bounds,
)
from zona.national.services.candidacy import (
    AnswerInput,
    CriterionInput,
    DeclarationInput,
    PactInput,
    candidacies_designate,
    candidacy_designate,
    candidacy_withdraw,
    criterion_create,
    criterion_update,
    declaration_save,
    eligibility_answer_save,
    pact_roster_import,
    pact_roster_plan,
    pact_sign,
)

YEAR_PARAM = OpenApiParameter(
    "year", OpenApiTypes.INT, description="the program year (the current one when absent)"
)
MULTIPART = ("multipart/form-data", "application/json")


def _actor(request: Request) -> User:
    return cast(User, request.user)


def _year(params: Any) -> int:
    today = timezone.localdate()
    first, last = year_bounds(today)
    return query_int(params, "year", minimum=first, maximum=last) or today.year


def _problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"code": p.code, "message": str(p.message), "field": p.field, "row": p.row}
        for p in problems
    ]


# --- serializers -------------------------------------------------------------------------------


class DeclarationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    declared_on = serializers.DateField()
    signer_name = serializers.CharField()
    signer_nip = serializers.CharField()
    signer_position = serializers.CharField()
    signer_echelon = serializers.IntegerField()
    charter_name = serializers.CharField(source="file_name")
    charter_size = serializers.IntegerField(source="file_size")
    charter_sha256 = serializers.CharField(source="file_sha256")
    charter_url = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()

    def get_charter_url(self, obj: Any) -> str | None:
        """The charter file (the page's download, after the same access check)."""
        if not obj.file:
            return None
        return reverse("national:zi_charter", args=[obj.unit_id]) + f"?year={obj.year}"


class DeclarationWriteSerializer(serializers.Serializer):
    declared_on = serializers.DateField(required=False, allow_null=True, default=None)
    signer_name = serializers.CharField(allow_blank=True, max_length=400)
    signer_nip = serializers.CharField(allow_blank=True, max_length=40)
    signer_position = serializers.CharField(allow_blank=True, max_length=400)
    signer_echelon = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=9
    )
    charter = serializers.FileField(required=False, allow_null=True, default=None)

    def declaration_input(self) -> DeclarationInput:
        d = self.validated_data
        return DeclarationInput(
            declared_on=d.get("declared_on"),
            signer_name=d["signer_name"],
            signer_nip=d["signer_nip"],
            signer_position=d["signer_position"],
            signer_echelon=d.get("signer_echelon"),
            charter=d.get("charter"),
        )


class CandidacyPactSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="people in the roster")
    signed = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class CandidacyPactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    name = serializers.CharField()
    nip = serializers.CharField()
    position = serializers.CharField()
    in_roster = serializers.BooleanField()
    signed = serializers.BooleanField()
    signed_on = serializers.DateField(allow_null=True)
    document_name = serializers.CharField(source="file_name")
    document_sha256 = serializers.CharField(source="file_sha256")


class CandidacyRosterSerializer(serializers.Serializer):
    summary = CandidacyPactSummarySerializer()
    people = CandidacyPactSerializer(many=True)


class CandidacyPactWriteSerializer(serializers.Serializer):
    signed = serializers.BooleanField()
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    document = serializers.FileField(required=False, allow_null=True, default=None)


class CandidacyRosterImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx or .csv with the columns name, nip, position")
    year = serializers.IntegerField(required=False, allow_null=True, default=None)
    dry_run = serializers.BooleanField(
        required=False, default=True, help_text="only check (the default); false applies"
    )


class CandidacyProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)


class CandidacyRosterChangeSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    nip = serializers.CharField()
    name = serializers.CharField()
    position = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "leave"])
    signed = serializers.BooleanField()


class CandidacyRosterPlanSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    problems = CandidacyProblemSerializer(many=True)
    changes = CandidacyRosterChangeSerializer(many=True)
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    left = serializers.IntegerField()


class CandidacyCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField()
    position = serializers.IntegerField()
    saved = serializers.SerializerMethodField()

    def get_saved(self, obj: Any) -> bool:
        """False while the agency still uses the program's default criteria."""
        return obj.pk is not None


class CandidacyCriterionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)
    position = serializers.IntegerField(required=False, default=0, min_value=0, max_value=32000)

    def criterion_input(self) -> CriterionInput:
        d = self.validated_data
        return CriterionInput(
            name=d["name"], code=d.get("code", ""), active=d["active"], position=d["position"]
        )


class CandidacyEligibilitySerializer(serializers.Serializer):
    code = serializers.CharField(source="criterion.code")
    criterion = serializers.CharField(source="criterion.name")
    state = serializers.ChoiceField(choices=["yes", "no", "missing"])
    note = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    evidence_name = serializers.SerializerMethodField()
    evidence_sha256 = serializers.SerializerMethodField()
    answered_at = serializers.SerializerMethodField()

    def get_note(self, obj: Any) -> str:
        return obj.answer.note if obj.answer else ""

    def get_evidence_url(self, obj: Any) -> str:
        return obj.answer.evidence_url if obj.answer else ""

    def get_evidence_name(self, obj: Any) -> str:
        return obj.answer.file_name if obj.answer else ""

    def get_evidence_sha256(self, obj: Any) -> str:
        return obj.answer.file_sha256 if obj.answer else ""

    def get_answered_at(self, obj: Any) -> str | None:
        return obj.answer.answered_at.isoformat() if obj.answer else None


class CandidacyAnswerWriteSerializer(serializers.Serializer):
    answer = serializers.BooleanField(allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)
    year = serializers.IntegerField(required=False, allow_null=True, default=None)


class CandidacySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit_id")
    year = serializers.IntegerField()
    target = serializers.CharField(max_length=8, help_text="WBK or WBBM")
    status = serializers.ChoiceField(choices=CandidacyStatus.values)
    note = serializers.CharField()
    designated_by = serializers.CharField(source="designated_by.username")
    designated_at = serializers.DateTimeField()


class CandidacyRightsSerializer(serializers.Serializer):
    record = serializers.BooleanField(help_text="may record the declaration and the pacts")
    answer = serializers.BooleanField(help_text="may answer the eligibility")
    designate = serializers.BooleanField(help_text="may designate or withdraw")


class CandidacyUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    year = serializers.IntegerField()
    declaration = DeclarationSerializer(allow_null=True)
    pacts = CandidacyPactSummarySerializer()
    eligibility = CandidacyEligibilitySerializer(many=True)
    candidacy = CandidacySerializer(allow_null=True)
    is_candidate = serializers.BooleanField()
    designation_problems = serializers.SerializerMethodField()
    rights = serializers.SerializerMethodField()

    @extend_schema_field(CandidacyProblemSerializer(many=True))
    def get_designation_problems(self, obj: Any) -> list[dict[str, Any]]:
        """Why the unit cannot be designated now (empty when it can)."""
        return _problems(obj.problems)

    @extend_schema_field(CandidacyRightsSerializer)
    def get_rights(self, obj: Any) -> dict[str, bool]:
        rights = self.context["rights"]
        return {"record": rights.record, "answer": rights.answer, "designate": rights.designate}


class CandidacyDesignateSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=8, help_text="WBK or WBBM")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    year = serializers.IntegerField(required=False, allow_null=True, default=None)


class CandidacyWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000)


class CandidacyAgencyRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    code = serializers.CharField(source="unit.code")
    name = serializers.CharField(source="unit.name")
    declared_on = serializers.DateField(allow_null=True)
    pacts = CandidacyPactSummarySerializer()
    eligible = serializers.BooleanField()
    answered_yes = serializers.IntegerField()
    answered_no = serializers.IntegerField()
    missing = serializers.IntegerField()
    candidacy = CandidacySerializer(allow_null=True)
    is_candidate = serializers.BooleanField()
    may_designate = serializers.BooleanField()


class CandidacyBulkSerializer(serializers.Serializer):
    units = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=1000)
    target = serializers.CharField(max_length=8, help_text="WBK or WBBM")


class CandidacyBulkOutcomeSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    designated = serializers.BooleanField()
    candidacy = CandidacySerializer(allow_null=True)
    problems = CandidacyProblemSerializer(many=True)


# --- views --------------------------------------------------------------------------------


class CandidacyUnitView(APIView):
    @extend_schema(parameters=[YEAR_PARAM], responses=CandidacyUnitSerializer)
    def get(self, request: Request, unit_id: int) -> Response:
        """The unit's declaration, pacts summary, eligibility answers and candidacy."""
        unit, rights = access_zi_unit(_actor(request), unit_id)
        zi = unit_zi(unit, _year(request.query_params))
        return Response(CandidacyUnitSerializer(zi, context={"rights": rights}).data)


class DeclarationView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(parameters=[YEAR_PARAM], responses=DeclarationSerializer)
    def get(self, request: Request, unit_id: int) -> Response:
        unit, _rights = access_zi_unit(_actor(request), unit_id)
        declaration = unit_zi(unit, _year(request.query_params)).declaration
        if declaration is None:
            raise Http404
        return Response(DeclarationSerializer(declaration).data)

    @extend_schema(
        parameters=[YEAR_PARAM],
        request=dict.fromkeys(MULTIPART, DeclarationWriteSerializer),
        responses=DeclarationSerializer,
    )
    def put(self, request: Request, unit_id: int) -> Response:
        """Record or correct the declaration (the unit's operator or head); the charter file
        as multipart form data (required the first time)."""
        unit, rights = access_zi_unit(_actor(request), unit_id)
        if not rights.record:
            raise Http404
        data = DeclarationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = declaration_save(
            actor=_actor(request),
            unit=unit,
            year=_year(request.query_params),
            data=data.declaration_input(),
        )
        return Response(DeclarationSerializer(row).data)


class CandidacyRosterView(APIView):
    @extend_schema(parameters=[YEAR_PARAM], responses=CandidacyRosterSerializer)
    def get(self, request: Request, unit_id: int) -> Response:
        unit, _rights = access_zi_unit(_actor(request), unit_id)
        year = _year(request.query_params)
        zi = unit_zi(unit, year)
        return Response(
            CandidacyRosterSerializer({"summary": zi.pacts, "people": roster(unit, year)}).data
        )


class CandidacyRosterImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": CandidacyRosterImportSerializer},
        responses=CandidacyRosterPlanSerializer,
    )
    def post(self, request: Request, unit_id: int) -> Response:
        """Check a roster file (`dry_run`, the default: nothing is saved; every problem by
        row) or apply it (all or nothing; 400 with the problems when any)."""
        unit, rights = access_zi_unit(_actor(request), unit_id)
        if not rights.record:
            raise Http404
        data = CandidacyRosterImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        year = _year({"year": data.validated_data.get("year")})
        if upload.size > MAX_BYTES:
            message = _("The file is larger than 10 MB.")
            raise ValidationFailed(message, problems=[Problem("too_large", message, "file")])
        content = upload.read()
        table = read_table(content, upload.name)
        plan = pact_roster_plan(unit=unit, year=year, headers=table.headers, rows=table.rows)
        dry_run = data.validated_data["dry_run"]
        if not dry_run:
            pact_roster_import(
                actor=_actor(request),
                unit=unit,
                year=year,
                headers=table.headers,
                rows=table.rows,
                file_name=upload.name,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        body = {
            "dry_run": dry_run,
            "ok": plan.ok,
            "problems": _problems(plan.problems),
            "changes": [c.__dict__ for c in plan.changes],
            "created": plan.count("create"),
            "updated": plan.count("update"),
            "unchanged": plan.count("unchanged"),
            "left": plan.count("leave"),
        }
        return Response(CandidacyRosterPlanSerializer(body).data)


class CandidacyPactView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request=dict.fromkeys(MULTIPART, CandidacyPactWriteSerializer),
        responses=CandidacyPactSerializer,
    )
    def put(self, request: Request, unit_id: int, pact_id: int) -> Response:
        """Record one person's pact as signed (date and document) or not signed."""
        unit, rights = access_zi_unit(_actor(request), unit_id)
        if not rights.record:
            raise Http404
        pact = access_pact_by_id(_actor(request), unit, pact_id)
        data = CandidacyPactWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = pact_sign(
            actor=_actor(request),
            pact=pact,
            data=PactInput(
                signed=d["signed"], signed_on=d.get("signed_on"), document=d.get("document")
            ),
        )
        return Response(CandidacyPactSerializer(row).data)


class CandidacyAnswerView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request=dict.fromkeys(MULTIPART, CandidacyAnswerWriteSerializer),
        responses=CandidacyEligibilitySerializer,
    )
    def put(self, request: Request, unit_id: int, code: str) -> Response:
        """The unit's answer to one criterion of its agency's checklist, with its evidence."""
        unit, rights = access_zi_unit(_actor(request), unit_id)
        if not rights.answer:
            raise Http404
        data = CandidacyAnswerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        year = _year({"year": d.get("year")})
        eligibility_answer_save(
            actor=_actor(request),
            unit=unit,
            year=year,
            data=AnswerInput(
                code=code,
                answer=d.get("answer"),
                note=d.get("note", ""),
                evidence_url=d.get("evidence_url", ""),
                evidence_file=d.get("evidence_file"),
            ),
        )
        row = next(r for r in unit_zi(unit, year).eligibility if r.criterion.code == code)
        return Response(CandidacyEligibilitySerializer(row).data)


class CandidacyDesignateView(APIView):
    @extend_schema(request=CandidacyDesignateSerializer, responses={201: CandidacySerializer})
    def post(self, request: Request, unit_id: int) -> Response:
        """Designate the unit a candidate (the echelon-I head above it or the agency
        administrator); 409 naming each reason when it lacks its declaration or an
        eligibility criterion is "no" or not answered."""
        unit, rights = access_zi_unit(_actor(request), unit_id)
        if not rights.designate:
            raise Http404
        data = CandidacyDesignateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = candidacy_designate(
            actor=_actor(request),
            unit=unit,
            year=_year({"year": d.get("year")}),
            target=d["target"],
            note=d.get("note", ""),
        )
        return Response(CandidacySerializer(row).data, status=201)


class CandidacyWithdrawView(APIView):
    @extend_schema(request=CandidacyWithdrawSerializer, responses=CandidacySerializer)
    def post(self, request: Request, candidacy_id: int) -> Response:
        """Withdraw a designation with its reason."""
        candidacy = access_candidacy_by_id(_actor(request), candidacy_id)
        if not is_designator(_actor(request), candidacy.unit):
            raise Http404
        data = CandidacyWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = candidacy_withdraw(
            actor=_actor(request), candidacy=candidacy, reason=data.validated_data["reason"]
        )
        return Response(CandidacySerializer(row).data)


class CandidacyAgencyView(APIView):
    def _agency(self, request: Request, agency_id: int, year: int) -> Any:
        agency = access_candidates_agency(_actor(request), agency_id)
        first, last = year_bounds(timezone.localdate())
        if not first <= year <= last:
            raise Http404
        return agency

    @extend_schema(responses=CandidacyAgencyRowSerializer(many=True))
    def get(self, request: Request, agency_id: int, year: int) -> Response:
        """The agency's units (those you see) with declaration, pacts, eligibility and
        candidacy for the year."""
        agency = self._agency(request, agency_id, year)
        user = _actor(request)
        rows = agency_candidates(
            agency, year, agency_units_for(user, agency), lambda u: is_designator(user, u)
        )
        return Response(CandidacyAgencyRowSerializer(rows, many=True).data)

    @extend_schema(
        request=CandidacyBulkSerializer, responses=CandidacyBulkOutcomeSerializer(many=True)
    )
    def post(self, request: Request, agency_id: int, year: int) -> Response:
        """Designate several units at once; each is refused on its own, with its reasons."""
        agency = self._agency(request, agency_id, year)
        user = _actor(request)
        data = CandidacyBulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = set(data.validated_data["units"])
        units = [
            u for u in agency_units_for(user, agency) if u.pk in wanted and is_designator(user, u)
        ]
        if {u.pk for u in units} != wanted:
            message = _("Choose units you may designate.")
            raise ValidationFailed(message, problems=[Problem("unknown_unit", message, "units")])
        outcomes = candidacies_designate(
            actor=user, units=units, year=year, target=data.validated_data["target"]
        )
        body = [
            {
                "unit": o.unit.pk,
                "designated": o.error is None,
                "candidacy": o.candidacy,
                "problems": _problems(o.error.problems) if o.error else [],
            }
            for o in outcomes
        ]
        return Response(CandidacyBulkOutcomeSerializer(body, many=True).data)


class CandidacyCriteriaView(APIView):
    @extend_schema(responses=CandidacyCriterionSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        agency = access_checklist_agency(_actor(request), agency_id)
        return Response(CandidacyCriterionSerializer(checklist(agency), many=True).data)

    @extend_schema(
        request=CandidacyCriterionWriteSerializer, responses={201: CandidacyCriterionSerializer}
    )
    def post(self, request: Request, agency_id: int) -> Response:
        agency = access_checklist_agency(_actor(request), agency_id)
        data = CandidacyCriterionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = criterion_create(actor=_actor(request), agency=agency, data=data.criterion_input())
        return Response(CandidacyCriterionSerializer(row).data, status=201)


class CandidacyCriterionView(APIView):
    @extend_schema(
        request=CandidacyCriterionWriteSerializer, responses=CandidacyCriterionSerializer
    )
    def put(self, request: Request, agency_id: int, code: str) -> Response:
        """Rename, reorder, deactivate or reactivate a criterion."""
        agency = access_checklist_agency(_actor(request), agency_id)
        if not any(c.code == code for c in checklist(agency)):
            raise Http404
        data = CandidacyCriterionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = criterion_update(
            actor=_actor(request), agency=agency, code=code, data=data.criterion_input()
        )
        return Response(CandidacyCriterionSerializer(row).data)


U = "units/<int:unit_id>/zi/"
A = "agencies/<int:agency_id>/"

urlpatterns = [
    path(U, CandidacyUnitView.as_view(), name="api-candidacy-unit"),
    path(U + "declaration/", DeclarationView.as_view(), name="api-candidacy-declaration"),
    path(U + "pacts/", CandidacyRosterView.as_view(), name="api-candidacy-roster"),
    path(
        U + "pacts/import/",
        CandidacyRosterImportView.as_view(),
        name="api-candidacy-roster-import",
    ),
    path(U + "pacts/<int:pact_id>/", CandidacyPactView.as_view(), name="api-candidacy-pact"),
    path(
        U + "eligibility/<slug:code>/",
        CandidacyAnswerView.as_view(),
        name="api-candidacy-answer",
    ),
    path(U + "candidacy/", CandidacyDesignateView.as_view(), name="api-candidacy-designate"),
    path(
        "candidacies/<int:candidacy_id>/withdraw/",
        CandidacyWithdrawView.as_view(),
        name="api-candidacy-withdraw",
    ),
    path(A + "candidates/<int:year>/", CandidacyAgencyView.as_view(), name="api-candidacy-agency"),
    path(
        A + "eligibility/criteria/",
        CandidacyCriteriaView.as_view(),
        name="api-candidacy-criteria",
    ),
    path(
        A + "eligibility/criteria/<slug:code>/",
        CandidacyCriterionView.as_view(),
        name="api-candidacy-criterion",
    ),
]
