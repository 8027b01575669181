"""Bookmarks (API.md 3.3.12 - 3.3.14)."""

import time

from vybestest import (TS_RE, api, assert_json_error, assert_validation,
                       create_post, new_account)


def test_bookmark_twice_keeps_first_time(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "png")
    r = api(b, "POST", "/posts/%s/bookmark" % p["id"])
    assert r.status == 200 and r.json() == {
        "message": "Post bookmarked successfully", "bookmarked": True}, r
    first = api(b, "GET", "/bookmarks").json()
    assert len(first) == 1 and first[0]["id"] == p["id"], first
    assert TS_RE.match(first[0]["bookmarkedAt"]), first
    assert first[0]["bookmarkedByMe"] is True
    time.sleep(0.05)
    r = api(b, "POST", "/posts/%s/bookmark" % p["id"])
    assert r.status == 200 and r.json()["bookmarked"] is True, r
    again = api(b, "GET", "/bookmarks").json()
    assert len(again) == 1, again
    assert again[0]["bookmarkedAt"] == first[0]["bookmarkedAt"]
    # Someone else's bookmark list is their own.
    assert api(a, "GET", "/bookmarks").json() == []


def test_bookmarks_newest_bookmarked_first(front):
    a, b = new_account(front), new_account(front)
    posts = [create_post(a, "png") for _ in range(3)]
    # Bookmarked in an order unlike creation order.
    order = [posts[1], posts[0], posts[2]]
    for p in order:
        assert api(b, "POST", "/posts/%s/bookmark" % p["id"]).status == 200
        time.sleep(0.01)
    got = api(b, "GET", "/bookmarks").json()
    assert [x["id"] for x in got] == [p["id"] for p in reversed(order)]
    stamps = [x["bookmarkedAt"] for x in got]
    assert stamps == sorted(stamps, reverse=True), stamps
    # Pagination of bookmarks.
    r = api(b, "GET", "/bookmarks?limit=2")
    assert [x["id"] for x in r.json()] == [order[2]["id"], order[1]["id"]]
    cur = r.headers.get("X-Next-Cursor")
    assert cur, r.headers
    r = api(b, "GET", "/bookmarks?limit=2&cursor=" + cur)
    assert [x["id"] for x in r.json()] == [order[0]["id"]]
    assert r.headers.get("X-Next-Cursor") is None


def test_unbookmark(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "png")
    gone = {"message": "Bookmark removed successfully", "bookmarked": False}
    # Not bookmarked, and a post that does not exist: 200 all the same.
    r = api(b, "DELETE", "/posts/%s/bookmark" % p["id"])
    assert r.status == 200 and r.json() == gone, r
    r = api(b, "DELETE", "/posts/%s/bookmark" % ("f" * 24))
    assert r.status == 200 and r.json() == gone, r
    api(b, "POST", "/posts/%s/bookmark" % p["id"])
    r = api(b, "DELETE", "/posts/%s/bookmark" % p["id"])
    assert r.status == 200 and r.json() == gone, r
    assert api(b, "GET", "/bookmarks").json() == []
    assert api(b, "GET", "/posts/" + p["id"]).json()["bookmarkedByMe"] \
        is False
    assert_validation(api(b, "DELETE", "/posts/zz/bookmark"), "postID")
    assert_validation(api(b, "POST", "/posts/zz/bookmark"), "postID")
    assert_json_error(api(b, "POST", "/posts/%s/bookmark" % ("f" * 24)),
                      404, "not_found")
