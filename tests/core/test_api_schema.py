"""/api/schema/ is generated once per language in a process (core.api_schema) and is the same for every reader.
(The real generator runs in tests/test_openapi_responses.py; here a stand-in that names its language keeps the
test from generating the whole schema twice, ~5 s each.)"""

import pytest


@pytest.mark.django_db
def test_schema_is_generated_once_per_language_and_the_same_for_every_reader(client_for, monkeypatch):
    from django.test import Client
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    from envbureau.core import api_schema

    monkeypatch.setattr(api_schema, "_SCHEMAS", {})
    made = []

    def generate(self, request=None, public=False):
        made.append((translation.get_language(), public, getattr(request.user, "username", "")))
        return {"openapi": "3.0.3", "info": {"title": translation.gettext("用户")}, "paths": {}}

    monkeypatch.setattr(SchemaGenerator, "get_schema", generate)
    officer, anonymous = client_for("dongcheng"), Client()
    first = officer.get("/api/schema/", {"format": "json"})
    assert first.status_code == 200 and first.json()["info"]["title"] == "用户"
    assert made == [("zh-hans", True, "dongcheng")]  # public: generated without the reader's permissions
    again = anonymous.get("/api/schema/", {"format": "json"})
    assert again.status_code == 200 and again.content == first.content and len(made) == 1
    english = anonymous.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and english.json()["info"]["title"] == "Users"
    assert anonymous.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").content == english.content
    assert [m[0] for m in made] == ["zh-hans", "en"]
