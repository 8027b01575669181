"""Fixtures of the fault tests of the two-node topology (tests/cluster).

They run against `scripts/vybes-dev cluster-up` (addresses in
$VYBES_RUN/cluster.env, default run/cluster.env); `scripts/vybes-dev
cluster-test` brings the cluster up, runs them and takes it down.  The
HTTP helpers of tests/integration/conftest.py are reused (imported under
another name, so its fixtures are not registered here).
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))


def _cluster_env():
    run = Path(os.environ.get("VYBES_RUN") or REPO / "run")
    envf = run / "cluster.env"
    if not envf.is_file():
        pytest.exit("cluster tests need the cluster: no %s; run "
                    "`scripts/vybes-dev cluster-up` (or cluster-test)" % envf,
                    returncode=2)
    out = {}
    for line in envf.read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        k, _, v = line.partition("=")
        out[k.strip()] = v.strip().strip('"')
    return out


CENV = _cluster_env()
# The integration helpers read these (VYBES_CONF: vybesctl outbox).
for _k in ("VYBES_URL_NGINX", "VYBES_URL_LIGHTTPD", "VYBES_CONF",
           "VYBES_BUILD"):
    os.environ[_k] = CENV[_k]

_spec = importlib.util.spec_from_file_location(
    "vybes_it", REPO / "tests" / "integration" / "conftest.py")
it = importlib.util.module_from_spec(_spec)
sys.modules["vybes_it"] = it
_spec.loader.exec_module(it)


def vdev(action, name, check=True):
    """scripts/vybes-dev cluster-<action> NAME."""
    r = subprocess.run([str(REPO / "scripts" / "vybes-dev"),
                        "cluster-" + action, name],
                       capture_output=True, text=True, timeout=120,
                       env=dict(os.environ))
    if check and r.returncode != 0:
        raise AssertionError("vybes-dev cluster-%s %s: %s"
                             % (action, name, r.stderr))
    return r


def node_pid(name):
    return int((Path(CENV["VYBES_PIDS"]) / (name + ".pid")).read_text())


def log_size(name):
    p = Path(CENV["VYBES_LOGS"]) / (name + ".log")
    return p.stat().st_size if p.exists() else 0


FRONTS = {"nginx": CENV["VYBES_URL_NGINX"],
          "lighttpd": CENV["VYBES_URL_LIGHTTPD"]}


@pytest.fixture(scope="session")
def fronts():
    return {n: it.Front(n, u) for n, u in FRONTS.items()}


@pytest.fixture(scope="session")
def users(fronts):
    """A few accounts and one post they all like and comment on; made
    once (through nginx)."""
    f = fronts["nginx"]
    accts = [it.new_account(f, prefix="cl") for _ in range(5)]
    post = it.create_post(accts[0])
    return accts, post


@pytest.fixture(autouse=True)
def all_up():
    """Every node runs before and after each test (a failed test may have
    left one down)."""
    yield
    for n in ("mongo", "redis1", "redis2", "redis3", "redis4", "redis5",
              "redis6", "nats1", "nats2", "nats3", "api1", "api2",
              "worker1", "worker2"):
        vdev("start", n, check=False)
