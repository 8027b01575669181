"""Processes of the stack: each runs in its own process group, so stopping
it takes its children (the api's workers) too.  Used by the stack's
components and by tests and benchmarks that start a program of their own."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def log(msg):
    print("vybes-dev: %s" % msg, file=sys.stderr, flush=True)


class StackError(Exception):
    """A step of the stack failed; the message says which and where the
    log is."""


def spawn(argv, logpath, cwd=None, env=None):
    """Starts argv in its own session (process group), stdin from
    /dev/null, stdout and stderr appended to logpath; returns the Popen."""
    with open(logpath, "ab") as f:
        return subprocess.Popen(argv, cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=f,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)


def alive(pid):
    """pid exists and is no zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


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


def _leads_group(pid):
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def _kill(pid, group, sig):
    """sig to pid's process group (group true) or to pid alone."""
    try:
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_gone(pid, timeout, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None:
            if proc.poll() is not None:
                return True
        elif not alive(pid):
            return True
        time.sleep(0.1)
    return False


def stop_pid(pid, timeout=15, proc=None, name=None, group=None):
    """TERM pid, a bounded wait (the api drains its children, the worker
    settles the message in hand), then KILL its process group when pid
    leads one (group: known already); children it left behind, such as
    the workers of a supervisor that died, go with the group.  proc: the
    Popen of pid, when this process started it."""
    if group is None:
        group = _leads_group(pid)
    _kill(pid, False, signal.SIGTERM)
    if not _wait_gone(pid, timeout, proc):
        if name:
            log("%s still running after %ds: SIGKILL" % (name, timeout))
        _kill(pid, group, signal.SIGKILL)
        _wait_gone(pid, 5, proc)
    _kill(pid, group, signal.SIGKILL)


def kill_group(pid):
    """A crash: SIGKILL pid's whole process group, no drain."""
    _kill(pid, _leads_group(pid), signal.SIGKILL)
    _wait_gone(pid, 5)


def stop_group(proc, timeout=20):
    """stop_pid for a Popen started in its own session (spawn)."""
    if proc.poll() is None:
        stop_pid(proc.pid, timeout, proc, group=True)
    else:
        _kill(proc.pid, True, signal.SIGKILL)


def wait_ready(what, check, timeout=30, died=None, logpath=None):
    """Calls check() until true; StackError after timeout seconds, or as
    soon as died() says the process exited."""
    deadline = time.monotonic() + timeout
    where = "; see %s" % logpath if logpath else ""
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if died is not None and died():
            raise StackError("%s exited%s" % (what, where))
        if time.monotonic() >= deadline:
            raise StackError("%s not ready after %ds%s"
                             % (what, timeout, where))
        time.sleep(0.1)


def tcp_open(port):
    """Something accepts on 127.0.0.1:port."""
    try:
        socket.create_connection(("127.0.0.1", int(port)), 1).close()
        return True
    except OSError:
        return False


def unix_open(path):
    """Something accepts on the unix socket path."""
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


def http_ok(url, data=None, headers=None):
    """url answers 2xx within 2 s; returns the body (or None)."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.read() or b" "
    except (urllib.error.URLError, OSError, ValueError):
        return None


def rpc_ok(url):
    """A JSON-RPC node at url answers eth_chainId."""
    body = http_ok(url, b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId",'
                   b'"params":[]}', {"Content-Type": "application/json"})
    return body is not None and b'"result"' in body
