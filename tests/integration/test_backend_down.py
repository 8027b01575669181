"""With vybes-api stopped, each web server answers its own 503 JSON
(API.md 1.4: code unavailable, Retry-After, within about 3 s); once it is
started again the same servers answer 200 without being touched."""

from vybestest import FRONTS, Front, assert_json_error, vybes_dev, wait_for

PATHS = ["/health", "/health/ready", "/api/v1/no-such-route-for-tests"]


def health_ok(front):
    return front.get("/health", timeout=5).status == 200


def test_backend_down_is_503_then_recovers(stack):
    fronts = [Front(n, stack.urls[n]) for n in FRONTS]
    vybes_dev("stop", "api")
    try:
        failures = []
        for f in fronts:
            for path in PATHS:
                r = f.get(path, timeout=10)
                problems = []
                try:
                    assert_json_error(r, 503, "unavailable")
                except (AssertionError, ValueError) as exc:
                    problems.append("envelope: %s" % exc)
                ra = r.headers.get("Retry-After")
                if ra is None or not ra.isdigit() or int(ra) < 1:
                    problems.append("Retry-After %r" % ra)
                if r.elapsed >= 3.5:
                    problems.append("answered in %.1fs" % r.elapsed)
                if r.headers.get_all("X-Content-Type-Options") != ["nosniff"]:
                    problems.append("X-Content-Type-Options %r" %
                                    r.headers.get_all("X-Content-Type-Options"))
                if problems:
                    failures.append("%s %s: %s; %r" % (f, path,
                                    ", ".join(problems), r))
        assert not failures, "\n".join(failures)
    finally:
        vybes_dev("start", "api")
    for f in fronts:
        wait_for(lambda: health_ok(f), 15, interval=0.2,
                 what="%s: /health 200 after starting api" % f)
