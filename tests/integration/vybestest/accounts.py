"""Accounts and sessions: a client with its own address, registered
users, their requests, JWTs and the checks of the accounts routes."""

import base64 as _b64
import hashlib as _hashlib
import hmac as _hmac
import json
import os
import random as _random
import re as _re
import time
import uuid as _uuid

from .http import assert_json_error, run_threads


API = "/api/v1"
OID_RE = _re.compile(r"^[0-9a-f]{24}$")
REFRESH_RE = _re.compile(r"^[A-Za-z0-9_-]{43}$")
TS_RE = _re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
# Keys that must never appear in any response of the accounts routes.
SECRET_KEYS = {"password", "passwordHash", "password_hash", "hash",
               "encryptedPrivateKey", "encrypted_private_key", "privateKey",
               "otp", "otpHash", "otpExpires", "otpAttempts",
               "refresh_token_hash"}


def random_ip():
    """A random client address for X-Forwarded-For."""
    r = _random.SystemRandom()
    return "10.%d.%d.%d" % (r.randrange(256), r.randrange(256),
                            r.randrange(1, 255))


def unique_email(prefix="u", domain="example.com"):
    return "%s%s@%s" % (prefix, _uuid.uuid4().hex[:16], domain)


def unique_username(prefix="u"):
    return ("%s%s" % (prefix, _uuid.uuid4().hex))[:30]


class Client:
    """One API client: a front end plus its own client IP (and token)."""

    def __init__(self, front, ip=None, ua=None):
        self.front = front
        self.ip = ip or random_ip()
        self.ua = ua or "vybes-tests/1.0"

    def request(self, method, path, body=None, token=None, headers=None,
                raw=None, timeout=15):
        h = {"X-Forwarded-For": self.ip, "User-Agent": self.ua}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if body is not None:
            raw = json.dumps(body).encode()
        if raw is not None:
            h["Content-Type"] = "application/json"
        elif method in ("POST", "PATCH", "PUT"):
            raw = b""           # no body, but a Content-Length: 0
        h.update(headers or {})
        target = path if path.startswith("/health") else API + path
        return self.front.request(method, target, headers=h, body=raw,
                                  timeout=timeout)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def register(self, email=None, password="correct horse 1", name="Test User",
                 username=None, expect=201):
        body = {"name": name, "email": email or unique_email(),
                "password": password}
        if username is not None:
            body["username"] = username
        r = self.post("/users/register", body)
        assert r.status == expect, r
        return r

    def login(self, email, password, expect=200):
        r = self.post("/users/login", {"email": email, "password": password})
        assert r.status == expect, r
        return r


class Account:
    """A registered user with one logged-in session."""

    def __init__(self, client, email, password, user, login):
        self.client = client
        self.email = email
        self.password = password
        self.user = user
        self.id = user["id"]
        self.username = user["username"]
        self.token = login["access_token"]
        self.refresh = login["refresh_token"]
        self.sid = jwt_claims(self.token)["sid"]


def new_account(front, ip=None, password=None, username=None, prefix="u",
                ua=None):
    """Register a fresh user and log it in (one session)."""
    c = Client(front, ip, ua)
    email = unique_email(prefix)
    password = password or "pw-" + _uuid.uuid4().hex
    user = c.register(email, password, username=username).json()["user"]
    login = c.login(email, password).json()
    return Account(c, email, password, user, login)


def find_keys(obj, keys):
    """Paths of every key of `keys` anywhere in a JSON value."""
    out = []

    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                if k in keys:
                    out.append(path + "." + k)
                walk(x, path + "." + k)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, "%s[%d]" % (path, i))

    walk(obj, "$")
    return out


def assert_unauthorized(r):
    """401 unauthorized with WWW-Authenticate: Bearer (API.md 1.5)."""
    assert_json_error(r, 401, "unauthorized")
    www = r.headers.get("WWW-Authenticate", "")
    assert www.split()[:1] == ["Bearer"], "WWW-Authenticate %r" % www


def assert_validation(r, field):
    assert_json_error(r, 400, "validation_failed")
    assert r.json().get("field") == field, r.json()


# -- JWT

def b64url(data):
    return _b64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_dec(s):
    return _b64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwt_claims(token):
    return json.loads(b64url_dec(token.split(".")[1]))


def jwt_header(token):
    return json.loads(b64url_dec(token.split(".")[0]))


def jwt_make(claims, key=None, alg="HS256", header=None):
    """A JWT signed with `key` (default: the stack's JWT secret)."""
    if key is None:
        key = os.environ["VYBES_JWT_SECRET"].encode()
    hdr = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing = (b64url(json.dumps(hdr, separators=(",", ":")).encode())
               + "." + b64url(json.dumps(claims,
                                         separators=(",", ":")).encode()))
    digest = {"HS256": _hashlib.sha256, "HS384": _hashlib.sha384,
              "HS512": _hashlib.sha512}.get(alg)
    sig = b"" if digest is None else _hmac.new(key, signing.encode(),
                                                digest).digest()
    return signing + "." + b64url(sig)


def api(acct, method, path, **kw):
    """A request of acct with its token."""
    return acct.client.request(method, path, token=acct.token, **kw)


def get_post(acct, post_id):
    return api(acct, "GET", "/posts/" + post_id)


def get_user(acct, username):
    r = api(acct, "GET", "/users/" + username)
    assert r.status == 200, r
    return r.json()


def new_accounts(front, n):
    """n fresh accounts, registered one after the other (concurrent
    registrations are not what the posts tests are about)."""
    return [new_account(front) for _ in range(n)]


# ---------------------------------------------------------------- social
# Helpers of the follows/search/suggestions/feeds tests (test_social_*,
# test_feeds_*).

def on_front(acct, front):
    """A copy of acct whose requests go through `front` (same client IP,
    same token)."""
    a = Account.__new__(Account)
    a.__dict__.update(acct.__dict__)
    a.client = Client(front, acct.client.ip, acct.client.ua)
    return a


def new_named_account(front, name, username=None, prefix="s"):
    """Register a user with the given display name (and username) and log
    it in."""
    c = Client(front)
    email = unique_email(prefix)
    password = "pw-" + _uuid.uuid4().hex
    user = c.register(email, password, name=name,
                      username=username).json()["user"]
    login = c.login(email, password).json()
    return Account(c, email, password, user, login)


def follow(acct, target, on=True, expect=200):
    """POST (on) or DELETE /users/:target/follow as acct; target an Account
    or a username."""
    name = target if isinstance(target, str) else target.username
    r = api(acct, "POST" if on else "DELETE", "/users/%s/follow" % name)
    assert r.status == expect, r
    return r


def feed_key(post):
    """Sort key of the feeds and user post lists: createdAt, then id."""
    return (post["createdAt"], post["id"])


def new_accounts_retry(front, n, name=None):
    """n fresh accounts registered 8 at a time in parallel; a registration
    answered 500 is retried (up to 3 times) so that the social tests do not
    depend on the concurrent-registration bug that
    test_social_follow.py::test_concurrent_registrations reports."""
    def one(i):
        for attempt in range(4):
            try:
                if name is None:
                    return new_account(front)
                return new_named_account(front, name(i))
            except AssertionError as exc:
                if "HTTP 500" not in str(exc) or attempt == 3:
                    raise
                time.sleep(0.05)
    out = []
    for i in range(0, n, 8):
        k = min(8, n - i)
        out.extend(run_threads(one, [(i + j,) for j in range(k)]))
    return out
