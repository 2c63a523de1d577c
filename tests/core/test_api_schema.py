"""/api/schema/ is generated once per language in a process (core.api_schema) and is the same for every reader."""

import pytest


@pytest.mark.django_db
def test_schema_is_generated_once_per_language_and_the_same_for_every_reader(client_for, monkeypatch):
    from django.test import Client
    from drf_spectacular.generators import SchemaGenerator

    from envbureau.core import api_schema

    monkeypatch.setattr(api_schema, "_SCHEMAS", {})
    made = []
    real = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        made.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    officer, anonymous = client_for("dongcheng"), Client()
    first = officer.get("/api/schema/", {"format": "json"})
    assert first.status_code == 200 and len(made) == 1
    assert "/api/v1/complaints/complaints/" in first.json()["paths"]
    again = anonymous.get("/api/schema/", {"format": "json"})
    assert again.status_code == 200 and again.content == first.content and len(made) == 1
    english = anonymous.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and len(made) == 2 and english.content != first.content
    assert anonymous.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").content == english.content
    assert len(made) == 2
