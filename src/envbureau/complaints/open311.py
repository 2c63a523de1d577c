"""Open311 GeoReport v2 over the public intake and status, so citizen-reporting apps can connect.

GET discovery, GET services, GET services/{code}, POST requests (rate-limited like the web form),
GET requests, GET requests/{id}, GET tokens/{token}; each in JSON (`.json`, the default) or XML
(`.xml`), refusals in the spec's error format (`[{"code", "description"}]` / `<errors><error>`).
No complainant data is ever returned. A request's description,
address, point and the reply are returned only with the lookup code given at submission (the answer's
`token`, passed back as ?query_code=...).
Without street boundaries a request with only a point goes to the city level for triage, unless it
names a district/street code in `jurisdiction_code` (an extension).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from envbureau.core.clientip import client_ip
from envbureau.core.drf import exception_handler as core_exception_handler
from envbureau.core.models import Jurisdiction
from envbureau.core.throttling import PublicLookupThrottle

from . import services
from .choices import OPEN_STATES, SUBCATEGORY_PARENT, Category, SubCategory
from .models import Complaint

CATEGORY_LABELS = dict(Category.choices)
SUB_LABELS = dict(SubCategory.choices)


def service_list():
    out = []
    subs_of = {}
    for sub, parent in SUBCATEGORY_PARENT.items():
        subs_of.setdefault(parent, []).append(sub)
    for cat in Category.values:
        group = str(CATEGORY_LABELS[cat])
        for code in [cat, *subs_of.get(cat, [])]:
            name = group if code == cat else f"{group}-{SUB_LABELS[code]}"
            out.append({"service_code": code, "service_name": name, "description": name, "metadata": False,
                        "type": "realtime", "keywords": group, "group": group})
    return out


def _error(code, description, status=None, headers=None):
    return Response([{"code": code, "description": str(description)}], status=status or code, headers=headers)


# ---- XML (GeoReport v2 documents: a root, one element per item, lists named in the plural) -------

ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format"}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _xml(parent, tag, value):
    from xml.etree import ElementTree as ET

    el = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for k, v in value.items():
            if v is not None:  # XML leaves out what JSON sends as null
                _xml(el, k, v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _xml(el, ITEM_TAGS.get(tag, "item"), v)
    else:
        el.text = _text(value)
    return el


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from xml.etree import ElementTree as ET

        ctx = renderer_context or {}
        response, view = ctx.get("response"), ctx.get("view")
        if response is not None and response.status_code >= 400:
            root_tag = "errors"
        else:
            root_tag = getattr(view, "xml_root", "service_requests")
        root = ET.Element(root_tag)
        if isinstance(data, dict):
            for k, v in data.items():
                _xml(root, k, v)
        else:
            for v in data or ():
                _xml(root, ITEM_TAGS.get(root_tag, "item"), v)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _spec_errors(exc, context):
    """DRF's own refusals (throttled, unparsable body…) in the spec's error format too."""
    response = core_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "error" in response.data:
        err = response.data["error"]
        response.data = [{"code": err.get("status", response.status_code), "description": err.get("message", "")}]
    return response


def _status(c) -> str:
    return "open" if c.state in OPEN_STATES else "closed"


def _as_request(c, full=False) -> dict:
    """The fields the spec lists for a request (those we do not keep are null); description, address and
    point (the place may be the complainant's home) only for the holder of the lookup code given at submission."""
    d = {
        "service_request_id": c.number, "status": _status(c), "status_notes": c.get_state_display(),
        "service_name": str(SUB_LABELS.get(c.sub_category) or CATEGORY_LABELS.get(c.category, "")),
        "service_code": c.sub_category or c.category,
        "agency_responsible": c.jurisdiction.name, "service_notice": None,
        "requested_datetime": timezone.localtime(c.received_at).isoformat(),
        "updated_datetime": timezone.localtime(c.state_changed_at).isoformat(),
        "expected_datetime": (dt.datetime.combine(c.finish_due or c.accept_due, dt.time(18))
                              .replace(tzinfo=timezone.get_current_timezone()).isoformat()
                              if (c.finish_due or c.accept_due) else None),
        "address_id": None, "zipcode": None, "media_url": None,
    }
    if full:
        d.update({"address": c.location, "lat": c.lat, "long": c.lon, "description": c.content})
        if c.reply_text:
            d["status_notes"] = f"{c.get_state_display()}:{c.reply_text}"
    return d


# ---- the documented bodies (OpenAPI) --------------------------------------------------------------

def _s(name, many=False, **fields):
    return inline_serializer(name, fields=fields, many=many)


_str, _nstr = serializers.CharField, (lambda: serializers.CharField(allow_null=True))
ERRORS = _s("Open311Error", many=True, code=serializers.IntegerField(), description=_str())
SERVICE = _s("Open311Service", many=True, service_code=_str(), service_name=_str(), description=_str(),
             metadata=serializers.BooleanField(), type=_str(), keywords=_str(), group=_str())
DEFINITION = _s("Open311ServiceDefinition", service_code=_str(),
                attributes=serializers.ListField(child=serializers.DictField()))
DISCOVERY = _s("Open311Discovery", changeset=serializers.DateTimeField(), contact=_str(), key_service=_str(),
               endpoints=_s("Open311Endpoint", many=True, specification=_str(), url=_str(),
                            changeset=serializers.DateTimeField(), type=_str(),
                            formats=serializers.ListField(child=_str())))
REQUEST = _s("Open311Request", many=True, service_request_id=_str(), status=_str(), status_notes=_str(),
             service_name=_str(), service_code=_str(), agency_responsible=_str(), service_notice=_nstr(),
             requested_datetime=serializers.DateTimeField(), updated_datetime=serializers.DateTimeField(),
             expected_datetime=serializers.DateTimeField(allow_null=True), address_id=_nstr(), zipcode=_nstr(),
             media_url=_nstr(), description=serializers.CharField(required=False),
             address=serializers.CharField(required=False), lat=serializers.FloatField(required=False, allow_null=True),
             long=serializers.FloatField(required=False, allow_null=True))
NEW_REQUEST = _s("Open311NewRequest", service_code=_str(), description=_str(),
                 lat=serializers.FloatField(required=False), long=serializers.FloatField(required=False),
                 address_string=serializers.CharField(required=False), first_name=serializers.CharField(required=False),
                 last_name=serializers.CharField(required=False), phone=serializers.CharField(required=False),
                 email=serializers.CharField(required=False), jurisdiction_code=serializers.CharField(required=False))
CREATED = _s("Open311RequestCreated", many=True, service_request_id=_str(), token=_str(), service_notice=_str(),
             account_id=_nstr())
TOKEN = _s("Open311Token", many=True, service_request_id=_str(), token=_str())


class Open311View(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = [JSONRenderer, Open311XMLRenderer]
    xml_root = "service_requests"

    def get_exception_handler(self):
        return _spec_errors


class DiscoveryView(Open311View):
    xml_root = "discovery"

    @extend_schema(responses=DISCOVERY, summary="Open311 discovery")
    def get(self, request, format=None):
        base = request.build_absolute_uri(request.path).rsplit("/discovery", 1)[0] + "/"
        changeset = "2026-11-30T00:00:00+08:00"  # when this endpoint's behaviour last changed
        return Response({
            "changeset": changeset, "contact": settings.ENVBUREAU.get("OPEN311_CONTACT", "12369"),
            "key_service": "", "endpoints": [{
                "specification": "http://wiki.open311.org/GeoReport_v2", "url": base, "changeset": changeset,
                "type": "production", "formats": ["text/xml", "application/json"]}]})


class ServicesView(Open311View):
    xml_root = "services"

    @extend_schema(responses=SERVICE, summary="Open311 service list")
    def get(self, request, format=None):
        return Response(service_list())


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @extend_schema(responses={200: DEFINITION, 404: ERRORS}, summary="Open311 service definition")
    def get(self, request, code, format=None):
        if code not in {s["service_code"] for s in service_list()}:
            return _error(404, "service_code not found")
        return Response({"service_code": code, "attributes": []})


class RequestsView(Open311View):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses={200: REQUEST, 400: ERRORS}, summary="Open311 service requests")
    def get(self, request, format=None):
        p = request.query_params
        qs = Complaint.objects.select_related("jurisdiction").order_by("-received_at", "-id")
        if p.get("service_request_id"):
            qs = qs.filter(number__in=[x.strip() for x in p["service_request_id"].split(",")][:100])
        else:
            try:  # parse_datetime raises on a well-formed impossible date (2026-02-30T00:00)
                end = parse_datetime(p.get("end_date", "")) if p.get("end_date") else timezone.now()
                start = parse_datetime(p.get("start_date", "")) if p.get("start_date") else end - dt.timedelta(days=90)
            except ValueError:
                start = end = None
            if start is None or end is None:
                return _error(400, "start_date/end_date must be w3c datetimes")
            qs = qs.filter(received_at__gte=start, received_at__lte=end)
            if p.get("service_code"):
                # A request's service_code is its sub-category, or its category when it has none: match that exactly.
                codes = [x.strip() for x in p["service_code"].split(",") if x.strip()]
                qs = qs.filter(Q(sub_category__in=codes) | Q(sub_category="", category__in=codes))
            statuses = [x.strip() for x in p.get("status", "").split(",") if x.strip()]
            if any(x not in ("open", "closed") for x in statuses):
                return _error(400, "status must be open or closed")
            if len(set(statuses)) == 1:
                qs = qs.filter(state__in=OPEN_STATES) if statuses[0] == "open" else qs.exclude(state__in=OPEN_STATES)
        return Response([_as_request(c) for c in qs[:1000]])

    @extend_schema(request=NEW_REQUEST, responses={201: CREATED, 400: ERRORS, 429: ERRORS},
                   summary="Open311: submit a service request")
    def post(self, request, format=None):
        d = request.data
        code = str(d.get("service_code", "")).strip()
        if code in Category.values:
            category, sub = code, ""
        elif code in SUBCATEGORY_PARENT:
            category, sub = SUBCATEGORY_PARENT[code], code
        else:
            return _error(400, "service_code missing or unknown")
        try:
            lat = float(d["lat"]) if d.get("lat") not in (None, "") else None
            lon = float(d["long"]) if d.get("long") not in (None, "") else None
        except (TypeError, ValueError):
            return _error(400, "lat/long must be numbers")
        address = str(d.get("address_string", "")).strip()
        if (lat is None or lon is None) and not address:
            return _error(400, "a location is required: lat & long, or address_string")
        description = str(d.get("description", "")).strip()
        if not description:
            return _error(400, "description is required")
        chosen = None
        jcode = str(d.get("jurisdiction_code", "") or d.get("attribute[jurisdiction]", "")).strip()
        if jcode:
            chosen = Jurisdiction.objects.filter(code=jcode).first()
            if chosen is None:
                return _error(400, "jurisdiction_code unknown")
        if chosen is None:
            chosen = Jurisdiction.objects.filter(code=settings.ENVBUREAU.get("CITY_CODE")).first()
        name = " ".join(x for x in (str(d.get("last_name", "")).strip(), str(d.get("first_name", "")).strip()) if x)
        c = Complaint(channel="platform", track="clue", category=category, sub_category=sub,
                      title=description[:60], content=description[:4000], location=address[:300] or "",
                      lon=lon, lat=lat, jurisdiction=chosen, complainant_name=name[:100],
                      complainant_phone=str(d.get("phone", ""))[:40], complainant_email=str(d.get("email", ""))[:200],
                      anonymous=not (name or d.get("phone") or d.get("email")))
        try:
            c = services.submit_public(c, client_ip(request), note="Open311")
        except services.RateLimited as e:
            return _error(429, e, headers={"Retry-After": str(e.wait_seconds)})
        except ValidationError as e:
            return _error(400, "; ".join(e.messages))
        return Response([{"service_request_id": c.number, "token": c.query_code,
                          "service_notice": "已收到,请凭编号和查询码查询办理进度", "account_id": None}],
                        status=201)


class RequestDetailView(Open311View):
    def get_throttles(self):
        # With a lookup code the answer tells whether the code is right: throttle those guesses.
        return [PublicLookupThrottle()] if self.request.query_params.get("query_code") else []

    @extend_schema(responses={200: REQUEST, 404: ERRORS}, summary="Open311: one service request")
    def get(self, request, number, format=None):
        c = Complaint.objects.select_related("jurisdiction").filter(number=number).first()
        if c is None:
            return _error(404, "service_request_id not found")
        code = request.query_params.get("query_code", "")
        full = bool(code) and services.public_status(number, code) is not None
        return Response([_as_request(c, full=full)])


class TokenView(Open311View):
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(responses={200: TOKEN, 404: ERRORS, 429: ERRORS}, summary="Open311: request id for a token")
    def get(self, request, token, format=None):
        c = Complaint.objects.filter(query_code=token).order_by("-id").first()
        if c is None:
            return _error(404, "token not found")
        return Response([{"service_request_id": c.number, "token": token}])
