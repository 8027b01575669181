"""Schemathesis hooks of the OpenAPI step (tests/openapi/run): the users
the run acts as, and what the generator cannot make by itself.

- A pool of registered users (POOL of them, each logged in, wallet
  unlocked, following the next one), so the per-user rate limits of
  API.md section 4 spread over several keys and the routes are still
  exercised once one user's limit is spent.  Each authenticated case
  takes the next user's token; a route whose limit the run would spend
  at once (PER_USER_LIMITS) has fresh users of its own.
- Every request gets a random client address in X-Forwarded-For (the
  stack trusts its loopback proxy), so the per-IP limits of the public
  routes spread the same way.
- Half of the generated multipart posts and stories carry a real image
  in `media` (where the generator put a valid media part), so creation
  succeeds and the stateful links (create, get, like,
  delete) have something to act on.
- A user whose session the run itself ended (logout, session block,
  account deletion, password reset) is logged in again.

The stack's base URL comes from VYBES_OPENAPI_URL (set by run)."""

import itertools
import json
import os
import random
import struct
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib

import schemathesis
from hypothesis import strategies as st

BASE = os.environ["VYBES_OPENAPI_URL"].rstrip("/") + "/api/v1"
POOL = 6
_rng = random.SystemRandom()
_lock = threading.Lock()


def random_ip():
    return "10.%d.%d.%d" % (_rng.randrange(256), _rng.randrange(256),
                            _rng.randrange(1, 255))


def _png():
    """A 2x2 RGB PNG, small and valid."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    raw = b"".join(b"\0" + bytes([200, 30, 30] * 2) for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = _png()


def call(method, path, body=None, token=None):
    """One JSON request to the stack: (status, decoded body or None)."""
    h = {"X-Forwarded-For": random_ip(), "Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else b""
    req = urllib.request.Request(BASE + path, data=data, headers=h,
                                 method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


class User:
    """A registered user of the pool and its current session."""

    def __init__(self):
        self.email = "oa%s@example.com" % uuid.uuid4().hex[:16]
        self.password = "pw-" + uuid.uuid4().hex
        s, b = call("POST", "/users/register",
                    {"name": "OpenAPI Run", "email": self.email,
                     "password": self.password})
        if s != 201:
            raise RuntimeError("register answered %d %r" % (s, b))
        self.username = b["user"]["username"]
        self.token = None
        self.login()

    def login(self):
        s, b = call("POST", "/users/login",
                    {"email": self.email, "password": self.password})
        if s != 200:
            raise RuntimeError("login answered %d %r" % (s, b))
        self.token = b["access_token"]
        # The signing routes answer more than wallet_locked this way; an
        # unlock refused by the run's own wrong guesses (429) is fine.
        call("POST", "/wallet/unlock", {"password": self.password},
             self.token)


USERS = [User() for _ in range(POOL)]
for a, b in zip(USERS, USERS[1:] + USERS[:1]):
    call("POST", "/users/%s/follow" % b.username, token=a.token)
    call("POST", "/users/%s/follow" % a.username, token=b.token)
_turn = itertools.count()

# Per-user limits (API.md section 4) that the run would spend within
# seconds: the coverage phase sends a few hundred send-transaction cases,
# 10 a minute per user.  Such a route gets users of its own, each used up
# to its limit and replaced by a new one (at most SPARE_MAX of them).
PER_USER_LIMITS = {"/api/v1/wallet/send-transaction": (10, 60.0)}
SPARE_MAX = 60
_spare = {path: [] for path in PER_USER_LIMITS}    # [user, [call times]]


def _spare_user(path):
    n, window = PER_USER_LIMITS[path]
    now = time.monotonic()
    pool = _spare[path]
    for entry in pool:
        entry[1] = [t for t in entry[1] if now - t < window]
        if len(entry[1]) < n:
            break
    else:
        if len(pool) >= SPARE_MAX:
            entry = min(pool, key=lambda e: len(e[1]))
        else:
            entry = [User(), []]
            pool.append(entry)
    entry[1].append(now)
    return entry[0]


@schemathesis.auth(refresh_interval=None)
class PoolAuth:
    """Each authenticated case acts as the next user of the pool, or of
    its route's own pool (PER_USER_LIMITS)."""

    def get(self, case, ctx):
        with _lock:
            if case.operation.path in PER_USER_LIMITS:
                return _spare_user(case.operation.path)
            return USERS[next(_turn) % len(USERS)]

    def set(self, case, user, ctx):
        case.headers = dict(case.headers or {})
        case.headers["Authorization"] = "Bearer " + user.token


def _user_of(case):
    auth = (case.headers or {}).get("Authorization", "")
    for u in USERS + [e[0] for p in _spare.values() for e in p]:
        if auth == "Bearer " + (u.token or ""):
            return u
    return None


@schemathesis.hook
def before_call(context, case, kwargs):
    case.headers = dict(case.headers or {})
    case.headers["X-Forwarded-For"] = random_ip()


@schemathesis.hook
def before_generate_body(context, strategy):
    """Half of the multipart bodies that carry a media part (a valid one:
    the schema's media is any string of at least 1 byte) get a real image
    there.  An empty one is left alone: it may be what makes a negative
    case negative, and an image would make it valid."""
    if context.operation.path not in ("/api/v1/posts", "/api/v1/stories"):
        return strategy

    def real(pair):
        body, swap = pair
        if swap and isinstance(body, dict) and \
                isinstance(body.get("media"), (str, bytes)) and \
                len(body["media"]) > 0:
            return dict(body, media=PNG)
        return body
    return st.tuples(strategy, st.booleans()).map(real)


ENDS_SESSION = {("POST", "/api/v1/users/logout"),
                ("POST", "/api/v1/sessions/{id}/block"),
                ("DELETE", "/api/v1/users/me")}


@schemathesis.hook
def after_call(context, case, response):
    u = _user_of(case)
    if u is None:
        return
    op = (case.method.upper(), case.operation.path)
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        code = None
    ended = code == "unauthorized" or \
        (op in ENDS_SESSION and 200 <= response.status_code < 300)
    if not ended:
        return
    with _lock:
        if u in USERS and op == ("DELETE", "/api/v1/users/me") and \
                response.status_code == 202:
            USERS[USERS.index(u)] = User()
            return
        try:
            u.login()
        except RuntimeError:
            if u in USERS:
                USERS[USERS.index(u)] = User()
