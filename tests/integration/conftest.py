"""Fixtures of the integration tests (STYLE.md section 9); the helpers
the tests use are in vybestest (this directory), the stack itself in
vybesstack (scripts/lib).

The tests run against the local stack started by `scripts/vybes-dev up`
(the stack's settings come from the environment, i.e. run/stack.env as
exported by `scripts/vybes-dev test`).  A missing stack is an error that
stops the run, never a skip.

Every HTTP test takes the `front` fixture and so runs once through nginx and
once through lighttpd.
"""

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1] / "scripts" / "lib")]

from vybestest import (FRONTS, Front, LocalApi, Stack,  # noqa: E402
                       http_request, load_stack_env, stack_api_bin,
                       vybes_api_bin)


@pytest.fixture(scope="session")
def stack():
    missing = load_stack_env()
    if missing:
        pytest.exit("integration tests need the local stack: %s not set and "
                    "no run/stack.env; run `scripts/vybes-dev up` first (or "
                    "`scripts/vybes-dev test`)" % ", ".join(missing),
                    returncode=2)
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


@pytest.fixture(params=FRONTS)
def front(request, stack):
    return Front(request.param, stack.urls[request.param])


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
