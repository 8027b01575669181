"""The stack's Redis through redis-cli, and its state in /health/ready."""

import os
import subprocess


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


def redis_up(front):
    r = front.get("/health/ready", timeout=5)
    if r.status not in (200, 503):
        return False
    return r.json()["checks"]["redis"]["status"] == "up"
