"""The chat API contract and its bad-input cases."""

from __future__ import annotations

import pytest

GOLFER = "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"
RESULT_KEYS = {"post_title", "post_url", "section_heading", "parent_heading", "section_url", "snippet", "score"}


def test_chat_answers_with_contract_shape(client):
    response = client.post("/api/chat", json={"message": "inner elbow pain when gripping"})
    assert response.status_code == 200
    body = response.get_json()
    assert isinstance(body["reply"], str) and body["reply"]
    assert body["matched"] is True
    assert 1 <= len(body["results"]) <= 5
    for result in body["results"]:
        assert RESULT_KEYS <= set(result)
        assert result["post_url"].startswith("https://")
        assert result["section_url"].startswith(result["post_url"])
    scores = [r["score"] for r in body["results"]]
    assert body["results"][0]["post_slug"] == GOLFER
    # A score is the section's own relevance; inside a post the section holding the question's
    # telling words may come first with a lower one, but the best-scoring post leads.
    assert body["results"][scores.index(max(scores))]["post_slug"] == GOLFER
    assert body["follow_up"] is None or {"question", "options"} <= set(body["follow_up"])
    assert body["triage"]["level"] in {"emergency", "urgent", "routine", "none"}
    assert set(body["cta"]) >= {"text", "url", "phone"}
    assert body["cta"]["url"] == "https://www.victoryperformancept.com/contact"
    assert body["cta"]["phone"] == "424-543-4336"
    assert "not medical advice" in body["disclaimer"].lower()


def test_chat_unmatched_question_says_so_and_offers_cta(client):
    response = client.post("/api/chat", json={"message": "do you sell gift cards for birthdays?"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["matched"] is False
    assert body["results"] == []
    assert "don't have an article" in body["reply"]
    assert body["cta"]["url"]
    assert body["disclaimer"]


def test_chat_echoes_an_issued_conversation_id(client):
    issued = client.post("/api/chat", json={"message": "knee", "conversation_id": "abc-123"}).get_json()[
        "conversation_id"]
    response = client.post("/api/chat", json={"message": "shin pain", "conversation_id": issued})
    assert response.status_code == 200
    assert response.get_json()["conversation_id"] == issued


@pytest.mark.parametrize("kwargs, code", [
    ({"data": "not json", "content_type": "application/json"}, "invalid_json"),
    ({"json": ["a", "list"]}, "invalid_json"),
    ({"json": "a string"}, "invalid_json"),
    ({"json": {}}, "missing_message"),
    ({"json": {"text": "hi"}}, "missing_message"),
    ({"json": {"message": ""}}, "empty_message"),
    ({"json": {"message": "   \n\t "}}, "empty_message"),
    ({"json": {"message": None}}, "invalid_message"),
    ({"json": {"message": 42}}, "invalid_message"),
    ({"json": {"message": ["knee"]}}, "invalid_message"),
    ({"json": {"message": {"a": 1}}}, "invalid_message"),
    ({"json": {"message": "x" * 2001}}, "message_too_long"),
    ({"json": {"message": "knee", "conversation_id": 5}}, "invalid_conversation_id"),
    ({"json": {"message": "knee", "conversation_id": "<script>"}}, "invalid_conversation_id"),
    ({"data": b"\xff\xfe\x00garbage", "content_type": "application/json"}, "invalid_json"),
])
def test_chat_bad_input_is_400_with_error_shape(client, kwargs, code):
    response = client.post("/api/chat", **kwargs)
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert "Traceback" not in response.get_data(as_text=True)


def test_chat_accepts_exactly_2000_characters(client):
    response = client.post("/api/chat", json={"message": ("knee pain " * 200)[:2000]})
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_chat_wrong_method_is_json_405(client, method):
    response = getattr(client, method)("/api/chat")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_api_unknown_route_is_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "There is nothing at this address."}}


def test_api_oversized_body_is_json_413(client):
    response = client.post("/api/chat", data="x" * (65 * 1024), content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_unexpected_error_is_json_500_without_details(app, client, monkeypatch):
    import web.api.chat

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(web.api.chat, "respond", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/api/chat", json={"message": "knee"})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_emergency_message_gets_no_articles(client):
    response = client.post("/api/chat", json={"message": "crushing chest pain and I'm short of breath"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == "emergency"
    assert body["results"] == []
    assert body["reply"].startswith("Call 911")
    assert body["cta"]["phone"] == "911"
    assert body["disclaimer"]


@pytest.mark.parametrize("payload, code", [
    ({"message": "knee", "channel": "fax"}, "invalid_channel"),
    ({"message": "knee", "context": 12}, "invalid_context"),
    ({"message": "knee", "context": "x" * 5000}, "invalid_context"),
])
def test_chat_optional_fields_are_validated(client, payload, code):
    response = client.post("/api/chat", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_chat_emergency_uses_configured_numbers(app, client):
    app.config["EMERGENCY_NUMBER"] = "112"
    response = client.post("/api/chat", json={"message": "my face is drooping and my speech is slurred"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == "emergency"
    assert "stroke" in body["triage"]["categories"]
    assert body["results"] == []
    assert body["reply"].splitlines()[0].startswith("Call 112 now")
    assert "911" not in body["reply"]
    assert body["cta"]["phone"] == "112"
    assert body["cta"]["url"] == "tel:112"
    assert body["disclaimer"]


def test_chat_self_harm_offers_crisis_line_first(app, client):
    app.config["CRISIS_LINE"] = "116 123"
    app.config["CRISIS_LINE_NAME"] = "Samaritans"
    response = client.post("/api/chat", json={"message": "I've been thinking about ending my life"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == "emergency"
    assert body["triage"]["rule_ids"] == ["self-harm"]
    assert body["results"] == []
    assert body["reply"].startswith("You're not alone. Please call or text 116 123 now to reach the Samaritans")
    assert body["triage"]["title"] == "Call or text 116 123 now" and body["triage"]["family"] == "mental_health"
    assert body["cta"]["phone"] == "116 123"
    assert [n["phone"] for n in body["cta"]["numbers"]] == ["116 123", "911"]
    assert body["disclaimer"]


def test_chat_urgent_gives_care_first_and_no_reading(client):
    """Issue 4: a swollen red calf after a flight is never answered with a shin-splints article."""
    response = client.post("/api/chat", json={"message": "my calf is swollen and red since my long flight, "
                                                         "I also have shin splints"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == "urgent"
    assert "dvt-pe" in body["triage"]["categories"]
    assert body["reply"].startswith("Please get checked by a doctor today")
    assert body["triage"]["message"] in body["reply"]
    assert body["results"] == [] and body["follow_up"] is None
    assert "shin" not in body["reply"].lower()
    assert body["region"] == "lower leg"
    assert body["cta"]["url"] == "https://www.victoryperformancept.com/contact"
    assert body["disclaimer"]


@pytest.mark.parametrize("message", [
    "ordinary low back pain after gardening",
    "numb toes after a long run that went away",
    "chest feels tight when I stretch my pecs",
    "I had a fracture years ago and my wrist is stiff",
])
def test_chat_ordinary_complaint_is_not_triaged(client, message):
    response = client.post("/api/chat", json={"message": message})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] in ("routine", "none")
    assert body["triage"]["rule_ids"] == []
    assert body["disclaimer"]


def test_chat_urgent_answer_never_contradicts_the_care_advice(client):
    response = client.post("/api/chat", json={"message": "I've lost 20 pounds without trying"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == "urgent"
    assert body["reply"].startswith("Please get checked by a doctor today")
    follow = "these sections of our blog" if body["matched"] else "Once a doctor has checked you"
    assert follow in body["reply"]
    assert "best next step is to talk to one of our physical therapists" not in body["reply"]
    assert body["disclaimer"]


@pytest.mark.parametrize("path", ["/api/chat", "/api/event", "/api/callback"])
def test_api_deeply_nested_json_is_400_on_every_post_route(client, path):
    response = client.post(path, data="[" * 30_000 + "]" * 30_000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
