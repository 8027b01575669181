"""With Redis stopped (API.md 1.11, section 4): logins, registrations and
authenticated requests still work (sessions are checked in the database,
the limits of those routes fail open), the fail-closed routes answer 503,
and everything works again once Redis is back."""

import time

from vybestest import (Client, Front, assert_json_error, mail_ids,
                       mail_wait_code, new_account, redis_up, unique_email,
                       vybes_dev, wait_for)


def check_503(r):
    assert_json_error(r, 503, "unavailable")
    ra = r.headers.get("Retry-After", "")
    assert ra.isdigit() and int(ra) >= 1, "Retry-After %r" % ra
    assert r.elapsed < 4, "answered in %.1fs" % r.elapsed


def test_redis_down(stack):
    front = Front("nginx", stack.urls["nginx"])
    before = new_account(front)
    # Warm any session cache, so a stale entry could matter.
    assert before.client.get("/users/me", token=before.token).status == 200
    vybes_dev("stop", "redis")
    try:
        wait_for(lambda: not redis_up(front), 15, interval=0.2,
                 what="/health/ready reporting redis down")
        c = Client(front)
        r = c.get("/users/me", token=before.token)
        assert r.status == 200 and r.json()["id"] == before.id, r
        # Login and register work (their limits fail open).
        after = new_account(front)
        t0 = time.monotonic()
        r = after.client.get("/users/me", token=after.token)
        assert r.status == 200 and r.json()["id"] == after.id, r
        assert time.monotonic() - t0 < 4
        r = c.login(before.email, before.password)
        assert r.status == 200
        # Logout still takes effect at once (the database decides).
        assert after.client.post("/users/logout",
                                 token=after.token).status == 200
        r = after.client.get("/users/me", token=after.token)
        assert r.status == 401, r
        # The fail-closed limits: 503 with Retry-After.
        check_503(c.post("/users/request-otp", {"email": before.email}))
        check_503(c.post("/users/reset-password",
                         {"email": before.email, "otp": "123456",
                          "newPassword": "new-pass-1"}))
    finally:
        vybes_dev("start", "redis")
        wait_for(lambda: redis_up(front), 30, interval=0.2,
                 what="/health/ready reporting redis up")
    # Back to normal.
    c = Client(front)
    seen = mail_ids(before.email)
    r = c.post("/users/request-otp", {"email": before.email})
    assert r.status == 200, r
    code = mail_wait_code(before.email, seen)[1]
    r = c.post("/users/reset-password", {"email": before.email, "otp": code,
                                         "newPassword": "new-pass-1"})
    assert r.status == 200, r
    assert before.client.get("/users/me", token=before.token).status == 401
    Client(front).login(before.email, "new-pass-1")
    Client(front).register(unique_email("afterredis"))


def test_redis_restart_loses_no_request(stack):
    """Every API worker holds a Redis connection that a Redis restart
    closes; the first command on it after Redis is back must not fail
    (request-otp's limit fails closed, so a lost command shows as 503)."""
    front = Front("nginx", stack.urls["nginx"])
    c = Client(front)

    email = unique_email("restart")

    def burst():
        return sorted(c.post("/users/request-otp", {"email": email}).status
                      for _ in range(24))
    assert 503 not in burst()
    vybes_dev("stop", "redis")
    vybes_dev("start", "redis")
    got = burst()
    assert 503 not in got and set(got) <= {200, 429}, got
