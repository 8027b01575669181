"""Where a stack lives and what it runs, from the environment: the
repository, VYBES_RUN (default <repo>/run), VYBES_CACHE (tools; default
~/.cache/vybes), VYBES_BUILD and VYBES_DB (default: the ones the
topology's env file records, else <repo>/build and mongo-java)."""

import os
from pathlib import Path

from . import envfile

REPO = Path(__file__).resolve().parents[3]
DB_DEFAULT = "mongo-java"


class Config:
    def __init__(self, envname="stack.env", environ=None):
        e = os.environ if environ is None else environ
        self.repo = REPO
        self.run = Path(e.get("VYBES_RUN") or REPO / "run")
        self.cache = Path(e.get("VYBES_CACHE") or
                          Path.home() / ".cache" / "vybes")
        recorded = {}
        envpath = self.run / envname
        if envpath.is_file():
            recorded = envfile.read(envpath)
        # The build and database server the stack was brought up with,
        # unless named here, so that `start api` on a stack built
        # elsewhere runs that stack's binaries.
        self.build = Path(e.get("VYBES_BUILD") or
                          recorded.get("VYBES_BUILD") or REPO / "build")
        self.db = e.get("VYBES_DB") or recorded.get("VYBES_DB") or DB_DEFAULT
