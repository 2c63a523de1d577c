import pytest


@pytest.mark.django_db
def test_health(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_officer_sees_only_subtree(client_for):
    data = client_for("dongcheng").get("/api/v1/core/jurisdictions/?page_size=100").json()
    codes = {j["code"] for j in data["results"]}
    assert "110101" in codes and "110102" not in codes and "110000" not in codes
