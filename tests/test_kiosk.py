"""The kiosk blueprint: page, config, QR hand-off, staff PIN and settings, CLI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import segno

from bot.kiosk_regions import RegionsError, compose_query, load_regions
from tests.appkit import make_app
from web.kiosk import EXTENSION

GOLFERS = "why-golfers-elbow-keeps-coming-back-and-what-to-do-about-it"
TENNIS = "why-tennis-elbow-keeps-coming-back-and-what-to-do-about-it"
PIN = "246800"


def _region(region_id: str):
    """A bundled region by id."""
    return next(r for r in load_regions() if r.id == region_id)


def _page_config(html: str) -> dict:
    """The JSON config the page hands its script."""
    match = re.search(r'<script type="application/json" id="kiosk-config">(.*?)</script>', html, re.S)
    assert match, "the kiosk page embeds its config as JSON"
    return json.loads(match.group(1))


def _unlock(client, pin=PIN, addr="10.1.1.1"):
    """Try a PIN from one client address."""
    return client.post("/kiosk/staff/unlock", json={"pin": pin}, environ_base={"REMOTE_ADDR": addr})


@pytest.fixture
def staff_app(app):
    """The app with a staff PIN set."""
    kiosk(app).store.set_pin(PIN)
    return app


def kiosk(app):
    """The app's kiosk state (regions, store)."""
    return app.extensions[EXTENSION]


# --- page --------------------------------------------------------------------------------------

def test_kiosk_page_renders_start_screen_without_inline_code_or_links(client):
    response = client.get("/kiosk")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert "Where does it hurt?" in html and "Not medical advice." in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "no inline event handlers"
    assert not re.search(r"\sstyle\s*=", html), "no style attributes (style-src 'self')"
    assert "<a " not in html, "the kiosk has no links to follow"
    config = _page_config(html)
    assert [r["label"] for r in config["regions"]][:3] == ["Neck", "Shoulder", "Elbow"]
    assert config["idleSeconds"] == 60 and config["warningSeconds"] >= 20
    assert config["api"] == "/api/chat"
    assert config["booking"]["url"] == "https://www.victoryperformancept.com/contact"


def test_kiosk_page_builds_bot_settings_once(client, monkeypatch):
    import web.kiosk

    calls = []
    real = web.kiosk.bot_settings

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(web.kiosk, "bot_settings", counting)
    response = client.get("/kiosk")
    assert response.status_code == 200
    assert len(calls) == 1


def test_kiosk_page_escapes_clinic_message(app, client):
    state = kiosk(app)
    state.store.save_settings({"message": "</script><script>alert(1)</script>"}, state.region_ids,
                              state.defaults(app.config))
    html = client.get("/kiosk").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert _page_config(html)["message"] == "</script><script>alert(1)</script>"


def test_kiosk_config_json_follows_configured_defaults(tmp_path, index_dir):
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "k", "KIOSK_IDLE_SECONDS": 45, "KIOSK_WARNING_SECONDS": 5,
                      "KIOSK_MESSAGE": "Ask us about shockwave therapy"})
    response = app.test_client().get("/kiosk/config.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["idleSeconds"] == 45
    assert body["warningSeconds"] == 20  # never below 20 s, whatever the config says
    assert body["message"] == "Ask us about shockwave therapy"


def test_kiosk_bad_regions_file_stops_the_app_at_start(tmp_path, index_dir):
    bad = tmp_path / "regions.toml"
    bad.write_text('[[region]]\nid = "x"\n[region.kiosk]\nlabel = "X"\nwords = ""\n')
    with pytest.raises(RegionsError, match="needs a follow-up question"):
        make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "INDEX_DIR": str(index_dir),
                    "SECRET_KEY": "k", "KIOSK_REGIONS_FILE": str(bad)})


# --- answers: the same chat endpoint --------------------------------------------------------

@pytest.mark.parametrize(("region_id", "answers", "slug"), [
    ("elbow", [0, 0], GOLFERS),
    ("elbow", [1, None], TENNIS),
    ("shin", [0, 1], "why-shin-splints-keep-derailing-your-training-and-what-to-do-about-it"),
    ("heel_achilles", [0, 0], "shockwave-therapy-achilles-tendinitis-culver-city"),
    ("shoulder", [0, None], "shockwave-therapy-shoulder-pain-rotator-cuff-culver-city"),
    # Lateral knee pain in a runner: both IT band posts answer it (the dev labels list both).
    ("knee", [1, 1], ("why-it-band-syndrome-keeps-coming-back", "tight-hip-flexors-knee-pain")),
    ("other", [3], "direct-access-physical-therapy-california-culver-city"),
])
def test_kiosk_region_path_answers_with_matching_post(client, region_id, answers, slug):
    message = compose_query(_region(region_id), answers)
    response = client.post("/api/chat", json={"message": message, "channel": "kiosk"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["matched"] is True and body["disclaimer"]
    assert body["results"][0]["post_slug"].startswith(slug if isinstance(slug, tuple) else (slug,))


def test_kiosk_every_region_path_gets_a_safe_answer(client):
    for region in load_regions():
        for n in range(len(region.follow_ups[0].options) if region.follow_ups else 1):
            message = compose_query(region, [n] if region.follow_ups else [])
            response = client.post("/api/chat", json={"message": message, "channel": "kiosk"})
            assert response.status_code == 200, message
            body = response.get_json()
            assert body["triage"]["level"] in ("routine", "none"), message
            assert body["cta"]["url"], message


@pytest.mark.parametrize(("channel", "learned"), [("kiosk", False), ("web", None)])
def test_kiosk_tap_path_is_screened_by_the_rules_only(client, monkeypatch, channel, learned):
    """Only the kiosk's own tapped keywords skip the learned layer (web/kiosk.is_tap_path); a visitor's words do not."""
    from bot import triage

    message, seen, screen = compose_query(_region("elbow"), [0, 0]), [], triage.screen

    def spy(text, *args, **kwargs):
        seen.append((text, kwargs.get("learned")))
        return screen(text, *args, **kwargs)

    monkeypatch.setattr(triage, "screen", spy)
    response = client.post("/api/chat", json={"message": message, "channel": channel})
    assert response.status_code == 200
    assert [used for text, used in seen if text == message] == [learned]


def test_kiosk_channel_red_flag_is_screened_like_chat(client):
    response = client.post("/api/chat", json={"message": "crushing chest pain and short of breath",
                                              "channel": "kiosk"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == "emergency" and body["results"] == []


# --- QR hand-off --------------------------------------------------------------------------------

def _svg_matrix(svg: bytes) -> list[list[bool]]:
    """Rebuild the module matrix from segno's SVG path (moves and horizontal runs)."""
    root = ET.fromstring(svg)
    width, height = (int(float(v)) for v in root.get("viewBox").split()[2:])
    (path,) = [p.get("d") for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke")]
    grid = [[False] * width for _ in range(height)]
    x = y = 0.0
    for cmd, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        else:
            end = float(a) if cmd == "H" else x + float(a)
            for col in range(int(x), int(end)):
                grid[int(y - 0.5)][col] = True
            x = end
    return grid


def test_kiosk_qr_for_index_section_encodes_exactly_that_url(client):
    url = client.post("/api/chat", json={"message": "inner elbow pain when gripping",
                                         "channel": "kiosk"}).get_json()["results"][0]["section_url"]
    response = client.get("/kiosk/qr.svg", query_string={"url": url})
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-store"
    assert b"<script" not in response.data
    expected = segno.make(url, error="m", micro=False)
    served = _svg_matrix(response.data)
    border = 4
    assert [row[border:-border] for row in served[border:-border]] == [[bool(v) for v in row]
                                                                          for row in expected.matrix]


def test_kiosk_qr_for_booking_url_is_served(client):
    response = client.get("/kiosk/qr.svg", query_string={"url": "https://www.victoryperformancept.com/contact"})
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["", "https://evil.example/", "javascript:alert(1)",
                                 "https://www.victoryperformancept.com/blog/not-a-post"])
def test_kiosk_qr_refuses_links_the_clinic_did_not_publish(client, url):
    response = client.get("/kiosk/qr.svg", query_string={"url": url})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_link"


def test_kiosk_qr_takes_exactly_the_indexed_post_and_section_urls(app):
    from index.sections import SECTION_FRAGMENT
    from web.kiosk import state
    from web.live import current_index

    with app.app_context():
        index = current_index()
        published = {u for s in index.sections for u in (s["section_url"], s["post_url"]) if u}
        assert any(SECTION_FRAGMENT in u for u in published)
        altered = {u + "x" for u in published}
        altered |= {u.replace(SECTION_FRAGMENT, SECTION_FRAGMENT + "Zz") for u in published}
        altered |= {u.rsplit(SECTION_FRAGMENT, 1)[0] + "/" for u in published}
        kiosk = state()
        assert all(kiosk.publishes(index, u) for u in published)
        assert not any(kiosk.publishes(index, u) for u in altered - published)


def test_kiosk_qr_takes_sections_of_every_post_sharing_an_address(app):
    """Two posts of a feed with one link (a re-published post): the sections of both are QR-able."""
    from types import SimpleNamespace

    from web.kiosk import state

    link = "https://clinic.example/blog/knee"
    sections = [{"post_url": link, "section_url": f"{link}#:~:text=First"},
                {"post_url": link, "section_url": f"{link}#:~:text=Second"}]
    index = SimpleNamespace(version="v-two-posts", sections=sections, section_posts=[0, 1],
                            rows_of_post=lambda post: [post])
    with app.app_context():
        kiosk = state()
        assert kiosk.publishes(index, f"{link}#:~:text=First") and kiosk.publishes(index, f"{link}#:~:text=Second")
        assert kiosk.publishes(index, link)
        assert not kiosk.publishes(index, f"{link}#:~:text=Third") and not kiosk.publishes(index, "")


# --- staff PIN and settings ------------------------------------------------------------------

def test_kiosk_unlock_without_pin_set_explains_how_to_set_one(client):
    response = _unlock(client)
    assert response.status_code == 409
    assert "clinicbot kiosk set-pin" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("body", [{"pin": 2468}, {}, [PIN]])
def test_kiosk_unlock_rejects_malformed_body(staff_app, client, body):
    response = client.post("/kiosk/staff/unlock", json=body)
    assert response.status_code == 400
    assert set(response.get_json()["error"]) == {"code", "message"}


def test_kiosk_unlock_wrong_pin_then_lockout_with_retry_after(staff_app, client):
    for left in (4, 3, 2, 1):
        response = _unlock(client, "0000")
        assert response.status_code == 403
        assert f"{left} attempt" in response.get_json()["error"]["message"]
    response = _unlock(client, "0000")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 300
    assert response.get_json()["error"]["code"] == "locked"
    assert _unlock(client, PIN).status_code == 429  # the right PIN does not help during a lockout
    assert _unlock(client, PIN, addr="10.9.9.9").status_code == 200  # per client


def test_kiosk_settings_require_a_valid_staff_token(staff_app, client):
    assert client.put("/kiosk/staff/settings", json={"idle_seconds": 30}).status_code == 401
    bad = client.put("/kiosk/staff/settings", json={"idle_seconds": 30}, headers={"X-Kiosk-Staff": "forged"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "staff_required"
    assert client.get("/kiosk/staff/settings").status_code == 401


def test_kiosk_staff_changes_settings_and_page_follows(staff_app, client):
    unlocked = _unlock(client)
    assert unlocked.status_code == 200
    assert "Set-Cookie" not in unlocked.headers  # staff authority is a token in page memory
    token = unlocked.get_json()["token"]
    assert len(unlocked.get_json()["regions"]) == 14
    response = client.put("/kiosk/staff/settings", headers={"X-Kiosk-Staff": token},
                          json={"idle_seconds": 90, "regions": ["knee", "elbow"], "message": "Welcome!"})
    assert response.status_code == 200
    assert response.get_json()["settings"] == {"idle_seconds": 90, "regions": ["elbow", "knee"],
                                               "message": "Welcome!"}
    config = client.get("/kiosk/config.json").get_json()
    assert [r["id"] for r in config["regions"]] == ["elbow", "knee"]
    assert config["idleSeconds"] == 90 and config["message"] == "Welcome!"
    assert client.get("/kiosk/staff/settings", headers={"X-Kiosk-Staff": token}).status_code == 200


def test_kiosk_staff_bad_settings_are_400_and_change_nothing(staff_app, client):
    token = _unlock(client).get_json()["token"]
    response = client.put("/kiosk/staff/settings", headers={"X-Kiosk-Staff": token}, json={"idle_seconds": 1})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_settings"
    assert client.get("/kiosk/config.json").get_json()["idleSeconds"] == 60


def test_kiosk_staff_token_dies_when_pin_changes(staff_app, client):
    token = _unlock(client).get_json()["token"]
    kiosk(staff_app).store.set_pin("135700")
    response = client.put("/kiosk/staff/settings", headers={"X-Kiosk-Staff": token}, json={"idle_seconds": 30})
    assert response.status_code == 401


def test_kiosk_staff_token_expires(staff_app, client):
    token = _unlock(client).get_json()["token"]
    staff_app.config["KIOSK_STAFF_TOKEN_SECONDS"] = -1  # any token is now older than allowed
    response = client.put("/kiosk/staff/settings", headers={"X-Kiosk-Staff": token}, json={"idle_seconds": 30})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "staff_expired"


def test_kiosk_routes_never_set_cookies(staff_app, client):
    token = _unlock(client).get_json()["token"]
    for response in (client.get("/kiosk"), client.get("/kiosk/config.json"),
                     client.post("/api/chat", json={"message": "knee pain", "channel": "kiosk"}),
                     client.get("/kiosk/staff/settings", headers={"X-Kiosk-Staff": token})):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


# --- CLI ---------------------------------------------------------------------------------------

def test_kiosk_set_pin_command_stores_hash_and_unlocks(app, runner, client):
    result = runner.invoke(args=["kiosk", "set-pin", "--pin", "975310"])
    assert result.exit_code == 0, result.output
    assert "PIN set" in result.output
    assert _unlock(client, "975310").status_code == 200


def test_kiosk_set_pin_command_prompts_twice_hidden(app, runner, client):
    result = runner.invoke(args=["kiosk", "set-pin"], input="864200\n864200\n")
    assert result.exit_code == 0, result.output
    assert "864200" not in result.output
    assert _unlock(client, "864200").status_code == 200


def test_kiosk_set_pin_command_rejects_bad_pin_clearly(runner):
    result = runner.invoke(args=["kiosk", "set-pin", "--pin", "12ab"])
    assert result.exit_code != 0
    assert "6 to 12 digits" in result.output and "Traceback" not in result.output


def test_kiosk_clear_lockouts_command_lets_client_retry(staff_app, runner, client):
    for _ in range(5):
        _unlock(client, "0000")
    assert _unlock(client).status_code == 429
    result = runner.invoke(args=["kiosk", "clear-lockouts"])
    assert result.exit_code == 0 and "cleared 1" in result.output
    assert _unlock(client).status_code == 200


DEEP = "[" * 30_000 + "]" * 30_000


@pytest.mark.parametrize("method, path", [("POST", "/kiosk/staff/unlock"), ("PUT", "/kiosk/staff/settings")])
def test_kiosk_staff_deep_and_oversize_json_get_the_json_error_shape(staff_app, client, method, path):
    """F14: deeply nested JSON is a 400 and an oversize body a 413, both in the API's error shape."""
    token = _unlock(client).get_json()["token"]
    headers = {"X-Kiosk-Staff": token}
    deep = client.open(path, method=method, data=DEEP, content_type="application/json", headers=headers)
    assert deep.status_code == 400
    assert deep.get_json()["error"]["code"] == "invalid_json"
    big = client.open(path, method=method, data="x" * (65 * 1024), content_type="application/json", headers=headers)
    assert big.status_code == 413
    assert big.get_json()["error"]["code"] == "payload_too_large"


def test_kiosk_settings_pin_and_lockouts_are_shared_by_two_app_servers(tmp_path, index_dir, postgres_url):
    """Two app servers on one PostgreSQL (own instance folders): one kiosk, not one per host."""
    apps = [make_app({"INSTANCE_PATH": str(tmp_path / f"instance-{n}"), "INDEX_DIR": str(index_dir),
                      "DATABASE_URL": postgres_url}) for n in (1, 2)]
    first, second = (app.test_client() for app in apps)
    kiosk(apps[0]).store.set_pin(PIN)
    token = _unlock(second).get_json()["token"]  # the PIN set through one server opens the other
    assert second.put("/kiosk/staff/settings", headers={"X-Kiosk-Staff": token},
                      json={"idle_seconds": 90}).status_code == 200
    assert first.get("/kiosk/config.json").get_json()["idleSeconds"] == 90
    for _ in range(3):
        assert _unlock(first, "0000").status_code == 403
    for _ in range(2):  # failures counted on either server add up to one lockout
        _unlock(second, "0000")
    assert _unlock(first, PIN).status_code == 429
    assert _unlock(second, PIN).status_code == 429
    assert _unlock(second, PIN, addr="10.9.9.9").status_code == 200
    for app in apps:
        from web import db

        db.database(app).engine.dispose()
