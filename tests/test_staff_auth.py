"""Staff accounts: login, logout, lockout, rate limit, CSRF, cookies, and no anonymous access anywhere."""

from __future__ import annotations

import functools
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


def _scope(app):
    """The committed-session factory authenticate() takes."""
    return functools.partial(db.session_scope, app)


def test_repeated_failures_back_off_with_the_same_answer_for_unknown_accounts(account):
    """F7: a real account and an unknown one get the same statuses, wording and Retry-After."""
    seen = {}
    for email in (EMAIL, "nobody@example.com"):
        client = account.test_client()
        answers = []
        for _ in range(accounts.FREE_ATTEMPTS["pair"] + 2):
            response = login(client, email=email, password="wrong password!")
            flash = re.search(r'class="flash[^"]*"[^>]*>([^<]+)<', response.get_data(as_text=True))
            answers.append((response.status_code, response.headers.get("Retry-After"),
                            flash.group(1).strip() if flash else None))
        seen[email] = answers
    assert seen[EMAIL] == seen["nobody@example.com"]
    assert [status for status, _, _ in seen[EMAIL]][:accounts.FREE_ATTEMPTS["pair"]] == [401] * 5
    assert seen[EMAIL][-1][0] == 429


def test_throttled_attempt_costs_a_password_check(account, monkeypatch):
    """F7: refused and checked attempts take the same time: both verify an Argon2 hash."""
    calls = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda h, p: calls.append(h) or real(h, p))
    for _ in range(accounts.FREE_ATTEMPTS["pair"] + 3):
        accounts.authenticate(_scope(account), EMAIL, "bad", "10.0.0.1")
    assert len(calls) == accounts.FREE_ATTEMPTS["pair"] + 3


def test_backoff_from_one_address_does_not_lock_out_the_account(account):
    """F7: five wrong passwords from a stranger do not keep the real user out."""
    for _ in range(accounts.FREE_ATTEMPTS["pair"] + 2):
        accounts.authenticate(_scope(account), EMAIL, "bad", "10.0.0.1")
    assert accounts.authenticate(_scope(account), EMAIL, PASSWORD, "10.0.0.1").status == "throttled"
    assert accounts.authenticate(_scope(account), EMAIL, PASSWORD, "10.0.0.2").status == "ok"


def test_backoff_grows_then_expires(account):
    from datetime import timedelta

    from store.models import utcnow
    now = utcnow()
    waits = []
    for n in range(accounts.FREE_ATTEMPTS["pair"] + 4):
        outcome = accounts.authenticate(_scope(account), EMAIL, "bad", "10.0.0.1", now=now)
        if outcome.status == "throttled":
            waits.append(outcome.retry_after)
        now += timedelta(seconds=31 if n >= accounts.FREE_ATTEMPTS["pair"] else 0)
    assert waits and waits == sorted(waits)
    later = now + accounts.WINDOW + timedelta(seconds=901)
    assert accounts.authenticate(_scope(account), EMAIL, PASSWORD, "10.0.0.1", now=later).status == "ok"


def test_rate_limit_by_address_across_accounts(account):
    for n in range(accounts.FREE_ATTEMPTS["address"] + 1):
        accounts.authenticate(_scope(account), f"user{n}@example.com", "guess", "10.9.9.9")
    assert accounts.authenticate(_scope(account), EMAIL, PASSWORD, "10.9.9.9").status == "throttled"
    assert accounts.authenticate(_scope(account), EMAIL, PASSWORD, "10.9.9.10").status == "ok"


def test_simultaneous_failures_are_counted_atomically(db_app, monkeypatch):
    """F6: 20 wrong passwords at once are not all checked against a limit of 5."""
    import threading

    make_account(db_app)
    checked = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify",
                        lambda h, p: (checked.append(1) if h != accounts._DUMMY_HASH else None) or real(h, p))
    barrier = threading.Barrier(20)

    def guess():
        barrier.wait()
        accounts.authenticate(_scope(db_app), EMAIL, "wrong password!", "10.1.1.1")

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(checked) <= accounts.FREE_ATTEMPTS["pair"] + 1


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


def _copied_session(app, client):
    """A second client holding a copy of ``client``'s session cookie (a stolen or shared cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_logout_ends_a_copied_session_too(account, client):
    login(client)
    thief = _copied_session(account, client)
    assert thief.get("/staff/log").status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert thief.get("/staff/log").status_code == 302


def test_password_change_ends_every_session(account, client):
    login(client)
    other = account.test_client()
    login(other)
    with db.session_scope(account) as session:
        accounts.add_user(session, EMAIL, "a brand new passphrase")
    assert client.get("/staff/log").status_code == 302
    assert other.get("/staff/log").status_code == 302


def test_purge_forgets_old_login_counters(account):
    from datetime import timedelta

    from sqlalchemy import func

    from store import inquiries
    from store.models import LoginThrottle, utcnow
    accounts.authenticate(_scope(account), EMAIL, "bad", "10.0.0.1", now=utcnow() - timedelta(days=2))
    accounts.authenticate(_scope(account), EMAIL, "bad", "10.0.0.2")
    with db.session_scope(account) as session:
        inquiries.purge(session)
        keys = set(session.scalars(select(LoginThrottle.key)))
        assert session.scalar(select(func.count()).select_from(LoginThrottle)) == len(keys)
    assert not any("10.0.0.1" in key for key in keys) and any("10.0.0.2" in key for key in keys)
