"""Schemathesis hooks of the OpenAPI step (tests/openapi/run): the users
the run acts as, and what the generator cannot make by itself.

- A pool of registered users (POOL of them, each logged in, wallet
  unlocked, following the next one), so the per-user rate limits of
  API.md section 4 spread over several keys and the routes are still
  exercised once one user's limit is spent.  Each authenticated case
  takes the next user's token.
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


@schemathesis.auth(refresh_interval=None)
class PoolAuth:
    """Each authenticated case acts as the next user of the pool."""

    def get(self, case, ctx):
        with _lock:
            return USERS[next(_turn) % len(USERS)]

    def set(self, case, user, ctx):
        case.headers = dict(case.headers or {})
        case.headers["Authorization"] = "Bearer " + user.token


def _user_of(case):
    auth = (case.headers or {}).get("Authorization", "")
    for u in USERS:
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
    the schema's media is any string) get a real image there."""
    if context.operation.path not in ("/api/v1/posts", "/api/v1/stories"):
        return strategy

    def real(pair):
        body, swap = pair
        if swap and isinstance(body, dict) and \
                isinstance(body.get("media"), (str, bytes)):
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
        if u not in USERS:
            return
        if op == ("DELETE", "/api/v1/users/me") and \
                response.status_code == 202:
            USERS[USERS.index(u)] = User()
            return
        try:
            u.login()
        except RuntimeError:
            USERS[USERS.index(u)] = User()
