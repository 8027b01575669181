"""The prefork supervisor (STYLE.md 8), driven directly over FastCGI on a
vybes-api of the test's own (the stack's config file, its own socket):
a killed worker is replaced, SIGHUP replaces every worker without a failed
request, SIGTERM lets in-flight requests finish and exits 0, and workers
recycle after --max-requests."""

import os
import signal
import threading
import time

import fcgi_client
from vybestest import wait_for


class Load:
    """Client threads sending GET /health until stopped (or `total`
    requests were sent); every answer other than 200 is a failure."""

    def __init__(self, address, threads, total=None):
        self.address = address
        self.total = total
        self.ok = 0
        self.failures = []
        self.sent = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True)
                         for _ in range(threads)]

    def _take(self):
        with self._lock:
            if self._stop.is_set() or \
                    (self.total is not None and self.sent >= self.total):
                return False
            self.sent += 1
            return True

    def _run(self):
        while self._take():
            try:
                r = fcgi_client.request(self.address, "GET", "/health",
                                        timeout=15)
                good = r.status == 200
                what = r
            except (OSError, fcgi_client.FcgiError) as exc:
                good, what = False, exc
            with self._lock:
                if good:
                    self.ok += 1
                else:
                    self.failures.append((time.monotonic(), repr(what)))

    def start(self):
        for t in self._threads:
            t.start()
        return self

    def done(self):
        return all(not t.is_alive() for t in self._threads)

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(30)
        assert self.done(), "client threads still running"

    def wait_sent(self, n, timeout=30):
        wait_for(lambda: self.sent >= n, timeout, interval=0.01,
                 what="%d requests sent" % n)


def test_killed_worker_is_replaced(local_api, record_property):
    api = local_api(workers=3)
    before = api.workers_pids()
    load = Load(api.sock, threads=3).start()
    try:
        load.wait_sent(300)
        victim = sorted(before)[0]
        os.kill(victim, signal.SIGKILL)
        after = wait_for(lambda: (lambda p: len(p) == 3 and victim not in p
                                  and p)(api.workers_pids()), 10,
                         what="a new worker replacing %d" % victim)
        sent_at_restart = load.sent
        load.wait_sent(sent_at_restart + 300)
    finally:
        load.stop()
    new = after - before
    assert len(new) == 1, (before, after)
    assert after - new == before - {victim}
    record_property("failed_requests_on_kill", len(load.failures))
    print("\nkill -9 worker: %d ok, %d failed %r"
          % (load.ok, len(load.failures), load.failures))
    # At most the one request the killed worker was serving.
    assert len(load.failures) <= 1, load.failures
    assert api.proc.poll() is None
    assert fcgi_client.health_ok(api.sock)


def test_sighup_replaces_workers_without_failures(local_api):
    api = local_api(workers=3)
    before = api.workers_pids()
    sup = api.pid
    load = Load(api.sock, threads=4).start()
    try:
        load.wait_sent(200)
        api.signal(signal.SIGHUP)
        replaced = wait_for(
            lambda: (lambda p: len(p) == 3 and not (p & before) and p)(
                api.workers_pids()), 30, interval=0.05,
            what="every worker replaced after SIGHUP")
        load.wait_sent(max(2000, load.sent + 200), timeout=60)
    finally:
        load.stop()
    print("\nSIGHUP: %d ok, %d failed" % (load.ok, len(load.failures)))
    assert load.failures == [], load.failures[:10]
    assert load.ok >= 2000
    assert not (replaced & before)
    assert api.pid == sup and api.proc.poll() is None


def test_sigterm_finishes_in_flight_requests_and_exits_0(local_api):
    api = local_api(workers=3)
    # One slow request per worker: each worker has accepted a connection
    # and waits for the rest of the request.
    slow = [fcgi_client.SlowRequest(api.sock).start() for _ in range(3)]
    time.sleep(0.5)
    api.signal(signal.SIGTERM)
    time.sleep(1.0)
    assert api.proc.poll() is None, \
        "supervisor exited with requests in flight: %s" % api.log()
    answers = []
    for s in slow:
        try:
            answers.append(s.finish())
        except (OSError, fcgi_client.FcgiError) as exc:
            answers.append(exc)
    assert all(isinstance(a, fcgi_client.Response) and a.status == 200
               for a in answers), answers
    assert api.wait(timeout=15) == 0, api.log()


def test_sigterm_under_concurrent_load_stops_taking_requests(local_api):
    THREADS = 16
    api = local_api(workers=3)
    load = Load(api.sock, threads=THREADS).start()
    try:
        load.wait_sent(500)
        ok_before = load.ok
        t_term = time.monotonic()
        api.signal(signal.SIGTERM)
        # The drain begins when the supervisor removes the socket's name
        # (how soon it acts on the signal depends on the machine's load).
        wait_for(lambda: not os.path.exists(api.sock), 10, interval=0.005,
                 what="socket name removed")
        ok_at_unlink = load.ok
        rc = api.wait(timeout=30)
        t_exit = time.monotonic()
        ok_at_exit = load.ok
    finally:
        load.stop()
    assert rc == 0, api.log()
    assert ok_before > 0
    # Requests sent to a socket nobody serves any more fail (refused or
    # reset from the listen backlog); none may fail before the SIGTERM.
    early = [f for f in load.failures if f[0] < t_term]
    print("\nSIGTERM under load: drained in %.2fs, %d ok before, %d ok "
          "after SIGTERM, %d of them after the drain began, %d failed "
          "after SIGTERM: %r"
          % (t_exit - t_term, ok_before, ok_at_exit - ok_before,
             ok_at_exit - ok_at_unlink, len(load.failures), sorted(
              {f[1][:60] for f in load.failures})))
    assert early == [], early
    # Workers stop after their current request: once the drain began only
    # the requests already sent (one per client thread at most, plus the
    # few finished between reading the count and the unlink) may complete;
    # no new ones are taken.
    assert ok_at_exit - ok_at_unlink <= 2 * THREADS, \
        "%d requests served after the drain began" % (
            ok_at_exit - ok_at_unlink)


def test_workers_recycle_after_max_requests(local_api):
    api = local_api(workers=2, extra=["--max-requests", "5"])
    before = api.workers_pids()
    statuses = [api.request().status for _ in range(30)]
    assert statuses == [200] * 30
    after = wait_for(lambda: (lambda p: len(p) == 2 and p)(
        api.workers_pids()), 10, what="2 workers")
    assert not (after & before), (before, after)
    # Recycling is a clean exit, not a crash: no back-off kept them away.
    assert all(api.request().status == 200 for _ in range(10))
