"""DELETE /posts/:postID: permission and the cascade of an original
(API.md 3.3.3)."""

from vybestest import (api, assert_json_error, assert_validation, create_post,
                       get_post, get_user, new_account)


def test_delete_by_other_user(front):
    a, b = new_account(front), new_account(front)
    pub = create_post(a, "png")
    priv = create_post(a, "png", visibility="private")
    assert_json_error(api(b, "DELETE", "/posts/" + pub["id"]), 403,
                      "forbidden")
    assert_json_error(api(b, "DELETE", "/posts/" + priv["id"]), 404,
                      "not_found")
    # Both still there for their author.
    assert get_post(a, pub["id"]).status == 200
    assert get_post(a, priv["id"]).status == 200
    assert get_user(a, a.username)["postCount"] == 2


def test_delete_bad_and_missing_id(front):
    a = new_account(front)
    assert_validation(api(a, "DELETE", "/posts/not-an-id"), "postID")
    assert_json_error(api(a, "DELETE", "/posts/" + "0" * 24), 404,
                      "not_found")


def test_delete_original_cascades(front):
    a, b, c = new_account(front), new_account(front), new_account(front)
    p = create_post(a, "jpg", caption="to be deleted")
    keep = create_post(a, "png", caption="kept")
    r = api(b, "POST", "/posts/%s/repost" % p["id"])
    assert r.status == 201, r
    rp = r.json()
    cm = api(b, "POST", "/posts/%s/comments" % p["id"], body={"text": "hi"})
    assert cm.status == 201, cm
    for u in (b, c):
        assert api(u, "POST", "/posts/%s/like" % p["id"]).status == 200
        assert api(u, "POST", "/posts/%s/bookmark" % p["id"]).status == 200
    assert api(c, "POST", "/posts/%s/bookmark" % keep["id"]).status == 200
    ua = get_user(a, a.username)
    assert (ua["postCount"], ua["totalLikeCount"]) == (2, 2), ua
    assert get_user(b, b.username)["postCount"] == 1
    assert [x["id"] for x in api(c, "GET", "/bookmarks").json()] == \
        [keep["id"], p["id"]]

    r = api(a, "DELETE", "/posts/" + p["id"])
    assert r.status == 204 and r.body == b"", r

    assert_json_error(get_post(a, p["id"]), 404, "not_found")
    assert_json_error(get_post(b, rp["id"]), 404, "not_found")
    assert_json_error(api(b, "GET", "/posts/%s/comments" % p["id"]), 404,
                      "not_found")
    # The comment went with its post.
    assert_json_error(api(b, "DELETE", "/comments/" + cm.json()["id"]), 404,
                      "not_found")
    assert api(b, "GET", "/bookmarks").json() == []
    assert [x["id"] for x in api(c, "GET", "/bookmarks").json()] == \
        [keep["id"]]
    assert api(b, "GET", "/reposts/by-user/" + b.id).json() == []
    assert [x["id"] for x in api(a, "GET", "/users/%s/posts"
                                 % a.username).json()] == [keep["id"]]
    ua = get_user(a, a.username)
    assert (ua["postCount"], ua["totalLikeCount"]) == (1, 0), ua
    assert get_user(b, b.username)["postCount"] == 0
    # Deleting again: it does not exist any more.
    assert_json_error(api(a, "DELETE", "/posts/" + p["id"]), 404,
                      "not_found")


def test_delete_repost_only(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "gif")
    rp = api(b, "POST", "/posts/%s/repost" % p["id"]).json()
    assert get_post(a, p["id"]).json()["repostCount"] == 1
    # The original's author cannot delete someone's repost.
    assert_json_error(api(a, "DELETE", "/posts/" + rp["id"]), 403,
                      "forbidden")
    r = api(b, "DELETE", "/posts/" + rp["id"])
    assert r.status == 204, r
    assert_json_error(get_post(b, rp["id"]), 404, "not_found")
    o = get_post(a, p["id"]).json()
    assert o["repostCount"] == 0, o
    assert get_user(b, b.username)["postCount"] == 0
    assert get_user(a, a.username)["postCount"] == 1
    # The original's media is untouched.
    from vybestest import s3_get
    assert s3_get(p["contentUrl"])[0] == 200
