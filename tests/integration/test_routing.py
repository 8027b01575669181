"""Routing (API.md 1.1): unknown paths, wrong methods, OPTIONS, trailing
slash, and paths outside the proxied ones, through each web server."""

import pytest

from vybestest import assert_json_error

UNKNOWN = "/api/v1/no-such-route-for-tests"


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_api_path_is_json_404(front, method):
    body = b"{}" if method == "POST" else None
    r = front.request(method, UNKNOWN, body=body)
    assert_json_error(r, 404, "not_found")
    assert r.headers.get("X-Request-Id")
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"]


@pytest.mark.parametrize("path", ["/health", "/health/ready"])
@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT", "PATCH"])
def test_wrong_method_is_405_with_allow(front, method, path):
    r = front.request(method, path, body=b"" if method != "DELETE" else None)
    assert_json_error(r, 405, "method_not_allowed")
    allow = [m.strip() for m in r.headers.get("Allow", "").split(",")]
    assert "GET" in allow, r.headers.get("Allow")
    assert method not in allow
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"]


@pytest.mark.parametrize("path", ["/health", "/health/ready"])
def test_options_is_204_with_allow(front, path):
    r = front.request("OPTIONS", path)
    assert r.status == 204, r
    assert r.body == b""
    allow = [m.strip() for m in r.headers.get("Allow", "").split(",")]
    assert "GET" in allow, r.headers.get("Allow")
    assert "POST" not in allow


def test_options_unknown_path_is_404(front):
    assert_json_error(front.request("OPTIONS", UNKNOWN), 404, "not_found")


@pytest.mark.parametrize("path", ["/health/", "/health/ready/"])
def test_trailing_slash_answered_directly(front, path):
    r = front.get(path)
    assert r.status in (200, 503), r     # 503: ready with mongo down
    assert "Location" not in r.headers
    body = r.json()
    assert body["status"] in ("healthy", "ready", "degraded", "not_ready")
    want = "healthy" if path == "/health/" else None
    if want:
        assert body["status"] == want


def test_double_trailing_slash_is_404(front):
    # Only a single trailing slash is ignored.
    r = front.get("/health//")
    assert r.status == 404, r
    assert "Location" not in r.headers


def test_path_case_sensitive(front):
    r = front.get("/HEALTH")
    assert_json_error(r, 404, "not_found")


@pytest.mark.parametrize("path", ["/", "/index.html", "/api", "/api/v1",
                                  "/api/v2/health", "/healthz", "/etc/passwd",
                                  "/favicon.ico"])
def test_outside_api_is_json_404_from_web_server(front, path):
    r = front.get(path)
    assert_json_error(r, 404, "not_found")
    assert "Location" not in r.headers
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"]
