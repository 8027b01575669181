"""The build step: an out-of-tree build; make is incremental, configure
runs once, or again when its flags change (CI's --enable-werror,
tests/san/run's --enable-sanitizers)."""

import os
import subprocess
import sys
from pathlib import Path

from .proc import StackError, log


def build(repo, builddir, flags=()):
    """autoreconf when configure is missing or older than configure.ac,
    configure with flags into builddir when needed, make -j2 (all output
    on stderr)."""
    repo, builddir = Path(repo), Path(builddir)
    flags = list(flags)
    conf = repo / "configure"
    if not os.access(conf, os.X_OK) or \
            (repo / "configure.ac").stat().st_mtime > conf.stat().st_mtime:
        log("autoreconf -fi")
        _run(["autoreconf", "-fi"], repo)
    builddir.mkdir(parents=True, exist_ok=True)
    stamp = builddir / ".vybes-configure-flags"
    want = " ".join(flags)
    have = stamp.read_text().strip() if stamp.is_file() else None
    if not (builddir / "Makefile").is_file() or have != want:
        log("configure %s" % want)
        _run([str(conf)] + flags, builddir)
        stamp.write_text(want + "\n")
    _run(["make", "-C", str(builddir), "-j2"])


def ci_flags():
    """--enable-werror under CI=true."""
    return ["--enable-werror"] if os.environ.get("CI") == "true" else []


def _run(argv, cwd=None):
    if subprocess.run(argv, cwd=cwd, stdout=sys.stderr).returncode:
        raise StackError("%s failed" % " ".join(argv))
