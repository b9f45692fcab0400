"""The OpenAPI document the service serves is the one committed in docs/openapi.json."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from servicekit import Running

from reviewer_app.cli import openapi_document

COMMITTED = Path(__file__).parents[1] / "docs" / "openapi.json"
REGENERATE = "reviewer-app openapi --output docs/openapi.json"


def as_text(document: object) -> list[str]:
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").splitlines(keepends=True)


def test_the_served_document_is_the_committed_one(svc: Running) -> None:
    answer = svc.client().get("/openapi.json")
    assert answer.status_code == 200
    served = answer.json()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    if served != committed:
        diff = "".join(
            difflib.unified_diff(
                as_text(committed), as_text(served), "docs/openapi.json", "served", n=2
            )
        )
        raise AssertionError(
            f"docs/openapi.json is out of date with the service; regenerate it with\n"
            f"    {REGENERATE}\nand commit it. Difference (first 4000 characters):\n{diff[:4000]}"
        )


def test_the_committed_file_is_exactly_what_the_generator_writes() -> None:
    """Byte for byte, so regenerating without a change leaves no diff behind."""
    expected = "".join(as_text(openapi_document()))
    assert COMMITTED.read_text(encoding="utf-8") == expected, (
        f"docs/openapi.json is not in the generator's form; regenerate it with `{REGENERATE}`"
    )


def test_the_document_describes_every_route_clients_use() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    routes = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == {
        ("/api/v1/health", "get"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/config", "get"),
        ("/api/v1/queue", "get"),
        ("/api/v1/claims", "post"),
        ("/api/v1/claims/{application_id}/heartbeat", "post"),
        ("/api/v1/claims/{application_id}", "delete"),
        ("/api/v1/applications/{application_id}", "get"),
        ("/api/v1/media/{sha256}", "get"),
        ("/api/v1/demand", "get"),
        ("/api/v1/decisions", "post"),
        ("/api/v1/audit/entries", "get"),
        ("/api/v1/audit/checkpoint", "get"),
    }
    assert "bearer" in json.dumps(document["components"]["securitySchemes"]).lower()


def test_every_error_answer_is_documented_as_the_services_error_shape() -> None:
    """The service answers every 4xx as `{"detail": "<text>"}` (ErrorOut). FastAPI adds its
    own 422 (`HTTPValidationError`, a list) to routes that do not name 422 themselves, which
    would tell clients to expect another shape."""
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    wrong = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    continue
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema != {"$ref": "#/components/schemas/ErrorOut"}:
                    wrong.append(f"{method.upper()} {path} {status}: {schema}")
    assert wrong == [], "error answers not documented as ErrorOut:\n" + "\n".join(wrong)
