"""stack.env and cluster.env: the one format (KEY=VALUE lines, values
quoted for the shell, so `. stack.env` works too) and its one parser; and
the choice of free ports written into them."""

import os
import random
import re
import shlex
import socket
from pathlib import Path


def read(path):
    """The KEY=VALUE assignments of an env file as a dict (comments and
    blank lines skipped, shell quoting undone, the last assignment of a
    key wins)."""
    out = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            value = " ".join(shlex.split(value))
        except ValueError:
            pass
        out[key.strip()] = value
    return out


def _line(key, value):
    value = str(value)
    if re.fullmatch(r"[A-Za-z0-9_./:,@%+=-]*", value):
        return "%s=%s\n" % (key, value)
    return "%s=%s\n" % (key, shlex.quote(value))


def write(path, header, env):
    """Writes env (a dict, in its order) to path under a comment line,
    by an atomic rename (tests may be reading the file)."""
    tmp = "%s.tmp" % path
    with open(tmp, "w") as f:
        f.write("# %s\n" % header)
        for k, v in env.items():
            f.write(_line(k, v))
    os.replace(tmp, path)


def set_value(path, key, value):
    """Sets one key of an existing env file (replacing its lines); the
    file is rewritten only when the value changes."""
    text = Path(path).read_text()
    lines = text.splitlines(keepends=True)
    if read(path).get(key) == str(value) and \
            sum(1 for x in lines if x.startswith(key + "=")) == 1:
        return
    lines = [x for x in lines if not x.startswith(key + "=")]
    lines.append(_line(key, value))
    tmp = "%s.tmp" % path
    Path(tmp).write_text("".join(lines))
    os.replace(tmp, path)


def pick_ports(n, avoid=()):
    """n distinct free loopback ports: random ones in 20000-31999 (never a
    default port, below the kernel's ephemeral range) that bind right now
    and are not in avoid."""
    got = []
    while len(got) < n:
        p = random.randrange(20000, 32000)
        if p in got or p in avoid:
            continue
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
            got.append(p)
        except OSError:
            pass
        finally:
            s.close()
    return got


def ports_of(env):
    """Every five-digit number an env file's values name (its ports)."""
    return {int(x) for v in env.values()
            for x in re.findall(r"\b\d{5}\b", str(v))}
