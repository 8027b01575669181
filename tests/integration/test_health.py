"""GET /health (API.md 1.11) and the headers every response carries
(API.md 1.3), through each web server."""

import re
from datetime import datetime, timedelta, timezone

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_health_body_is_healthy_with_current_timestamp(front):
    r = front.get("/health")
    assert r.status == 200, r
    body = r.json()
    assert set(body) == {"status", "service", "timestamp"}, body
    assert body["status"] == "healthy"
    assert body["service"] == "vybes-api"
    assert TIMESTAMP.match(body["timestamp"]), body["timestamp"]
    ts = datetime.strptime(body["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    ts = ts.replace(tzinfo=timezone.utc)
    # Same host: the server clock is ours.
    assert abs(datetime.now(timezone.utc) - ts) < timedelta(seconds=5), ts


def test_health_headers(front):
    r = front.get("/health")
    assert r.status == 200, r
    ctype = r.headers.get("Content-Type", "")
    assert ctype.replace(" ", "").lower() == "application/json;charset=utf-8"
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    rid = r.headers.get("X-Request-Id")
    assert rid and 1 <= len(rid) <= 128, rid
    assert all(0x20 <= ord(c) <= 0x7e for c in rid), rid


def test_health_request_ids_differ(front):
    a = front.get("/health").headers.get("X-Request-Id")
    b = front.get("/health").headers.get("X-Request-Id")
    assert a and b and a != b, (a, b)


def test_head_health_has_no_body(front):
    r = front.request("HEAD", "/health")
    assert r.status == 200, r
    assert r.body == b""
    ctype = r.headers.get("Content-Type", "")
    assert ctype.replace(" ", "").lower() == "application/json;charset=utf-8"
    # HEAD is answered like GET: a Content-Length, if sent, is GET's.
    clen = r.headers.get("Content-Length")
    if clen is not None:
        assert int(clen) == len(front.get("/health").body)
