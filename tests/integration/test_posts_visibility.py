"""Post visibility on every read and write path (API.md 1.7): a private
post does not exist for anyone but its author."""

from vybestest import (api, assert_json_error, create_post, follow, get_post,
                       new_account)


def test_private_post_invisible_to_others(front):
    a, b = new_account(front), new_account(front)
    pub = create_post(a, "png")
    priv = create_post(a, "png", visibility="private")
    pid = priv["id"]
    assert_json_error(get_post(b, pid), 404, "not_found")
    listed = [x["id"] for x in api(b, "GET", "/users/%s/posts"
                                   % a.username).json()]
    assert listed == [pub["id"]], listed
    assert_json_error(api(b, "GET", "/posts/%s/comments" % pid), 404,
                      "not_found")
    assert_json_error(api(b, "POST", "/posts/%s/comments" % pid,
                          body={"text": "hello"}), 404, "not_found")
    assert_json_error(api(b, "POST", "/posts/%s/like" % pid), 404,
                      "not_found")
    assert_json_error(api(b, "POST", "/posts/%s/bookmark" % pid), 404,
                      "not_found")
    assert_json_error(api(b, "POST", "/posts/%s/repost" % pid), 404,
                      "not_found")
    # Unlike/unbookmark are idempotent: 200, no likeCount revealed.
    r = api(b, "DELETE", "/posts/%s/like" % pid)
    assert r.status == 200 and r.json() == {
        "message": "Post unliked successfully", "liked": False}, r
    assert api(b, "GET", "/bookmarks").json() == []
    assert api(b, "GET", "/reposts/by-user/" + b.id).json() == []
    # Nothing changed on the post.
    g = get_post(a, pid).json()
    assert (g["likeCount"], g["commentCount"], g["repostCount"]) == \
        (0, 0, 0), g


def test_private_post_visible_to_author(front):
    a = new_account(front)
    priv = create_post(a, "mov", visibility="private")
    pid = priv["id"]
    g = get_post(a, pid)
    assert g.status == 200 and g.json()["visibility"] == "private", g
    listed = [x["id"] for x in api(a, "GET", "/users/%s/posts"
                                   % a.username).json()]
    assert listed == [pid]
    me = [x["id"] for x in api(a, "GET", "/users/me/posts").json()]
    assert me == [pid]
    assert api(a, "POST", "/posts/%s/comments" % pid,
               body={"text": "note to self"}).status == 201
    assert len(api(a, "GET", "/posts/%s/comments" % pid).json()) == 1
    r = api(a, "POST", "/posts/%s/like" % pid)
    assert r.status == 200 and r.json()["likeCount"] == 1, r
    assert api(a, "POST", "/posts/%s/bookmark" % pid).status == 200
    assert [x["id"] for x in api(a, "GET", "/bookmarks").json()] == [pid]
    # Visible, but only public posts can be reposted.
    assert_json_error(api(a, "POST", "/posts/%s/repost" % pid), 403,
                      "forbidden")


def test_friends_post_visible_only_to_mutuals(front):
    a, b, c = new_account(front), new_account(front), new_account(front)
    fr = create_post(a, "png", visibility="friends")
    pid = fr["id"]
    # b follows a only: not mutual, not visible.
    follow(b, a)
    assert_json_error(get_post(b, pid), 404, "not_found")
    assert_json_error(api(b, "POST", "/posts/%s/like" % pid), 404,
                      "not_found")
    # Mutual: visible on every path.
    follow(a, b)
    assert get_post(b, pid).status == 200
    assert pid in [x["id"] for x in api(b, "GET", "/users/%s/posts"
                                        % a.username).json()]
    assert api(b, "POST", "/posts/%s/comments" % pid,
               body={"text": "friendly"}).status == 201
    # A third user who is not mutual never sees it.
    follow(c, a)
    assert_json_error(get_post(c, pid), 404, "not_found")
    # Friends posts cannot be reposted, even by a mutual.
    assert_json_error(api(b, "POST", "/posts/%s/repost" % pid), 403,
                      "forbidden")


def test_bookmark_of_post_no_longer_visible(front):
    a, b = new_account(front), new_account(front)
    follow(a, b)
    follow(b, a)
    fr = create_post(a, "png", visibility="friends")
    assert api(b, "POST", "/posts/%s/bookmark" % fr["id"]).status == 200
    assert [x["id"] for x in api(b, "GET", "/bookmarks").json()] == \
        [fr["id"]]
    # No longer mutual: the bookmark stays but the post is left out.
    follow(a, b, on=False)
    assert api(b, "GET", "/bookmarks").json() == []
    assert_json_error(get_post(b, fr["id"]), 404, "not_found")
    # Mutual again: it is back.
    follow(a, b)
    assert [x["id"] for x in api(b, "GET", "/bookmarks").json()] == \
        [fr["id"]]
