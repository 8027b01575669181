"""GET /api/v1/public/* (API.md 3.9): static files of public/ served by the
web servers; no listing, no way out of the directory."""

import pytest

from vybestest import REPO, assert_json_error

PUBLIC = REPO / "public"


def test_llm_txt_is_served_as_text(front):
    r = front.get("/api/v1/public/llm.txt")
    assert r.status == 200, r
    ctype = r.headers.get("Content-Type", "").replace(" ", "").lower()
    assert ctype == "text/plain;charset=utf-8", ctype
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert r.body == (PUBLIC / "llm.txt").read_bytes()
    assert len(r.body) > 0


def test_openapi_yaml_is_served_as_yaml(front):
    """The OpenAPI description (issue 17), as application/yaml (RFC 9512)
    from both web servers, byte for byte the installed file."""
    r = front.get("/api/v1/public/openapi.yaml")
    assert r.status == 200, r
    ctype = r.headers.get("Content-Type", "").replace(" ", "").lower()
    assert ctype == "application/yaml;charset=utf-8", ctype
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert r.body == (PUBLIC / "openapi.yaml").read_bytes()
    assert r.body.startswith(b"openapi: 3.1.")


def test_head_llm_txt_has_no_body(front):
    r = front.request("HEAD", "/api/v1/public/llm.txt")
    assert r.status == 200, r
    assert r.body == b""


@pytest.mark.parametrize("target", ["/api/v1/public/", "/api/v1/public",
                                    "/api/v1/public//",
                                    "/api/v1/public/?C=M;O=D"])
def test_directory_is_not_listed(front, target):
    r = front.get(target)
    assert_json_error(r, 404, "not_found")
    assert b"llm.txt" not in r.body


@pytest.mark.parametrize("target", [
    "/api/v1/public/../../etc/passwd",
    "/api/v1/public/../../../../../../etc/passwd",
    "/api/v1/public/%2e%2e/%2e%2e/etc/passwd",
    "/api/v1/public/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/v1/public/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/api/v1/public/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc/passwd",
    "/api/v1/public/..\\..\\..\\..\\etc\\passwd",
    "/api/v1/public/..%5c..%5c..%5c..%5cetc%5cpasswd",
    "/api/v1/public/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/api/v1/public/./../llm.txt",
    "/api/v1/public/../v1/public/llm.txt",
    "/api/v1/public/..",
    "/api/v1/public/%2e%2e",
])
def test_traversal_is_404(front, target):
    r = front.get(target)
    assert b"root:" not in r.body
    assert_json_error(r, 404, "not_found")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_public_file_other_methods_never_200(front, method):
    r = front.request(method, "/api/v1/public/llm.txt", body=b"x")
    assert r.status in (404, 405), r
    assert r.json()["code"] in ("not_found", "method_not_allowed")
