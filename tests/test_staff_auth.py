"""Staff accounts: login, logout, lockout, rate limit, CSRF, cookies, and no anonymous access anywhere."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from store import staff as accounts
from store.models import StaffUser
from tests.appkit import make_app
from tests.staffkit import EMAIL, PASSWORD, csrf_token, login, make_account
from web import db


@pytest.fixture
def account(app):
    """A staff account in the app's database."""
    make_account(app)
    return app


def staff_routes(app):
    """Every (rule, method) under /staff, with sample URL arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        url = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


ROUTES = staff_routes(make_app({"TESTING": True, "SECRET_KEY": "x", "LOAD_INDEX_AT_START": False,
                                  "DB_AUTO_MIGRATE": False, "INSTANCE_PATH": "/tmp/clinicbot-route-list"}))


def test_staff_routes_listed_cover_the_console():
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert {"staff.desk", "staff.callbacks", "staff.inquiry_log", "staff.reports_page", "staff.inquiry_log_csv",
            "staff.gaps_csv", "staff.callback_done", "staff.logout"} <= endpoints


@pytest.mark.parametrize("endpoint, method, url", [r for r in ROUTES if r[0] != "staff.login"])
def test_staff_route_refuses_anonymous(client, endpoint, method, url):
    response = client.open(url, method=method)
    if method == "GET":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login")
    else:
        assert response.status_code in (400, 401)
    assert b"Triage desk" not in response.data and b"inquiry" not in response.data.lower()


@pytest.mark.parametrize("endpoint, method, url", [r for r in ROUTES if r[0] != "staff.login" and r[1] == "POST"])
def test_staff_route_refuses_anonymous_even_with_csrf_token(client, endpoint, method, url):
    token = csrf_token(client)
    response = client.post(url, data={"csrf_token": token, "inquiry": "knee pain"})
    assert response.status_code == 401


def test_login_then_every_page_opens(account, client):
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    for path in ("/staff/", "/staff/callbacks", "/staff/log", "/staff/reports", "/staff/log.csv",
                 "/staff/reports/gaps.csv"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["Cache-Control"] == "no-store"


def test_login_wrong_password_is_refused_without_saying_which_part(account, client):
    wrong = login(client, password="not the password")
    unknown = login(client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert b"Email or password is not right" in wrong.data
    assert b"Email or password is not right" in unknown.data


def test_login_without_csrf_token_is_refused(account, client):
    client.get("/staff/login")
    response = client.post("/staff/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert b"expired" in response.data
    assert client.get("/staff/").status_code == 302


def test_desk_post_with_forged_csrf_token_is_refused(account, client):
    login(client)
    response = client.post("/staff/", data={"inquiry": "knee pain", "csrf_token": "forged"})
    assert response.status_code == 400
    assert b"form has expired" in response.data


def test_logout_requires_csrf_and_ends_session(account, client):
    login(client)
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/staff/").status_code == 200
    token = csrf_token(client, "/staff/")
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_lockout_after_repeated_failures(account, client):
    for _ in range(accounts.MAX_FAILURES - 1):
        assert login(client, password="wrong password!").status_code == 401
    locked = login(client, password="wrong password!")
    assert locked.status_code == 429
    assert b"locked" in locked.data
    assert int(locked.headers["Retry-After"]) > 60
    still_locked = login(client)
    assert still_locked.status_code == 429
    assert client.get("/staff/").status_code == 302


def test_lock_expires(account):
    from datetime import timedelta

    from store.models import utcnow
    with db.session_scope(account) as session:
        for _ in range(accounts.MAX_FAILURES):
            accounts.authenticate(session, EMAIL, "bad", "10.0.0.1")
    later = utcnow() + timedelta(minutes=accounts.LOCK_MINUTES + 1)
    with db.session_scope(account) as session:
        assert accounts.authenticate(session, EMAIL, PASSWORD, "10.0.0.2", now=later).status == "ok"


def test_rate_limit_by_address_across_accounts(account):
    with db.session_scope(account) as session:
        for n in range(accounts.RATE_LIMIT):
            accounts.authenticate(session, f"user{n}@example.com", "guess", "10.9.9.9")
    with db.session_scope(account) as session:
        assert accounts.authenticate(session, EMAIL, PASSWORD, "10.9.9.9").status == "rate_limited"
        assert accounts.authenticate(session, EMAIL, PASSWORD, "10.9.9.10").status == "ok"


def test_password_is_stored_as_argon2_hash(db_app):
    make_account(db_app)
    with db.session_scope(db_app) as session:
        user = session.scalar(select(StaffUser))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_session_cookie_flags(account, client):
    response = login(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_secure_over_https(account):
    client = account.test_client()
    token = csrf_token(client, "https://localhost/staff/login")
    response = client.post("https://localhost/staff/login",
                           data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
                           headers={"Referer": "https://localhost/staff/login"})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_removed_account_session_stops_working(account, client):
    login(client)
    assert client.get("/staff/").status_code == 200
    with db.session_scope(account) as session:
        accounts.remove_user(session, EMAIL)
    assert client.get("/staff/").status_code == 302


def test_login_next_only_redirects_inside_console(account, client):
    token = csrf_token(client)
    response = client.post("/staff/login?next=https://evil.example/", data={"email": EMAIL, "password": PASSWORD,
                                                                           "csrf_token": token})
    assert response.headers["Location"] == "/staff/"


def test_staff_add_command_with_password_stdin(db_app):
    runner = db_app.test_cli_runner()
    result = runner.invoke(args=["staff", "add", "Front@Example.com", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "front@example.com is ready" in result.output
    client = db_app.test_client()
    assert login(client, "front@example.com", "a long enough password").status_code == 302


def test_staff_add_command_prompts_and_confirms(runner):
    result = runner.invoke(args=["staff", "add", "a@example.com"], input="a long enough password\n"
                                                                          "a long enough password\n")
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["staff", "list"])
    assert "a@example.com" in listed.output


@pytest.mark.parametrize("args, stdin, message", [
    (["staff", "add", "a@example.com", "--password-stdin"], "short\n", "at least 12 characters"),
    (["staff", "add", "not-an-email", "--password-stdin"], "a long enough password\n", "not an email address"),
    (["staff", "remove", "nobody@example.com"], "", "no staff account"),
])
def test_staff_commands_report_errors(runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output


def test_staff_remove_command(account):
    result = account.test_cli_runner().invoke(args=["staff", "remove", EMAIL])
    assert result.exit_code == 0, result.output
    assert login(account.test_client()).status_code == 401
