"""X-Request-Id (API.md 1.3) and the access line that carries it; secrets
never reach the logs (API.md 1.9)."""

import json
import os
import secrets
import time

import pytest

from vybestest import wait_for



def access_lines(stack, rid):
    out = []
    with open(stack.api_log(), errors="replace") as f:
        for line in f:
            if rid not in line:
                continue
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if isinstance(o, dict) and o.get("rid") == rid:
                out.append(o)
    return out


@pytest.mark.parametrize("rid", [
    "a",
    "req-0123456789abcdef",
    "x" * 128,
    "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
])
def test_valid_request_id_is_echoed(front, rid):
    r = front.get("/health", headers={"X-Request-Id": rid})
    assert r.status == 200, r
    assert r.headers.get("X-Request-Id") == rid


@pytest.mark.parametrize("bad", ["y" * 129, "has space", "tab\there",
                                 "\u00e9t\u00e9".encode().decode("latin-1")])
def test_invalid_request_id_is_replaced(front, bad):
    r = front.get("/health", headers={"X-Request-Id": bad})
    assert r.status == 200, r
    got = r.headers.get("X-Request-Id")
    assert got and got != bad, got
    assert 1 <= len(got) <= 128
    assert all(0x21 <= ord(c) <= 0x7e for c in got), got


def test_request_id_on_web_server_404(front):
    # Errors the web server answers itself carry the id too (API.md 1.3).
    rid = "ws-404-" + secrets.token_hex(8)
    r = front.get("/not-proxied", headers={"X-Request-Id": rid})
    assert r.status == 404, r
    assert r.headers.get("X-Request-Id") == rid


@pytest.mark.parametrize("method,path,status,route", [
    ("GET", "/health", 200, "/health"),
    ("HEAD", "/health", 200, "/health"),
    ("POST", "/health", 405, None),
    ("GET", "/api/v1/no-such-route-for-tests", 404, None),
])
def test_access_line_carries_request_id(front, stack, method, path, status,
                                        route):
    rid = "it-%s-%s" % (front.name, secrets.token_hex(8))
    r = front.request(method, path, headers={"X-Request-Id": rid},
                      body=b"" if method == "POST" else None)
    assert r.status == status, r
    assert r.headers.get("X-Request-Id") == rid
    lines = wait_for(lambda: access_lines(stack, rid), 5,
                     what="access line with rid %s" % rid)
    assert len(lines) == 1, lines
    a = lines[0]
    assert a["method"] == method
    assert a["status"] == status
    assert a["path"] == path
    assert isinstance(a["route"], str) and a["route"]
    if route is not None:
        assert a["route"] == route, a
    assert isinstance(a["ms"], (int, float)) and a["ms"] >= 0
    assert isinstance(a["bytes"], int)
    if method == "HEAD":
        assert a["bytes"] == 0, a
    if status >= 400:
        assert a.get("code") in ("method_not_allowed", "not_found"), a


def test_authorization_never_logged(front, stack):
    token = "vybesfaketoken" + secrets.token_hex(16)
    rids = []
    for method, path in (("GET", "/health"), ("GET", "/health/ready"),
                         ("GET", "/api/v1/users/me"),
                         ("POST", "/api/v1/no-such-route-for-tests"),
                         ("GET", "/not-proxied")):
        rid = "auth-%s" % secrets.token_hex(8)
        rids.append(rid)
        front.request(method, path, body=b"{}" if method == "POST" else None,
                      headers={"Authorization": "Bearer " + token,
                               "X-Request-Id": rid,
                               "Cookie": "session=" + token})
    # The requests that reached vybes-api were logged (so the log is live).
    wait_for(lambda: access_lines(stack, rids[0]), 5, what="access line")
    time.sleep(0.3)
    logdir = stack.run / "log"
    leaks = []
    for name in os.listdir(logdir):
        p = logdir / name
        if p.is_file():
            with open(p, "rb") as f:
                if token.encode() in f.read():
                    leaks.append(name)
    assert not leaks, "bearer token found in %s" % leaks
