"""Blocks and mutes (API.md 6.1): every read route of the contract, for a
blocked pair and a muted pair, asserting presence or absence both ways,
through both web servers."""

from vybestest import (api, assert_json_error, create_post, create_story,
                       follow, new_account, story_feed, unread_count,
                       wait_notifications, notifications_all)


def ids(r):
    assert r.status == 200, r
    return [x["id"] for x in r.json()]


def feed_ids(acct, path="/feeds/for-you"):
    return ids(api(acct, "GET", path + "?limit=100"))


def profile(acct, other):
    r = api(acct, "GET", "/users/" + other.username)
    assert r.status == 200, r
    return r.json()


def restrict(acct, other, what, on=True):
    r = api(acct, "POST" if on else "DELETE",
            "/users/%s/%s" % (other.username, what))
    assert r.status == 200, r
    return r.json()


def notif_actors(acct):
    return {n["actorId"] for n in notifications_all(acct)}


def test_block_and_unblock_messages(front):
    a, b = new_account(front), new_account(front)
    assert restrict(a, b, "block") == {"message": "User blocked",
                                       "blocked": True}
    assert restrict(a, b, "block") == {"message": "User blocked",
                                       "blocked": True}
    assert ids(api(a, "GET", "/blocks")) == [b.id]
    assert restrict(a, b, "block", False) == {"message": "User unblocked",
                                              "blocked": False}
    assert restrict(a, b, "block", False)["blocked"] is False
    assert ids(api(a, "GET", "/blocks")) == []
    assert restrict(a, b, "mute") == {"message": "User muted",
                                      "muted": True}
    assert restrict(a, b, "mute")["muted"] is True
    assert ids(api(a, "GET", "/mutes")) == [b.id]
    assert restrict(a, b, "mute", False) == {"message": "User unmuted",
                                             "muted": False}
    assert ids(api(a, "GET", "/mutes")) == []
    for what in ("block", "mute"):
        r = api(a, "POST", "/users/%s/%s" % (a.username, what))
        assert_json_error(r, 400, "bad_request")
        r = api(a, "POST", "/users/nosuchuser%s/%s" % (a.id[:8], what))
        assert_json_error(r, 404, "not_found")


def test_blocks_list_paginated(front):
    a = new_account(front)
    others = [new_account(front) for _ in range(3)]
    for o in others:
        restrict(a, o, "block")
    r = api(a, "GET", "/blocks?limit=2")
    assert ids(r) == [others[2].id, others[1].id]
    cur = r.headers.get("X-Next-Cursor")
    assert cur
    r = api(a, "GET", "/blocks?limit=2&cursor=" + cur)
    assert ids(r) == [others[0].id]
    assert r.headers.get("X-Next-Cursor") is None
    assert ids(api(a, "GET", "/blocks?page=2&limit=2")) == [others[0].id]


def test_block_matrix(front):
    a, b, c = (new_account(front), new_account(front), new_account(front))
    # A and B mutual; C follows both, both follow C.
    for x, y in ((a, b), (b, a), (c, a), (c, b), (a, c), (b, c)):
        follow(x, y)
    pa, pb, pc = create_post(a), create_post(b), create_post(c)
    rpa = api(c, "POST", "/posts/%s/repost" % pa["id"]).json()
    rpb = api(c, "POST", "/posts/%s/repost" % pb["id"]).json()
    for x, p in ((a, pb), (b, pa)):
        assert api(x, "POST", "/posts/%s/bookmark" % p["id"]).status == 200
    for x in (a, b):
        r = api(x, "POST", "/posts/%s/comments" % pc["id"],
                body={"text": "hi from " + x.username})
        assert r.status == 201, r
    assert api(b, "POST", "/posts/%s/like" % pa["id"]).status == 200
    assert api(a, "POST", "/posts/%s/like" % pb["id"]).status == 200
    create_story(a)
    create_story(b)
    wait_notifications(a, 1, pred=lambda n: n["actorId"] == b.id)
    wait_notifications(b, 1, pred=lambda n: n["actorId"] == a.id)
    # Before: each sees the other everywhere.
    assert pb["id"] in feed_ids(a) and pa["id"] in feed_ids(b)
    assert b.id in notif_actors(a) and a.id in notif_actors(b)
    before_a, before_b = profile(c, a), profile(c, b)
    assert before_a["blockedByMe"] is False and \
        before_a["mutedByMe"] is False

    restrict(a, b, "block")

    # Follows both ways removed, counters exact.
    pa_, pb_ = profile(c, a), profile(c, b)
    for before, after in ((before_a, pa_), (before_b, pb_)):
        assert after["followerCount"] == before["followerCount"] - 1
        assert after["followingCount"] == before["followingCount"] - 1
    assert pa_["followerCount"] == 1 and pa_["followingCount"] == 1
    # Neither can follow the other.
    assert_json_error(api(a, "POST", "/users/%s/follow" % b.username), 403,
                      "forbidden")
    assert_json_error(api(b, "POST", "/users/%s/follow" % a.username), 404,
                      "not_found")
    # For B, A does not exist.
    for path in ("/users/%s" % a.username,
                 "/users/profile?username=%s" % a.username,
                 "/users/profile?vid=%d" % pa_["vid"],
                 "/users/%s/followers" % a.username,
                 "/users/%s/following" % a.username,
                 "/users/%s/posts" % a.username,
                 "/reposts/by-user/%s" % a.id):
        assert_json_error(api(b, "GET", path), 404, "not_found")
    for path in ("follow", "block", "mute"):
        assert_json_error(api(b, "POST", "/users/%s/%s" % (a.username, path)),
                          404, "not_found")
    # A can still read B's profile, marked.
    pr = profile(a, b)
    assert pr["blockedByMe"] is True and pr["mutedByMe"] is False
    assert pr["friendshipStatus"] == "none"
    assert profile(b, b)["blockedByMe"] is False
    # A reads no posts of B (nor reposts of them) in B's lists.
    assert ids(api(a, "GET", "/users/%s/posts" % b.username)) == []
    # Users lists: B does not see A anywhere.
    assert a.id not in ids(api(b, "GET", "/search/users?q=" + a.username))
    assert a.id not in ids(api(b, "GET", "/users/%s/followers" % c.username))
    assert a.id not in ids(api(b, "GET", "/suggestions/users"))
    assert b.id not in ids(api(a, "GET", "/suggestions/users"))
    # C's lists are untouched.
    assert {a.id, b.id} <= set(ids(api(c, "GET", "/users/%s/followers"
                                       % c.username)))
    # Posts, reposts of them: absent both ways, and 404 by id.
    fa, fb = feed_ids(a), feed_ids(b)
    assert pb["id"] not in fa and rpb["id"] not in fa and rpa["id"] in fa
    assert pa["id"] not in fb and rpa["id"] not in fb and rpb["id"] in fb
    assert pb["id"] not in feed_ids(a, "/feeds/friends")
    for x, p in ((a, pb), (a, rpb), (b, pa), (b, rpa)):
        assert_json_error(api(x, "GET", "/posts/" + p["id"]), 404,
                          "not_found")
        for verb, path in (("POST", "like"), ("POST", "repost"),
                           ("POST", "bookmark"), ("GET", "comments")):
            assert_json_error(api(x, verb, "/posts/%s/%s" % (p["id"], path)),
                              404, "not_found")
        assert_json_error(api(x, "POST", "/posts/%s/comments" % p["id"],
                              body={"text": "x"}), 404, "not_found")
    assert rpb["id"] not in ids(api(a, "GET", "/reposts/by-user/" + c.id))
    assert rpa["id"] not in ids(api(b, "GET", "/reposts/by-user/" + c.id))
    assert rpa["id"] in ids(api(a, "GET", "/reposts/by-user/" + c.id))
    assert rpb["id"] not in ids(api(a, "GET", "/users/%s/posts"
                                    % c.username))
    # Comments across the block are left out; C sees both.
    ca = [x["userId"] for x in api(a, "GET", "/posts/%s/comments"
                                   % pc["id"]).json()]
    cb = [x["userId"] for x in api(b, "GET", "/posts/%s/comments"
                                   % pc["id"]).json()]
    cc = [x["userId"] for x in api(c, "GET", "/posts/%s/comments"
                                   % pc["id"]).json()]
    assert ca == [a.id] and cb == [b.id] and sorted(cc) == sorted([a.id, b.id])
    # Bookmarks.
    assert pb["id"] not in ids(api(a, "GET", "/bookmarks"))
    assert pa["id"] not in ids(api(b, "GET", "/bookmarks"))
    # Stories.
    assert b.id not in [g["user"]["id"] for g in story_feed(a)]
    assert a.id not in [g["user"]["id"] for g in story_feed(b)]
    # Notifications and the unread count.
    assert b.id not in notif_actors(a) and a.id not in notif_actors(b)
    assert unread_count(a) == len([n for n in notifications_all(a)
                                   if not n["read"]])
    # Earlier likes stay counted.
    assert api(c, "GET", "/posts/" + pa["id"]).json()["likeCount"] == 1

    restrict(a, b, "block", False)

    # Visibility back, follows not.
    assert api(a, "GET", "/posts/" + pb["id"]).status == 200
    assert pb["id"] not in feed_ids(a) and rpb["id"] in feed_ids(a)
    assert profile(a, b)["friendshipStatus"] == "none"
    assert profile(b, a)["blockedByMe"] is False
    assert b.id in notif_actors(a)
    assert a.id in ids(api(b, "GET", "/search/users?q=" + a.username))


def test_mute_matrix(front):
    a, m, c = new_account(front), new_account(front), new_account(front)
    follow(a, m)
    follow(a, c)
    follow(m, a)
    pm, pc, pa = create_post(m), create_post(c), create_post(a)
    rp = api(m, "POST", "/posts/%s/repost" % pc["id"]).json()
    create_story(m)
    assert api(m, "POST", "/posts/%s/like" % pa["id"]).status == 200
    # M's follow and like (the follow's alone may come first).
    wait_notifications(a, 2, pred=lambda n: n["actorId"] == m.id)
    assert pm["id"] in feed_ids(a) and rp["id"] in feed_ids(a)
    unread = unread_count(a)
    from_m = len([n for n in notifications_all(a)
                  if n["actorId"] == m.id and not n["read"]])
    assert from_m == 2 and unread == 2      # M's follow and like

    restrict(a, m, "mute")

    fa = feed_ids(a)
    assert pm["id"] not in fa and rp["id"] not in fa and pc["id"] in fa
    assert pm["id"] not in feed_ids(a, "/feeds/friends")
    groups = story_feed(a)
    assert m.id not in [g["user"]["id"] for g in groups], groups
    assert m.id not in notif_actors(a)
    assert unread_count(a) == unread - from_m
    # Nothing else changes for A.
    pr = profile(a, m)
    assert pr["mutedByMe"] is True and pr["blockedByMe"] is False
    assert pr["friendshipStatus"] == "mutual"
    assert api(a, "GET", "/posts/" + pm["id"]).status == 200
    assert pm["id"] in ids(api(a, "GET", "/users/%s/posts" % m.username))
    assert m.id in ids(api(a, "GET", "/users/%s/following" % a.username))
    follow(a, m, on=False)
    follow(a, m)
    # And M is never told.
    pm_view = profile(m, a)
    assert pm_view["mutedByMe"] is False and pm_view["blockedByMe"] is False
    assert pa["id"] in feed_ids(m)
    assert a.id in ids(api(m, "GET", "/search/users?q=" + a.username))

    restrict(a, m, "mute", False)

    assert pm["id"] in feed_ids(a) and rp["id"] in feed_ids(a)
    assert m.id in notif_actors(a)
    assert unread_count(a) == unread
