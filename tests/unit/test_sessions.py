"""A person's session lasts two hours from the code that opened each decision, whatever they
read afterwards (issue 11: some appeal pages signed it again, so it never expired)."""

from __future__ import annotations

import time

import pytest
from flask import Flask, session

from shared.auth import session as sessions
from shared.auth.session import USAGER_SESSION_SECONDS, current_principal, sign_in_usager


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "test-secret-key-that-is-long-enough-0123456789"
    return app


def references(app: Flask, cookie: dict, at: float, monkeypatch) -> frozenset[str]:
    monkeypatch.setattr(sessions.time, "time", lambda: at)
    with app.test_request_context():
        session.update(cookie)
        return current_principal().references


def test_a_decision_opened_through_another_lasts_as_long_as_it(app: Flask, monkeypatch):
    opened = time.time() - USAGER_SESSION_SECONDS + 60
    with app.test_request_context():
        session["usager"] = {"refs": {"D-AAAAA-00001": opened}}
        sign_in_usager("D-BBBBB-00002", opened_with="D-AAAAA-00001")
        cookie = dict(session)
        assert cookie["usager"]["refs"]["D-BBBBB-00002"] == opened
    assert references(app, cookie, opened + USAGER_SESSION_SECONDS - 1, monkeypatch) == {
        "D-AAAAA-00001",
        "D-BBBBB-00002",
    }
    assert references(app, cookie, opened + USAGER_SESSION_SECONDS + 1, monkeypatch) == set()


def test_reading_again_does_not_sign_the_cookie_again(app: Flask):
    opened = time.time() - 600
    with app.test_request_context():
        session["usager"] = {"refs": {"D-AAAAA-00001": opened, "D-BBBBB-00002": opened}}
        session.modified = False
        sign_in_usager("D-BBBBB-00002", opened_with="D-AAAAA-00001")
        assert not session.modified


def test_a_new_code_opens_its_decision_for_two_hours_from_now(app: Flask, monkeypatch):
    old = time.time() - USAGER_SESSION_SECONDS + 60
    with app.test_request_context():
        session["usager"] = {"refs": {"D-AAAAA-00001": old}}
        sign_in_usager("D-CCCCC-00003")
        cookie = dict(session)
    later = old + USAGER_SESSION_SECONDS + 1
    assert references(app, cookie, later, monkeypatch) == {"D-CCCCC-00003"}


def test_an_expired_session_opens_nothing(app: Flask, monkeypatch):
    cookie = {"usager": {"refs": ["D-AAAAA-00001"], "at": time.time()}}
    assert references(app, cookie, time.time() + USAGER_SESSION_SECONDS + 1, monkeypatch) == set()
