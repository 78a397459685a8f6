"""Property tests on POST /api/chat: whatever arrives, a 200 answer or a 4xx error shape, quickly.

Hypothesis generates the bodies: arbitrary unicode including control characters,
NUL, lone surrogates, emoji, right-to-left text and bare punctuation; messages at
and past the length limit; deeply nested JSON; wrong types and content types;
raw bytes that are not UTF-8. The app is shared by the module (requests only
read the index), so examples run in milliseconds.
"""

from __future__ import annotations

import json
import shutil
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests import appkit
from tests.appkit import make_app

#: Upper bound for one request through the test client, generous for a loaded 2-core CI box.
MAX_SECONDS = 3.0
FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LEVELS = {"emergency", "urgent", "routine", "none"}

#: Every code point class, surrogates (Cs) included, which JSON can carry as \\udXXX escapes.
ANY_CHAR = st.characters(exclude_categories=())
RTL = st.sampled_from(["ألم في الركبة", "כאב בברך", "درد زانو", "\u202eknee pain\u202c", "\u200fback\u200e pain"])
EMOJI = st.sampled_from(["🦵", "🔥", "😭", "🏃‍♀️", "👩🏽‍⚕️", "\U0001f9b6"])
PUNCT = st.text(alphabet=st.sampled_from(list("!?.,;:'\"-()[]{}<>/\\|@#$%^&*~`_+=")), min_size=1, max_size=200)
MESSAGES = st.one_of(
    st.text(ANY_CHAR, min_size=0, max_size=300),
    st.text(alphabet=st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\ud800", "\udfff", " ", "\n", "\t"]),
            max_size=50),
    st.lists(st.one_of(RTL, EMOJI, PUNCT, st.just("knee pain")), min_size=1, max_size=12).map(" ".join),
    PUNCT,
    st.integers(min_value=1990, max_value=2010).map(lambda n: "pain " * (n // 5) + "x" * (n % 5)),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(ANY_CHAR, max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory, built_index_dir):
    """A client over a read-only copy of the bundled index, shared by every example."""
    root = tmp_path_factory.mktemp("fuzz-api")
    shutil.copytree(built_index_dir, root / "index")
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(root / "instance"),
                    "INDEX_DIR": str(root / "index"), "SECRET_KEY": "fuzz"})
    client = app.test_client()
    # Warm: the first answer loads the index, rules and model; the bound is for one request, not a start.
    assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200
    yield client
    appkit.close(app)


def check_response(response, started: float) -> dict:
    """The invariant: 200 with the answer shape, or 4xx with the error shape; never slow."""
    elapsed = time.monotonic() - started
    assert elapsed < MAX_SECONDS, f"request took {elapsed:.2f}s"
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    assert response.mimetype == "application/json"
    body = response.get_json()
    if response.status_code == 200:
        assert isinstance(body["reply"], str) and body["reply"]
        assert isinstance(body["results"], list)
        assert body["triage"]["level"] in LEVELS
        assert body["disclaimer"]
        for result in body["results"]:
            for key in ("post_url", "section_url"):
                assert result[key] == "" or result[key].startswith(("https://", "http://"))
    else:
        assert set(body) == {"error"}
        assert isinstance(body["error"]["code"], str) and body["error"]["code"]
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
        assert "Traceback" not in body["error"]["message"]
    return body


def post_json(client, payload):
    """POST a Python value as JSON (surrogates escaped as JSON allows)."""
    started = time.monotonic()
    response = client.post("/api/chat", data=json.dumps(payload), content_type="application/json")
    return response, started


@FUZZ
@given(message=MESSAGES, channel=st.sampled_from(["web", "widget", "kiosk", "desk"]))
@example(message="\x00", channel="web")
@example(message="\ud83d", channel="kiosk")
@example(message="?!?!...", channel="web")
@example(message="x" * 2000, channel="web")
@example(message="x" * 2001, channel="web")
def test_chat_fuzzed_message_is_answered_or_refused_cleanly(fuzz_client, message, channel):
    response, started = post_json(fuzz_client, {"message": message, "channel": channel})
    body = check_response(response, started)
    # What the server reads (JSON joins escaped surrogate pairs), less C0 controls, DEL and lone
    # surrogates, whitespace trimmed.
    received = json.loads(json.dumps(message))
    left = "".join(" " if (ch < " " and ch not in "\t\n\r") or ch == "\x7f" or 0xD800 <= ord(ch) <= 0xDFFF
                   else ch for ch in received).strip()
    if not left:
        assert (response.status_code, body["error"]["code"]) == (400, "empty_message")
    elif len(left) > 2000:
        assert (response.status_code, body["error"]["code"]) == (400, "message_too_long")
    else:
        assert response.status_code == 200


@FUZZ
@given(payload=JSON_VALUES)
def test_chat_fuzzed_json_body_of_any_shape_never_500(fuzz_client, payload):
    response, started = post_json(fuzz_client, payload)
    check_response(response, started)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["message", "conversation_id", "channel", "context", "extra"]),
                              JSON_VALUES, max_size=5))
def test_chat_fuzzed_field_types_are_validated(fuzz_client, fields):
    response, started = post_json(fuzz_client, fields)
    check_response(response, started)
    if not isinstance(fields.get("message"), str):
        assert response.status_code == 400


@FUZZ
@given(raw=st.binary(max_size=2000),
       content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                     "multipart/form-data", "application/xml", "",
                                     "application/json; charset=latin-1"]))
def test_chat_fuzzed_raw_bytes_and_content_types_never_500(fuzz_client, raw, content_type):
    started = time.monotonic()
    response = fuzz_client.post("/api/chat", data=raw, content_type=content_type or None)
    check_response(response, started)


@pytest.mark.parametrize("depth", [10, 100, 1000, 10_000, 30_000])
@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"a":', "}")])
def test_chat_deeply_nested_json_is_refused_not_crashed(fuzz_client, depth, opener, closer):
    raw = opener * depth + "1" + closer * depth
    if len(raw) > 64 * 1024:
        raw = raw[: 64 * 1024 - 1]
    started = time.monotonic()
    response = fuzz_client.post("/api/chat", data=raw, content_type="application/json")
    check_response(response, started)
    assert response.status_code == 400


def test_chat_nested_message_value_is_refused(fuzz_client):
    nested: object = "knee pain"
    for _ in range(500):
        nested = {"message": nested}
    response, started = post_json(fuzz_client, nested)
    check_response(response, started)
    assert response.status_code == 400


@pytest.mark.parametrize("size", [2000, 2001, 64 * 1024, 2 * 1024 * 1024])
def test_chat_large_bodies_are_bounded(fuzz_client, size):
    response, started = post_json(fuzz_client, {"message": "knee " * (size // 5) + "p" * (size % 5)})
    body = check_response(response, started)
    if size <= 2000:
        assert response.status_code == 200
    elif size < 60 * 1024:
        assert body["error"]["code"] == "message_too_long"
    else:
        assert response.status_code == 413
        assert body["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_chat_wrong_method_gets_json_405(fuzz_client, method):
    started = time.monotonic()
    response = fuzz_client.open("/api/chat", method=method)
    check_response(response, started)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


#: Pages anyone can open, with the query parameters each one reads (all get the fuzzed text).
PAGE_PARAMS = {
    "/": ("q",),
    "/api/openapi.json": ("q",),
    "/widget/frame": ("origin", "accent", "greeting"),  # from the loader's data- attributes
    "/kiosk": ("q",),
    "/staff/login": ("next",),  # where to go after logging in
}
PAGE_PATHS = list(PAGE_PARAMS)
ACCEPTS = ["text/html", "application/json", "*/*", "", "text/html;q=0.1, application/json", "garbage/;;q=x"]


@FUZZ
@given(path=st.sampled_from(PAGE_PATHS), query=st.text(ANY_CHAR, max_size=60), accept=st.sampled_from(ACCEPTS))
def test_pages_fuzzed_query_and_accept_never_500(fuzz_client, path, query, accept):
    started = time.monotonic()
    # Percent-encoded bytes as a browser would send them; lone surrogates become invalid UTF-8.
    raw = quote(query.encode("utf-8", "surrogatepass"), safe="")
    params = "&".join(f"{name}={raw}" for name in PAGE_PARAMS[path])
    response = fuzz_client.get(f"{path}?{params}&x={raw[:9]}", headers={"Accept": accept})
    assert time.monotonic() - started < MAX_SECONDS
    assert response.status_code == 200


def get_path(client, path: str):
    """GET ``path`` the way a server hands it to the app: as PATH_INFO (WSGI's latin-1 view of its bytes).

    ``client.get(path)`` reads its argument as a URL, so a path starting with "//"
    names a host: werkzeug IDNA-encodes it (a UnicodeError in the test client on
    an empty or over-long label such as "//a..b") and drops it from the path. A
    server reads the request line's target as a path, and so does this.
    """
    raw = path.encode("utf-8")
    target = quote(raw, safe="/")
    return client.get("/", environ_overrides={"PATH_INFO": raw.decode("latin-1"), "REQUEST_URI": target,
                                              "RAW_URI": target})


@FUZZ
@given(suffix=st.text(ANY_CHAR, min_size=1, max_size=40), prefix=st.sampled_from(["/", "/api/", "/static/"]))
@example(suffix="/a..b", prefix="/")  # "//a..b": an empty host label to a URL parser (the flake of issue 18)
@example(suffix="/" + "a" * 70, prefix="/api/")
def test_unknown_paths_get_404_in_the_right_shape(fuzz_client, prefix, suffix):
    path = prefix + suffix.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("?", "_")
    started = time.monotonic()
    response = get_path(fuzz_client, path.replace("#", "_"))
    assert time.monotonic() - started < MAX_SECONDS
    assert response.status_code < 500
    if response.status_code == 404 and path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "not_found"
