"""Programs of a test's own (a vybes-api, a vybes-worker) and the stack's
worker process, started and stopped through vybesstack."""

import os
import socket
import tempfile
from pathlib import Path

import fcgi_client
from vybesstack.proc import alive, children, spawn, stop_group
from .http import wait_for
from .stack import build_dir, vybes_api_bin, vybes_dev


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
        self.proc = spawn(self.argv, self.logpath, env=self.env)
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


def unix_socket_path(tmp_path, name):
    """A socket path short enough for sun_path (108 bytes)."""
    p = tmp_path / name
    if len(str(p)) < 100:
        return str(p)
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
        self.proc = spawn(self.argv, self.logpath)
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
        stop_group(self.proc, 10)


def ensure_worker_running():
    """Start the stack's worker again when a test left it stopped."""
    try:
        pid = worker_pid()
        if alive(pid):
            return
    except (FileNotFoundError, ValueError):
        pass
    vybes_dev("start", "worker")
