"""A small steady-load client: threads issuing real API traffic (GET
/users/me, POST and DELETE /posts/:id/like) through one front end, counting
what they see per status (0 = no HTTP answer: connection error or
timeout) and the latency."""

import collections
import threading
import time


class Load:
    def __init__(self, it, front, accts, post_id, threads=3, pause=0.02,
                 timeout=10):
        self.it, self.front, self.accts = it, front, accts
        self.post_id, self.threads, self.pause = post_id, threads, pause
        self.timeout = timeout
        self.lock = threading.Lock()
        self.status = collections.Counter()
        self.fails = []                 # (t, method, path, status, latency)
        self.max_latency = 0.0
        self.n = 0
        self.stop_ev = threading.Event()
        self.t0 = None
        self._th = []

    def _one(self, k):
        a = self.it.on_front(self.accts[k % len(self.accts)], self.front)
        ops = [("GET", "/users/me"), ("POST", "/posts/%s/like" % self.post_id),
               ("GET", "/users/me"),
               ("DELETE", "/posts/%s/like" % self.post_id)]
        i = 0
        while not self.stop_ev.is_set():
            method, path = ops[i % len(ops)]
            i += 1
            t = time.monotonic()
            try:
                st = self.it.api(a, method, path, timeout=self.timeout).status
            except OSError:
                st = 0
            lat = time.monotonic() - t
            with self.lock:
                self.n += 1
                self.status[st] += 1
                self.max_latency = max(self.max_latency, lat)
                if st == 0 or st >= 500:
                    self.fails.append((round(t - self.t0, 2), method, path,
                                       st, round(lat, 3)))
            time.sleep(self.pause)

    def start(self):
        self.t0 = time.monotonic()
        for k in range(self.threads):
            th = threading.Thread(target=self._one, args=(k,), daemon=True)
            th.start()
            self._th.append(th)
        return self

    def stop(self):
        self.stop_ev.set()
        for th in self._th:
            th.join(30)
        return self

    def failures(self):
        return sum(c for s, c in self.status.items() if s == 0 or s >= 500)

    def report(self, what):
        line = ("[%s via %s] %d requests in %.1fs, by status %s, failures %d, "
                "max latency %.3fs" % (what, self.front.name, self.n,
                                      time.monotonic() - self.t0,
                                      dict(sorted(self.status.items())),
                                      self.failures(), self.max_latency))
        print("\n" + line)
        for f in self.fails[:10]:
            print("   failed: t=%.2fs %s %s -> %s in %.3fs" % f)
        return line
