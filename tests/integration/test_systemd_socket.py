"""Socket activation as systemd does it (sd_listen_fds(3)): the listening
socket on fd 3, LISTEN_FDS=1 and LISTEN_PID naming the process that
receives it."""

import signal
import subprocess
import sys

import pytest

import fcgi_client
from vybestest import children, stop_group, unix_socket_path, vybes_api_bin, wait_for

# Bind, put the socket on fd 3, then exec vybes-api in this same process
# (pytest forked it), so LISTEN_PID == the pid vybes-api runs as.
LAUNCHER = r"""
import os, socket, sys
path, argv = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(128)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()),
           LISTEN_FDNAMES="vybes-api.socket")
os.execve(argv[0], argv, env)
"""


@pytest.fixture
def activated(tmp_path, stack):
    started = []

    def run(*extra):
        sock = unix_socket_path(tmp_path, "sd.sock")
        log = open(tmp_path / "sd.log", "ab")
        p = subprocess.Popen([sys.executable, "-c", LAUNCHER, sock,
                              vybes_api_bin(), "-d", "-f", stack.conf]
                             + list(extra), stdin=subprocess.DEVNULL,
                             stdout=log, stderr=log, start_new_session=True)
        started.append((p, log))
        wait_for(lambda: p.poll() is not None or fcgi_client.health_ok(sock),
                 15, what="socket-activated vybes-api answering")
        assert p.poll() is None, (tmp_path / "sd.log").read_text()
        return p, sock

    yield run
    for p, log in started:
        stop_group(p, 15)
        log.close()


def test_socket_activation_with_workers(activated, tmp_path):
    p, sock = activated("--workers", "2")
    wait_for(lambda: len(children(p.pid)) == 2, 10, what="2 workers")
    for _ in range(20):
        r = fcgi_client.request(sock, "GET", "/health")
        assert r.status == 200 and r.json()["status"] == "healthy"
    p.send_signal(signal.SIGTERM)
    assert p.wait(20) == 0, (tmp_path / "sd.log").read_text()


def test_socket_activation_single_process(activated, tmp_path):
    p, sock = activated()
    assert all(fcgi_client.request(sock).status == 200 for _ in range(10))
    assert children(p.pid) == set()
    p.send_signal(signal.SIGTERM)
    assert p.wait(15) == 0, (tmp_path / "sd.log").read_text()
