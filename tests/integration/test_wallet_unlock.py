"""Wallet custody: status, unlock/lock per session, the lock on the signing
routes, what ends an unlock, the UNLOCK_USER limit, and nothing key-related
in Redis or the api log (API.md 3.8.1-3.8.4, 4)."""

import datetime as dt
import time

import pytest

from vybestest import (Client, api, assert_json_error, assert_not_logged,
                       assert_validation, eip55, mail_ids, mail_wait_code,
                       new_account, parse_ts, redis_cli, redis_keys, redis_pipe,
                       wallet_export, wallet_status, wallet_unlock)

# One valid body per route that needs an unlock.
LOCKED_ROUTES = {
    "personal-sign": {"message": "hello"},
    "secp256k1-sign": {"hash": "0x" + "11" * 32},
    "sign-typed-data": {"typedData": {
        "types": {"EIP712Domain": [{"name": "name", "type": "string"}],
                  "M": [{"name": "x", "type": "uint256"}]},
        "primaryType": "M", "domain": {"name": "t"}, "message": {"x": 1}}},
    "sign-transaction": {"transaction": {
        "chainId": 31337, "nonce": 0, "gas": 21000, "gasPrice": 1,
        "to": "0x" + "22" * 20, "value": 1}},
    "send-transaction": {"transaction": {
        "to": "0x" + "22" * 20, "value": 1}},
}
# One invalid body per route, and the field the 400 names.
INVALID = {
    "personal-sign": ({"message": ""}, "message"),
    "secp256k1-sign": ({"hash": "0x1234"}, "hash"),
    "sign-typed-data": ({"typedData": 5}, "typedData"),
    "sign-transaction": ({"transaction": {"type": 1, "chainId": 1,
                                          "nonce": 0, "gas": 21000,
                                          "gasPrice": 1}},
                         "transaction.type"),
    "send-transaction": ({"transaction": {"value": -1}},
                         "transaction.value"),
}


def unlock_key(acct):
    return "wul:" + acct.sid


def second_session(acct):
    """Another login of acct's user (another session): its token."""
    r = acct.client.login(acct.email, acct.password)
    return r.json()["access_token"]


def test_status_of_a_new_account(front):
    a = new_account(front)
    s = wallet_status(a)
    assert s == {"walletAddress": a.user["walletAddress"], "unlocked": False}
    addr = s["walletAddress"]
    assert addr == eip55(addr[2:]), addr
    r = api(a, "GET", "/wallet/status")
    assert "no-store" in r.headers.get("Cache-Control", ""), r.headers


def test_wallet_routes_need_auth(front):
    c = Client(front)
    for route in ["status"]:
        assert_json_error(c.get("/wallet/" + route), 401, "unauthorized")
    for route in ["unlock", "lock", "export"] + list(LOCKED_ROUTES):
        assert_json_error(c.post("/wallet/" + route, {}), 401,
                          "unauthorized")


def test_unlock_wrong_then_right_password(front):
    a = new_account(front)
    r = wallet_unlock(a, "not the password", expect=401)
    assert_json_error(r, 401, "invalid_credentials")
    assert wallet_status(a)["unlocked"] is False
    t0 = dt.datetime.now(dt.timezone.utc)
    r = wallet_unlock(a)
    body = r.json()
    assert body["message"] == "Wallet unlocked successfully"
    until = parse_ts(body["unlockedUntil"])
    ahead = (until - t0).total_seconds()
    assert 14 * 60 < ahead <= 15 * 60 + 5, ahead
    s = wallet_status(a)
    assert s["unlocked"] is True
    assert s["unlockedUntil"] == body["unlockedUntil"]
    # Further use does not extend it; a new unlock does.
    api(a, "POST", "/wallet/personal-sign", body={"message": "x"})
    assert wallet_status(a)["unlockedUntil"] == body["unlockedUntil"]
    time.sleep(0.01)
    again = wallet_unlock(a).json()["unlockedUntil"]
    assert parse_ts(again) > until, (again, body["unlockedUntil"])


@pytest.mark.parametrize("body,field", [
    ({}, "password"), ({"password": 5}, "password"),
    ({"password": None}, "password")])
def test_unlock_validation(front, body, field):
    a = new_account(front)
    assert_validation(api(a, "POST", "/wallet/unlock", body=body), field)


def test_lock_and_idempotent(front):
    a = new_account(front)
    wallet_unlock(a)
    assert wallet_status(a)["unlocked"] is True
    for _ in range(2):
        r = api(a, "POST", "/wallet/lock")
        assert r.status == 200, r
        assert r.json() == {"message": "Wallet locked successfully"}
        assert wallet_status(a) == {
            "walletAddress": a.user["walletAddress"], "unlocked": False}
    r = api(a, "POST", "/wallet/personal-sign", body={"message": "x"})
    assert_json_error(r, 403, "wallet_locked")


def test_unlock_is_per_session(front):
    a = new_account(front)
    other = second_session(a)
    wallet_unlock(a)
    assert wallet_status(a)["unlocked"] is True
    r = a.client.get("/wallet/status", token=other)
    assert r.status == 200 and r.json()["unlocked"] is False, r
    r = a.client.post("/wallet/personal-sign", {"message": "x"}, token=other)
    assert_json_error(r, 403, "wallet_locked")
    # And the other way round: locking one session leaves the other.
    r = a.client.post("/wallet/unlock", {"password": a.password},
                      token=other)
    assert r.status == 200, r
    assert api(a, "POST", "/wallet/lock").status == 200
    assert a.client.post("/wallet/personal-sign", {"message": "x"},
                         token=other).status == 200
    assert_json_error(api(a, "POST", "/wallet/personal-sign",
                          body={"message": "x"}), 403, "wallet_locked")


@pytest.mark.parametrize("route", sorted(LOCKED_ROUTES))
def test_locked_routes_answer_403(front, route):
    a = new_account(front)
    r = api(a, "POST", "/wallet/" + route, body=LOCKED_ROUTES[route])
    assert_json_error(r, 403, "wallet_locked")
    assert r.json()["error"] == "Wallet is locked"


@pytest.mark.parametrize("route", sorted(INVALID))
def test_validation_comes_before_the_lock(front, route):
    a = new_account(front)
    body, field = INVALID[route]
    assert_validation(api(a, "POST", "/wallet/" + route, body=body), field)


def test_expired_unlock_is_locked(front):
    """The mark holds its expiry: a mark whose time has passed (set back in
    Redis, as 15 minutes cannot be waited for) reads as locked."""
    a = new_account(front)
    wallet_unlock(a)
    key = unlock_key(a)
    past = int(time.time() * 1000) - 1000
    assert redis_cli("SET", key, str(past), "EX", "60") == ["OK"]
    assert wallet_status(a)["unlocked"] is False
    assert_json_error(api(a, "POST", "/wallet/personal-sign",
                          body={"message": "x"}), 403, "wallet_locked")
    # The mark also expires in Redis itself, about 15 minutes out.
    wallet_unlock(a)
    ttl = int(redis_cli("TTL", key)[0])
    assert 14 * 60 < ttl <= 15 * 60, ttl


def test_logout_ends_the_unlock(front):
    a = new_account(front)
    wallet_unlock(a)
    assert redis_keys(unlock_key(a)) == [unlock_key(a)]
    assert api(a, "POST", "/users/logout").status == 200
    assert redis_keys(unlock_key(a)) == []


def test_session_block_ends_the_unlock(front):
    a = new_account(front)
    wallet_unlock(a)
    other = second_session(a)
    r = a.client.post("/wallet/unlock", {"password": a.password},
                      token=other)
    assert r.status == 200, r
    # Blocked from the other session: a's unlock ends, the other's stays.
    r = a.client.post("/sessions/%s/block" % a.sid, token=other)
    assert r.status == 200, r
    assert redis_keys(unlock_key(a)) == []
    r = a.client.get("/wallet/status", token=other)
    assert r.status == 200 and r.json()["unlocked"] is True, r


def test_password_reset_ends_the_unlock(front):
    a = new_account(front)
    wallet_unlock(a)
    assert redis_keys(unlock_key(a)) == [unlock_key(a)]
    c = Client(front)
    seen = mail_ids(a.email)
    assert c.post("/users/request-otp", {"email": a.email}).status == 200
    code = mail_wait_code(a.email, seen)[1]
    r = c.post("/users/reset-password", {"email": a.email, "otp": code,
                                         "newPassword": "new pw 12345678"})
    assert r.status == 200, r
    assert redis_keys(unlock_key(a)) == []


def test_unlock_limit(front):
    a = new_account(front)
    for _ in range(5):
        assert_json_error(api(a, "POST", "/wallet/unlock",
                              body={"password": "wrong"}), 401,
                          "invalid_credentials")
    r = api(a, "POST", "/wallet/unlock", body={"password": a.password})
    assert_json_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1, r.headers
    assert wallet_status(a)["unlocked"] is False
    # Per user: another user is not limited.
    b = new_account(front)
    wallet_unlock(b)


def test_right_passwords_do_not_count(front):
    a = new_account(front)
    for _ in range(6):
        wallet_unlock(a)
    for _ in range(4):
        wallet_unlock(a, "wrong", expect=401)
    wallet_unlock(a)


def test_nothing_key_related_in_redis_or_log(front, stack):
    a = new_account(front)
    other = second_session(a)
    wallet_unlock(a)
    a.client.post("/wallet/unlock", {"password": a.password}, token=other)
    for route, body in LOCKED_ROUTES.items():
        if route != "send-transaction":
            assert api(a, "POST", "/wallet/" + route,
                       body=body).status == 200, route
    key = wallet_export(a)
    hexkey = key[2:]
    keys = redis_keys()
    assert keys, "no keys in Redis at all"
    values = []
    for k in keys:
        assert hexkey not in k.lower(), k
    types = redis_pipe([["TYPE", k] for k in keys])
    strings = [k for k, t in zip(keys, types) if t == "string"]
    values = list(zip(strings, redis_pipe([["GET", k] for k in strings])))
    for k, t in zip(keys, types):
        cmd = {"hash": ["HGETALL", k], "list": ["LRANGE", k, 0, -1],
               "set": ["SMEMBERS", k],
               "zset": ["ZRANGE", k, 0, -1, "WITHSCORES"],
               "stream": ["XRANGE", k, "-", "+"]}.get(t)
        if cmd is not None:
            values.append((k, "\n".join(redis_cli(*cmd))))
    for k, v in values:
        assert hexkey not in v.lower(), k
        if k.startswith("wul:"):
            # Only an expiry time (ms), at most 15 minutes ahead.
            now = time.time() * 1000
            assert v.isdigit() and int(v) <= now + 15 * 60 * 1000 + 5000, \
                (k, v)
            if k == "wul:" + a.sid:
                assert int(v) >= now + 14 * 60 * 1000, (k, v)
    assert [k for k, _ in values if k.startswith("wul:")
            and k[4:] == a.sid], values
    assert_not_logged(stack, [hexkey, key, a.password])
