"""vybesstack: the local Vybes stack (scripts/vybes-dev, DESIGN.md section
8) as one package, used by scripts/vybes-dev, the integration, cluster and
san tests and the benchmarks.

  envfile     stack.env/cluster.env: the one format and parser, free ports
  proc        spawning in a process group, readiness waits, stopping a group
  stack       Component (render, spawn, ready, stop) and Stack (a run dir)
  components  one factory per server (database, redis, nats, s3, mail,
              eth, vybes-api, vybes-worker, nginx, lighttpd)
  topology    the single node and the cluster as data, their up and down
  build       the out-of-tree build
  config      run dir, cache, build dir and database server from the
              environment
  cli         the commands of scripts/vybes-dev
"""
