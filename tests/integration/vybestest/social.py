"""Helpers of the posts, feeds, stories and notifications tests: many
requests at once, paging, the outbox, timestamps, a request straight to
a vybes-api over FastCGI."""

import datetime as _dt
import os
import subprocess

import fcgi_client
from .accounts import API, TS_RE, api
from .http import run_threads, wait_for
from .stack import build_dir


def page_walk(acct, path, limit, max_pages=50, between=None):
    """Follow X-Next-Cursor from path?limit=N to the end; returns the list
    of pages (each the JSON list) and checks Link on each page."""
    pages = []
    sep = "&" if "?" in path else "?"
    target = "%s%slimit=%d" % (path, sep, limit)
    for _ in range(max_pages):
        r = api(acct, "GET", target)
        assert r.status == 200, r
        pages.append(r.json())
        cur = r.headers.get("X-Next-Cursor")
        if cur is None:
            assert r.headers.get("Link") is None, r.headers.get("Link")
            return pages
        link = r.headers.get("Link", "")
        assert 'rel="next"' in link and ("cursor=" + cur) in link, link
        if between is not None:
            between(len(pages))
        target = "%s%slimit=%d&cursor=%s" % (path, sep, limit, cur)
    raise AssertionError("more than %d pages" % max_pages)


def outbox_lines():
    """The pending events of `vybesctl outbox`: [(time, subject, msgid)],
    and the count from its "N pending" line."""
    r = subprocess.run([str(build_dir() / "vybesctl"), "-f",
                        os.environ["VYBES_CONF"], "outbox"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines and lines[-1].endswith(" pending"), r.stdout
    n = int(lines[-1].split()[0])
    events = [tuple(x.split()) for x in lines[:-1]]
    assert len(events) == n, r.stdout
    return events


def parse_ts(ts):
    """A UTC datetime of an API timestamp (TS_RE)."""
    assert TS_RE.match(ts), ts
    return _dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=_dt.timezone.utc)


def fcgi_as(sock, acct, method, path, ctype="", body=b""):
    """One request of acct (its token and client address) straight to the
    vybes-api listening on sock, API + path, over FastCGI."""
    params = {"HTTP_AUTHORIZATION": "Bearer " + acct.token,
              "HTTP_X_FORWARDED_FOR": acct.client.ip}
    if body:
        params["CONTENT_TYPE"] = ctype
    return fcgi_client.request(sock, method, API + path, body=body,
                               timeout=15.0, params=params)


# ---------------------------------------------------------------- worker
# Helpers of the vybes-worker and notifications tests (test_worker_*,
# test_notifications_*): reading every notification of a user, waiting
# for a count, the stack's worker process and its log, and a worker of a
# test's own.

def notifications_all(acct, limit=100, max_pages=200):
    """Every notification of acct, newest first, following X-Next-Cursor
    (asserts 200 on each page)."""
    out = []
    target = "/notifications?limit=%d" % limit
    for _ in range(max_pages):
        r = api(acct, "GET", target)
        assert r.status == 200, r
        page = r.json()
        assert isinstance(page, list), page
        out.extend(page)
        cur = r.headers.get("X-Next-Cursor")
        if cur is None:
            return out
        target = "/notifications?limit=%d&cursor=%s" % (limit, cur)
    raise AssertionError("more than %d pages of notifications" % max_pages)


def unread_count(acct):
    r = api(acct, "GET", "/notifications/unread-count")
    assert r.status == 200, r
    return r.json()["unreadCount"]


def wait_notifications(acct, n, timeout=60, pred=None, interval=0.2):
    """Poll until acct has at least n notifications (those matching pred,
    when given); returns them (all of acct's, newest first)."""
    def enough():
        ns = notifications_all(acct)
        mine = [x for x in ns if pred is None or pred(x)]
        return ns if len(mine) >= n else None
    return wait_for(enough, timeout, interval=interval,
                    what="%d notifications of %s" % (n, acct.username))


def like_matrix(likers, posts, expect=200):
    """Every liker likes every post (one thread per liker); returns the
    number of likes."""
    def one(acct):
        for p in posts:
            r = api(acct, "POST", "/posts/%s/like" % p["id"])
            assert r.status == expect, r
    run_threads(one, [(a,) for a in likers])
    return len(likers) * len(posts)
