"""vybes-api started by spawn-fcgi: the socket arrives on fd 0 (FastCGI
specification 2.2) and the process serves it itself."""

import shutil
import signal
import subprocess

import pytest

import fcgi_client
from vybestest import children, stop_group, unix_socket_path, vybes_api_bin, wait_for


@pytest.fixture
def spawned(tmp_path, stack):
    procs = []

    def run(*extra):
        sock = unix_socket_path(tmp_path, "spawn.sock")
        log = open(tmp_path / "spawn.log", "ab")
        # -n: spawn-fcgi execs the program itself, so this pid is vybes-api.
        p = subprocess.Popen([shutil.which("spawn-fcgi") or "spawn-fcgi",
                              "-s", sock, "-M", "0600", "-n", "--",
                              vybes_api_bin(), "-d", "-f", stack.conf]
                             + list(extra),
                             stdin=subprocess.DEVNULL, stdout=log,
                             stderr=log, start_new_session=True)
        procs.append((p, log))
        wait_for(lambda: p.poll() is not None or fcgi_client.health_ok(sock),
                 15, what="vybes-api under spawn-fcgi answering")
        assert p.poll() is None, (tmp_path / "spawn.log").read_text()
        return p, sock

    yield run
    for p, log in procs:
        stop_group(p, 15)
        log.close()


def test_spawn_fcgi_single_responder(spawned):
    p, sock = spawned()
    for _ in range(20):
        r = fcgi_client.request(sock, "GET", "/health")
        assert r.status == 200
        assert r.json()["status"] == "healthy"
    r = fcgi_client.request(sock, "GET", "/api/v1/no-such-route-for-tests")
    assert r.status == 404 and r.json()["code"] == "not_found"
    # One process serving the inherited socket, no workers.
    assert children(p.pid) == set()
    p.send_signal(signal.SIGTERM)
    assert p.wait(15) == 0


def test_spawn_fcgi_with_workers(spawned):
    p, sock = spawned("--workers", "2")
    wait_for(lambda: len(children(p.pid)) == 2, 10, what="2 workers")
    assert all(fcgi_client.request(sock).status == 200 for _ in range(20))
    p.send_signal(signal.SIGTERM)
    assert p.wait(20) == 0
