"""HTTP to the stack's web servers: one request exactly as given,
the two fronts, the error envelope, and polling until a condition holds."""

import http.client
import json
import threading as _threading
import time
import urllib.parse


# ---------------------------------------------------------------- HTTP

class HttpResponse:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers          # http.client.HTTPMessage
        self.body = body
        self.elapsed = elapsed

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<HTTP %d %r>" % (self.status, self.body[:120])


def http_request(base_url, method, target, headers=None, body=None,
                 timeout=10):
    """One request with http.client: `target` goes on the request line
    exactly as given (no dot-segment or percent normalization)."""
    u = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    t0 = time.monotonic()
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        hdrs = dict(headers or {})
        if body is not None and "Content-Length" not in hdrs:
            hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        return HttpResponse(resp.status, resp.headers, data,
                            time.monotonic() - t0)
    finally:
        conn.close()


class Front:
    """One web server of the stack."""

    def __init__(self, name, url):
        self.name = name
        self.url = url

    def request(self, method, target, **kw):
        return http_request(self.url, method, target, **kw)

    def get(self, target, **kw):
        return self.request("GET", target, **kw)

    def __repr__(self):
        return self.name


def assert_json_error(r, status, code):
    """The error envelope of API.md 1.4."""
    assert r.status == status, r
    ctype = r.headers.get("Content-Type", "")
    assert ctype.replace(" ", "").lower() == \
        "application/json;charset=utf-8", ctype
    body = r.json()
    assert body.get("code") == code, body
    assert isinstance(body.get("error"), str) and body["error"], body


# ---------------------------------------------------------------- waiting


def wait_for(predicate, timeout, interval=0.1, what="condition"):
    """Call predicate until it returns a true value (returned) or the
    deadline passes (AssertionError with the last value seen)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = predicate()
        except Exception as exc:  # noqa: BLE001 - kept as the last value
            last = exc
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            raise AssertionError("%s not met within %.1fs; last: %r"
                                 % (what, timeout, last))
        time.sleep(interval)


def run_threads(fn, args_list, timeout=120):
    """Run fn(*args) for each args at once (one thread each, released
    together); returns the results in order (exceptions re-raised)."""
    results = [None] * len(args_list)
    errors = []
    gate = _threading.Barrier(len(args_list))

    def one(i, args):
        try:
            gate.wait(30)
            results[i] = fn(*args)
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    ts = [_threading.Thread(target=one, args=(i, a), daemon=True)
          for i, a in enumerate(args_list)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout)
    if errors:
        raise errors[0]
    return results
