"""The OpenAPI 3 description of the public API, served at /api/openapi.json.

The document is built from the same constants the API validates with (channels,
length limits, conversation id pattern), so it cannot drift from the code in
those details; tests/test_openapi.py checks that every /api route and method is
described and nothing else, and schemathesis checks the answers against it.
"""

from __future__ import annotations

from flask import current_app, jsonify

from web.api.blueprint import CHANNELS, MAX_CONTEXT_CHARS, VISITOR_CHANNELS, bp
from web.api.callback import MAX_WORDS
from web.api.events import KINDS, TARGET
from web.conversation_ids import CONVERSATION_ID
from web.errors import CODES

OPENAPI_VERSION = "3.0.3"
LEVELS = ["emergency", "urgent", "routine", "none"]


def _nullable(schema: dict) -> dict:
    """An OpenAPI 3.0 nullable copy of a schema."""
    return {**schema, "nullable": True}


def _error_schema() -> dict:
    """The pinned error shape of web/errors.py."""
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string", "minLength": 1},
                               "message": {"type": "string", "minLength": 1},
                               "fields": {"type": "array", "description": "every wrong field of a form, first first",
                                          "items": {"type": "object", "required": ["code", "message"],
                                                    "properties": {"code": {"type": "string"},
                                                                   "message": {"type": "string"}}}}},
            },
        },
    }


def _result_schema() -> dict:
    """One section a reply points to."""
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["post_title", "post_url", "post_slug", "section_heading", "parent_heading",
                     "section_url", "snippet", "snippet_html", "score"],
        "properties": {
            "post_title": text,
            "post_url": {"type": "string", "description": "http(s) link to the post, or empty when the feed gave none"},
            "post_slug": text,
            "section_heading": _nullable(text),
            "parent_heading": _nullable(text),
            "section_url": {"type": "string", "description": "post_url opened at the section (text fragment)"},
            "snippet": text,
            "snippet_html": {"type": "string", "description": "snippet HTML-escaped, matched words in <mark>"},
            "score": {"type": "number", "minimum": 0},
            "article_lang": {"type": "string", "enum": ["en"], "description": "language of the post"},
            "reason": _nullable({"type": "string", "description": "why the card was chosen, in the answer's "
                                 "language: 'Matched: inside of the elbow, gripping'"}),
            "matched_terms": {"type": "array", "items": text,
                              "description": "the plain terms of reason (at most 3), strongest first"},
            "more_sections": {
                "type": "array", "description": "the post's other matching sections, best first (one card per post)",
                "items": {"type": "object", "required": ["section_heading", "parent_heading", "section_url"],
                          "properties": {"section_heading": _nullable(text), "parent_heading": _nullable(text),
                                         "section_url": text, "score": {"type": "number", "minimum": 0}}},
            },
        },
    }


def _answer_schema() -> dict:
    """The chat answer, as in the shared API contract."""
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["reply", "matched", "results", "follow_up", "triage", "cta", "disclaimer", "conversation_id"],
        "properties": {
            "reply": {"type": "string", "minLength": 1},
            "matched": {"type": "boolean"},
            "lang": {"type": "string", "enum": ["en", "es"], "description": "language of the visitor's message"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
            "follow_up": _nullable({
                "type": "object", "required": ["question", "options"],
                "properties": {"question": text, "options": {"type": "array", "items": text}},
            }),
            "triage": {
                "type": "object", "required": ["level", "message", "rule_ids"],
                "properties": {"level": {"type": "string", "enum": LEVELS}, "message": _nullable(text),
                               "rule_ids": {"type": "array", "items": text},
                               "family": _nullable({"type": "string", "description": "the leading rule's family "
                                                    "(heart_vessels, brain_nerves, spine, infection, limbs_trauma, "
                                                    "children, pregnancy, mental_health, allergy)"}),
                               "kind": {"type": "string", "description": "answer shape (emergency, urgent, crisis, "
                                        "overdose, abuse, child_abuse, child_abuse_report, maternity, "
                                        "ectopic, learned...)"},
                               "title": {"type": "string", "description": "names the action: 'Call 911 now'"},
                               "lang": {"type": "string", "enum": ["en", "es"]},
                               "notice": {"type": "string", "description": "one line shown instead of the "
                                          "blog notice under an emergency or crisis answer"},
                               "source": _nullable({"type": "string", "enum": ["rules", "learned", "both"]}),
                               "learned_score": _nullable({"type": "number"})},
            },
            "cta": {
                "type": "object", "required": ["text", "url", "phone"],
                "properties": {"text": text, "url": _nullable(text), "phone": _nullable(text)},
            },
            "disclaimer": {"type": "string", "minLength": 1},
            "conversation_id": _nullable(text),
            "context": _nullable(text),
            "clarify": {"type": "boolean", "description": "follow_up is asked instead of cards: the message named "
                        "nothing to match ('it hurts'); a tapped option is sent back with context"},
            "region": _nullable({"type": "string", "description": "the body region understood, e.g. elbow"}),
            "intent": _nullable({"type": "string", "description": "set when the message was not a complaint "
                                 "(greeting, thanks, goodbye, identity, capability, booking, contact, "
                                 "where_it_hurts; data/intents.toml): the reply answers it and no article is shown"}),
        },
    }


LANG_FIELD = {"type": "string", "enum": ["en", "es"],
              "description": "The language of the visitor's page (docs/spanish.md): a message that reads as neither "
                             "language, and product wording the visitor tapped, are answered in it."}


def _request_schema(max_chars: int) -> dict:
    """What POST /api/chat accepts; the same limits web/api/chat.py enforces."""
    return {
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string", "minLength": 1, "maxLength": max_chars,
                        "description": "The visitor's words. Control characters are dropped; it must not be blank."},
            "conversation_id": {"type": "string", "pattern": CONVERSATION_ID.pattern,
                                "description": "The id of a previous answer. Ids are issued by the server: "
                                               "one it did not issue is replaced by a new one."},
            "channel": {"type": "string", "enum": list(CHANNELS), "default": "web"},
            "context": {"type": "string", "maxLength": MAX_CONTEXT_CHARS,
                        "description": "Opaque; echo the previous answer's context field."},
            "lang": LANG_FIELD,
        },
    }


def _callback_schema() -> dict:
    """What POST /api/callback accepts; the limits web/api/callback.py enforces."""
    return {
        "type": "object",
        "required": ["name", "consent"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "phone": {"type": "string", "maxLength": 25, "description": "7 to 15 digits; phone or email is required"},
            "email": {"type": "string", "maxLength": 254},
            "preferred_time": {"type": "string", "maxLength": 200},
            "message": {"type": "string", "maxLength": MAX_WORDS},
            "consent": {"type": "boolean", "enum": [True], "description": "Must be true."},
            "channel": {"type": "string", "enum": list(VISITOR_CHANNELS), "default": "widget"},
            "conversation_id": {"type": "string", "pattern": CONVERSATION_ID.pattern},
            "lang": {**LANG_FIELD, "description": "The language of the form's page: of the confirmation."},
        },
    }


def _event_schema() -> dict:
    """What POST /api/event accepts."""
    return {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"type": "string", "enum": list(KINDS)},
            "channel": {"type": "string", "enum": list(CHANNELS), "default": "web"},
            "conversation_id": {"type": "string", "pattern": CONVERSATION_ID.pattern},
            "url": {"type": "string", "pattern": TARGET.pattern},
        },
    }


def _json_body(ref: str) -> dict:
    """A required JSON request body of a named schema."""
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _error(status: int) -> dict:
    """A documented error response."""
    return {"description": CODES.get(status, ("error", "The request failed."))[1],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document(max_chars: int) -> dict:
    """The whole OpenAPI document for an app allowing ``max_chars`` per message."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "clinicbot public API",
            "version": "1",
            "description": "Answers a visitor's complaint with sections of the clinic's own blog. "
                           "Every answer carries the notice; emergencies get care guidance and no articles.",
        },
        "paths": {
            "/api/chat": {
                "post": {
                    "operationId": "chat",
                    "summary": "Answer one visitor message",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ChatRequest"}}}},
                    "responses": {
                        "200": {"description": "The answer",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answer"}}}},
                        **{str(status): _error(status) for status in (400, 403, 405, 413, 415, 429, 503)},
                    },
                },
            },
            "/api/callback": {
                "post": {
                    "operationId": "callback",
                    "summary": "Ask the clinic to call or write back (never instead of emergency care)",
                    "requestBody": _json_body("CallbackRequest"),
                    "responses": {
                        "201": {"description": "Queued for the front desk", "content": {"application/json": {
                            "schema": {"type": "object", "required": ["status", "reference", "message", "disclaimer"],
                                       "properties": {"status": {"type": "string"},
                                                      "reference": {"type": "string", "pattern": "^CB-[0-9]{4,}$"},
                                                      "message": {"type": "string"},
                                                      "disclaimer": {"type": "string"}}}}}},
                        **{str(status): _error(status) for status in (400, 403, 405, 409, 413, 415, 429, 503)},
                    },
                },
            },
            "/api/event": {
                "post": {
                    "operationId": "event",
                    "summary": "Record what a visitor did after an answer (a CTA click)",
                    "requestBody": _json_body("EventRequest"),
                    "responses": {
                        "202": {"description": "Accepted; recorded is false when the log is unavailable",
                                "content": {"application/json": {"schema": {
                                    "type": "object", "required": ["recorded"],
                                    "properties": {"recorded": {"type": "boolean"}}}}}},
                        **{str(status): _error(status) for status in (400, 403, 405, 413, 415, 429)},
                    },
                },
            },
            "/api/conversations/{conversation_id}": {
                "delete": {
                    "operationId": "forgetConversation",
                    "summary": "Forget what a conversation was about (the clients' \"Start over\")",
                    "description": "The server remembers each conversation's complaint for follow-ups "
                                   "(docs/conversation.md); this drops it at once. 204 whether or not "
                                   "anything was remembered.",
                    "parameters": [{"name": "conversation_id", "in": "path", "required": True,
                                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,100}$"}}],
                    "responses": {
                        "204": {"description": "Forgotten"},
                        **{str(status): _error(status) for status in (400, 404, 405, 503)},
                    },
                },
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI document",
                                          "content": {"application/json": {"schema": {"type": "object"}}}},
                                  "405": _error(405)},
                },
            },
        },
        "components": {
            "schemas": {
                "ChatRequest": _request_schema(max_chars),
                "CallbackRequest": _callback_schema(),
                "EventRequest": _event_schema(),
                "Answer": _answer_schema(),
                "Result": _result_schema(),
                "Error": _error_schema(),
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """The document, with this deployment's message limit."""
    return jsonify(document(int(current_app.config["MAX_MESSAGE_CHARS"])))
