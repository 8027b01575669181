"""The stack the tests run against, through vybesstack: its settings
(stack.env, or the environment `scripts/vybes-dev test` exports), its
build, and stopping and starting its components."""

import os
from pathlib import Path

from vybesstack import cli, envfile
from vybesstack.proc import StackError

REPO = Path(__file__).resolve().parents[3]
FRONTS = ("nginx", "lighttpd")
NEEDED = ("VYBES_URL_NGINX", "VYBES_URL_LIGHTTPD", "VYBES_RUN", "VYBES_CONF",
          "VYBES_API_SOCKET", "VYBES_API_PIDFILE")


def load_stack_env():
    """Fills the environment from $VYBES_RUN/stack.env unless it names a
    stack already; the names of NEEDED still missing."""
    if not os.environ.get("VYBES_URL_NGINX"):
        envf = Path(os.environ.get("VYBES_RUN") or REPO / "run") / "stack.env"
        if envf.is_file():
            for key, value in envfile.read(envf).items():
                os.environ.setdefault(key, value)
    return [k for k in NEEDED if not os.environ.get(k)]


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


class DevResult:
    """What a vybes_dev call did: returncode 0, or 1 with the error in
    stderr."""

    def __init__(self, returncode, stderr=""):
        self.returncode = returncode
        self.stderr = stderr


def _dev(get, what, action, name, check):
    try:
        cli.one(get, name, *action.split())
        return DevResult(0)
    except StackError as e:
        if check:
            raise AssertionError("vybes-dev %s %s failed: %s"
                                 % (what, name, e)) from e
        return DevResult(1, str(e))


def vybes_dev(action, name, check=True):
    """`vybes-dev stop|start|restart NAME` on the stack of this run."""
    return _dev(cli.single, action, action.replace("restart", "stop start"),
                name, check)


def cluster_dev(action, name, check=True):
    """`vybes-dev cluster-stop|cluster-start|cluster-kill NAME`."""
    return _dev(cli.cluster, "cluster-" + action, action, name, check)
