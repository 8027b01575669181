"""Shared fixtures of the integration tests (STYLE.md section 9).

The tests run against the local stack started by `scripts/vybes-dev up`
(the stack's settings come from the environment, i.e. run/stack.env as
exported by `scripts/vybes-dev test`).  A missing stack is an error that
stops the run, never a skip.

Every HTTP test takes the `front` fixture and so runs once through nginx and
once through lighttpd.
"""

import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fcgi_client  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FRONTS = ("nginx", "lighttpd")


# ---------------------------------------------------------------- stack

def _read_env_file(path):
    """KEY=VALUE lines of a stack.env (shell assignments, no expansions)."""
    out = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            value = " ".join(shlex.split(value))
        except ValueError:
            pass
        out[key.strip()] = value
    return out


def _load_stack_env():
    if not os.environ.get("VYBES_URL_NGINX"):
        run = Path(os.environ.get("VYBES_RUN") or REPO / "run")
        envf = run / "stack.env"
        if envf.is_file():
            for key, value in _read_env_file(envf).items():
                os.environ.setdefault(key, value)
    missing = [k for k in ("VYBES_URL_NGINX", "VYBES_URL_LIGHTTPD",
                           "VYBES_RUN", "VYBES_CONF", "VYBES_API_SOCKET",
                           "VYBES_API_PIDFILE")
               if not os.environ.get(k)]
    if missing:
        pytest.exit("integration tests need the local stack: %s not set and "
                    "no run/stack.env; run `scripts/vybes-dev up` first (or "
                    "`scripts/vybes-dev test`)" % ", ".join(missing),
                    returncode=2)


def build_dir():
    return Path(os.environ.get("VYBES_BUILD") or REPO / "build")


def vybes_api_bin():
    return str(build_dir() / "vybes-api")


class Stack:
    """The running stack as described by stack.env."""

    def __init__(self):
        e = os.environ
        self.run = Path(e["VYBES_RUN"])
        self.conf = e["VYBES_CONF"]
        self.api_socket = e["VYBES_API_SOCKET"]
        self.api_pidfile = e["VYBES_API_PIDFILE"]
        self.urls = {"nginx": e["VYBES_URL_NGINX"],
                     "lighttpd": e["VYBES_URL_LIGHTTPD"]}
        self.env = dict(e)

    def api_log(self):
        """The file that collects vybes-api's stderr (access lines)."""
        for name in ("api.log", "vybes-api.log"):
            p = self.run / "log" / name
            if p.is_file():
                return p
        raise AssertionError("no vybes-api log under %s/log" % self.run)

    def api_pid(self):
        with open(self.api_pidfile) as f:
            return int(f.read().strip())


@pytest.fixture(scope="session")
def stack():
    _load_stack_env()
    st = Stack()
    if not os.access(vybes_api_bin(), os.X_OK):
        pytest.exit("%s is not built; run `scripts/vybes-dev up`"
                    % vybes_api_bin(), returncode=2)
    down = []
    for name, url in st.urls.items():
        try:
            http_request(url, "GET", "/health", timeout=5)
        except OSError as exc:
            down.append("%s (%s): %s" % (name, url, exc))
    if down:
        pytest.exit("stack not reachable: %s; run `scripts/vybes-dev up`"
                    % "; ".join(down), returncode=2)
    return st


def vybes_dev(action, name, check=True):
    """`scripts/vybes-dev stop|start NAME` on the stack of this run."""
    r = subprocess.run([str(REPO / "scripts" / "vybes-dev"), action, name],
                       env=dict(os.environ), capture_output=True, text=True,
                       timeout=120)
    if check and r.returncode != 0:
        raise AssertionError("vybes-dev %s %s failed (%d): %s"
                             % (action, name, r.returncode, r.stderr))
    return r


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


@pytest.fixture(params=FRONTS)
def front(request, stack):
    return Front(request.param, stack.urls[request.param])


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


# ---------------------------------------------------------------- processes

def children(pid):
    """Pids of the direct children of pid."""
    out = set()
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out.update(int(x) for x in f.read().split())
    except FileNotFoundError:
        pass
    return out


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not alive for our purposes.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class LocalApi:
    """A vybes-api of a test's own (never the stack's), started with the
    stack's configuration file on a unix socket in a temporary directory."""

    def __init__(self, tmp_path, conf, workers=3, extra=(), env=None):
        self.sock = unix_socket_path(tmp_path, "api.sock")
        self.logpath = tmp_path / "api.log"
        self.argv = [vybes_api_bin(), "-d", "-f", conf,
                     "--listen", "unix:" + self.sock,
                     "--workers", str(workers)] + list(extra)
        self.env = env
        self.proc = None
        self.workers = workers

    def start(self):
        self._log = open(self.logpath, "ab")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=self._log,
                                     env=self.env, start_new_session=True)
        wait_for(lambda: self.proc.poll() is not None
                 or fcgi_client.health_ok(self.sock), 15,
                 what="local vybes-api answering /health")
        assert self.proc.poll() is None, \
            "vybes-api exited %s: %s" % (self.proc.returncode, self.log())
        wait_for(lambda: len(self.workers_pids()) == self.workers, 10,
                 what="%d workers" % self.workers)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def workers_pids(self):
        return {p for p in children(self.proc.pid) if alive(p)}

    def request(self, method="GET", path="/health", **kw):
        return fcgi_client.request(self.sock, method, path, **kw)

    def log(self):
        try:
            return self.logpath.read_text(errors="replace")[-4000:]
        except FileNotFoundError:
            return ""

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc is None:
            return
        stop_group(self.proc)
        self._log.close()


def stop_group(proc, timeout=20):
    """TERM proc, then KILL its process group (it was started with
    start_new_session) if it does not go; children it left behind, such
    as the workers of a supervisor that died, go with the group."""
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture
def local_api(tmp_path, stack):
    """Factory: local_api(workers=3, extra=[...]) -> a started LocalApi,
    stopped at teardown."""
    started = []

    def make(workers=3, extra=(), env=None):
        a = LocalApi(tmp_path, stack.conf, workers, extra, env)
        started.append(a)
        return a.start()

    yield make
    for a in started:
        a.stop()


def unix_socket_path(tmp_path, name):
    """A socket path short enough for sun_path (108 bytes)."""
    p = tmp_path / name
    if len(str(p)) < 100:
        return str(p)
    import tempfile
    d = tempfile.mkdtemp(prefix="vybes-")
    return os.path.join(d, name)


def can_connect(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


# ---------------------------------------------------------------- accounts
# Helpers of the accounts/authentication/sessions tests (test_accounts_*).
# Every logical client sends its own random X-Forwarded-For (the stack
# trusts loopback proxies), so per-IP rate limits never reach another test.

import base64 as _b64
import hashlib as _hashlib
import hmac as _hmac
import random as _random
import re as _re
import uuid as _uuid

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


# -- EIP-55 (Keccak-256, the pre-standard padding, in pure Python)

_KRC = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A,
        0x8000000080008000, 0x000000000000808B, 0x0000000080000001,
        0x8000000080008081, 0x8000000000008009, 0x000000000000008A,
        0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
        0x8000000000008003, 0x8000000000008002, 0x8000000000000080,
        0x000000000000800A, 0x800000008000000A, 0x8000000080008081,
        0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
_KROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
         [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
_M64 = (1 << 64) - 1


def _rol(x, n):
    return ((x << n) | (x >> (64 - n))) & _M64 if n else x


def _keccak_f(a):
    for rc in _KRC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4]
             for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y], _KROT[x][y])
        a = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
              for y in range(5)] for x in range(5)]
        a[0][0] ^= rc
    return a


def keccak256(data):
    rate = 136
    msg = bytearray(data) + b"\x01"
    msg += b"\x00" * (-len(msg) % rate)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(block[8 * i:8 * i + 8],
                                               "little")
        a = _keccak_f(a)
    out = b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def eip55(addr_hex40):
    """The EIP-55 checksummed form of 40 hex characters."""
    low = addr_hex40.lower()
    h = keccak256(low.encode()).hex()
    return "0x" + "".join(ch.upper() if int(h[i], 16) >= 8 else ch
                          for i, ch in enumerate(low))


# -- mail catcher (maildev)

def mail_messages(address):
    """Messages in maildev addressed to `address`, oldest first."""
    url = os.environ["VYBES_MAIL_LIST_URL"]
    import urllib.request
    with urllib.request.urlopen(url, timeout=5) as f:
        msgs = json.load(f)
    address = address.lower()
    out = [m for m in msgs
           if any((t.get("address") or "").lower() == address
                  for t in m.get("to") or [])]
    out.sort(key=lambda m: (m.get("time") or "", m.get("id")))
    return out


def mail_wait_code(address, seen_ids=(), timeout=15):
    """The 6-digit code of the first message to `address` whose id is not
    in seen_ids (polled until the deadline)."""
    def new():
        for m in mail_messages(address):
            if m["id"] in seen_ids:
                continue
            found = _re.findall(r"\b(\d{6})\b", m.get("text") or "")
            assert len(found) == 1, "no single code in %r" % m.get("text")
            return m["id"], found[0]
        return None
    return wait_for(new, timeout, interval=0.1,
                    what="reset code mail to %s" % address)


def mail_ids(address):
    return {m["id"] for m in mail_messages(address)}


# -- logs and readiness

def assert_not_logged(stack, secrets):
    """None of the secret strings appears in vybes-api's log (as a whole
    word: a 6-digit code may well occur inside a random request id)."""
    text = stack.api_log().read_text(errors="replace")
    leaked = [s[:12] + "..." for s in secrets
              if s and _re.search(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])"
                                  % _re.escape(s), text)]
    assert not leaked, "secrets found in %s: %s" % (stack.api_log(), leaked)


def redis_up(front):
    r = front.get("/health/ready", timeout=5)
    if r.status not in (200, 503):
        return False
    return r.json()["checks"]["redis"]["status"] == "up"


# ---------------------------------------------------------------- posts
# Helpers of the posts tests (test_posts_*): tiny media files that pass
# the content detection of API.md Appendix A, multipart bodies, post
# creation and the s3rver bucket seen from outside.

import threading as _threading
import urllib.request as _urlreq
import urllib.error as _urlerr
import xml.etree.ElementTree as _ET

UUID4_RE = _re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

_PNG = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR"
        + b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        + b"\x1f\x15\xc4\x89")
_JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01"
         b"\x00\x00\xff\xd9")
_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
        b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
        b"\x00\x02\x02D\x01\x00;")
_WEBP_VP8 = b"VP8 " + (10).to_bytes(4, "little") + b"\x00" * 10
_WEBP = b"RIFF" + (4 + len(_WEBP_VP8)).to_bytes(4, "little") + b"WEBP" \
    + _WEBP_VP8
_MP4 = (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        + b"\x00\x00\x00\x08free")
_MOV = (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "
        + b"\x00\x00\x00\x08moov")

# ext -> (bytes, detected Content-Type, post type)
POST_MEDIA = {
    "jpg": (_JPEG, "image/jpeg", "image"),
    "png": (_PNG, "image/png", "image"),
    "gif": (_GIF, "image/gif", "image"),
    "webp": (_WEBP, "image/webp", "image"),
    "mp4": (_MP4, "video/mp4", "video"),
    "mov": (_MOV, "video/quicktime", "video"),
}


def multipart(parts, boundary=None):
    """(body, Content-Type) of a multipart/form-data body.  parts: list of
    (name, value) or (name, value, filename, content_type); value bytes or
    str."""
    boundary = boundary or "vybes" + _uuid.uuid4().hex
    out = []
    for part in parts:
        name, value = part[0], part[1]
        filename = part[2] if len(part) > 2 else None
        ctype = part[3] if len(part) > 3 else None
        if isinstance(value, str):
            value = value.encode("utf-8")
        disp = 'form-data; name="%s"' % name
        if filename is not None:
            disp += '; filename="%s"' % filename
        head = "--%s\r\nContent-Disposition: %s\r\n" % (boundary, disp)
        if ctype:
            head += "Content-Type: %s\r\n" % ctype
        out.append(head.encode() + b"\r\n" + value + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def post_upload(acct, parts, timeout=30):
    """POST /posts with the given multipart parts as acct."""
    body, ctype = multipart(parts)
    return acct.client.request("POST", "/posts", raw=body, token=acct.token,
                               headers={"Content-Type": ctype},
                               timeout=timeout)


def create_post(acct, ext="png", caption=None, visibility=None):
    """A new post of acct (asserts 201); returns the Post."""
    data, mime, _kind = POST_MEDIA[ext]
    parts = [("media", data, "file." + ext, mime)]
    if caption is not None:
        parts.append(("caption", caption))
    if visibility is not None:
        parts.append(("visibility", visibility))
    r = post_upload(acct, parts)
    assert r.status == 201, r
    return r.json()


def api(acct, method, path, **kw):
    """A request of acct with its token."""
    return acct.client.request(method, path, token=acct.token, **kw)


def get_post(acct, post_id):
    return api(acct, "GET", "/posts/" + post_id)


def get_user(acct, username):
    r = api(acct, "GET", "/users/" + username)
    assert r.status == 200, r
    return r.json()


def s3_get(url, timeout=10):
    """(status, headers, body) of a plain GET on s3rver."""
    try:
        with _urlreq.urlopen(url, timeout=timeout) as f:
            return f.status, f.headers, f.read()
    except _urlerr.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def s3_objects(bucket="posts"):
    """{key: size} of every object of a bucket (s3rver lists without
    authentication)."""
    base = os.environ["VYBES_S3_ENDPOINT"].rstrip("/")
    ns = "{http://doc.s3.amazonaws.com/2006-03-01/}"
    out, token = {}, None
    while True:
        q = {"list-type": "2", "max-keys": "1000"}
        if token:
            q["continuation-token"] = token
        status, _h, body = s3_get("%s/%s?%s" % (base, bucket,
                                                urllib.parse.urlencode(q)))
        assert status == 200, (status, body[:200])
        root = _ET.fromstring(body)
        for c in root.iter(ns + "Contents"):
            out[c.find(ns + "Key").text] = int(c.find(ns + "Size").text)
        if root.findtext(ns + "IsTruncated") != "true":
            return out
        token = root.findtext(ns + "NextContinuationToken")


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


def new_accounts(front, n):
    """n fresh accounts, registered one after the other (concurrent
    registrations are not what the posts tests are about)."""
    return [new_account(front) for _ in range(n)]


def page_walk(acct, path, limit, max_pages=50, between=None):
    """Follow X-Next-Cursor from path?limit=N to the end; returns the list
    of pages (each the JSON list) and checks Link on each page."""
    pages = []
    sep = "&" if "?" in path else "?"
    target = "%s%slimit=%d" % (path, sep, limit)
    for _ in range(max_pages):
        r = api(acct, "GET", target)
        assert r.status == 200, r
        pages.append(r.json())
        cur = r.headers.get("X-Next-Cursor")
        if cur is None:
            assert r.headers.get("Link") is None, r.headers.get("Link")
            return pages
        link = r.headers.get("Link", "")
        assert 'rel="next"' in link and ("cursor=" + cur) in link, link
        if between is not None:
            between(len(pages))
        target = "%s%slimit=%d&cursor=%s" % (path, sep, limit, cur)
    raise AssertionError("more than %d pages" % max_pages)


def outbox_lines():
    """The pending events of `vybesctl outbox`: [(time, subject, msgid)],
    and the count from its "N pending" line."""
    r = subprocess.run([str(build_dir() / "vybesctl"), "-f",
                        os.environ["VYBES_CONF"], "outbox"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines and lines[-1].endswith(" pending"), r.stdout
    n = int(lines[-1].split()[0])
    events = [tuple(x.split()) for x in lines[:-1]]
    assert len(events) == n, r.stdout
    return events


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


# ---------------------------------------------------------------- stories
# Helpers of the stories tests (test_stories_*): uploads, the feed, the
# stories bucket's public base URL, and a FastCGI request whose CGI
# parameters (CONTENT_TYPE among them) are given in full.

def stories_base_url():
    """stories_public_base_url of the stack's configuration."""
    for line in open(os.environ["VYBES_CONF"]):
        k, _, v = line.partition("=")
        if k.strip() == "stories_public_base_url":
            return v.strip().rstrip("/")
    raise AssertionError("no stories_public_base_url in VYBES_CONF")


def story_upload(acct, parts, token=True, timeout=30):
    """POST /stories with the given multipart parts as acct (token=False:
    without Authorization)."""
    body, ctype = multipart(parts)
    return acct.client.request("POST", "/stories", raw=body,
                               token=acct.token if token else None,
                               headers={"Content-Type": ctype},
                               timeout=timeout)


def create_story(acct, ext="png"):
    """A new story of acct (asserts 201); returns the Story."""
    data, mime, _kind = POST_MEDIA[ext]
    r = story_upload(acct, [("media", data, "file." + ext, mime)])
    assert r.status == 201, r
    return r.json()


def story_feed(acct):
    """GET /stories/feed as acct (asserts 200); returns the groups."""
    r = api(acct, "GET", "/stories/feed")
    assert r.status == 200, r
    out = r.json()
    assert isinstance(out, list), out
    return out


def parse_ts(ts):
    """A UTC datetime of an API timestamp (TS_RE)."""
    import datetime as _dt
    assert TS_RE.match(ts), ts
    return _dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=_dt.timezone.utc)


def fcgi_as(sock, acct, method, path, ctype="", body=b""):
    """One request of acct (its token and client address) straight to the
    vybes-api listening on sock, API + path, over FastCGI."""
    params = {"HTTP_AUTHORIZATION": "Bearer " + acct.token,
              "HTTP_X_FORWARDED_FOR": acct.client.ip}
    if body:
        params["CONTENT_TYPE"] = ctype
    return fcgi_client.request(sock, method, API + path, body=body,
                               timeout=15.0, params=params)


def stack_api_bin(stack):
    """The executable the stack's vybes-api runs (so that a separate
    instance runs the same build whatever VYBES_BUILD says); the build
    directory's binary when that file was replaced meanwhile."""
    try:
        exe = os.readlink("/proc/%d/exe" % stack.api_pid())
    except OSError:
        return vybes_api_bin()
    if exe.endswith(" (deleted)") or not os.access(exe, os.X_OK):
        return vybes_api_bin()
    return exe


@pytest.fixture
def story_api(tmp_path, stack):
    """Factory: story_api(ttl, extra_env) -> a started LocalApi (one
    worker) running the stack's build and configuration with
    VYBES_STORY_TTL=ttl (unless None) and extra_env; stopped at
    teardown."""
    started = []

    def make(ttl=None, extra_env=None, workers=1):
        env = dict(os.environ)
        if ttl is not None:
            env["VYBES_STORY_TTL"] = str(ttl)
        env.update(extra_env or {})
        a = LocalApi(tmp_path, stack.conf, workers, (), env)
        a.argv[0] = stack_api_bin(stack)
        started.append(a)
        return a.start()

    yield make
    for a in started:
        a.stop()


# ---------------------------------------------------------------- worker
# Helpers of the vybes-worker and notifications tests (test_worker_*,
# test_notifications_*): reading every notification of a user, waiting
# for a count, the stack's worker process and its log, and a worker of a
# test's own.

def notifications_all(acct, limit=100, max_pages=200):
    """Every notification of acct, newest first, following X-Next-Cursor
    (asserts 200 on each page)."""
    out = []
    target = "/notifications?limit=%d" % limit
    for _ in range(max_pages):
        r = api(acct, "GET", target)
        assert r.status == 200, r
        page = r.json()
        assert isinstance(page, list), page
        out.extend(page)
        cur = r.headers.get("X-Next-Cursor")
        if cur is None:
            return out
        target = "/notifications?limit=%d&cursor=%s" % (limit, cur)
    raise AssertionError("more than %d pages of notifications" % max_pages)


def unread_count(acct):
    r = api(acct, "GET", "/notifications/unread-count")
    assert r.status == 200, r
    return r.json()["unreadCount"]


def wait_notifications(acct, n, timeout=60, pred=None, interval=0.2):
    """Poll until acct has at least n notifications (those matching pred,
    when given); returns them (all of acct's, newest first)."""
    def enough():
        ns = notifications_all(acct)
        mine = [x for x in ns if pred is None or pred(x)]
        return ns if len(mine) >= n else None
    return wait_for(enough, timeout, interval=interval,
                    what="%d notifications of %s" % (n, acct.username))


def worker_pid():
    """Pid of the stack's vybes-worker (from $VYBES_RUN/pids/worker.pid)."""
    p = Path(os.environ["VYBES_RUN"]) / "pids" / "worker.pid"
    return int(p.read_text().strip())


def worker_log_path():
    return Path(os.environ["VYBES_RUN"]) / "log" / "worker.log"


def worker_log_size():
    try:
        return worker_log_path().stat().st_size
    except FileNotFoundError:
        return 0


def worker_log_since(offset):
    """The stack worker's log from byte offset on."""
    with open(worker_log_path(), "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def worker_bin():
    return str(build_dir() / "vybes-worker")


class OwnWorker:
    """A vybes-worker of a test's own: the stack's configuration, stderr
    into a file, started in its own session; stop() in a finally."""

    def __init__(self, tmp_path, name="worker", extra=()):
        self.logpath = tmp_path / ("%s.log" % name)
        self.argv = [worker_bin(), "-d", "-f", os.environ["VYBES_CONF"]] \
            + list(extra)
        self.proc = None

    def start(self, wait=True):
        self._log = open(self.logpath, "ab")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=self._log,
                                     start_new_session=True)
        if wait:
            wait_for(lambda: self.proc.poll() is not None
                     or ("worker %d: consuming as" % self.proc.pid)
                     in self.log(), 15, what="own vybes-worker consuming")
            assert self.proc.poll() is None, \
                "vybes-worker exited %s: %s" % (self.proc.returncode,
                                                self.log())
        return self

    def log(self):
        try:
            return self.logpath.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


def like_matrix(likers, posts, expect=200):
    """Every liker likes every post (one thread per liker); returns the
    number of likes."""
    def one(acct):
        for p in posts:
            r = api(acct, "POST", "/posts/%s/like" % p["id"])
            assert r.status == expect, r
    run_threads(one, [(a,) for a in likers])
    return len(likers) * len(posts)


def ensure_worker_running():
    """Start the stack's worker again when a test left it stopped."""
    try:
        pid = worker_pid()
        if alive(pid):
            return
    except (FileNotFoundError, ValueError):
        pass
    vybes_dev("start", "worker")


# ---------------------------------------------------------------- wallet
# Helpers of the wallet tests (test_wallet_*): Foundry's cast (installed by
# `vybes-dev up` into the stack's npm cache, path in VYBES_CAST) as the
# independent checker of keys, signatures and transactions; JSON-RPC to the
# stack's anvil (VYBES_ETH_RPC); the stack's Redis through redis-cli.

WALLET_SIG_RE = _re.compile(r"^0x[0-9a-f]{130}$")
WALLET_KEY_RE = _re.compile(r"^0x[0-9a-f]{64}$")
# anvil's first prefunded account (its default mnemonic).
ANVIL_ADDR0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def cast(*args, check=True, timeout=60):
    """Run the stack's cast with args; its stripped stdout."""
    exe = os.environ.get("VYBES_CAST")
    assert exe and os.access(exe, os.X_OK), \
        "VYBES_CAST (%r) is not an executable; run `scripts/vybes-dev up`" \
        % exe
    r = subprocess.run([exe] + [str(a) for a in args], capture_output=True,
                       text=True, timeout=timeout)
    if check:
        assert r.returncode == 0, "cast %s: %s" % (" ".join(map(str, args)),
                                                   r.stderr.strip())
    return r.stdout.strip() if check else r


def cast_verify(address, message, sig, *opts):
    """True when `cast wallet verify` accepts sig of message by address."""
    r = cast("wallet", "verify", *opts, "--address", address, message, sig,
             check=False)
    return r.returncode == 0


def cast_decode_tx(raw):
    """`cast decode-transaction raw` as a dict (cast prints it as a JSON
    string holding the JSON object)."""
    out = json.loads(cast("decode-transaction", raw))
    if isinstance(out, str):
        out = json.loads(out)
    return out


def eth_rpc_url():
    url = os.environ.get("VYBES_ETH_RPC")
    assert url, "VYBES_ETH_RPC not set; run `scripts/vybes-dev up`"
    return url


def eth_rpc(method, params=(), timeout=10):
    """One JSON-RPC call to the stack's node: the result (AssertionError on
    a JSON-RPC error)."""
    req = _urlreq.Request(eth_rpc_url(), data=json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": method,
         "params": list(params)}).encode(),
        headers={"Content-Type": "application/json"})
    with _urlreq.urlopen(req, timeout=timeout) as f:
        ans = json.load(f)
    assert "error" not in ans, (method, ans)
    return ans["result"]


def eth_up():
    try:
        return eth_rpc("eth_chainId", timeout=2) is not None
    except OSError:
        return False


def ensure_eth_running():
    """Start the stack's eth node again when a test left it stopped."""
    if not eth_up():
        vybes_dev("start", "eth")
        wait_for(eth_up, 30, what="eth node answering")


def eth_balance(address):
    return int(eth_rpc("eth_getBalance", [address, "latest"]), 16)


def eth_fund(address, wei):
    """Set address's balance on anvil (anvil_setBalance)."""
    eth_rpc("anvil_setBalance", [address, hex(wei)])
    assert eth_balance(address) == wei


def eth_receipt(txhash, timeout=30):
    """The receipt of txhash once mined."""
    return wait_for(lambda: eth_rpc("eth_getTransactionReceipt", [txhash]),
                    timeout, interval=0.2, what="receipt of %s" % txhash)


def wallet_unlock(acct, password=None, expect=200):
    r = api(acct, "POST", "/wallet/unlock",
            body={"password": password or acct.password})
    assert r.status == expect, r
    return r


def wallet_status(acct):
    r = api(acct, "GET", "/wallet/status")
    assert r.status == 200, r
    return r.json()


def wallet_export(acct):
    """The exported private key of acct (one EXPORT_USER attempt)."""
    r = api(acct, "POST", "/wallet/export", body={"password": acct.password})
    assert r.status == 200, r
    key = r.json()["privateKey"]
    assert WALLET_KEY_RE.match(key), key
    return key


def wallet_sign(acct, route, body, expect=200):
    """POST /wallet/<route> as acct; the signature (when 200)."""
    r = api(acct, "POST", "/wallet/" + route, body=body)
    assert r.status == expect, r
    if expect != 200:
        return r
    sig = r.json()["signature"]
    assert WALLET_SIG_RE.match(sig), sig
    assert int(sig[-2:], 16) in (27, 28), sig
    return sig


def redis_cli(*args):
    """redis-cli against the stack's Redis; stdout lines."""
    host, _, port = os.environ["VYBES_REDIS_ADDR"].rpartition(":")
    r = subprocess.run(["redis-cli", "-h", host or "127.0.0.1", "-p", port]
                       + [str(a) for a in args], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def redis_keys(pattern="*"):
    return [k for k in redis_cli("--scan", "--pattern", pattern) if k]


def redis_pipe(commands):
    """Many one-line-answer commands (lists of words) in one redis-cli run;
    the answers, one per command."""
    host, _, port = os.environ["VYBES_REDIS_ADDR"].rpartition(":")
    text = "".join(" ".join('"%s"' % w for w in c) + "\n" for c in commands)
    r = subprocess.run(["redis-cli", "-h", host or "127.0.0.1", "-p", port],
                       input=text, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert len(out) == len(commands), (len(out), len(commands))
    return out
