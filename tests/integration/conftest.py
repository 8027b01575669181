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
        """TERM, then KILL our own process group if it does not go."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        # Workers left behind by a supervisor that died: same group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


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
