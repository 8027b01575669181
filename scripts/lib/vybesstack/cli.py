"""scripts/vybes-dev: the commands over the two topologies (its header
comment is the usage)."""

import os
import re
import subprocess
import sys

from . import topology
from .build import build, ci_flags
from .config import REPO, Config
from .proc import StackError, log

USAGE_FROM = REPO / "scripts" / "vybes-dev"


def usage():
    lines = USAGE_FROM.read_text().splitlines()[1:]
    for line in lines:
        if not line.startswith("#"):
            break
        sys.stderr.write(re.sub(r"^# ?", "", line) + "\n")
    sys.exit(2)


def prepare(cfg):
    """The installer (a no-op when everything is there), then the build
    unless VYBES_SKIP_BUILD=1."""
    env = dict(os.environ, VYBES_DB=cfg.db, VYBES_CACHE=str(cfg.cache))
    if subprocess.run([str(REPO / "scripts" / "vybes-install")],
                      env=env).returncode:
        raise StackError("scripts/vybes-install failed")
    if os.environ.get("VYBES_SKIP_BUILD") == "1":
        log("skipping build (VYBES_SKIP_BUILD=1)")
        return
    build(REPO, cfg.build, ci_flags())


def loaded(st, hint):
    if not st.envpath.is_file():
        raise StackError("no %s at %s (run: vybes-dev %s)"
                         % (hint[0], st.run, hint[1]))
    return st


def single(cfg=None):
    return topology.single(cfg or Config())


def cluster(cfg=None):
    return topology.cluster(cfg or Config("cluster.env"))


def stack_env(st):
    """The caller's environment with the stack's env file over it (what
    `set -a; . stack.env` gives a shell)."""
    return dict(os.environ, **st.env)


def pytest(st, args, out):
    """python3 -m pytest args in the repository with the stack's env; its
    output to stderr and to out; logs pytest's summary line.  True when
    it passed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    st.reload()
    with open(out, "w") as f:
        p = subprocess.Popen([sys.executable, "-m", "pytest"] + args,
                             cwd=REPO, env=stack_env(st),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for line in iter(p.stdout.readline, b""):
            sys.stderr.buffer.write(line)
            sys.stderr.flush()
            f.write(line.decode(errors="replace"))
        rc = p.wait()
    summary = [x for x in out.read_text().splitlines()
               if re.search(r"passed|failed|error|skipped|no tests ran", x)]
    log("pytest: %s" % (summary[-1] if summary else ""))
    return rc == 0


def openapi(st, out):
    """tests/openapi/run with the stack's env, its report under out;
    logs its summary line.  True when it passed."""
    rc = subprocess.run([str(REPO / "tests" / "openapi" / "run"), str(out)],
                        cwd=REPO, env=stack_env(st),
                        stdout=sys.stderr).returncode
    summary = out / "summary"
    log(summary.read_text().strip() if summary.is_file()
        else "openapi: no summary (exit %d)" % rc)
    return rc == 0


def totals(outs):
    """One closing line over the pytest runs and the OpenAPI step:
    "total: N passed, N failed"
    (each file's summary is its last line naming a count)."""
    p = x = 0
    for f in outs:
        if not f.is_file():
            continue
        lines = [x_ for x_ in f.read_text().splitlines()
                 if re.search(r"\d+ (passed|failed|errors?)", x_)]
        if not lines:
            continue
        p += sum(int(n) for n in re.findall(r"(\d+) passed", lines[-1]))
        x += sum(int(n) for n in
                 re.findall(r"(\d+) (?:failed|errors?)", lines[-1]))
    print("total: %d passed, %d failed" % (p, x), flush=True)


def make(cfg, *args):
    return subprocess.run(["make", "-C", str(cfg.build)] + list(args),
                          stdout=sys.stderr).returncode == 0


def _up(envname, make_stack, up):
    """The installer and the build, then up(the stack)."""
    cfg = Config(envname)
    prepare(cfg)
    up(make_stack(cfg))


def _down(st, down):
    if not st.envpath.is_file():
        log("nothing to stop under %s" % st.run)
        return
    down(st)


def cmd_up():
    _up("stack.env", single, topology.single_up)


def cmd_down():
    _down(single(), topology.single_down)


def cmd_cluster_up():
    _up("cluster.env", cluster, topology.cluster_up)


def cmd_cluster_down():
    _down(cluster(), topology.cluster_down)


def cmd_cluster_test():
    """cluster-up, the fault tests, cluster-down (always)."""
    try:
        cmd_cluster_up()
        st = cluster()
        log("cluster tests")
        ok = pytest(st, ["-q", "-s", "tests/cluster"],
                    st.run / "log" / "pytest.out")
    finally:
        cmd_cluster_down()
    log("cluster tests passed" if ok else "cluster tests FAILED")
    return ok


def cmd_test():
    """up, unit tests, integration tests, the OpenAPI step
    (tests/openapi/run), the package test (scripts/pkg-test); the stack
    always comes down again.  Then the fault tests of the two-node
    topology on the same build, once the single-node stack is down (two
    cores do not run both well), the fuzz targets, and the integration
    tests against a sanitizer build (tests/san/run)."""
    ok = True
    cfg = Config()
    try:
        cmd_up()
        st = single()
        log("make check")
        ok &= make(cfg, "check")
        if list((REPO / "tests/integration").glob("test_*.py")) or \
                list((REPO / "tests/integration").glob("*_test.py")):
            log("integration tests")
            ok &= pytest(st, ["-q", "tests/integration"],
                         st.run / "log" / "pytest.out")
        else:
            log("error: no integration tests in tests/integration")
            ok = False
        # The OpenAPI description validated, then schemathesis through
        # nginx (tests/openapi/run); its summary counts in the totals.
        log("openapi: public/openapi.yaml against the stack (schemathesis)")
        ok &= openapi(st, cfg.run / "log" / "openapi")
        ok &= subprocess.run([str(REPO / "scripts" / "pkg-test")],
                             stdout=sys.stderr).returncode == 0
    finally:
        cmd_down()
    # A tree without its fault tests (a tarball missing them) fails.
    if list((REPO / "tests/cluster").glob("test_*.py")):
        os.environ.update(VYBES_SKIP_BUILD="1", VYBES_BUILD=str(cfg.build),
                          VYBES_DB=cfg.db)
        try:
            ok &= cmd_cluster_test()
        except StackError as e:
            log("error: %s" % e)
            ok = False
    else:
        log("error: no fault tests in tests/cluster")
        ok = False
    log("fuzz: every target 30 s (tests/fuzz)")
    ok &= make(cfg, "fuzz", "FUZZ_TIME=30")
    # The whole integration suite once more, against an ASan+UBSan build
    # with its own stack under run/san; any sanitizer report fails it.
    log("integration tests under sanitizers (tests/san/run)")
    san = cfg.run / "san"
    ok &= subprocess.run([str(REPO / "tests" / "san" / "run")],
                         stdout=sys.stderr,
                         env=dict(os.environ, VYBES_SAN_RUN=str(san))
                         ).returncode == 0
    totals([cfg.run / "log" / "pytest.out",
            cfg.run / "log" / "openapi" / "summary",
            cfg.run / "cluster" / "log" / "pytest.out",
            san / "log" / "pytest.out"])
    log("all tests passed" if ok else "tests FAILED")
    return ok


def one(get, name, *actions):
    """Runs actions ("stop", "start", "kill") on component name of the
    stack get() returns."""
    st = get()
    loaded(st, ("cluster", "cluster-up") if get is cluster
           else ("stack", "up"))
    st.valid(name)
    if get is single and "start" in actions:
        topology.single_init_env(st)
    for a in actions:
        getattr(st, a)(name)


def main(argv):
    cmd, args = (argv[0] if argv else ""), argv[1:]
    simple = {
        "up": cmd_up, "down": cmd_down, "test": cmd_test,
        "status": lambda: print("\n".join(
            loaded(single(), ("stack", "up")).status())),
        "env": lambda: sys.stdout.write(
            loaded(single(), ("stack", "up")).envpath.read_text()),
        "cluster-up": cmd_cluster_up, "cluster-down": cmd_cluster_down,
        "cluster-test": cmd_cluster_test,
        "cluster-status": lambda: print("\n".join(
            loaded(cluster(), ("cluster", "cluster-up")).status())),
        "cluster-env": lambda: sys.stdout.write(
            loaded(cluster(), ("cluster", "cluster-up")).envpath.read_text()),
    }
    named = {
        "start": (single, "start"), "stop": (single, "stop"),
        "restart": (single, "stop", "start"),
        "cluster-start": (cluster, "start"), "cluster-stop": (cluster, "stop"),
        "cluster-kill": (cluster, "kill"),
    }
    try:
        if cmd in simple and not args:
            return 0 if simple[cmd]() is not False else 1
        if cmd in named and len(args) == 1:
            one(named[cmd][0], args[0], *named[cmd][1:])
            return 0
    except StackError as e:
        log("error: %s" % e)
        return 1
    usage()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
