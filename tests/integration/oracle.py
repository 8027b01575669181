"""What the database says, read with pymongo: the oracle of the feed and
cache tests (test_feed_model.py, test_feed_fallback.py,
test_counters_cached.py, test_unread_cached.py).

The service may answer from caches (Redis timelines, cached posts, users
and marks); these functions read the stored documents only, so a test can
hold every answer against them.  The feeds follow API.md 3.4 with the
visibility rules of 1.7: for-you holds every post of the viewer and the
`public` posts (reposts included) of the users the viewer follows, plus
their `friends` posts when the two are mutual; friends holds the `public`
and `friends` posts of the viewer's mutuals; both ordered by createdAt,
then id, descending.

Also here: reading the first pages of a feed the way a client does
(following the `Link` target of each page, API.md 1.6) and comparing them
with the oracle.
"""

import os
import re
import time

from bson import ObjectId
from pymongo import MongoClient

from vybestest import API, api

_client = None


def db():
    """The stack's database (VYBES_MONGO_URI, VYBES_DB_NAME)."""
    global _client
    if _client is None:
        _client = MongoClient(os.environ["VYBES_MONGO_URI"],
                              serverSelectionTimeoutMS=10000)
    return _client[os.environ["VYBES_DB_NAME"]]


def oids(ids):
    return [ObjectId(i) for i in ids]


class Snapshot:
    """The stored follows and posts around a set of users, read once:
    edges {(a, b)} (a follows b) touching one of them, and every post of
    them and of the users they follow, newest first (feed order)."""

    def __init__(self, user_ids):
        o = oids(user_ids)
        self.edges = set()
        for f in db().follows.find({"$or": [{"followerId": {"$in": o}},
                                            {"followingId": {"$in": o}}]},
                                   {"followerId": 1, "followingId": 1}):
            self.edges.add((str(f["followerId"]), str(f["followingId"])))
        viewers = set(user_ids)
        authors = viewers | {b for (a, b) in self.edges if a in viewers}
        self.posts = sorted(
            ((p["createdAt"], str(p["_id"]), str(p["userId"]),
              p.get("visibility"))
             for p in db().posts.find({"userId": {"$in": oids(authors)}},
                                      {"userId": 1, "visibility": 1,
                                       "createdAt": 1})),
            reverse=True)
        self.author = {pid: a for _t, pid, a, _v in self.posts}

    def feed(self, viewer, kind):
        """The full feed `for-you` or `friends` of viewer: post IDs in
        feed order."""
        fol = {b for (a, b) in self.edges if a == viewer}
        mut = {b for b in fol if (b, viewer) in self.edges}
        out = []
        for _t, pid, a, vis in self.posts:
            if kind == "friends":
                ok = a in mut and vis in ("public", "friends")
            else:
                ok = a == viewer or (a in fol and (
                    vis == "public" or (vis == "friends" and a in mut)))
            if ok:
                out.append(pid)
        return out


_LINK_RE = re.compile(r'^<([^>]+)>;\s*rel="next"$')


def feed_pages(acct, kind, limit, pages=2, between=None):
    """The first `pages` pages of GET /feeds/<kind>?limit=N as acct, each
    next page fetched from the previous page's `Link` target; returns
    [(ids, next_cursor or None)].  between(n), when given, runs after page
    n was read and before page n + 1 is asked for."""
    out = []
    target = "/feeds/%s?limit=%d" % (kind, limit)
    for n in range(1, pages + 1):
        r = api(acct, "GET", target)
        assert r.status == 200, (kind, target, r)
        body = r.json()
        assert isinstance(body, list), body
        cur = r.headers.get("X-Next-Cursor")
        link = r.headers.get("Link")
        out.append(([p["id"] for p in body], cur))
        if cur is None:
            assert link is None, link
            break
        m = _LINK_RE.match(link or "")
        assert m, "Link %r" % link
        nxt = m.group(1)
        assert nxt == "%s/feeds/%s?limit=%d&cursor=%s" % (API, kind, limit,
                                                            cur), nxt
        if n < pages and between is not None:
            between(n)
        target = nxt[len(API):]
    return out


def expected_pages(ids, limit, pages=2):
    """What feed_pages must return for the full list ids."""
    out = []
    for n in range(pages):
        chunk = ids[n * limit:(n + 1) * limit]
        more = len(ids) > (n + 1) * limit
        out.append((chunk, more))
        if not more:
            break
    return out


def pages_diff(got, ids, limit, pages=2):
    """None when the pages read by feed_pages(..., pages) are those of the
    full list ids, else a description of the difference."""
    want = expected_pages(ids, limit, pages)
    have = [(p, c is not None) for p, c in got]
    if have == want:
        return None
    return "pages %r (more?) != oracle %r (of %d)" % (have, want, len(ids))


def assert_allowed(got, ids, what):
    """The posts of the pages read appear in the oracle list ids, in its
    order, each once: a feed may lag behind (fan-out to other users is
    asynchronous) but never shows a post the viewer may not see now, a
    deleted one, or one out of place."""
    pos = {p: i for i, p in enumerate(ids)}
    seen = [p for page, _c in got for p in page]
    bad = [p for p in seen if p not in pos]
    assert not bad, "%s shows posts the oracle does not allow: %s (pages " \
        "%r)" % (what, bad, got)
    idx = [pos[p] for p in seen]
    assert idx == sorted(set(idx)), "%s out of feed order or repeated: " \
        "oracle positions %r" % (what, idx)


def check_feed(acct, snap, kind, limit, fresh=(), settle=5.0, between=None):
    """Read the first two pages of acct's `kind` feed and hold them against
    the Snapshot snap: at once, nothing the oracle does not allow
    (assert_allowed) and every post of the oracle's first two pages whose
    author is in fresh (user IDs whose writes acct must read at once); and
    within `settle` seconds (0: at once) exactly the oracle's pages.
    between is passed to feed_pages on the first read.  Returns the
    number of reads."""
    ids = snap.feed(acct.id, kind)
    what = "%s feed of %s" % (kind, acct.username)
    got = feed_pages(acct, kind, limit, between=between)
    assert_allowed(got, ids, what)
    seen = {p for page, _c in got for p in page}
    missing = [p for p in ids[:2 * limit]
               if snap.author[p] in fresh and p not in seen]
    assert not missing, "%s misses at once the posts %s (authors %s) of " \
        "the oracle %s; read %r" % (what, missing,
                                    [snap.author[p] for p in missing],
                                    ids[:2 * limit], got)
    deadline = time.monotonic() + settle
    reads = 1
    while True:
        diff = pages_diff(got, ids, limit)
        if diff is None:
            return reads
        assert time.monotonic() < deadline, \
            "%s not equal to the oracle%s: %s" % (
                what, " within %.1fs" % settle if settle else "", diff)
        time.sleep(0.2)
        got = feed_pages(acct, kind, limit)
        reads += 1
        assert_allowed(got, ids, what)
