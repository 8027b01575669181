"""The component type and a stack of components (one topology instance).

A Component is one server: how its configuration is rendered (render),
its command line (argv), when it is ready (ready), its address for
`status`, and the port that must be free before it starts.  A Stack is a
run directory with an env file and components in start order; every
process it starts runs in its own process group with its pid file under
<run>/pids and its log under <run>/log, and only processes whose pid file
is there (and whose command line or working directory names the run
directory) are ever signalled."""

import os
import re
import string
import subprocess
import time
from pathlib import Path

from . import envfile
from .proc import (StackError, alive, kill_group, log, spawn, stop_pid,
                   tcp_open, wait_ready)

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render(template, dst, mode=None, **values):
    """Writes templates/<template> to dst with ${name} replaced by values
    (KeyError on a name not given)."""
    text = string.Template((TEMPLATES / template).read_text())
    Path(dst).write_text(text.substitute(values))
    if mode is not None:
        os.chmod(dst, mode)


def rewrite(src, dst, rules):
    """Copies src to dst through rules, (regex, replacement) pairs applied
    to each line in order; a replacement of None drops matching lines."""
    out = []
    for line in Path(src).read_text().splitlines(keepends=True):
        for rx, repl in rules:
            if repl is None:
                if re.search(rx, line):
                    line = None
                    break
            else:
                line = re.sub(rx, repl, line)
        if line is not None:
            out.append(line)
    Path(dst).write_text("".join(out))


class Component:
    """One server of a stack.  Every callable takes the Stack:
    argv(st) its command line; ready(st) true once it serves; port(st)
    the TCP port it takes (or None); address(st) a line for status;
    render(st) writes its configuration before it starts; after_start(st)
    and after_stop(st) run once it is ready / stopped; needs(st): names
    of components started first and stopped with it (hidden ones)."""

    def __init__(self, name, argv, ready, port=None, address=None,
                 render=None, after_start=None, after_stop=None, needs=None,
                 hidden=False):
        self.name = name
        self.argv = argv
        self.ready = ready
        self.port = port or (lambda st: None)
        self.address = address or (lambda st: "")
        self.render = render
        self.after_start = after_start
        self.after_stop = after_stop
        self.needs = needs or (lambda st: ())
        self.hidden = hidden


class Stack:
    """A run directory, its env file and its components in start order."""

    WAIT_SECS = 30

    def __init__(self, repo, run, envpath, components, build=None, db=None,
                 cache=None):
        self.repo = Path(repo)
        self.run = Path(run)
        self.envpath = Path(envpath)
        self.components = {c.name: c for c in components}
        self.build = Path(build) if build else None
        self.db = db
        self.cache = Path(cache) if cache else None
        self.env = envfile.read(self.envpath) if self.envpath.is_file() \
            else {}

    @property
    def names(self):
        """The components an operator names, in start order."""
        return [n for n, c in self.components.items() if not c.hidden]

    def reload(self):
        self.env = envfile.read(self.envpath)

    def set_env(self, key, value):
        envfile.set_value(self.envpath, key, value)
        self.env[key] = str(value)

    def dirs(self, *sub):
        """mkdir -p each of run/sub; returns the first."""
        ps = [self.run / s for s in sub]
        for p in ps:
            p.mkdir(parents=True, exist_ok=True)
        return ps[0]

    def pidfile(self, name):
        return self.run / "pids" / ("%s.pid" % name)

    def logfile(self, name):
        return self.run / "log" / ("%s.log" % name)

    def valid(self, name):
        if name not in self.names:
            raise StackError("unknown component '%s' (one of: %s)"
                             % (name, " ".join(self.names)))
        return self.components[name]

    def running_pid(self, name):
        """The pid of name when it runs: alive, and its command line or
        working directory (redis rewrites its title) names the run
        directory, so a recycled pid is never taken for ours."""
        try:
            pid = int(self.pidfile(name).read_text().strip())
        except (OSError, ValueError):
            return None
        if not alive(pid):
            return None
        run = str(self.run)
        try:
            cmd = Path("/proc/%d/cmdline" % pid).read_bytes()
            if run.encode() in cmd:
                return pid
            if os.readlink("/proc/%d/cwd" % pid).startswith(run):
                return pid
        except OSError:
            pass
        return None

    def spawn(self, name, argv):
        """Starts argv in the run directory, its own process group; the pid
        file is written here only (a server writing its own to the same
        path would empty it for a moment)."""
        self.dirs("log", "pids")
        logf = self.logfile(name)
        log("starting %s (log: %s)" % (name, logf))
        p = spawn([str(a) for a in argv], logf, cwd=self.run)
        self.pidfile(name).write_text("%d\n" % p.pid)
        return p

    def wait(self, name, check, proc=None):
        """Waits until check() holds, failing early if name's process
        died."""
        if proc is None:
            pid = int(self.pidfile(name).read_text())
            died = lambda: not alive(pid)  # noqa: E731
        else:
            died = lambda: proc.poll() is not None  # noqa: E731
        wait_ready(name, check, self.WAIT_SECS, died, self.logfile(name))

    def start(self, name):
        """Starts one component (and the hidden ones it needs) unless it
        runs; returns once it is ready."""
        c = self.components[name]
        if self.running_pid(name):
            if not c.hidden:
                log("%s already running" % name)
            return
        for n in c.needs(self):
            self.start(n)
        port = c.port(self)
        if port and tcp_open(port):
            raise StackError("port %s of %s is taken by a process not "
                             "started here (pid file %s)"
                             % (port, name, self.pidfile(name)))
        self.dirs("log", "pids")
        if c.render:
            c.render(self)
        p = self.spawn(name, c.argv(self))
        self.wait(name, lambda: c.ready(self), p)
        if c.after_start:
            c.after_start(self)

    def stop(self, name):
        """TERM, a bounded wait, then KILL the group; the pid file goes."""
        c = self.components[name]
        pid = self.running_pid(name)
        if pid:
            log("stopping %s (pid %d)" % (name, pid))
            stop_pid(pid, 15, name=name)
        self.pidfile(name).unlink(missing_ok=True)
        if c.after_stop:
            c.after_stop(self)
        for n in c.needs(self):
            self.stop(n)

    def kill(self, name):
        """A crash: SIGKILL the whole process group, no drain; the pid file
        and socket stay, as after a real crash."""
        pid = self.running_pid(name)
        if not pid:
            log("%s not running" % name)
            return
        log("killing %s (SIGKILL, process group %d)" % (name, pid))
        kill_group(pid)

    def status(self):
        """One line per component: running/stopped, pid, address."""
        out = []
        for n in self.names:
            pid = self.running_pid(n)
            addr = self.components[n].address(self)
            if pid:
                out.append("%-9s running  pid %-7s %s" % (n, pid, addr))
            else:
                out.append("%-9s stopped  %-11s %s" % (n, "", addr))
        return out

    def migrate(self, conf, tries, pause):
        """`vybesctl -f conf migrate` (indexes, the JetStream stream), a few
        tries: a server just started may miss its storage check."""
        ctl = self.build / "vybesctl"
        if not os.access(ctl, os.X_OK):
            raise StackError("%s not built" % ctl)
        log("vybesctl migrate")
        logf = self.logfile("migrate")
        for i in range(tries):
            with open(logf, "ab") as f:
                if subprocess.run([str(ctl), "-f", str(conf), "migrate"],
                                  stdout=f, stderr=subprocess.STDOUT
                                  ).returncode == 0:
                    return
            if i + 1 < tries:
                time.sleep(pause)
        raise StackError("vybesctl migrate failed; see %s" % logf)
