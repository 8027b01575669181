"""Auto-scaling and /metrics (DESIGN.md section 2 and 7), driven directly
over FastCGI on a vybes-api of the test's own (the stack's config file,
its own socket): the supervisor adds workers while all are busy, up to
--max-workers, and retires them after SUPER_IDLE_MS (10 s) of spare
capacity; /metrics is Prometheus text 0.0.4 whose counters grow by exactly
the requests made, with busy/total worker gauges and 503s by backend."""

import json
import re
import socket
import subprocess
import time

import fcgi_client
from vybestest import unix_socket_path, vybes_api_bin, wait_for

SCALE = ["--min-workers", "1", "--max-workers", "4"]
CTYPE = "text/plain; version=0.0.4; charset=utf-8"
LINE_RE = re.compile(r'^([a-z_:][a-z0-9_:]*)(\{(?:[a-z_]+="(?:[^"\\\n]|\\.)*"'
                     r'(?:,[a-z_]+="(?:[^"\\\n]|\\.)*")*)?\})? '
                     r'([0-9.e+-]+|\+Inf)$')
LABEL_RE = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"')


def scrape(address):
    """GET /metrics: (response, {(name, frozenset(labels)): value})."""
    r = fcgi_client.request(address, "GET", "/metrics")
    assert r.status == 200, r
    out = {}
    for line in r.body.decode().splitlines():
        if line.startswith("#"):
            continue
        m = LINE_RE.match(line)
        assert m, "not a sample line: %r" % line
        labels = frozenset(LABEL_RE.findall(m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return r, out


def sample(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests_total(samples, method, route, status):
    return sample(samples, "vybes_http_requests_total", method=method,
                  route=route, status=str(status))


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_scales_up_while_busy_and_down_when_idle(local_api):
    api = local_api(workers=1, extra=SCALE)
    assert len(api.workers_pids()) == 1
    slow = []
    try:
        # Each slow request holds the only idle worker: one more starts.
        for n in range(2, 5):
            slow.append(fcgi_client.SlowRequest(api.sock).start())
            wait_for(lambda: len(api.workers_pids()) == n, 5,
                     interval=0.05, what="%d workers" % n)
        # 3 held, the 4th answers /metrics: all busy, at the maximum.
        _, m = scrape(api.sock)
        assert sample(m, "vybes_workers_total") == 4
        assert sample(m, "vybes_workers_busy") == 4
        # All four busy: no fifth beyond --max-workers.
        slow.append(fcgi_client.SlowRequest(api.sock).start())
        time.sleep(1.5)
        assert len(api.workers_pids()) == 4, api.log()
    finally:
        answers = [s.finish() for s in slow]
    assert [a.status for a in answers] == [200] * 4
    _, m = scrape(api.sock)
    assert sample(m, "vybes_workers_total") == 4
    # Answered workers go idle after their deferred work; the scraper
    # counts itself.
    wait_for(lambda: sample(scrape(api.sock)[1], "vybes_workers_busy") == 1,
             5, interval=0.05, what="only the scraping worker busy")
    # Idle: back to --min-workers, one retirement a second after 10 s.
    t0 = time.monotonic()
    wait_for(lambda: len(api.workers_pids()) == 1, 25, interval=0.2,
             what="back to 1 worker")
    assert time.monotonic() - t0 >= 8, "retired before the idle timeout"
    time.sleep(1.5)
    assert len(api.workers_pids()) == 1
    _, m = scrape(api.sock)
    assert sample(m, "vybes_workers_total") == 1
    assert sample(m, "vybes_workers_busy") == 1
    assert "retiring worker" in api.log() and api.proc.poll() is None
    assert fcgi_client.health_ok(api.sock)


def test_fixed_size_without_min_max(local_api):
    api = local_api(workers=2)
    slow = [fcgi_client.SlowRequest(api.sock).start()]
    try:
        time.sleep(1.0)
        assert len(api.workers_pids()) == 2
    finally:
        assert slow[0].finish().status == 200


def test_metrics_format_and_exact_counts(local_api):
    api = local_api(workers=2)
    r0, m0 = scrape(api.sock)
    assert r0.headers.get("content-type") == CTYPE
    body = r0.body.decode()
    # Every family is announced by HELP and TYPE before its samples.
    for name, kind in (("vybes_http_requests_total", "counter"),
                       ("vybes_http_request_duration_seconds", "histogram"),
                       ("vybes_workers_busy", "gauge"),
                       ("vybes_workers_total", "gauge"),
                       ("vybes_backend_errors_total", "counter")):
        help_at = body.index("# HELP %s " % name)
        type_at = body.index("# TYPE %s %s\n" % (name, kind))
        first = re.search(r"^%s[_{ ]" % name, body, re.M)
        assert help_at < type_at and (first is None
                                      or type_at < first.start()), name
    for be in ("mongo", "redis", "nats", "storage", "eth", "mail"):
        assert ("vybes_backend_errors_total", frozenset(
            {("backend", be)})) in m0
    for _ in range(7):
        assert api.request("GET", "/health").status == 200
    for _ in range(3):
        assert api.request("GET", "/no/such/route").status == 404
    for _ in range(2):
        assert api.request("POST", "/health").status == 405
    r1, m1 = scrape(api.sock)

    def delta(fn):
        return fn(m1) - fn(m0)
    assert delta(lambda m: requests_total(m, "GET", "/health", 200)) == 7
    assert delta(lambda m: requests_total(m, "", "unmatched", 404)) == 3
    assert delta(lambda m: requests_total(m, "", "unmatched", 405)) == 2
    # The first scrape is counted once answered.
    assert delta(lambda m: requests_total(m, "GET", "/metrics", 200)) == 1
    count = "vybes_http_request_duration_seconds_count"
    assert delta(lambda m: sample(m, count)) == 13
    # Histogram: cumulative, +Inf equals _count, every request is fast.
    les = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
           "2.5", "5", "+Inf"]
    buckets = [sample(m1, "vybes_http_request_duration_seconds_bucket",
                      le=le) for le in les]
    assert buckets == sorted(buckets)
    assert buckets[-1] == sample(m1, count)
    assert buckets[-2] == buckets[-1]
    assert 0 < sample(m1, "vybes_http_request_duration_seconds_sum") < 5
    assert sample(m1, "vybes_workers_total") == 2
    # The scraping worker at least; the other may be between accept and
    # idle (it marks itself busy as soon as the socket is readable).
    assert 1 <= sample(m1, "vybes_workers_busy") <= 2
    # Any child answers for the node: the totals agree from all of them.
    seen = {requests_total(scrape(api.sock)[1], "GET", "/health", 200)
            for _ in range(6)}
    assert seen == {requests_total(m1, "GET", "/health", 200)}
    # HEAD of a GET route: headers only.
    h = api.request("HEAD", "/metrics")
    assert h.status == 200 and h.body == b""


def test_backend_errors_counted_by_backend(local_api):
    # A Redis nobody listens on: the OTP rate limit fails closed, 503.
    api = local_api(workers=2, extra=[
        "--set", "redis_addr=127.0.0.1:%d" % closed_port()])
    _, m0 = scrape(api.sock)
    body = json.dumps({"email": "metrics-otp@example.com"}).encode()
    for _ in range(3):
        r = api.request("POST", "/api/v1/users/request-otp", body=body,
                        headers={"Content-Type": "application/json"})
        assert r.status == 503, r
        assert r.json()["code"] == "unavailable"
    _, m1 = scrape(api.sock)
    errors = "vybes_backend_errors_total"
    assert sample(m1, errors, backend="redis") - \
        sample(m0, errors, backend="redis") == 3
    for be in ("mongo", "nats", "storage", "eth", "mail"):
        assert sample(m1, errors, backend=be) == sample(m0, errors,
                                                        backend=be)
    assert requests_total(m1, "POST", "/api/v1/users/request-otp", 503) - \
        requests_total(m0, "POST", "/api/v1/users/request-otp", 503) == 3


def test_single_responder_reports_its_own_numbers(tmp_path, stack):
    # spawn-fcgi style: the socket is fd 0, no supervisor.
    path = unix_socket_path(tmp_path, "solo.sock")
    lsock = socket.socket(socket.AF_UNIX)
    lsock.bind(path)
    lsock.listen(16)
    log = open(tmp_path / "solo.log", "wb")
    proc = subprocess.Popen([vybes_api_bin(), "-d", "-f", stack.conf],
                            stdin=lsock.fileno(), stdout=log, stderr=log,
                            start_new_session=True)
    lsock.close()
    try:
        wait_for(lambda: fcgi_client.health_ok(path), 15,
                 what="single responder answering")
        for _ in range(4):
            assert fcgi_client.request(path, "GET", "/health").status == 200
        _, m = scrape(path)
        assert requests_total(m, "GET", "/health", 200) == 5
        assert sample(m, "vybes_workers_total") == 1
        assert sample(m, "vybes_workers_busy") == 1
    finally:
        proc.terminate()
        assert proc.wait(timeout=15) == 0
        log.close()
