"""Notifications (API.md 1.8, 2.8, 3.6, 3.3.3): one notification per
like / comment / follow / repost for the right user, none for self-actions,
de-duplication while unread, removal with the comment / repost / post that
caused it, and the read-marking endpoint.  Notifications are made by
vybes-worker from events, so every check polls with a deadline (normally
< 1 s, at most 60 s); an absence is checked after a later "marker" event
of the same stream has been seen."""

import time

from vybestest import (OID_RE, TS_RE, api, assert_json_error, create_post,
                       follow, new_account, notifications_all, unread_count,
                       wait_notifications)

DEADLINE = 60


def _actor_ok(n, acct):
    assert n["actorId"] == acct.id, n
    assert n["actor"]["id"] == acct.id, n
    assert n["actor"]["username"] == acct.username, n
    assert n["actor"]["name"] == acct.user["name"], n


def _common_ok(n, recipient, actor, ntype):
    assert OID_RE.match(n["id"]), n
    assert n["userId"] == recipient.id, n
    assert n["type"] == ntype, n
    assert n["read"] is False, n
    assert TS_RE.match(n["createdAt"]), n
    _actor_ok(n, actor)


def _marker(author, front):
    """A like from a fresh user on a fresh post of author; returns the
    predicate that recognises its notification once it is seen."""
    m = new_account(front, prefix="mk")
    p = create_post(author)
    r = api(m, "POST", "/posts/%s/like" % p["id"])
    assert r.status == 200, r
    wait_notifications(author, 1, DEADLINE,
                       pred=lambda n: n["actorId"] == m.id)
    return m, p


def test_like_notification(front):
    author = new_account(front, prefix="na")
    liker = new_account(front, prefix="nl")
    post = create_post(author)
    own = create_post(liker)

    # The liker likes its own post first: no notification for anyone.
    r = api(liker, "POST", "/posts/%s/like" % own["id"])
    assert r.status == 200, r
    r = api(liker, "POST", "/posts/%s/like" % post["id"])
    assert r.status == 200 and r.json()["liked"] is True, r

    ns = wait_notifications(author, 1, DEADLINE)
    assert len(ns) == 1, ns
    n = ns[0]
    _common_ok(n, author, liker, "like")
    assert n["postId"] == post["id"], n
    assert "commentId" not in n, n
    assert unread_count(author) == 1
    # A later event shows the worker is past the self-like.
    m, _ = _marker(author, front)
    time.sleep(0.5)
    assert notifications_all(liker) == []
    assert unread_count(liker) == 0
    assert len(notifications_all(author)) == 2
    # The author likes its own post: nothing new.
    r = api(author, "POST", "/posts/%s/like" % post["id"])
    assert r.status == 200, r
    _marker(author, front)
    time.sleep(0.5)
    ns = notifications_all(author)
    assert len(ns) == 3, ns
    assert [x["actorId"] for x in ns].count(author.id) == 0, ns


def test_comment_notifications_one_per_comment(front):
    author = new_account(front, prefix="na")
    c = new_account(front, prefix="nc")
    post = create_post(author)
    ids = []
    for text in ("first", "second"):
        r = api(c, "POST", "/posts/%s/comments" % post["id"],
                body={"text": text})
        assert r.status == 201, r
        ids.append(r.json()["id"])
        time.sleep(0.05)
    # The author comments on its own post: none.
    r = api(author, "POST", "/posts/%s/comments" % post["id"],
            body={"text": "mine"})
    assert r.status == 201, r

    ns = wait_notifications(author, 2, DEADLINE)
    _marker(author, front)
    time.sleep(0.5)
    ns = [x for x in notifications_all(author) if x["type"] == "comment"]
    assert len(ns) == 2, ns
    for n in ns:
        _common_ok(n, author, c, "comment")
        assert n["postId"] == post["id"], n
    # Newest first: the second comment's notification comes first.
    assert [n["commentId"] for n in ns] == ids[::-1], ns
    assert ns[0]["createdAt"] >= ns[1]["createdAt"], ns
    assert unread_count(author) == 3


def test_follow_notification(front):
    target = new_account(front, prefix="nt")
    fan = new_account(front, prefix="nf")
    follow(fan, target)
    ns = wait_notifications(target, 1, DEADLINE)
    assert len(ns) == 1, ns
    n = ns[0]
    _common_ok(n, target, fan, "follow")
    assert "postId" not in n and "commentId" not in n, n
    assert notifications_all(fan) == []


def test_repost_notification(front):
    author = new_account(front, prefix="na")
    rp = new_account(front, prefix="nr")
    post = create_post(author)
    r = api(rp, "POST", "/posts/%s/repost" % post["id"])
    assert r.status == 201, r
    repost = r.json()
    # Reposting through the repost names the original: no second one.
    r = api(rp, "POST", "/posts/%s/repost" % repost["id"])
    assert r.status == 200, r
    # The author reposts its own post: none.
    r = api(author, "POST", "/posts/%s/repost" % post["id"])
    assert r.status in (200, 201), r

    ns = wait_notifications(author, 1, DEADLINE)
    _marker(author, front)
    time.sleep(0.5)
    ns = [x for x in notifications_all(author) if x["type"] == "repost"]
    assert len(ns) == 1, ns
    _common_ok(ns[0], author, rp, "repost")
    assert ns[0]["postId"] == post["id"], ns
    assert "commentId" not in ns[0], ns


def test_newest_first_and_pages(front):
    author = new_account(front, prefix="na")
    post = create_post(author)
    fans = [new_account(front, prefix="nf") for _ in range(5)]
    # Sequential likes: the stream keeps their order, and so does the
    # single consumer's createdAt.
    for f in fans:
        r = api(f, "POST", "/posts/%s/like" % post["id"])
        assert r.status == 200, r
        time.sleep(0.01)
    wait_notifications(author, 5, DEADLINE)
    ns = notifications_all(author, limit=2)
    assert [n["actorId"] for n in ns] == [f.id for f in reversed(fans)], ns
    keys = [(n["createdAt"], n["id"]) for n in ns]
    assert keys == sorted(keys, reverse=True), keys
    # page=1 is the newest page.
    r = api(author, "GET", "/notifications?limit=2&page=1")
    assert r.status == 200, r
    assert [n["id"] for n in r.json()] == [n["id"] for n in ns[:2]]
    r = api(author, "GET", "/notifications?limit=2&page=2")
    assert r.status == 200, r
    assert [n["id"] for n in r.json()] == [n["id"] for n in ns[2:4]]
    assert unread_count(author) == 5


def test_like_dedupe_and_after_read(front):
    author = new_account(front, prefix="na")
    liker = new_account(front, prefix="nl")
    post = create_post(author)
    path = "/posts/%s/like" % post["id"]
    for method in ("POST", "DELETE", "POST"):
        r = api(liker, method, path)
        assert r.status == 200, r
    wait_notifications(author, 1, DEADLINE)
    _marker(author, front)
    time.sleep(0.5)
    likes = [n for n in notifications_all(author)
             if n["actorId"] == liker.id]
    assert len(likes) == 1 and likes[0]["read"] is False, likes
    first = likes[0]["id"]

    r = api(author, "PATCH", "/notifications/read",
            body={"notificationIds": [first]})
    assert r.status == 200 and r.json()["modifiedCount"] == 1, r
    for method in ("DELETE", "POST"):
        r = api(liker, method, path)
        assert r.status == 200, r
    ns = wait_notifications(author, 2, DEADLINE,
                            pred=lambda n: n["actorId"] == liker.id)
    likes = [n for n in ns if n["actorId"] == liker.id]
    assert len(likes) == 2, likes
    assert likes[0]["id"] != first and likes[0]["read"] is False, likes
    assert likes[1]["id"] == first and likes[1]["read"] is True, likes


def test_follow_dedupe(front):
    target = new_account(front, prefix="nt")
    fan = new_account(front, prefix="nf")
    follow(fan, target)
    follow(fan, target, on=False)
    follow(fan, target)
    wait_notifications(target, 1, DEADLINE)
    # Marker: another follower.
    other = new_account(front, prefix="nf")
    follow(other, target)
    wait_notifications(target, 1, DEADLINE,
                       pred=lambda n: n["actorId"] == other.id)
    time.sleep(0.5)
    ns = [n for n in notifications_all(target) if n["actorId"] == fan.id]
    assert len(ns) == 1 and ns[0]["type"] == "follow", ns
    assert unread_count(target) == 2


def test_deleting_comment_removes_its_notification(front):
    author = new_account(front, prefix="na")
    c = new_account(front, prefix="nc")
    post = create_post(author)
    cids = []
    for text in ("keep", "drop"):
        r = api(c, "POST", "/posts/%s/comments" % post["id"],
                body={"text": text})
        assert r.status == 201, r
        cids.append(r.json()["id"])
    wait_notifications(author, 2, DEADLINE)
    r = api(c, "DELETE", "/comments/" + cids[1])
    assert r.status == 204, r
    ns = notifications_all(author)
    assert [n["commentId"] for n in ns] == [cids[0]], ns
    assert unread_count(author) == 1


def test_deleting_repost_removes_its_notification(front):
    author = new_account(front, prefix="na")
    rp = new_account(front, prefix="nr")
    liker = new_account(front, prefix="nl")
    post = create_post(author)
    r = api(rp, "POST", "/posts/%s/repost" % post["id"])
    assert r.status == 201, r
    repost = r.json()
    r = api(liker, "POST", "/posts/%s/like" % post["id"])
    assert r.status == 200, r
    wait_notifications(author, 2, DEADLINE)
    r = api(rp, "DELETE", "/posts/" + repost["id"])
    assert r.status == 204, r
    ns = notifications_all(author)
    assert [n["type"] for n in ns] == ["like"], ns


def test_deleting_original_removes_its_notifications(front):
    author = new_account(front, prefix="na")
    a = new_account(front, prefix="nx")
    post = create_post(author)
    other = create_post(author)
    r = api(a, "POST", "/posts/%s/like" % post["id"])
    assert r.status == 200, r
    r = api(a, "POST", "/posts/%s/comments" % post["id"],
            body={"text": "hi"})
    assert r.status == 201, r
    r = api(a, "POST", "/posts/%s/repost" % post["id"])
    assert r.status == 201, r
    r = api(a, "POST", "/posts/%s/like" % other["id"])
    assert r.status == 200, r
    follow(a, author)
    wait_notifications(author, 5, DEADLINE)
    r = api(author, "DELETE", "/posts/" + post["id"])
    assert r.status == 204, r
    ns = notifications_all(author)
    assert sorted((n["type"], n.get("postId")) for n in ns) == \
        [("follow", None), ("like", other["id"])], ns
    assert unread_count(author) == 2


def test_mark_read_of_someone_else_changes_nothing(front):
    alice = new_account(front, prefix="na")
    bob = new_account(front, prefix="nb")
    follow(bob, alice)
    follow(alice, bob)
    na = wait_notifications(alice, 1, DEADLINE)[0]
    nb = wait_notifications(bob, 1, DEADLINE)[0]
    r = api(bob, "PATCH", "/notifications/read",
            body={"notificationIds": [na["id"]]})
    assert r.status == 200, r
    assert r.json() == {"modifiedCount": 0, "updated": 0}, r.json()
    assert notifications_all(alice)[0]["read"] is False
    assert unread_count(alice) == 1
    # {"all": true} of bob touches only bob's.
    r = api(bob, "PATCH", "/notifications/read", body={"all": True})
    assert r.status == 200 and r.json()["modifiedCount"] == 1, r
    assert unread_count(alice) == 1 and unread_count(bob) == 0
    assert notifications_all(bob)[0]["id"] == nb["id"]
    assert notifications_all(bob)[0]["read"] is True


def test_mark_read_counts_only_changes(front):
    author = new_account(front, prefix="na")
    post = create_post(author)
    fans = [new_account(front, prefix="nf") for _ in range(3)]
    for f in fans:
        r = api(f, "POST", "/posts/%s/like" % post["id"])
        assert r.status == 200, r
    ns = wait_notifications(author, 3, DEADLINE)
    ids = [n["id"] for n in ns]
    assert unread_count(author) == 3
    body = {"notificationIds": [ids[0], ids[0], "nope", "0" * 24,
                                ids[1]]}
    r = api(author, "PATCH", "/notifications/read", body=body)
    assert r.status == 200, r
    assert r.json() == {"modifiedCount": 2, "updated": 2}, r.json()
    # Again: already read, nothing changes.
    r = api(author, "PATCH", "/notifications/read", body=body)
    assert r.status == 200 and r.json()["modifiedCount"] == 0, r
    r = api(author, "PATCH", "/notifications/read",
            body={"notificationIds": []})
    assert r.status == 200 and r.json()["modifiedCount"] == 0, r
    assert unread_count(author) == 1
    read = {n["id"]: n["read"] for n in notifications_all(author)}
    assert read == {ids[0]: True, ids[1]: True, ids[2]: False}, read
    # all: true ignores notificationIds.
    r = api(author, "PATCH", "/notifications/read",
            body={"all": True, "notificationIds": []})
    assert r.status == 200, r
    assert r.json() == {"modifiedCount": 1, "updated": 1}, r.json()
    assert unread_count(author) == 0
    r = api(author, "PATCH", "/notifications/read", body={"all": True})
    assert r.status == 200 and r.json()["modifiedCount"] == 0, r


def test_mark_read_validation(front):
    a = new_account(front, prefix="nv")
    oid = "0" * 24
    for body in ({"notificationIds": oid}, {"notificationIds": {}},
                 {"notificationIds": [1]}, {"notificationIds": [oid] * 501},
                 {}, {"all": False}, {"all": "yes"}, {"all": 1},
                 {"notificationIds": None}):
        r = api(a, "PATCH", "/notifications/read", body=body)
        assert_json_error(r, 400, "validation_failed")
    # 500 entries is the maximum that is accepted.
    r = api(a, "PATCH", "/notifications/read",
            body={"notificationIds": [oid] * 500})
    assert r.status == 200 and r.json()["modifiedCount"] == 0, r
    for path in ("/notifications", "/notifications/unread-count"):
        r = a.client.request("GET", path)
        assert_json_error(r, 401, "unauthorized")
