"""Fixtures of the fault tests of the two-node topology (tests/cluster).

They run against `scripts/vybes-dev cluster-up` (addresses in
$VYBES_RUN/cluster.env, default run/cluster.env); `scripts/vybes-dev
cluster-test` brings the cluster up, runs them and takes it down.  The
cluster is vybesstack's (scripts/lib), the HTTP and account helpers are
those of the integration tests (vybestest, imported as `it`).
"""

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "tests" / "integration"),
                str(REPO / "scripts" / "lib")]

import vybestest as it  # noqa: E402
from vybesstack import cli  # noqa: E402

CLUSTER = cli.cluster()
if not CLUSTER.envpath.is_file():
    pytest.exit("cluster tests need the cluster: no %s; run "
                "`scripts/vybes-dev cluster-up` (or cluster-test)"
                % CLUSTER.envpath, returncode=2)
CENV = CLUSTER.env
# The integration helpers read these (VYBES_CONF: vybesctl outbox).
for _k in ("VYBES_URL_NGINX", "VYBES_URL_LIGHTTPD", "VYBES_CONF",
           "VYBES_BUILD"):
    os.environ[_k] = CENV[_k]


def vdev(action, name, check=True):
    """scripts/vybes-dev cluster-<action> NAME."""
    return it.cluster_dev(action, name, check)


def node_pid(name):
    return int(CLUSTER.pidfile(name).read_text())


def log_size(name):
    p = CLUSTER.logfile(name)
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
