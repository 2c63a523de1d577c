"""Open311 GeoReport v2 conformance, checked by an independent parser.

The XML answers are validated with lxml against an XML Schema written here from the specification
(http://wiki.open311.org/GeoReport_v2: discovery, services, service definition, service requests,
errors), not from our code: element names, what is repeated, value types (dateTime, decimal,
open/closed). The JSON answers are checked for the same fields.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from lxml import etree

BASE = "/api/v1/public/open311"

XSD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:simpleType name="status"><xs:restriction base="xs:string">
    <xs:enumeration value="open"/><xs:enumeration value="closed"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="serviceType"><xs:restriction base="xs:string">
    <xs:enumeration value="realtime"/><xs:enumeration value="batch"/><xs:enumeration value="blackbox"/>
  </xs:restriction></xs:simpleType>

  <xs:element name="discovery"><xs:complexType><xs:all>
    <xs:element name="changeset" type="xs:dateTime"/>
    <xs:element name="contact" type="xs:string"/>
    <xs:element name="key_service" type="xs:string" minOccurs="0"/>
    <xs:element name="endpoints"><xs:complexType><xs:sequence>
      <xs:element name="endpoint" maxOccurs="unbounded"><xs:complexType><xs:all>
        <xs:element name="specification" type="xs:anyURI"/>
        <xs:element name="url" type="xs:anyURI"/>
        <xs:element name="changeset" type="xs:dateTime"/>
        <xs:element name="type" type="xs:string"/>
        <xs:element name="formats"><xs:complexType><xs:sequence>
          <xs:element name="format" type="xs:string" maxOccurs="unbounded"/>
        </xs:sequence></xs:complexType></xs:element>
      </xs:all></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:all></xs:complexType></xs:element>

  <xs:element name="services"><xs:complexType><xs:sequence>
    <xs:element name="service" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:all>
      <xs:element name="service_code" type="xs:string"/>
      <xs:element name="service_name" type="xs:string"/>
      <xs:element name="description" type="xs:string" minOccurs="0"/>
      <xs:element name="metadata" type="xs:boolean"/>
      <xs:element name="type" type="serviceType"/>
      <xs:element name="keywords" type="xs:string" minOccurs="0"/>
      <xs:element name="group" type="xs:string" minOccurs="0"/>
    </xs:all></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>

  <xs:element name="service_definition"><xs:complexType><xs:all>
    <xs:element name="service_code" type="xs:string"/>
    <xs:element name="attributes"><xs:complexType><xs:sequence>
      <xs:element name="attribute" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
        <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:all></xs:complexType></xs:element>

  <xs:element name="service_requests"><xs:complexType><xs:sequence>
    <xs:element name="request" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:all>
      <xs:element name="service_request_id" type="xs:string" minOccurs="0"/>
      <xs:element name="token" type="xs:string" minOccurs="0"/>
      <xs:element name="status" type="status" minOccurs="0"/>
      <xs:element name="status_notes" type="xs:string" minOccurs="0"/>
      <xs:element name="service_name" type="xs:string" minOccurs="0"/>
      <xs:element name="service_code" type="xs:string" minOccurs="0"/>
      <xs:element name="description" type="xs:string" minOccurs="0"/>
      <xs:element name="agency_responsible" type="xs:string" minOccurs="0"/>
      <xs:element name="service_notice" type="xs:string" minOccurs="0"/>
      <xs:element name="requested_datetime" type="xs:dateTime" minOccurs="0"/>
      <xs:element name="updated_datetime" type="xs:dateTime" minOccurs="0"/>
      <xs:element name="expected_datetime" type="xs:dateTime" minOccurs="0"/>
      <xs:element name="address" type="xs:string" minOccurs="0"/>
      <xs:element name="address_id" type="xs:string" minOccurs="0"/>
      <xs:element name="zipcode" type="xs:string" minOccurs="0"/>
      <xs:element name="lat" type="xs:decimal" minOccurs="0"/>
      <xs:element name="long" type="xs:decimal" minOccurs="0"/>
      <xs:element name="media_url" type="xs:anyURI" minOccurs="0"/>
      <xs:element name="account_id" type="xs:string" minOccurs="0"/>
    </xs:all></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>

  <xs:element name="errors"><xs:complexType><xs:sequence>
    <xs:element name="error" maxOccurs="unbounded"><xs:complexType><xs:all>
      <xs:element name="code" type="xs:integer"/>
      <xs:element name="description" type="xs:string"/>
    </xs:all></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""

SCHEMA = etree.XMLSchema(etree.fromstring(XSD))
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address_id", "zipcode", "media_url"}


def xml(response, root: str, status: int = 200):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    doc = etree.fromstring(response.content)
    assert SCHEMA.validate(doc), f"{SCHEMA.error_log}\n{response.content.decode()}"
    assert doc.tag == root
    return doc


@pytest.fixture
def submitted(demo_core, settings):
    cache.clear()
    c = Client(REMOTE_ADDR="198.51.100.7")
    out = {}
    for i, (code, desc) in enumerate((("noise_construction", "夜间施工"), ("noise", "广场舞音响"), ("air", "异味"))):
        r = Client(REMOTE_ADDR=f"198.51.100.{20 + i}").post(f"{BASE}/requests.xml", {
            "service_code": code, "lat": "39.91", "long": "116.41", "address_string": "东华门大街",
            "description": desc, "jurisdiction_code": "110101001000"})
        doc = xml(r, "service_requests", 201)
        req = doc.find("request")
        out[code] = (req.findtext("service_request_id"), req.findtext("token"))
    return c, out


def test_discovery_and_services_in_xml_and_json(submitted):
    c, _ = submitted
    doc = xml(c.get(f"{BASE}/discovery.xml"), "discovery")
    formats = {f.text for f in doc.iter("format")}
    assert formats == {"text/xml", "application/json"}
    assert doc.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    assert c.get(f"{BASE}/discovery.json").json()["endpoints"][0]["url"].endswith("/open311/")
    doc = xml(c.get(f"{BASE}/services.xml"), "services")
    xml_codes = [s.findtext("service_code") for s in doc.findall("service")]
    assert xml_codes == [s["service_code"] for s in c.get(f"{BASE}/services.json").json()]
    assert {"air", "noise", "noise_construction"} <= set(xml_codes)
    doc = xml(c.get(f"{BASE}/services/noise_social.xml"), "service_definition")
    assert doc.findtext("service_code") == "noise_social"


def test_requests_in_xml_with_the_spec_fields_and_privacy(submitted):
    c, subs = submitted
    number, token = subs["noise_construction"]
    doc = xml(c.get(f"{BASE}/requests.xml"), "service_requests")
    assert number in {r.findtext("service_request_id") for r in doc.findall("request")}
    one = xml(c.get(f"{BASE}/requests/{number}.xml"), "service_requests").find("request")
    assert one.findtext("status") == "open" and one.find("description") is None and one.find("lat") is None
    full = xml(c.get(f"{BASE}/requests/{number}.xml", {"query_code": token}), "service_requests").find("request")
    assert full.findtext("description") == "夜间施工" and float(full.findtext("lat")) == 39.91
    body = c.get(f"{BASE}/requests/{number}.json").json()[0]
    assert REQUEST_FIELDS <= set(body)  # the spec's optional fields are there (null where we keep nothing)
    assert "description" not in body and "address" not in body
    doc = xml(c.get(f"{BASE}/tokens/{token}.xml"), "service_requests")
    assert doc.findtext("request/service_request_id") == number and doc.findtext("request/token") == token


def test_service_code_filter_matches_exactly(submitted):
    c, subs = submitted
    def numbers(code):
        return {r["service_request_id"] for r in c.get(f"{BASE}/requests.json", {"service_code": code}).json()}
    assert numbers("noise") == {subs["noise"][0]}          # not the construction-noise request
    assert numbers("noise_construction") == {subs["noise_construction"][0]}
    assert numbers("noise,air") == {subs["noise"][0], subs["air"][0]}
    assert numbers("nois") == set()


def test_every_refusal_uses_the_spec_error_format(submitted, settings):
    c, subs = submitted
    for method, url, data, status in [
        ("get", f"{BASE}/services/nope.xml", None, 404),
        ("get", f"{BASE}/requests/XF0000.xml", None, 404),
        ("get", f"{BASE}/tokens/nope.xml", None, 404),
        ("get", f"{BASE}/requests.xml", {"start_date": "2026-02-30T00:00:00Z"}, 400),
        ("get", f"{BASE}/requests.xml", {"status": "pending"}, 400),
        ("post", f"{BASE}/requests.xml", {"service_code": "zzz", "description": "x"}, 400),
        ("post", f"{BASE}/requests.xml", {"service_code": "air", "description": "x"}, 400),
        ("post", f"{BASE}/requests.xml", {"service_code": "air", "description": "x", "lat": "north", "long": "1"}, 400),
    ]:
        r = getattr(Client(REMOTE_ADDR="203.0.113.50"), method)(url, data)
        doc = xml(r, "errors", status)
        assert doc.findtext("error/code") == str(status) and doc.findtext("error/description")
        j = getattr(Client(REMOTE_ADDR="203.0.113.51"), method)(url.replace(".xml", ".json"), data)
        assert j.status_code == status and j.json()[0]["code"] == status and j.json()[0]["description"]
    # Refusals raised by the framework (the lookup throttle) answer in the same format.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_lookup": "1/min"}}
    cache.clear()
    t = Client(REMOTE_ADDR="203.0.113.60")
    t.get(f"{BASE}/tokens/nope1.xml")
    doc = xml(t.get(f"{BASE}/tokens/nope2.xml"), "errors", 429)
    assert doc.findtext("error/code") == "429"
    assert t.get(f"{BASE}/tokens/nope3.json").json()[0]["code"] == 429
