"""GET /health/ready (API.md 1.11): each backend checked, results cached
for up to 5 s, 503 not_ready only when the required one (mongo) is down,
and recovery without restarting vybes-api.

The outage tests stop real components of the stack with
`scripts/vybes-dev stop NAME` and always start them again.
"""

import time

from vybestest import FRONTS, Front, vybes_dev, wait_for

CHECKS = {"mongo": True, "redis": False, "nats": False, "storage": False}
# Cache (5 s) + one check timeout (1 s) + slack.
STALE_S = 7.0
# API.md 1.4: a 503 is answered within about 3 seconds.
ANSWER_S = 3.5


def fronts(stack):
    return [Front(n, stack.urls[n]) for n in FRONTS]


def ready(front):
    return front.get("/health/ready", timeout=10)


def is_ready(front):
    r = ready(front)
    return r.status == 200 and r.json().get("status") == "ready"


def all_ready(stack, times=8):
    """Several answers in a row, so every worker's cache is fresh."""
    return all(is_ready(f) for f in fronts(stack) for _ in range(times))


def restore(stack, *names):
    failed = [(n, r.stderr) for n in names
              for r in [vybes_dev("start", n, check=False)] if r.returncode]
    assert not failed, "could not restart: %r" % failed
    wait_for(lambda: all_ready(stack), 45, interval=0.5,
             what="ready on both fronts after starting %s" % " ".join(names))


def assert_up(check, name):
    assert check["status"] == "up", (name, check)
    assert check["required"] is CHECKS[name], (name, check)
    assert isinstance(check["latencyMs"], int), (name, check)
    assert 0 <= check["latencyMs"] <= 1500, (name, check)
    assert "error" not in check, (name, check)


def assert_down(check, name, stack):
    assert check["status"] == "down", (name, check)
    assert check["required"] is CHECKS[name], (name, check)
    why = check.get("error")
    assert isinstance(why, str) and why, (name, check)
    # A short reason, no hostnames or credentials.
    for secret in ("127.0.0.1", "localhost", "S3RVER",
                   stack.env.get("VYBES_JWT_SECRET", "-")):
        assert secret not in why, (name, why)


def test_ready_all_up(front, stack):
    wait_for(lambda: is_ready(front), 15, interval=0.5,
             what="status ready")
    r = ready(front)
    assert r.status == 200, r
    ctype = r.headers.get("Content-Type", "").replace(" ", "").lower()
    assert ctype == "application/json;charset=utf-8"
    body = r.json()
    assert body["status"] == "ready", body
    assert set(body["checks"]) == set(CHECKS), body
    for name, check in body["checks"].items():
        assert_up(check, name)


def test_ready_degraded_when_redis_down(stack):
    sup = stack.api_pid()
    wait_for(lambda: all_ready(stack, 2), 15, what="ready before the test")
    vybes_dev("stop", "redis")
    try:
        stopped = time.monotonic()
        for f in fronts(stack):
            def degraded():
                r = ready(f)
                return r.status == 200 and \
                    r.json()["status"] == "degraded" and r
            left = max(0.5, STALE_S - (time.monotonic() - stopped))
            r = wait_for(degraded, left, interval=0.2,
                         what="%s: degraded after stopping redis" % f)
            body = r.json()
            assert_down(body["checks"]["redis"], "redis", stack)
            for name in ("mongo", "nats", "storage"):
                assert_up(body["checks"][name], name)
        # Past the cache lifetime every worker must say so.
        time.sleep(max(0, STALE_S - (time.monotonic() - stopped)))
        for f in fronts(stack):
            for _ in range(8):
                r = ready(f)
                assert r.status == 200 and r.json()["status"] == "degraded", \
                    (f, r)
    finally:
        restore(stack, "redis")
    assert stack.api_pid() == sup


def test_ready_not_ready_when_mongo_down_then_recovers(stack):
    sup = stack.api_pid()
    wait_for(lambda: all_ready(stack, 2), 15, what="ready before the test")
    vybes_dev("stop", "redis")
    vybes_dev("stop", "mongo")
    try:
        stopped = time.monotonic()
        slow = []
        for f in fronts(stack):
            def not_ready():
                r = ready(f)
                if r.elapsed > ANSWER_S:
                    slow.append((f.name, round(r.elapsed, 2)))
                return r.status == 503 and r
            r = wait_for(not_ready, STALE_S + ANSWER_S, interval=0.2,
                         what="%s: 503 after stopping mongo" % f)
            body = r.json()
            assert body["status"] == "not_ready", body
            assert_down(body["checks"]["mongo"], "mongo", stack)
            assert_down(body["checks"]["redis"], "redis", stack)
        # Once every cache has expired: 503 from every worker, fast.
        time.sleep(max(0, STALE_S - (time.monotonic() - stopped)))
        for f in fronts(stack):
            for _ in range(6):
                r = ready(f)
                if r.elapsed > ANSWER_S:
                    slow.append((f.name, round(r.elapsed, 2)))
                assert r.status == 503 and \
                    r.json()["status"] == "not_ready", (f, r)
        assert not slow, "answers slower than %.1fs: %r" % (ANSWER_S, slow)
        # Liveness does not depend on the database.
        for f in fronts(stack):
            assert f.get("/health").status == 200
    finally:
        restore(stack, "mongo", "redis")
    assert stack.api_pid() == sup, "vybes-api was restarted"
