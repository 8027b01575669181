"""GET /notifications/unread-count against the stored notifications
(API.md 3.6; issue 11: the unread count is kept next to the notifications
by the worker and the mark-read route, and served from Redis): after
likes, comments, reposts and follows by others (delivered by the worker:
polled), after a comment is deleted, after PATCH /notifications/read by
IDs and with all, while others act at the same time as a mark-all-read,
and after FLUSHALL of the stack's Redis, the count equals the number of
the recipient's unread notification documents in the database.  After
the recipient's own PATCH the count is right at once (read-your-writes,
API.md 1.8)."""

import uuid

import pytest
from bson import ObjectId

from vybestest import (api, create_post, follow, new_accounts_retry,
                       notifications_all, on_front, redis_cli, run_threads,
                       unread_count, wait_for)
from oracle import db

WORKER_WAIT = 30


def stored(uid):
    """(all, unread) notification documents of the user."""
    d, o = db(), ObjectId(uid)
    return (d.notifications.count_documents({"userId": o}),
            d.notifications.count_documents({"userId": o, "read": False}))


def settle(acct, total):
    """Wait until the worker has stored `total` notifications for acct and
    the unread count served equals the stored one; returns it."""
    last = []

    def done():
        t, unread = stored(acct.id)
        last[:] = [t, unread, unread_count(acct)]
        return t == total and last[2] == unread
    try:
        wait_for(done, WORKER_WAIT, interval=0.2, what="notifications")
    except AssertionError:
        raise AssertionError(
            "within %ds the worker did not store %d notifications for %s "
            "with the unread count served equal to the stored one: stored "
            "%d (unread %d), served %d" % ((WORKER_WAIT, total,
                                            acct.username) + tuple(last)))
    return last[1]


def now_equal(acct, what):
    t, unread = stored(acct.id)
    got = unread_count(acct)
    assert got == unread, "%s: unread-count %d, stored unread %d (of %d)" \
        % (what, got, unread, t)
    return got


def act(others, posts):
    """Each of others likes, comments on and reposts each post and
    follows the recipient, all at once; the number of notifications this
    makes (none deduplicated: fresh actors) and the comment IDs."""
    def one(a, recipient_name):
        cids = []
        for p in posts:
            assert api(a, "POST", "/posts/%s/like" % p).status == 200
            r = api(a, "POST", "/posts/%s/comments" % p,
                    body={"text": "n " + uuid.uuid4().hex[:6]})
            assert r.status == 201, r
            cids.append(r.json()["id"])
            assert api(a, "POST", "/posts/%s/repost" % p).status == 201
        follow(a, recipient_name)
        return cids
    return one


@pytest.fixture
def parties(front):
    accts = [on_front(a, front) for a in new_accounts_retry(front, 9)]
    rec = accts[0]
    posts = [create_post(rec)["id"] for _ in range(2)]
    return rec, accts[1:], posts


def test_unread_count_follows_the_store(parties):
    rec, others, posts = parties
    one = act(others, posts)
    assert now_equal(rec, "at first") == 0

    # 4 others: 2 likes, 2 comments, 2 reposts and a follow each.
    batch = others[:4]
    cids = run_threads(one, [(a, rec.username) for a in batch])
    total = 7 * len(batch)
    assert settle(rec, total) == total

    # A deleted comment takes its notification along.
    r = api(batch[0], "DELETE", "/comments/%s" % cids[0][0])
    assert r.status == 204, r
    total -= 1
    assert settle(rec, total) == total

    # Marking some read by ID, then the rest: right at once.
    ids = [n["id"] for n in notifications_all(rec) if not n["read"]][:5]
    r = api(rec, "PATCH", "/notifications/read",
            body={"notificationIds": ids})
    assert r.status == 200 and r.json()["updated"] == 5, r
    assert now_equal(rec, "after marking 5 read") == total - 5
    assert redis_cli("FLUSHALL") == ["OK"]
    assert now_equal(rec, "after FLUSHALL") == total - 5
    r = api(rec, "PATCH", "/notifications/read", body={"all": True})
    assert r.status == 200 and r.json()["updated"] == total - 5, r
    assert now_equal(rec, "after marking all read") == 0
    assert redis_cli("FLUSHALL") == ["OK"]
    assert now_equal(rec, "after marking all read and FLUSHALL") == 0

    # Others act while the recipient marks all read (twice); in the end
    # the served count is the stored one.
    batch = others[4:]
    jobs = [(a, rec.username) for a in batch] + [(None, None)] * 2

    def either(a, name):
        if a is not None:
            return one(a, name)
        for _ in range(3):
            r = api(rec, "PATCH", "/notifications/read", body={"all": True})
            assert r.status == 200, r
    run_threads(either, jobs)
    total += 7 * len(batch)
    unread = settle(rec, total)
    assert 0 <= unread <= 7 * len(batch)
    assert redis_cli("FLUSHALL") == ["OK"]
    assert now_equal(rec, "after the concurrent batch and FLUSHALL") == \
        unread
    # After a flush, new notifications are counted on top.
    r = api(others[0], "POST", "/posts/%s/comments" % posts[1],
            body={"text": "after the flush"})
    assert r.status == 201, r
    assert settle(rec, total + 1) == unread + 1
