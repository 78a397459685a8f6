"""The OpenAPI document: true to the routes, and schemathesis finds no 500 and no off-schema answer."""

from __future__ import annotations

import re

import pytest

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)  # Flask's <x> is OpenAPI's {x}
            routes |= {(path, method) for method in rule.methods - IGNORED_METHODS}
    return routes


def _documented(document) -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in document["paths"].items() for method in item}


def test_openapi_document_is_served_as_json(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["schemas"]["ChatRequest"]["properties"]["message"]["maxLength"] == 2000


def test_openapi_document_describes_every_api_route_and_method(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert _documented(document) == _api_routes(app)


def test_openapi_document_answer_fields_match_a_real_answer(client):
    document = client.get("/api/openapi.json").get_json()
    answer = client.post("/api/chat", json={"message": "outer knee pain when running downhill"})
    assert answer.status_code == 200
    body = answer.get_json()
    schema = document["components"]["schemas"]
    assert set(schema["Answer"]["required"]) <= set(body)
    assert set(body) <= set(schema["Answer"]["properties"])
    assert body["results"], "the question should match an article"
    assert set(body["results"][0]) == set(schema["Result"]["properties"])


def test_openapi_document_is_valid_openapi(client):
    schemathesis = pytest.importorskip("schemathesis")
    document = client.get("/api/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(document)
    labels = {op.ok().label for op in schema.get_all_operations()}
    assert labels == {f"{method} {path}" for path, method in _documented(document)}


# --- schemathesis: every operation, generated from the document itself -------------------------

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks as st_checks  # noqa: E402

#: Bounded so the whole run stays in seconds; CI can raise it with SCHEMATHESIS_MAX_EXAMPLES.
MAX_EXAMPLES = int(__import__("os").environ.get("SCHEMATHESIS_MAX_EXAMPLES", "60"))


@pytest.fixture(scope="module")
def schema_app(tmp_path_factory, built_index_dir):
    """One app for all generated cases (they only read the index)."""
    import shutil

    from tests import appkit

    root = tmp_path_factory.mktemp("schemathesis")
    shutil.copytree(built_index_dir, root / "index")
    app = appkit.make_app({"TESTING": True, "INSTANCE_PATH": str(root / "instance"),
                           "INDEX_DIR": str(root / "index"), "SECRET_KEY": "schemathesis"})
    yield app
    appkit.close(app)


@pytest.fixture(scope="module")
def api_schema(schema_app):
    """The served document, called over WSGI.

    Loaded from the served JSON rather than with from_wsgi, which leaves out the
    operation that served the document; "all operations" includes that one.
    """
    document = schema_app.test_client().get("/api/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = schema_app
    return schema


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_openapi_generated_requests_never_500_and_answers_conform(api_schema, mode):
    """Every operation of the document, fuzzed from its own schemas (valid, then invalid requests)."""
    from hypothesis import given

    checks = [st_checks.not_a_server_error, st_checks.status_code_conformance,
              st_checks.content_type_conformance, st_checks.response_schema_conformance]
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        if mode == "negative" and not (raw.get("requestBody") or raw.get("parameters")):
            continue  # nothing to make invalid in an operation without inputs
        labels.append(operation.label)

        @given(case=operation.as_strategy(schemathesis.GenerationMode(mode)))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                         HealthCheck.data_too_large])
        def run(case):
            response = case.call_and_validate(checks=checks)
            assert response.status_code < 500
            assert response.elapsed < 5

        run()
    document = api_schema.raw_schema
    expected = sorted(f"{method.upper()} {path}" for path, item in document["paths"].items()
                      for method, operation in item.items()
                      if mode == "positive" or operation.get("requestBody") or operation.get("parameters"))
    assert sorted(labels) == expected
