"""The feeds when the timeline cache is lost (issue 11: a missing
timeline, after a Redis flush or failover, is rebuilt from MongoDB, then
served): FLUSHALL on the stack's Redis after posts and follows and before
reading, and again between page 1 and page 2 of a paginated read; the
feeds must stay exactly those of the oracle computed from the database
(oracle.Snapshot, API.md 3.4), and posts, reposts and follows made after
the flush must still reach the users they concern.

Reads right after a flush must be exact at once (nothing is in flight:
the feeds were first let settle); reads after new writes by others may
take up to SETTLE seconds (asynchronous fan-out, API.md 1.8)."""

import pytest

from vybestest import (Front, api, create_post, follow, new_accounts_retry,
                       on_front, redis_cli, run_threads)
from oracle import Snapshot, check_feed

LIMIT = 4
SETTLE = 5.0
KINDS = ("for-you", "friends")
# 0<->1, 0<->2, 0<->4 and 1<->3 mutual; 5 follows 0, 2 follows 4; 6
# follows nobody and is followed by 0 and 3.
EDGES = [(0, 1), (1, 0), (0, 2), (2, 0), (1, 3), (3, 1), (0, 4), (4, 0),
         (5, 0), (2, 4), (0, 6), (3, 6)]
VIS = ("public", "friends", "private")


def flushall():
    assert redis_cli("FLUSHALL") == ["OK"]


def check_all(users, snap, settle, fresh_self=True):
    for u in users:
        for kind in KINDS:
            check_feed(u, snap, kind, LIMIT,
                       {u.id} if fresh_self else (), settle)


@pytest.fixture(scope="module")
def world(stack):
    """7 users with the EDGES graph and 4 posts each (all visibilities,
    some created at once, so createdAt ties occur), plus reposts; the
    feeds let settle.  The users' requests go through nginx."""
    front = Front("nginx", stack.urls["nginx"])
    users = new_accounts_retry(front, 7)
    run_threads(lambda a, b: follow(users[a], users[b]), EDGES)
    jobs = [(u, VIS[(k + n) % 3]) for k, u in enumerate(users)
            for n in range(4)]
    posts = []
    for k in range(0, len(jobs), 7):
        posts += run_threads(lambda u, v: create_post(u, visibility=v),
                             jobs[k:k + 7])
    public = [p for p in posts if p["visibility"] == "public"]
    for u, p in zip(users[3:], public):
        r = api(u, "POST", "/posts/%s/repost" % p["id"])
        assert r.status == 201, r
    snap = Snapshot([u.id for u in users])
    check_all(users, snap, SETTLE)
    return users


def test_flush_before_reading(world, front):
    users = [on_front(u, front) for u in world]
    snap = Snapshot([u.id for u in users])
    flushall()
    check_all(users, snap, 0)


def test_flush_between_pages(world, front):
    users = [on_front(u, front) for u in world]
    snap = Snapshot([u.id for u in users])
    for u in users:
        for kind in KINDS:
            if len(snap.feed(u.id, kind)) > LIMIT:
                check_feed(u, snap, kind, LIMIT, {u.id}, 0,
                           between=lambda n: flushall())
    assert len(snap.feed(users[0].id, "for-you")) > 2 * LIMIT
    assert len(snap.feed(users[0].id, "friends")) > LIMIT


def test_writes_after_flush_reach_followers(world, front):
    users = [on_front(u, front) for u in world]
    ids = [u.id for u in users]
    flushall()
    # users[0] posts once of each visibility; users[4] reposts one of them.
    mine = [create_post(users[0], visibility=v) for v in VIS]
    snap = Snapshot(ids)
    check_feed(users[0], snap, "for-you", LIMIT, {users[0].id}, 0)
    r = api(users[4], "POST", "/posts/%s/repost" % mine[0]["id"])
    assert r.status == 201, r
    snap = Snapshot(ids)
    for k in (1, 2, 4, 5):          # users[0]'s followers
        seen = snap.feed(users[k].id, "for-you")
        assert mine[0]["id"] in seen, k
        assert (mine[1]["id"] in seen) == (k != 5), k
        assert mine[2]["id"] not in seen
    check_all(users, snap, SETTLE)
    # A flush, then a new follow: the follower's feed has the followee's
    # posts at once (read-your-writes), the followee's is unchanged.
    flushall()
    follow(users[6], users[3])
    snap = Snapshot(ids)
    for kind in KINDS:
        check_feed(users[6], snap, kind, LIMIT, {users[6].id, users[3].id},
                   SETTLE)
    follow(users[6], users[3], on=False)
    flushall()
    snap = Snapshot(ids)
    check_all(users, snap, 0)
