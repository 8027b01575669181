"""POST /users/refresh (API.md 3.1.4): rotation and reuse detection."""

import pytest

from vybestest import (REFRESH_RE, Client, assert_json_error,
                       assert_unauthorized, assert_validation, jwt_claims,
                       new_account)


def refresh(client, token):
    return client.post("/users/refresh", {"refresh_token": token})


def test_refresh_rotates_and_replay_blocks_the_session(front):
    a = new_account(front)
    c = a.client
    r = refresh(c, a.refresh)
    assert r.status == 200, r
    assert r.headers.get("Cache-Control") == "no-store"
    body = r.json()
    assert REFRESH_RE.fullmatch(body["refresh_token"]), body
    assert body["refresh_token"] != a.refresh
    assert body["expires_in"] == 3600
    assert body["user_data"] == {"vid": a.user["vid"],
                                 "username": a.username, "id": a.id}
    assert jwt_claims(body["access_token"])["sid"] == a.sid
    new_access, new_refresh = body["access_token"], body["refresh_token"]
    assert c.get("/users/me", token=new_access).status == 200

    # Replaying the rotated-away token: 401, and the whole session dies.
    assert_unauthorized(refresh(c, a.refresh))
    assert_unauthorized(c.get("/users/me", token=new_access))
    assert_unauthorized(c.get("/users/me", token=a.token))
    assert_unauthorized(refresh(c, new_refresh))
    # Last, so that it hides nothing above: the access token is new too.
    assert new_access != a.token


def test_refresh_chain(front):
    a = new_account(front)
    tok = a.refresh
    seen = {tok}
    for _ in range(3):
        r = refresh(a.client, tok)
        assert r.status == 200, r
        tok = r.json()["refresh_token"]
        assert tok not in seen
        seen.add(tok)
        assert a.client.get("/users/me",
                            token=r.json()["access_token"]).status == 200


def test_replay_does_not_touch_other_sessions(front):
    a = new_account(front)
    other = a.client.login(a.email, a.password).json()
    assert refresh(a.client, a.refresh).status == 200
    assert_unauthorized(refresh(a.client, a.refresh))
    assert a.client.get("/users/me",
                        token=other["access_token"]).status == 200
    assert refresh(a.client, other["refresh_token"]).status == 200


def test_unknown_refresh_token_is_401(front):
    assert_unauthorized(refresh(Client(front), "A" * 43))


def test_refresh_after_logout_is_401(front):
    a = new_account(front)
    assert a.client.post("/users/logout", token=a.token).status == 200
    assert_unauthorized(refresh(a.client, a.refresh))


@pytest.mark.parametrize("body", [{}, {"refresh_token": None},
                                  {"refresh_token": 12345},
                                  {"refresh_token": ["x"]}])
def test_refresh_validation(front, body):
    assert_validation(Client(front).post("/users/refresh", body),
                      "refresh_token")


def test_refresh_bad_json(front):
    r = Client(front).post("/users/refresh", raw=b"[]")
    assert_json_error(r, 400, "bad_request")
