"""POST /posts/:postID/repost and GET /reposts/by-user/:userID
(API.md 3.3.0, 3.3.4, 3.3.5)."""

from vybestest import (OID_RE, api, assert_json_error, assert_validation,
                       create_post, get_post, get_user, new_account,
                       run_threads)


def test_repost_public_post(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "jpg", caption="orig")
    r = api(b, "POST", "/posts/%s/repost" % p["id"])
    assert r.status == 201, r
    rp = r.json()
    assert OID_RE.match(rp["id"]) and rp["id"] != p["id"], rp
    assert rp["userId"] == b.id and rp["author"]["id"] == b.id, rp
    assert rp["originalPostId"] == p["id"], rp
    assert rp["originalAuthor"]["id"] == a.id, rp
    assert rp["contentId"] == p["id"], rp
    assert (rp["contentUrl"], rp["type"], rp["caption"]) == \
        (p["contentUrl"], p["type"], "orig"), rp
    assert rp["visibility"] == "public" and rp["repostedByMe"] is True, rp
    assert rp["repostCount"] == 1, rp
    assert get_post(a, p["id"]).json()["repostCount"] == 1
    assert get_post(b, p["id"]).json()["repostedByMe"] is True
    assert get_user(b, b.username)["postCount"] == 1
    assert get_user(a, a.username)["postCount"] == 1

    # Again: 200, the same repost, nothing changes.
    r2 = api(b, "POST", "/posts/%s/repost" % p["id"])
    assert r2.status == 200 and r2.json()["id"] == rp["id"], r2
    # Reposting the repost reposts the original: still the same one.
    r3 = api(b, "POST", "/posts/%s/repost" % rp["id"])
    assert r3.status == 200 and r3.json()["id"] == rp["id"], r3
    assert get_post(a, p["id"]).json()["repostCount"] == 1
    assert get_user(b, b.username)["postCount"] == 1


def test_repost_of_repost_names_root(front):
    a, b, c = new_account(front), new_account(front), new_account(front)
    p = create_post(a, "png")
    rp = api(b, "POST", "/posts/%s/repost" % p["id"]).json()
    r = api(c, "POST", "/posts/%s/repost" % rp["id"])
    assert r.status == 201, r
    assert r.json()["originalPostId"] == p["id"], r.json()
    assert r.json()["originalAuthor"]["id"] == a.id
    assert get_post(a, p["id"]).json()["repostCount"] == 2
    assert get_post(a, rp["id"]).json()["repostCount"] == 2


def test_repost_private(front):
    a, b = new_account(front), new_account(front)
    priv = create_post(a, "png", visibility="private")
    assert_json_error(api(b, "POST", "/posts/%s/repost" % priv["id"]), 404,
                      "not_found")
    assert_json_error(api(a, "POST", "/posts/%s/repost" % priv["id"]), 403,
                      "forbidden")
    assert get_post(a, priv["id"]).json()["repostCount"] == 0
    assert get_user(a, a.username)["postCount"] == 1


def test_repost_bad_and_missing_id(front):
    a = new_account(front)
    assert_validation(api(a, "POST", "/posts/xyz/repost"), "postID")
    assert_json_error(api(a, "POST", "/posts/%s/repost" % ("a" * 24)), 404,
                      "not_found")


def test_concurrent_double_repost(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "png")
    res = run_threads(lambda: api(b, "POST", "/posts/%s/repost" % p["id"]),
                      [()] * 6)
    statuses = sorted(r.status for r in res)
    assert statuses == [200] * 5 + [201], res
    assert len({r.json()["id"] for r in res}) == 1, res
    assert get_post(a, p["id"]).json()["repostCount"] == 1
    assert get_user(b, b.username)["postCount"] == 1
    assert len(api(b, "GET", "/reposts/by-user/" + b.id).json()) == 1


def test_reposts_by_user_newest_first(front):
    a, b = new_account(front), new_account(front)
    p1, p2 = create_post(a, "png"), create_post(a, "gif")
    own = create_post(b, "jpg")     # an original: never listed
    r1 = api(b, "POST", "/posts/%s/repost" % p1["id"]).json()
    r2 = api(b, "POST", "/posts/%s/repost" % p2["id"]).json()
    for who in (b.id, b.username):
        r = api(a, "GET", "/reposts/by-user/" + who)
        assert r.status == 200, r
        got = r.json()
        assert [x["id"] for x in got] == [r2["id"], r1["id"]], (who, got)
        assert [x["originalPostId"] for x in got] == [p2["id"], p1["id"]]
        assert own["id"] not in [x["id"] for x in got]
    assert api(a, "GET", "/reposts/by-user/" + a.id).json() == []
    # Neither an id nor a username: 404, never 400.
    assert_json_error(api(a, "GET", "/reposts/by-user/" + "0" * 24), 404,
                      "not_found")
    assert_json_error(api(a, "GET", "/reposts/by-user/no-such-user-xx!"),
                      404, "not_found")
    # The user's own list holds originals and reposts, newest first.
    mine = [x["id"] for x in api(a, "GET", "/users/%s/posts"
                                 % b.username).json()]
    assert mine == [r2["id"], r1["id"], own["id"]], mine


def test_like_and_comment_on_repost_apply_to_original(front):
    a, b, c = new_account(front), new_account(front), new_account(front)
    p = create_post(a, "mp4")
    rp = api(b, "POST", "/posts/%s/repost" % p["id"]).json()
    r = api(c, "POST", "/posts/%s/like" % rp["id"])
    assert r.status == 200 and r.json()["likeCount"] == 1, r
    cm = api(c, "POST", "/posts/%s/comments" % rp["id"], body={"text": "x"})
    assert cm.status == 201 and cm.json()["postId"] == p["id"], cm
    assert api(c, "POST", "/posts/%s/bookmark" % rp["id"]).status == 200
    o = get_post(c, p["id"]).json()
    assert (o["likeCount"], o["commentCount"]) == (1, 1), o
    assert o["likedByMe"] is True and o["bookmarkedByMe"] is True, o
    g = get_post(c, rp["id"]).json()
    assert (g["likeCount"], g["commentCount"], g["repostCount"]) == \
        (1, 1, 1), g
    assert g["likedByMe"] is True and g["bookmarkedByMe"] is True, g
    assert [x["id"] for x in api(c, "GET", "/posts/%s/comments"
                                 % rp["id"]).json()] == [cm.json()["id"]]
    assert get_user(a, a.username)["totalLikeCount"] == 1
    assert get_user(b, b.username)["totalLikeCount"] == 0
    # Unlike through the original undoes the like made through the repost.
    r = api(c, "DELETE", "/posts/%s/like" % p["id"])
    assert r.json()["likeCount"] == 0, r
    assert [x["id"] for x in api(c, "GET", "/bookmarks").json()] == [p["id"]]
    assert api(c, "DELETE", "/posts/%s/bookmark" % rp["id"]).status == 200
    assert api(c, "GET", "/bookmarks").json() == []
