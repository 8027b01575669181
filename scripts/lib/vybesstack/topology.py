"""The two topologies as data.  single(): one of each server, under
<run> with <run>/stack.env.  cluster(): the two-node high-availability
topology of DESIGN.md 1 on one machine, under <run>/cluster with
<run>/cluster.env: one MongoDB-compatible server (it cannot form a replica
set here), a Redis Cluster of 3 masters + 3 replicas, a 3-node NATS
cluster with JetStream (stream R3), s3rver, maildev, two vybes-api nodes
(api1, api2: each on its own unix socket and config) with one
vybes-worker each, and nginx and lighttpd with the two-node site configs.
Both may run at once."""

import os
import secrets
import shutil
import subprocess
import sys

from . import components as C
from . import envfile
from .proc import StackError, http_ok, log, wait_ready
from .stack import Stack, rewrite

S3_KEYS = {"VYBES_S3_ACCESS_KEY": "S3RVER", "VYBES_S3_SECRET_KEY": "S3RVER"}


def _secrets():
    return {"VYBES_JWT_SECRET": secrets.token_hex(32),
            "VYBES_WALLET_KEY": secrets.token_hex(32)}


def _record_db(st):
    """The env file records the database server of the stack it describes
    (and the port of ferretdb-pg's PostgreSQL).  Another server than the
    running one's would find its port taken: that needs a `down` first."""
    was = st.env.get("VYBES_DB") or "ferretdb-sqlite"  # before VYBES_DB
    if was != st.db and st.running_pid("mongo"):
        raise StackError("the stack runs VYBES_DB=%s: stop it before "
                         "choosing %s" % (was, st.db))
    st.set_env("VYBES_DB", st.db)
    _ensure_port(st, "VYBES_PORT_PG")


def _ensure_port(st, key):
    """An env file written before the port key existed lacks it: add one
    free port that none of the file's ports uses."""
    if key not in st.env:
        st.set_env(key, envfile.pick_ports(1, envfile.ports_of(st.env))[0])


# ---------------------------------------------------------------- single node

def _single_conf(st):
    """vybes.conf; rate limits stay on, tests that need otherwise set
    RL_* themselves."""
    eth = st.env.get("VYBES_ETH_RPC")
    extra = ("eth_rpc_url = %s\n" % eth if eth else "") + \
        "eth_chain_id = %d\nrate_limits = on" % C.ETH_CHAIN_ID
    C.write_conf(st, st.env["VYBES_CONF"], "the local stack", extra)


def _api_lighttpd_back(st):
    """lighttpd re-enables a failed backend only on its 1 s timer: wait
    for it, so `start api` returns with both web servers passing
    requests."""
    if st.running_pid("lighttpd"):
        st.wait("api", lambda: http_ok(st.env["VYBES_URL_LIGHTTPD"] +
                                       "/health"))


def _single_nginx_site(st, d):
    """etc/nginx/vybes.in and its server snippet with the dev paths put in
    where configure would put the installed ones."""
    rules = [(r"unix:/run/vybes/api\.sock",
              "unix:" + st.env["VYBES_API_SOCKET"]),
             (r"@datadir@/vybes/public/", "%s/public/" % st.repo),
             (r"@sysconfdir@/nginx/snippets/", "%s/snippets/" % d),
             (r"/var/log/nginx/vybes\.", "%s/log/nginx-" % st.run)] + \
        C.nginx_listen(st)
    rewrite(st.repo / "etc/nginx/vybes.in", d / "vybes.conf", rules)
    rewrite(st.repo / "etc/nginx/vybes-server.conf.in",
            d / "snippets/vybes-server.conf", rules)


def _single_lighttpd_site(st, d):
    """etc/lighttpd/50-vybes.conf.in, answering any host here."""
    rewrite(st.repo / "etc/lighttpd/50-vybes.conf.in", d / "vybes.conf", [
        (r"/run/vybes/api\.sock", st.env["VYBES_API_SOCKET"]),
        (r"@datadir@/vybes/public/", "%s/public/" % st.repo),
        (r"@sysconfdir@/lighttpd/vybes/status-", "%s/errors/status-" % d),
        (r"@sysconfdir@/lighttpd/vybes/([a-z-]*\.lua)", r"%s/\1" % d),
        (r'^\$HTTP\["host"\] =~ ".*" \{', '$HTTP["host"] =~ "" {')])


# lighttpd's stock main settings (parse options of Debian's lighttpd.conf,
# with the %2F decoding the fragment asks to disable).
LIGHTTPD_STOCK = r'''server.http-parseopts = (
	"header-strict" => "enable",
	"host-strict" => "enable",
	"host-normalize" => "enable",
	"url-normalize-unreserved" => "enable",
	"url-normalize-required" => "enable",
	"url-ctrls-reject" => "enable",
	"url-path-2f-decode" => "disable",
	"url-path-backslash-trans" => "disable",
	"url-path-dotseg-remove" => "enable",
)
accesslog.format = "%h %V %u %t \"%r\" %>s %b rid=%{X-Request-Id}o"'''


def single_components():
    conf = lambda st: st.env["VYBES_CONF"]  # noqa: E731
    return [
        C.mongo(), C.pg(), C.redis(), C.nats(), C.s3(), C.mail(), C.eth(),
        C.api("api", lambda st: st.env["VYBES_API_SOCKET"], conf,
              lambda st: 4, _single_conf, _api_lighttpd_back),
        C.worker("worker", conf, _single_conf,
                 lambda st: "consumer of %s" % st.env["VYBES_NATS_URL"]),
        C.nginx(_single_nginx_site),
        C.lighttpd(_single_lighttpd_site, LIGHTTPD_STOCK)]


def single(cfg):
    """The single-node stack of cfg (settings.Config)."""
    return Stack(cfg.repo, cfg.run, cfg.run / "stack.env",
                 single_components(), cfg.build, cfg.db, cfg.cache)


def single_init_env(st):
    """stack.env is written once (ports, secrets) and read by every
    command; later additions (eth, pg) are filled in."""
    if not st.envpath.is_file():
        st.run.mkdir(parents=True, exist_ok=True)
        p = envfile.pick_ports(10)
        r = st.run
        envfile.write(st.envpath, "Written by scripts/vybes-dev; source it "
                      "to reach the local stack.", dict({
                          "VYBES_RUN": r,
                          "VYBES_CONF": r / "vybes.conf",
                          "VYBES_BUILD": st.build,
                          "VYBES_API_SOCKET": r / "vybes-api.sock",
                          "VYBES_API_PIDFILE": r / "pids/api.pid",
                          "VYBES_PORT_MONGO": p[0],
                          "VYBES_PORT_REDIS": p[1],
                          "VYBES_PORT_NATS": p[2],
                          "VYBES_PORT_S3": p[3],
                          "VYBES_PORT_SMTP": p[4],
                          "VYBES_PORT_MAILWEB": p[5],
                          "VYBES_PORT_NGINX": p[6],
                          "VYBES_PORT_LIGHTTPD": p[7],
                          "VYBES_PORT_MONGO_DEBUG": p[8],
                          "VYBES_PORT_ETH": p[9],
                          "VYBES_URL_NGINX": "http://127.0.0.1:%d" % p[6],
                          "VYBES_URL_LIGHTTPD": "http://127.0.0.1:%d" % p[7],
                          "VYBES_MONGO_URI": "mongodb://127.0.0.1:%d/" % p[0],
                          "VYBES_DB_NAME": "vybes",
                          "VYBES_REDIS_ADDR": "127.0.0.1:%d" % p[1],
                          "VYBES_NATS_URL": "nats://127.0.0.1:%d" % p[2],
                          "VYBES_S3_ENDPOINT": "http://127.0.0.1:%d" % p[3],
                          "VYBES_SMTP_URL": "smtp://127.0.0.1:%d" % p[4],
                          "VYBES_MAIL_API": "http://127.0.0.1:%d" % p[5],
                      }, **S3_KEYS, **_secrets()))
        st.reload()
    _ensure_port(st, "VYBES_PORT_ETH")
    st.set_env("VYBES_ETH_RPC", "http://127.0.0.1:%s"
               % st.env["VYBES_PORT_ETH"])
    st.set_env("VYBES_CAST", C._tool(st, "cast"))


def single_up(st):
    """Every server, `vybesctl migrate` (indexes and the JetStream stream;
    idempotent, so on every up), then vybes-api, the worker and the web
    servers."""
    single_init_env(st)
    st.set_env("VYBES_BUILD", st.build)
    _record_db(st)
    for n in ("mongo", "redis", "nats", "s3", "mail", "eth"):
        st.start(n)
    _single_conf(st)
    st.migrate(st.env["VYBES_CONF"], 5, 1)
    for n in ("api", "worker", "nginx", "lighttpd"):
        st.start(n)
    e = st.env
    print("""
Vybes stack is up (run dir %s):
  nginx     %s
  lighttpd  %s
  worker    %s
  mail      %s
  eth       %s (chain id %d)
  logs      %s/log/
  settings  %s  (vybes-dev env)""" % (
        st.run, e["VYBES_URL_NGINX"], e["VYBES_URL_LIGHTTPD"],
        st.logfile("worker"), e["VYBES_MAIL_API"], e["VYBES_ETH_RPC"],
        C.ETH_CHAIN_ID, st.run, st.envpath), file=sys.stderr)


def single_down(st):
    """The worker first (it consumes what the api publishes and needs every
    backend to settle the message in hand), then the rest in reverse."""
    st.stop("worker")
    for n in reversed(st.names):
        if n != "worker":
            st.stop(n)


# ---------------------------------------------------------------- cluster

CLUSTER_NODES = (["mongo"] + ["redis%d" % i for i in range(1, 7)] +
                 ["nats%d" % i for i in range(1, 4)] +
                 ["s3", "mail", "api1", "api2", "worker1", "worker2",
                  "nginx", "lighttpd"])


def _node_conf(n):
    """Both nodes get the same settings but their own file, as two hosts
    would."""
    def write(st):
        C.write_conf(st, st.run / ("node%d.conf" % n),
                     "cluster-up for api%d / worker%d" % (n, n), """\
# Several nodes: Redis Cluster mode (the three masters as seeds); all three
# NATS servers: the client moves to another when one goes down.
nats_replicas = %s
# The fault tests drive steady load from few client addresses and users.
rate_limits = off""" % st.env["VYBES_NATS_REPLICAS"])
    return write


def _cluster_nginx_site(st, d):
    rewrite(st.repo / "etc/nginx/vybes-cluster.conf", d / "vybes.conf", [
        (r"unix:/run/vybes/api([12])\.sock", r"unix:%s/api\1.sock" % st.run),
        (r"/usr/local/share/vybes/public/", "%s/public/" % st.repo)] +
        C.nginx_listen(st))


def _cluster_lighttpd_site(st, d):
    rewrite(st.repo / "etc/lighttpd/vybes-cluster.conf", d / "vybes.conf", [
        (r"/run/vybes/api([12])\.sock", r"%s/api\1.sock" % st.run),
        (r"/usr/local/share/vybes/public/", "%s/public/" % st.repo),
        (r"/etc/lighttpd/vybes/status-", "%s/errors/status-" % d),
        (r"/etc/lighttpd/vybes/([a-z-]*\.lua)", r"%s/\1" % d)])


NGINX_CLUSTER_LOG = r"""	log_format vybes '$remote_addr [$time_local] "$request" $status '
		'up=$upstream_addr ust=$upstream_status rt=$request_time';
	access_log %s/log/nginx-access.log vybes;"""


def cluster_components():
    out = [C.mongo(), C.pg()]
    out += [C.redis_node(i) for i in range(1, 7)]
    out += [C.nats_node(i) for i in range(1, 4)]
    out += [C.s3(), C.mail()]
    for n in (1, 2):
        out.append(C.api(
            "api%d" % n, lambda st, n=n: st.run / ("api%d.sock" % n),
            lambda st, n=n: st.run / ("node%d.conf" % n),
            lambda st: os.environ.get("VYBES_CLUSTER_WORKERS", "2"),
            _node_conf(n)))
    for n in (1, 2):
        out.append(C.worker(
            "worker%d" % n, lambda st, n=n: st.run / ("node%d.conf" % n),
            _node_conf(n),
            lambda st, n=n: "config %s/node%d.conf" % (st.run, n)))
    out.append(C.nginx(_cluster_nginx_site,
                       lambda st: NGINX_CLUSTER_LOG % st.run))
    out.append(C.lighttpd(_cluster_lighttpd_site))
    return out


def cluster(cfg):
    return Stack(cfg.repo, cfg.run / "cluster", cfg.run / "cluster.env",
                 cluster_components(), cfg.build, cfg.db, cfg.cache)


def cluster_init_env(st):
    """Ports are picked once (the first cluster-up) and kept, so
    cluster-start NAME comes back on the same address.  Redis cluster bus
    ports are set explicitly (not port+10000, which may fall in the
    ephemeral range)."""
    if st.envpath.is_file():
        return
    st.run.mkdir(parents=True, exist_ok=True)
    p = envfile.pick_ports(25)
    r, rb, n, nc = p[0:6], p[6:12], p[12:15], p[15:18]
    c = st.run
    j = " ".join
    nats = ",".join("nats://127.0.0.1:%d" % x for x in n)
    env = {
        "VYBES_CLUSTER_RUN": c,
        "VYBES_BUILD": st.build,
        "VYBES_PORT_MONGO": p[18],
        "VYBES_PORT_MONGO_DEBUG": p[19],
        "VYBES_PORT_S3": p[20],
        "VYBES_PORT_SMTP": p[21],
        "VYBES_PORT_MAILWEB": p[22],
        "VYBES_PORT_NGINX": p[23],
        "VYBES_PORT_LIGHTTPD": p[24],
        "VYBES_REDIS_PORTS": j(map(str, r)),
        "VYBES_REDIS_BUS_PORTS": j(map(str, rb)),
        "VYBES_NATS_PORTS": j(map(str, n)),
        "VYBES_NATS_CLUSTER_PORTS": j(map(str, nc)),
        "VYBES_URL_NGINX": "http://127.0.0.1:%d" % p[23],
        "VYBES_URL_LIGHTTPD": "http://127.0.0.1:%d" % p[24],
        "VYBES_MONGO_URI": "mongodb://127.0.0.1:%d/" % p[18],
        "VYBES_DB_NAME": "vybes",
        "VYBES_REDIS_NODES": ",".join("127.0.0.1:%d" % x for x in r),
        "VYBES_REDIS_ADDR": ",".join("127.0.0.1:%d" % x for x in r[:3]),
        "VYBES_NATS_NODES": nats,
        "VYBES_NATS_URL": nats,
        "VYBES_NATS_REPLICAS": 3,
        "VYBES_S3_ENDPOINT": "http://127.0.0.1:%d" % p[20],
        "VYBES_SMTP_URL": "smtp://127.0.0.1:%d" % p[21],
        "VYBES_MAIL_API": "http://127.0.0.1:%d" % p[22],
        "VYBES_API_NODES": "api1=unix:%s/api1.sock,%s/pids/api1.pid "
                           "api2=unix:%s/api2.sock,%s/pids/api2.pid"
                           % (c, c, c, c),
        "VYBES_API_SOCKET1": c / "api1.sock",
        "VYBES_API_SOCKET2": c / "api2.sock",
        "VYBES_API_PIDFILE1": c / "pids/api1.pid",
        "VYBES_API_PIDFILE2": c / "pids/api2.pid",
        "VYBES_CONF_NODE1": c / "node1.conf",
        "VYBES_CONF_NODE2": c / "node2.conf",
        "VYBES_CONF": c / "node1.conf",
        "VYBES_PIDS": c / "pids",
        "VYBES_LOGS": c / "log",
    }
    env.update(S3_KEYS)
    env.update(_secrets())
    envfile.write(st.envpath, "Written by scripts/vybes-dev cluster-up; "
                  "source it to reach the cluster.", env)
    st.reload()


def _redis_create(st):
    """6 fresh nodes, slots over the first 3 (masters), one replica each;
    then wait until every node reports cluster_state:ok."""
    ports = st.env["VYBES_REDIS_PORTS"].split()
    log("redis-cli --cluster create (3 masters, 3 replicas)")
    logf = st.logfile("redis-create")
    with open(logf, "ab") as f:
        if subprocess.run(["redis-cli", "--cluster", "create"] +
                          ["127.0.0.1:%s" % p for p in ports] +
                          ["--cluster-replicas", "1", "--cluster-yes"],
                          stdout=f, stderr=subprocess.STDOUT).returncode:
            raise StackError("redis cluster create failed; see %s" % logf)
    wait_ready("redis cluster", lambda: all(
        "cluster_state:ok" in C.redis_cli(p, "cluster", "info")
        for p in ports), st.WAIT_SECS)


def cluster_up(st):
    cluster_init_env(st)
    _record_db(st)
    st.dirs("log", "pids")
    st.start("mongo")
    # No node running: a fresh Redis Cluster (a cache, nothing to keep);
    # otherwise the missing nodes come back and rejoin.
    redis = ["redis%d" % i for i in range(1, 7)]
    fresh = not any(st.running_pid(n) for n in redis)
    if fresh:
        for n in redis:
            shutil.rmtree(st.run / "data" / n, ignore_errors=True)
    for n in redis:
        st.start(n)
    if fresh:
        _redis_create(st)
    for n in ("nats1", "nats2", "nats3", "s3", "mail"):
        st.start(n)
    _node_conf(1)(st)
    _node_conf(2)(st)
    # The R3 stream needs a JetStream meta leader: retry while the NATS
    # cluster elects one.
    st.migrate(st.run / "node1.conf", 31, 1)
    for n in ("api1", "api2", "worker1", "worker2", "nginx", "lighttpd"):
        st.start(n)
    # Both web servers pass requests to both nodes before we return.
    for n in ("nginx", "lighttpd"):
        url = st.env["VYBES_URL_" + n.upper()] + "/health"
        st.wait(n, lambda: http_ok(url))
    e = st.env
    print("""
Vybes cluster is up (run dir %s):
  nginx     %s
  lighttpd  %s
  api       unix:%s/api1.sock, unix:%s/api2.sock
  redis     %s
  nats      %s
  mongo     %s
  logs      %s/log/
  settings  %s""" % (st.run, e["VYBES_URL_NGINX"], e["VYBES_URL_LIGHTTPD"],
                     st.run, st.run, e["VYBES_REDIS_NODES"],
                     e["VYBES_NATS_NODES"], e["VYBES_MONGO_URI"], st.run,
                     st.envpath), file=sys.stderr)
    st.set_env("VYBES_BUILD", st.build)


def cluster_down(st):
    for n in ("nginx", "lighttpd", "worker1", "worker2", "api1", "api2",
              "mail", "s3", "nats3", "nats2", "nats1", "redis6", "redis5",
              "redis4", "redis3", "redis2", "redis1", "mongo"):
        st.stop(n)
