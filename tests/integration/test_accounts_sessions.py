"""Logout (API.md 3.1.5) and the session routes (3.7, 2.9, 1.6)."""

import time

import pytest

from vybestest import (TS_RE, Client, assert_json_error,
                       assert_unauthorized, assert_validation, jwt_claims,
                       new_account)

SESSION_KEYS = {"id", "user_id", "user_agent", "client_ip", "is_blocked",
                "expires_at", "created_at", "current"}


def test_logout_kills_the_token_at_once(front):
    a = new_account(front)
    other = a.client.login(a.email, a.password).json()["access_token"]
    assert a.client.get("/users/me", token=a.token).status == 200
    r = a.client.post("/users/logout", token=a.token)
    assert r.status == 200, r
    assert r.json() == {"message": "Logged out successfully"}
    assert_unauthorized(a.client.get("/users/me", token=a.token))
    assert_unauthorized(a.client.post("/users/logout", token=a.token))
    # Other sessions are untouched.
    assert a.client.get("/users/me", token=other).status == 200


def test_logout_needs_auth(front):
    assert_unauthorized(Client(front).post("/users/logout"))


def login_n(a, n):
    """n more sessions of a, each with its own User-Agent and address."""
    out = []
    for i in range(n):
        c = Client(a.client.front, ua="device-%d-%s" % (i, a.username))
        out.append((c, c.login(a.email, a.password).json()))
    return out


def test_sessions_list(front):
    a = new_account(front, ua="first-device")
    b = new_account(front)
    extra = login_n(a, 2)
    c, cur = extra[0]                 # the middle session is the caller
    r = c.get("/sessions", token=cur["access_token"])
    assert r.status == 200, r
    assert r.headers.get("Cache-Control") == "no-store"
    assert "X-Next-Cursor" not in r.headers
    items = r.json()
    want = [jwt_claims(extra[1][1]["access_token"])["sid"],
            jwt_claims(cur["access_token"])["sid"], a.sid]
    assert [s["id"] for s in items] == want, items
    assert b.sid not in [s["id"] for s in items]
    created = [s["created_at"] for s in items]
    assert created == sorted(created, reverse=True), created
    for s in items:
        assert set(s) == SESSION_KEYS, s
        assert s["user_id"] == a.id
        assert s["is_blocked"] is False
        assert TS_RE.fullmatch(s["created_at"]), s
        assert TS_RE.fullmatch(s["expires_at"]), s
        assert s["current"] is (s["id"] == want[1]), s
    mine = {s["id"]: s for s in items}
    assert mine[want[1]]["user_agent"] == c.ua
    assert mine[want[1]]["client_ip"] == c.ip
    assert mine[a.sid]["user_agent"] == "first-device"
    assert mine[a.sid]["client_ip"] == a.client.ip
    # A blocked session is still listed, flagged.
    assert c.post("/sessions/%s/block" % a.sid,
                  token=cur["access_token"]).status == 200
    items = c.get("/sessions", token=cur["access_token"]).json()
    assert {s["id"]: s["is_blocked"] for s in items}[a.sid] is True


def test_sessions_pagination(front):
    a = new_account(front)
    login_n(a, 4)
    full = a.client.get("/sessions", token=a.token).json()
    assert len(full) == 5
    got, cursor, pages = [], None, 0
    while True:
        q = "/sessions?limit=1" + ("&cursor=" + cursor if cursor else "")
        r = a.client.get(q, token=a.token)
        assert r.status == 200, r
        page = r.json()
        assert len(page) == 1, page
        got += [s["id"] for s in page]
        pages += 1
        cursor = r.headers.get("X-Next-Cursor")
        if cursor is None:
            assert r.headers.get("Link") is None
            break
        link = r.headers.get("Link", "")
        assert link == '</api/v1/sessions?limit=1&cursor=%s>; rel="next"' \
            % cursor, link
        assert pages < 10, "pagination does not end"
    assert got == [s["id"] for s in full]
    assert len(set(got)) == len(got)
    # page= gives the same order.
    r = a.client.get("/sessions?limit=2&page=2", token=a.token)
    assert [s["id"] for s in r.json()] == got[2:4]


@pytest.mark.parametrize("mangle", ["flip", "truncate", "garbage"])
def test_tampered_cursor_is_400(front, mangle):
    a = new_account(front)
    login_n(a, 1)
    r = a.client.get("/sessions?limit=1", token=a.token)
    cur = r.headers["X-Next-Cursor"]
    if mangle == "flip":
        i = len(cur) // 2
        cur = cur[:i] + ("A" if cur[i] != "A" else "B") + cur[i + 1:]
    elif mangle == "truncate":
        cur = cur[:-2]
    else:
        cur = "%25%25%25"
    r = a.client.get("/sessions?limit=1&cursor=" + cur, token=a.token)
    assert_validation(r, "cursor")


def test_cursor_of_another_user_is_refused_or_harmless(front):
    """A cursor is not a capability: another user's cursor never shows
    that user's sessions."""
    a, b = new_account(front), new_account(front)
    login_n(a, 1)
    cur = a.client.get("/sessions?limit=1",
                       token=a.token).headers["X-Next-Cursor"]
    r = b.client.get("/sessions?limit=1&cursor=" + cur, token=b.token)
    if r.status == 200:
        assert all(s["user_id"] == b.id for s in r.json())
    else:
        assert_validation(r, "cursor")


@pytest.mark.parametrize("q, field", [("limit=0", "limit"),
                                      ("limit=x", "limit"),
                                      ("page=0", "page")])
def test_sessions_bad_paging(front, q, field):
    a = new_account(front)
    assert_validation(a.client.get("/sessions?" + q, token=a.token), field)


def test_session_get(front):
    a, b = new_account(front), new_account(front)
    r = a.client.get("/sessions/" + a.sid, token=a.token)
    assert r.status == 200, r
    assert r.headers.get("Cache-Control") == "no-store"
    s = r.json()
    assert set(s) == SESSION_KEYS and s["current"] is True, s
    assert s["id"] == a.sid and s["user_id"] == a.id
    # Upper-case input ids are accepted.
    assert a.client.get("/sessions/" + a.sid.upper(),
                        token=a.token).json()["id"] == a.sid
    assert_json_error(a.client.get("/sessions/" + b.sid, token=a.token),
                      404, "not_found")
    assert_json_error(a.client.get("/sessions/" + "0" * 24, token=a.token),
                      404, "not_found")
    for bad in ("123", "z" * 24, a.sid + "0"):
        assert_validation(a.client.get("/sessions/" + bad, token=a.token),
                          "id")


def test_block_other_users_session_is_404(front):
    a, b = new_account(front), new_account(front)
    r = a.client.post("/sessions/%s/block" % b.sid, token=a.token)
    assert_json_error(r, 404, "not_found")
    assert b.client.get("/users/me", token=b.token).status == 200
    assert b.client.get("/sessions/" + b.sid,
                        token=b.token).json()["is_blocked"] is False
    assert_validation(a.client.post("/sessions/nope/block", token=a.token),
                      "id")


def test_block_own_other_session(front):
    a = new_account(front)
    (c, other), = login_n(a, 1)
    osid = jwt_claims(other["access_token"])["sid"]
    for _ in range(2):                       # idempotent
        r = a.client.post("/sessions/%s/block" % osid, token=a.token)
        assert r.status == 200, r
        assert r.json() == {"message": "Session blocked successfully"}
        assert r.headers.get("Cache-Control") == "no-store"
    assert_unauthorized(c.get("/users/me", token=other["access_token"]))
    assert_unauthorized(c.post("/users/refresh",
                               {"refresh_token": other["refresh_token"]}))
    assert a.client.get("/users/me", token=a.token).status == 200
    s = a.client.get("/sessions/" + osid, token=a.token).json()
    assert s["is_blocked"] is True and s["current"] is False


def test_block_current_session_is_a_logout(front):
    a = new_account(front)
    r = a.client.post("/sessions/%s/block" % a.sid, token=a.token)
    assert r.status == 200, r
    assert_unauthorized(a.client.get("/users/me", token=a.token))


def test_block_is_seen_by_a_warm_cache(front):
    """Authenticate several times first (so any session cache is warm),
    then block: the very next request is refused."""
    a = new_account(front)
    (c, other), = login_n(a, 1)
    for _ in range(3):
        assert c.get("/users/me", token=other["access_token"]).status == 200
    osid = jwt_claims(other["access_token"])["sid"]
    assert a.client.post("/sessions/%s/block" % osid,
                         token=a.token).status == 200
    t0 = time.monotonic()
    assert_unauthorized(c.get("/users/me", token=other["access_token"]))
    assert time.monotonic() - t0 < 5
