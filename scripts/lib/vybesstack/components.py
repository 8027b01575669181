"""The servers of the local stacks, one factory each.  The single-node
stack and the cluster (topology.py) take the same factories with their
own names, ports and sockets; tests/bench/run takes the web servers
again in front of a no-op responder."""

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from .proc import StackError, http_ok, log, rpc_ok, tcp_open, unix_open
from .stack import Component, render

ETH_CHAIN_ID = 31337
DBS = ("mongo-java", "mongo-java-memory", "ferretdb-sqlite", "ferretdb-pg",
       "mongod")


def _port(key):
    return lambda st: st.env.get(key)


def _tool(st, name):
    return str(st.cache / "npm" / "node_modules" / ".bin" / name)


# ---------------------------------------------------------------- database

def mongo():
    """The MongoDB-compatible server VYBES_DB names (st.db), its data in
    <run>/data/<db>; ferretdb-pg brings its PostgreSQL (pg)."""
    def argv(st):
        e, d = st.env, st.dirs("data/" + st.db)
        port = e["VYBES_PORT_MONGO"]
        ferret = [st.cache / "go/bin/ferretdb", "--state-dir=%s" % d,
                  "--listen-addr=127.0.0.1:%s" % port,
                  "--debug-addr=127.0.0.1:%s" % e["VYBES_PORT_MONGO_DEBUG"],
                  "--telemetry=disable", "--log-level=warn"]
        mj = st.cache / "mongo-java"
        java = ["java", "-Xmx2g", "-cp", "%s/lib/*:%s/classes" % (mj, mj),
                "VybesMongo", "127.0.0.1", port]
        if st.db == "mongod":
            return ["mongod", "--dbpath", d, "--bind_ip", "127.0.0.1",
                    "--port", port, "--quiet"]
        if st.db == "ferretdb-sqlite":
            return ferret + ["--handler=sqlite", "--sqlite-url=file:%s/" % d]
        if st.db == "ferretdb-pg":
            return ferret + ["--handler=postgresql",
                             "--postgresql-url=postgres://postgres@127.0.0.1:"
                             "%s/postgres" % e["VYBES_PORT_PG"]]
        if st.db == "mongo-java":
            return java + [d / "vybes.mv"]
        if st.db == "mongo-java-memory":
            return java
        raise StackError("unknown VYBES_DB '%s' (one of: %s)"
                         % (st.db, " ".join(DBS)))
    return Component(
        "mongo", argv, lambda st: tcp_open(st.env["VYBES_PORT_MONGO"]),
        port=_port("VYBES_PORT_MONGO"),
        address=lambda st: "%s (%s)" % (st.env["VYBES_MONGO_URI"], st.db),
        needs=lambda st: ("pg",) if st.db == "ferretdb-pg" else ())


def _pg_bin():
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda p: [int(x) for x in re.findall(r"\d+", p)])
    if not bins or not os.access(bins[-1] + "/postgres", os.X_OK):
        raise StackError("no PostgreSQL server under /usr/lib/postgresql")
    return bins[-1]


def _as_postgres():
    """initdb and postgres refuse to run as root: as root they run as the
    postgres user."""
    if os.geteuid() == 0:
        return ["setpriv", "--reuid=postgres", "--regid=postgres",
                "--init-groups"]
    return []


def pg():
    """FerretDB's PostgreSQL: Debian's server binaries, one cluster in
    <run>/data/pg on a private loopback port (its socket there too), trust
    authentication, no fsync (test data).  Runs as long as mongo."""
    def init(st):
        d = st.run / "data" / "pg"
        if (d / "PG_VERSION").is_file():
            return
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(d, "postgres", "postgres")
        log("initdb %s" % d)
        with open(st.logfile("pg"), "ab") as f:
            if subprocess.run(_as_postgres() + [
                    _pg_bin() + "/initdb", "-D", d, "-U", "postgres", "-A",
                    "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                    cwd=d, stdout=f, stderr=subprocess.STDOUT).returncode:
                raise StackError("initdb failed; see %s" % st.logfile("pg"))

    def argv(st):
        d = st.run / "data" / "pg"
        return _as_postgres() + [
            _pg_bin() + "/postgres", "-D", d, "-h", "127.0.0.1", "-p",
            st.env["VYBES_PORT_PG"], "-k", d, "-c", "fsync=off", "-c",
            "synchronous_commit=off", "-c", "full_page_writes=off"]

    def ready(st):
        return subprocess.run(
            [_pg_bin() + "/pg_isready", "-q", "-U", "postgres", "-h",
             "127.0.0.1", "-p", st.env["VYBES_PORT_PG"]]).returncode == 0
    return Component("pg", argv, ready, port=_port("VYBES_PORT_PG"),
                     render=init, hidden=True)


# ---------------------------------------------------------------- redis, nats

def redis():
    """One Redis: loopback, no persistence (a cache, DESIGN.md 4)."""
    def conf(st):
        render("redis.conf", st.run / "redis.conf", extra="",
               port=st.env["VYBES_PORT_REDIS"], dir=st.dirs("data/redis"))
    return Component(
        "redis", lambda st: ["redis-server", st.run / "redis.conf"],
        lambda st: tcp_open(st.env["VYBES_PORT_REDIS"]),
        port=_port("VYBES_PORT_REDIS"), render=conf,
        address=lambda st: st.env["VYBES_REDIS_ADDR"])


def redis_cli(port, *args):
    r = subprocess.run(["redis-cli", "-p", str(port)] + list(args),
                       capture_output=True, text=True)
    return r.stdout


def redis_node(i):
    """Node i (1-6) of the Redis Cluster.  nodes.conf (the membership) is
    kept, so a restarted node rejoins (a failed-over master as a
    replica)."""
    name = "redis%d" % i

    def port(st):
        return st.env["VYBES_REDIS_PORTS"].split()[i - 1]

    def conf(st):
        d = st.dirs("data/" + name)
        bus = st.env["VYBES_REDIS_BUS_PORTS"].split()[i - 1]
        render("redis.conf", st.run / (name + ".conf"), port=port(st), dir=d,
               extra="cluster-enabled yes\ncluster-port %s\n"
               "cluster-config-file %s/nodes.conf\n"
               "cluster-node-timeout 2000\n"
               "cluster-require-full-coverage no" % (bus, d))

    def address(st):
        role = redis_cli(port(st), "role").splitlines()
        return "127.0.0.1:%s %s" % (port(st), role[0] if role else "")
    return Component(
        name, lambda st: ["redis-server", st.run / (name + ".conf")],
        lambda st: "PONG" in redis_cli(port(st), "ping"),
        port=port, render=conf, address=address)


def nats():
    return Component(
        "nats", lambda st: [
            "nats-server", "-a", "127.0.0.1", "-p", st.env["VYBES_PORT_NATS"],
            "-js", "-sd", st.dirs("data/nats")],
        lambda st: tcp_open(st.env["VYBES_PORT_NATS"]),
        port=_port("VYBES_PORT_NATS"),
        address=lambda st: st.env["VYBES_NATS_URL"])


def nats_node(i):
    """Node i (1-3) of the NATS cluster with JetStream, routes to the
    other two."""
    name = "nats%d" % i

    def port(st):
        return st.env["VYBES_NATS_PORTS"].split()[i - 1]

    def argv(st):
        cports = st.env["VYBES_NATS_CLUSTER_PORTS"].split()
        routes = ",".join("nats://127.0.0.1:%s" % p
                          for j, p in enumerate(cports) if j != i - 1)
        return ["nats-server", "-n", "vybes-" + name, "-a", "127.0.0.1",
                "-p", port(st), "-js", "-sd", st.dirs("data/" + name),
                "--cluster_name", "vybes", "--cluster",
                "nats://127.0.0.1:%s" % cports[i - 1], "--routes", routes]
    return Component(name, argv, lambda st: tcp_open(port(st)), port=port,
                     address=lambda st: "nats://127.0.0.1:%s" % port(st))


# ---------------------------------------------------------------- s3 mail eth

def s3():
    """s3rver; it accepts any secret, S3RVER/S3RVER are its documented
    keys.  Its continuation tokens (a listing past 1,000 keys) use DES,
    which Node's OpenSSL 3 offers only with the legacy provider."""
    return Component(
        "s3", lambda st: [
            "env", "NODE_OPTIONS=--openssl-legacy-provider",
            _tool(st, "s3rver"), "-d", st.dirs("data/s3"), "-a", "127.0.0.1",
            "-p", st.env["VYBES_PORT_S3"], "--configure-bucket", "posts",
            "--configure-bucket", "stories"],
        lambda st: tcp_open(st.env["VYBES_PORT_S3"]),
        port=_port("VYBES_PORT_S3"),
        address=lambda st: st.env["VYBES_S3_ENDPOINT"])


def mail():
    """maildev, the SMTP catcher with an HTTP API; records where the tests
    list caught mail (maildev 3 moved it under /api)."""
    def listed(st):
        if "VYBES_MAIL_LIST_URL" in st.env:
            return
        api = st.env["VYBES_MAIL_API"]
        lst = api + "/email"
        if http_ok(api + "/api/healthz"):
            lst = api + "/api/email"
        st.set_env("VYBES_MAIL_LIST_URL", lst)
    return Component(
        "mail", lambda st: [
            _tool(st, "maildev"), "--ip", "127.0.0.1", "-s",
            st.env["VYBES_PORT_SMTP"], "--web-ip", "127.0.0.1", "-w",
            st.env["VYBES_PORT_MAILWEB"], "--mail-directory",
            st.dirs("data/mail")],
        lambda st: tcp_open(st.env["VYBES_PORT_MAILWEB"]),
        port=_port("VYBES_PORT_SMTP"), after_start=listed,
        address=lambda st: "%s (web %s)" % (st.env["VYBES_SMTP_URL"],
                                            st.env["VYBES_MAIL_API"]))


def eth():
    """The Ethereum dev node: anvil on loopback, automining, its default
    mnemonic and prefunded accounts, state in memory only (a restart
    starts a fresh chain)."""
    def argv(st):
        anvil = _tool(st, "anvil")
        if not os.access(anvil, os.X_OK):
            raise StackError("%s missing (run: vybes-dev up)" % anvil)
        return [anvil, "--host", "127.0.0.1", "--port",
                st.env["VYBES_PORT_ETH"], "--chain-id", ETH_CHAIN_ID,
                "--silent"]
    return Component("eth", argv, lambda st: rpc_ok(st.env["VYBES_ETH_RPC"]),
                     port=_port("VYBES_PORT_ETH"),
                     address=lambda st: st.env["VYBES_ETH_RPC"])


# ---------------------------------------------------------------- vybes

def write_conf(st, path, who, extra):
    """Every setting in one file (keys of vybes.conf(5))."""
    render("vybes.conf", path, 0o600, who=who, extra=extra, **st.env)


def _bin(st, name):
    b = st.build / name
    if not os.access(b, os.X_OK):
        raise StackError("%s not built" % b)
    return b


def api(name, sock, conf, workers, write, after_start=None):
    """A vybes-api supervisor on the unix socket sock(st) with the
    configuration conf(st), which write(st) renders first."""
    def prepare(st):
        write(st)
        Path(sock(st)).unlink(missing_ok=True)

    return Component(
        name, lambda st: [_bin(st, "vybes-api"), "-d", "-f", conf(st),
                          "--listen", "unix:%s" % sock(st), "--workers",
                          workers(st)],
        lambda st: unix_open(sock(st)), render=prepare,
        after_start=after_start,
        after_stop=lambda st: Path(sock(st)).unlink(missing_ok=True),
        address=lambda st: "unix:%s" % sock(st))


def worker(name, conf, write, address):
    """A vybes-worker: ready once this process has logged that it consumes
    (it binds the JetStream consumer first, or logs why not and keeps
    retrying)."""
    def consuming(st):
        pid = st.running_pid(name)
        return pid and ("worker %d: consuming as " % pid) in \
            st.logfile(name).read_text(errors="replace")
    return Component(
        name, lambda st: [_bin(st, "vybes-worker"), "-d", "-f", conf(st)],
        consuming, render=write, address=address)


# ---------------------------------------------------------------- web servers

def nginx(sites, extra=lambda st: ""):
    """nginx around the project's site: sites(st, d) writes <d>/vybes.conf
    (and what it includes) from etc/nginx with the dev paths put in;
    extra(st) goes into http{}.  Port VYBES_PORT_NGINX."""
    def conf(st):
        d = st.dirs("nginx", "nginx/snippets", "nginx/tmp", "log")
        for f in glob.glob(str(st.repo / "etc/nginx/vybes-*.conf")):
            shutil.copy(f, d / "snippets")
        sites(st, d)
        # As root, workers would become "nobody" and lose the 0660 socket.
        render("nginx.conf", d / "nginx.conf", dir=d, log=st.run / "log",
               extra=extra(st),
               user="user root;" if os.geteuid() == 0 else "")
        with open(st.logfile("nginx"), "ab") as f:
            if subprocess.run(["nginx", "-t", "-q", "-p", d, "-c",
                               d / "nginx.conf"], stderr=f).returncode:
                raise StackError("nginx config test failed; see %s"
                                 % st.logfile("nginx"))
    return Component(
        "nginx", lambda st: ["nginx", "-p", st.run / "nginx", "-c",
                             st.run / "nginx/nginx.conf"],
        lambda st: tcp_open(st.env["VYBES_PORT_NGINX"]),
        port=_port("VYBES_PORT_NGINX"), render=conf,
        address=lambda st: st.env["VYBES_URL_NGINX"])


def nginx_listen(st):
    """The rules that put the site on this stack's loopback port."""
    port = st.env["VYBES_PORT_NGINX"]
    return [(r"listen 80;", "listen 127.0.0.1:%s;" % port),
            (r"listen \[::\]:80;", None)]


def lighttpd(site, extra=""):
    """lighttpd around the project's fragment: site(st, d) writes
    <d>/vybes.conf from etc/lighttpd with the dev paths put in; extra goes
    into the main settings.  Port VYBES_PORT_LIGHTTPD."""
    def conf(st):
        d = st.dirs("lighttpd", "lighttpd/errors", "lighttpd/tmp", "log")
        for f in glob.glob(str(st.repo / "etc/lighttpd/errors/status-*.html")):
            shutil.copy(f, d / "errors")
        for f in glob.glob(str(st.repo / "etc/lighttpd/*.lua")):
            shutil.copy(f, d)
        site(st, d)
        render("lighttpd.conf", d / "lighttpd.conf", dir=d,
               log=st.run / "log", port=st.env["VYBES_PORT_LIGHTTPD"],
               extra=extra)
        with open(st.logfile("lighttpd"), "ab") as f:
            if subprocess.run(["lighttpd", "-tt", "-f", d / "lighttpd.conf"],
                              stdout=f, stderr=subprocess.STDOUT).returncode:
                raise StackError("lighttpd config test failed; see %s"
                                 % st.logfile("lighttpd"))
    return Component(
        "lighttpd", lambda st: ["lighttpd", "-D", "-f",
                                st.run / "lighttpd/lighttpd.conf"],
        lambda st: tcp_open(st.env["VYBES_PORT_LIGHTTPD"]),
        port=_port("VYBES_PORT_LIGHTTPD"), render=conf,
        address=lambda st: st.env["VYBES_URL_LIGHTTPD"])

