"""The OpenAPI 3 schema at /api/schema/ is valid and describes every endpoint."""

import json

from django.urls import reverse
from openapi_spec_validator import validate


def test_schema_validates_as_openapi_3(cast, client):
    client.force_login(cast.ae)
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)  # raises on any error
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    for path in (
        "/api/v1/clients/",
        "/api/v1/clients/{id}/",
        "/api/v1/plans/",
        "/api/v1/plans/{id}/",
        "/api/v1/briefs/",
        "/api/v1/briefs/{id}/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{id}/",
        "/api/v1/invoices/",
        "/api/v1/invoices/{id}/",
        "/api/v1/invoices/{id}/payments/",
        "/api/v1/time-entries/",
        "/api/v1/time-entries/{id}/",
    ):
        assert path in paths
    assert spec["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token, created at /api/tokens/.",
    }
    assert "post" in spec["paths"]["/api/v1/time-entries/"]
    assert set(spec["paths"]["/api/v1/clients/"]) == {"get"}


def test_schema_needs_a_user(db, client):
    assert client.get(reverse("api:schema")).status_code == 401
