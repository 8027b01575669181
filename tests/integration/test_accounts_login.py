"""POST /users/login (API.md 3.1.3, 2.10) and the Authorization header
and access-token checks of API.md 1.5."""

import json
import os
import time
import uuid

import pytest

from vybestest import (OID_RE, REFRESH_RE, SECRET_KEYS, Client,
                       assert_json_error, assert_unauthorized,
                       assert_validation, b64url, find_keys, jwt_claims,
                       jwt_header, jwt_make, new_account, unique_email)


def test_login_response(front):
    c = Client(front)
    email = unique_email("login")
    user = c.register(email, "s3cret-pass").json()["user"]
    r = c.login(email.upper(), "s3cret-pass")
    assert r.headers.get("Cache-Control") == "no-store", r.headers
    body = r.json()
    assert set(body) >= {"access_token", "refresh_token", "user_data",
                         "expires_in"}, body
    assert REFRESH_RE.fullmatch(body["refresh_token"]), body
    assert body["expires_in"] == 3600 and type(body["expires_in"]) is int
    assert body["user_data"] == {"vid": user["vid"],
                                 "username": user["username"],
                                 "id": user["id"]}, body
    assert not find_keys(body, SECRET_KEYS), body
    tok = body["access_token"]
    assert jwt_header(tok) == {"alg": "HS256", "typ": "JWT"}
    cl = jwt_claims(tok)
    assert cl["sub"] == user["id"] and OID_RE.fullmatch(cl["sid"]), cl
    assert cl["exp"] - cl["iat"] == 3600, cl
    assert abs(cl["iat"] - time.time()) < 60, cl


def test_two_logins_two_sessions(front):
    a = new_account(front)
    r = a.client.login(a.email, a.password).json()
    assert jwt_claims(r["access_token"])["sid"] != a.sid
    assert r["refresh_token"] != a.refresh


def test_wrong_password_and_unknown_email_look_the_same(front):
    a = new_account(front)
    r1 = a.client.login(a.email, a.password + "x", expect=401)
    r2 = a.client.login(unique_email("nobody"), a.password, expect=401)
    assert_json_error(r1, 401, "invalid_credentials")
    assert_json_error(r2, 401, "invalid_credentials")
    assert r1.body == r2.body


@pytest.mark.parametrize("body, field", [
    ({"password": "12345678"}, "email"),
    ({"email": "no-at-sign", "password": "12345678"}, "email"),
    ({"email": 1, "password": "12345678"}, "email"),
    ({"email": "a@example.com"}, "password"),
    ({"email": "a@example.com", "password": ""}, "password"),
    ({"email": "a@example.com", "password": "p" * 1025}, "password"),
    ({"email": "a@example.com", "password": None}, "password"),
])
def test_login_validation(front, body, field):
    assert_validation(Client(front).post("/users/login", body), field)


def test_login_bad_json(front):
    r = Client(front).post("/users/login", raw=b'{"email": ')
    assert_json_error(r, 400, "bad_request")


# ------------------------------------------------------------ auth header

def me(client, auth=None, token=None):
    headers = {} if auth is None else {"Authorization": auth}
    return client.get("/users/me", headers=headers, token=token)


def test_valid_token_control(front):
    a = new_account(front)
    r = me(a.client, token=a.token)
    assert r.status == 200, r
    assert r.json()["id"] == a.id


@pytest.mark.parametrize("kind", [
    "missing", "basic", "bearer-alone", "bearer-space", "empty",
    "garbage", "two-parts", "other-key", "alg-none", "alg-hs512",
    "expired", "tampered-payload", "tampered-sub", "bad-sid", "no-exp",
    "unknown-session", "session-of-other-user"])
def test_bad_authorization_is_401(front, kind):
    a = new_account(front)
    now = int(time.time())
    claims = {"sub": a.id, "sid": a.sid, "iat": now, "exp": now + 600}
    tok = a.token
    h, p, s = tok.split(".")
    if kind == "missing":
        auth = None
    elif kind == "basic":
        auth = "Basic x"
    elif kind == "bearer-alone":
        auth = "Bearer"
    elif kind == "bearer-space":
        auth = "Bearer    "
    elif kind == "empty":
        auth = ""
    elif kind == "garbage":
        auth = "Bearer not.a.jwt"
    elif kind == "two-parts":
        auth = "Bearer %s.%s" % (h, p)
    elif kind == "other-key":
        auth = "Bearer " + jwt_make(claims, key=b"k" * 64)
    elif kind == "alg-none":
        auth = "Bearer " + jwt_make(claims, alg="none")
    elif kind == "alg-hs512":
        auth = "Bearer " + jwt_make(claims, alg="HS512")
    elif kind == "expired":
        claims.update(iat=now - 7200, exp=now - 120)
        auth = "Bearer " + jwt_make(claims)
    elif kind == "tampered-payload":
        pl = jwt_claims(tok)
        pl["exp"] += 100000
        auth = "Bearer %s.%s.%s" % (
            h, b64url(json.dumps(pl, separators=(",", ":")).encode()), s)
    elif kind == "tampered-sub":
        b = new_account(front)
        pl = jwt_claims(tok)
        pl["sub"] = b.id
        auth = "Bearer %s.%s.%s" % (
            h, b64url(json.dumps(pl, separators=(",", ":")).encode()), s)
    elif kind == "bad-sid":
        claims["sid"] = "nothex"
        auth = "Bearer " + jwt_make(claims)
    elif kind == "no-exp":
        del claims["exp"]
        auth = "Bearer " + jwt_make(claims)
    elif kind == "unknown-session":
        claims["sid"] = uuid.uuid4().hex[:24]
        auth = "Bearer " + jwt_make(claims)
    elif kind == "session-of-other-user":
        b = new_account(front)
        claims["sid"] = b.sid          # a real session, but not a.id's
        auth = "Bearer " + jwt_make(claims)
    r = me(a.client, auth=auth) if auth is not None else me(a.client)
    assert_unauthorized(r)
    # The account itself still works: the failures above were the token's.
    assert me(a.client, token=a.token).status == 200


def test_self_signed_token_with_stack_secret_is_accepted(front):
    """Control for the forged-token cases: the same construction with the
    right key, a live session and a future exp authenticates."""
    a = new_account(front)
    now = int(time.time())
    tok = jwt_make({"sub": a.id, "sid": a.sid, "iat": now, "exp": now + 60})
    r = me(a.client, auth="Bearer " + tok)
    assert r.status == 200, r
    # iat is optional on input (tokens of the reference had none).
    tok = jwt_make({"sub": a.id, "sid": a.sid, "exp": now + 60})
    assert me(a.client, auth="Bearer " + tok).status == 200


def test_expired_within_leeway_is_accepted_beyond_is_not(front):
    a = new_account(front)
    now = int(time.time())
    ok = jwt_make({"sub": a.id, "sid": a.sid, "exp": now - 5})
    assert me(a.client, auth="Bearer " + ok).status == 200
    bad = jwt_make({"sub": a.id, "sid": a.sid, "exp": now - 90})
    assert_unauthorized(me(a.client, auth="Bearer " + bad))


@pytest.mark.parametrize("fmt", ["Token %s", "bearer    %s", "BEARER %s",
                                 "token  %s", "Bearer %s"])
def test_accepted_schemes(front, fmt):
    a = new_account(front)
    r = me(a.client, auth=fmt % a.token)
    assert r.status == 200, r
    assert r.json()["id"] == a.id


@pytest.mark.parametrize("fmt", ["Bearer\t%s", "Bearer%s", "Bearerx %s",
                                 "%s"])
def test_malformed_schemes(front, fmt):
    a = new_account(front)
    assert_unauthorized(me(a.client, auth=fmt % a.token))


def test_stack_jwt_secret_is_known():
    # The tests sign tokens with the stack's secret; make sure it is set so
    # that the forged/expired cases above are meaningful.
    assert len(os.environ.get("VYBES_JWT_SECRET", "")) >= 32
