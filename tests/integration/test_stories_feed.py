"""GET /stories/feed: the caller's and the followees' live stories grouped
by user (API.md 2.7, 3.5.2)."""

import time

from vybestest import (api, assert_unauthorized, create_story, follow,
                       new_account, parse_ts, story_feed)


def _post(acct, log, ext="png"):
    """A story of acct, remembered in log; a short pause keeps every
    createdAt distinct (millisecond timestamps)."""
    s = create_story(acct, ext)
    log.append(s)
    time.sleep(0.02)
    return s


def _check_user(group, acct, self_view):
    u = group["user"]
    assert u["id"] == acct.id and u["username"] == acct.username, u
    assert isinstance(u.get("walletAddress"), str) and \
        u["walletAddress"].startswith("0x") and \
        len(u["walletAddress"]) == 42, u
    assert u["walletAddress"] == acct.user["walletAddress"], u
    assert isinstance(u.get("vid"), int) and u["vid"] > 0, u
    for k in ("name", "totalLikeCount", "postCount"):
        assert k in u, (k, u)
    if self_view:
        assert u.get("email") == acct.email, u
    else:
        assert "email" not in u, u


def test_feed_groups(front):
    # Registered in an order that none of the expected orders follows.
    c = new_account(front, prefix="c")
    b = new_account(front, prefix="b")
    v = new_account(front, prefix="v")
    a = new_account(front, prefix="a")
    follow(v, a)
    follow(v, b)
    follow(c, v)            # C follows V; V does not follow C
    log = []
    a1 = _post(a, log, "jpg")
    b1 = _post(b, log, "png")
    v1 = _post(v, log, "gif")
    c1 = _post(c, log, "png")
    a2 = _post(a, log, "mp4")
    b2 = _post(b, log, "webp")
    a3 = _post(a, log, "png")
    c2 = _post(c, log, "jpg")
    times = [parse_ts(s["createdAt"]) for s in log]
    assert times == sorted(times) and len(set(times)) == len(times), log

    groups = story_feed(v)
    # Newest story first: A (a3), B (b2), V (v1); C is not followed.
    assert [g["user"]["id"] for g in groups] == [a.id, b.id, v.id], groups
    by = {g["user"]["id"]: g for g in groups}
    assert [s["id"] for s in by[a.id]["stories"]] == \
        [a1["id"], a2["id"], a3["id"]], by[a.id]
    assert [s["id"] for s in by[b.id]["stories"]] == \
        [b1["id"], b2["id"]], by[b.id]
    assert [s["id"] for s in by[v.id]["stories"]] == [v1["id"]]
    # The stories are the Story objects that POST answered.
    assert by[a.id]["stories"] == [a1, a2, a3]
    assert by[b.id]["stories"] == [b1, b2]
    assert by[v.id]["stories"] == [v1]
    for g in groups:
        assert set(g) == {"user", "stories"}, g
        ts = [parse_ts(s["createdAt"]) for s in g["stories"]]
        assert ts == sorted(ts), g
        assert all(s["userId"] == g["user"]["id"] for s in g["stories"]), g
    _check_user(by[a.id], a, False)
    _check_user(by[b.id], b, False)
    _check_user(by[v.id], v, True)

    # C sees its own group (self view) and V's (public view), newest
    # first: c2 is newer than v1.
    cg = story_feed(c)
    assert [g["user"]["id"] for g in cg] == [c.id, v.id], cg
    assert [s["id"] for s in cg[0]["stories"]] == [c1["id"], c2["id"]]
    assert cg[1]["stories"] == [v1]
    _check_user(cg[0], c, True)
    _check_user(cg[1], v, False)

    # A follows nobody: only its own group.
    ag = story_feed(a)
    assert [g["user"]["id"] for g in ag] == [a.id], ag
    _check_user(ag[0], a, True)

    # A new story of V moves V's group to the front; the own group gets
    # no special place otherwise.
    v2 = _post(v, log, "jpg")
    groups = story_feed(v)
    assert [g["user"]["id"] for g in groups] == [v.id, a.id, b.id], groups
    assert groups[0]["stories"] == [v1, v2]


def test_unfollow_removes_group(front):
    v = new_account(front)
    a = new_account(front)
    follow(v, a)
    s = create_story(a)
    assert [g["user"]["id"] for g in story_feed(v)] == [a.id]
    assert story_feed(v)[0]["stories"] == [s]
    follow(v, a, on=False)
    assert story_feed(v) == []


def test_follower_without_stories_sees_nothing_of_self(front):
    v = new_account(front)
    a = new_account(front)
    assert story_feed(v) == []
    follow(v, a)
    assert story_feed(v) == []          # A has no story yet
    s = create_story(a)
    groups = story_feed(v)
    # No group for V (no story of V), one for A.
    assert len(groups) == 1 and groups[0]["user"]["id"] == a.id, groups
    assert groups[0]["stories"] == [s]


def test_feed_needs_token(front):
    a = new_account(front)
    r = a.client.request("GET", "/stories/feed")
    assert_unauthorized(r)
    r = api(a, "GET", "/stories/feed")
    assert r.status == 200, r
