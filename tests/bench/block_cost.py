"""The cost of blocks per feed page (issue 15): Redis round trips and
commands, and MongoDB messages, of one for-you page of 20 read by a user
with 0, 100 and 5,000 blocks, warm (second read) and right after a block
changed.  Not part of the tests; run on a stack that is up (the worker is
stopped during the reads and started again):

  set -a; . run/stack.env; set +a
  python3 -m pytest -q -s -k nginx tests/bench/block_cost.py

Redis is watched with MONITOR (round trips: commands not run by a
script); MongoDB through a counting TCP proxy between a vybes-api of the
test's own and the stack's MongoDB."""

import datetime
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

from bson import ObjectId

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(REPO, "tests", "integration"),
                os.path.join(REPO, "scripts", "lib")]

from vybestest import (api, create_post, fcgi_as,  # noqa: E402
                       follow, new_account, vybes_dev)
from oracle import db  # noqa: E402
from conftest import front, stack, story_api  # noqa: E402,F401

PAGE = 20


class MongoCounter:
    """A TCP proxy to MongoDB counting the messages its clients send."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(16)
        self.port = self.lsock.getsockname()[1]
        self.count = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            c, _ = self.lsock.accept()
            s = socket.create_connection(self.target)
            threading.Thread(target=self._up, args=(c, s),
                             daemon=True).start()
            threading.Thread(target=self._pipe, args=(s, c),
                             daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass

    def _up(self, c, s):
        buf = b""
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                s.sendall(d)
                buf += d
                while len(buf) >= 4:
                    n = struct.unpack("<i", buf[:4])[0]
                    if len(buf) < n:
                        break
                    buf = buf[n:]
                    with self.lock:
                        self.count += 1
        except OSError:
            pass


def monitor(fn):
    """(round trips, commands in scripts) of Redis while fn() runs; the
    output is read up to an ECHO sent after fn() returned."""
    host, _, port = os.environ["VYBES_REDIS_ADDR"].rpartition(":")
    cli = ["redis-cli", "-h", host or "127.0.0.1", "-p", port]
    p = subprocess.Popen(cli + ["MONITOR"], stdout=subprocess.PIPE,
                         text=True)
    assert p.stdout.readline().strip() == "OK"
    fn()
    subprocess.run(cli + ["ECHO", "bench-end"], capture_output=True,
                   check=True)
    out = []
    for line in p.stdout:
        if '"ECHO" "bench-end"' in line:
            break
        out.append(line)
    p.terminate()
    p.wait()
    lua = sum(1 for x in out if re.search(r"\[\d+ lua\]", x))
    direct = sum(1 for x in out if re.search(r"\[\d+ [\d.]+:\d+\]", x))
    return direct, lua


def test_block_cost(story_api, front):
    d = db()
    reader = new_account(front)
    authors = [new_account(front) for _ in range(10)]
    for a in authors:
        follow(reader, a)
        for _ in range(3):
            create_post(a)
    victim = new_account(front)
    assert api(reader, "GET", "/feeds/for-you").status == 200
    host, port = re.match(r"mongodb://([^:/]+):(\d+)",
                          os.environ.get("VYBES_MONGO_URI") or
                          open(os.environ["VYBES_CONF"]).read().split(
                              "mongo_uri = ")[1]).groups()
    proxy = MongoCounter(host, int(port))
    mine = story_api(extra_env={
        "MONGO_URI": "mongodb://127.0.0.1:%d/" % proxy.port})
    path = "/feeds/for-you?limit=%d" % PAGE
    vybes_dev("stop", "worker")
    rows = []
    try:
        have = 0
        for n in (0, 100, 5000):
            fake = n - have - (1 if n and not have else 0)
            if fake > 0:
                now = datetime.datetime.now(datetime.timezone.utc)
                d.blocks.insert_many([
                    {"userId": ObjectId(reader.id), "targetId": ObjectId(),
                     "createdAt": now} for _ in range(fake)])
            if n:
                # A real block through the API drops the reader's sets.
                r = fcgi_as(mine.sock, reader, "POST",
                            "/users/%s/block" % victim.username)
                assert r.status == 200, r
                fcgi_as(mine.sock, reader, "DELETE",
                        "/users/%s/block" % victim.username)
                r = fcgi_as(mine.sock, reader, "POST",
                            "/users/%s/block" % victim.username)
                assert r.status == 200, r
            have = n
            assert d.blocks.count_documents(
                {"userId": ObjectId(reader.id)}) == n
            res = {}
            for kind in ("first", "warm"):
                m0 = proxy.count
                box = {}

                def read():
                    t0 = time.monotonic()
                    box["r"] = fcgi_as(mine.sock, reader, "GET", path)
                    box["ms"] = (time.monotonic() - t0) * 1000

                rt, lua = monitor(read)
                assert box["r"].status == 200 and \
                    len(box["r"].json()) == PAGE, box["r"]
                res[kind] = (rt, lua, proxy.count - m0,
                             round(box["ms"], 1))
            rows.append((n, res))
    finally:
        vybes_dev("start", "worker")
    print()
    print("blocks | first read after a block change: (Redis round trips,"
          " commands in scripts, MongoDB messages, ms) | warm: (same)")
    for n, res in rows:
        print("%6d | %s | %s" % (n, res["first"], res["warm"]))
