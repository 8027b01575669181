"""Body size limits (API.md 1.2): the web servers refuse a request over
51 MiB with the JSON 413; vybes-api refuses bad and over-1-MiB JSON.

The big bodies are streamed from one 64 KiB buffer, never held in memory.
"""

import http.client
import select
import socket
import urllib.parse

import pytest

from vybestest import assert_json_error, random_ip

MULTIPART_MAX = 51 * 1024 * 1024
JSON_MAX = 1024 * 1024
JSON_ROUTE = "/api/v1/users/register"
NO_JSON_ROUTE = "no JSON route exists yet: arrives with the accounts issue"


def stream_post(front, target, total, chunked=False):
    """POST `total` zero bytes; stop sending as soon as the server answers.
    Returns (response, bytes sent)."""
    u = urllib.parse.urlsplit(front.url)
    s = socket.create_connection((u.hostname, u.port), timeout=60)
    try:
        head = ("POST %s HTTP/1.1\r\nHost: %s:%d\r\n"
                "Content-Type: multipart/form-data; boundary=vybes\r\n"
                "Connection: close\r\n" % (target, u.hostname, u.port))
        head += ("Transfer-Encoding: chunked\r\n" if chunked
                 else "Content-Length: %d\r\n" % total)
        s.sendall((head + "\r\n").encode())
        buf = b"\0" * 65536
        sent = 0
        while sent < total:
            readable, _, _ = select.select([s], [], [], 0)
            if readable:
                break               # the answer came before the body
            n = min(len(buf), total - sent)
            data = buf[:n]
            if chunked:
                data = b"%x\r\n" % n + data + b"\r\n"
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += n
        else:
            if chunked:
                s.sendall(b"0\r\n\r\n")
        resp = http.client.HTTPResponse(s, method="POST")
        resp.begin()
        body = resp.read()
        resp.body = body
        return resp, sent
    finally:
        s.close()


def check_413(resp):
    assert resp.status == 413, (resp.status, resp.body[:200])
    ctype = resp.getheader("Content-Type", "").replace(" ", "").lower()
    assert ctype == "application/json;charset=utf-8", ctype
    import json
    body = json.loads(resp.body)
    assert body["code"] == "payload_too_large", body


def test_body_over_51mib_with_content_length_is_413(front):
    resp, sent = stream_post(front, "/api/v1/posts", MULTIPART_MAX + 1)
    check_413(resp)
    # Refused on the Content-Length, before the body was read.
    assert sent < MULTIPART_MAX, sent


def test_chunked_body_over_51mib_is_413(front):
    resp, sent = stream_post(front, "/api/v1/posts", MULTIPART_MAX + 65536,
                             chunked=True)
    check_413(resp)


@pytest.mark.parametrize("body", [b"", b"{", b'{"a":1} x', b"[1,2]",
                                  b'{"a":"\xff"}', b"null"])
def test_malformed_json_is_400(front, body):
    r = front.request("POST", JSON_ROUTE, body=body,
                      headers={"Content-Type": "application/json",
                               "X-Forwarded-For": random_ip()})
    assert_json_error(r, 400, "bad_request")


def test_json_over_1mib_is_413(front):
    pad = JSON_MAX
    body = b'{"username":"x","pad":"' + b"a" * pad + b'"}'
    r = front.request("POST", JSON_ROUTE, body=body,
                      headers={"Content-Type": "application/json",
                               "X-Forwarded-For": random_ip()})
    assert_json_error(r, 413, "payload_too_large")
