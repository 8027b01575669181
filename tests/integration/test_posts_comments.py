"""Comments (API.md 3.3.7 - 3.3.9, 2.6)."""

import time

from vybestest import (OID_RE, TS_RE, api, assert_json_error,
                       assert_validation, create_post, get_post, new_account)


def test_comment_create_and_text_rules(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "png")
    for bad in ("", "   ", " \\t\\n ".encode().decode("unicode_escape"),
                "x" * 1001):
        r = api(b, "POST", "/posts/%s/comments" % p["id"],
                body={"text": bad})
        assert_validation(r, "text")
    assert_validation(api(b, "POST", "/posts/%s/comments" % p["id"],
                          body={}), "text")
    assert_validation(api(b, "POST", "/posts/%s/comments" % p["id"],
                          body={"text": 5}), "text")
    assert get_post(a, p["id"]).json()["commentCount"] == 0
    text = "\u00e9" * 1000          # 1000 characters is the maximum
    r = api(b, "POST", "/posts/%s/comments" % p["id"], body={"text": text})
    assert r.status == 201, r
    c = r.json()
    assert OID_RE.match(c["id"]) and c["userId"] == b.id, c
    assert c["postId"] == p["id"] and c["text"] == text, c
    assert TS_RE.match(c["createdAt"]), c
    assert c["author"]["id"] == b.id and \
        c["author"]["username"] == b.username, c
    assert get_post(a, p["id"]).json()["commentCount"] == 1
    r = api(b, "POST", "/posts/%s/comments" % p["id"],
            body={"text": "  padded  "})
    assert r.status == 201 and r.json()["text"] == "  padded  ", r
    assert get_post(b, p["id"]).json()["commentCount"] == 2


def test_comment_bad_and_missing_post(front):
    b = new_account(front)
    assert_validation(api(b, "POST", "/posts/nope/comments",
                          body={"text": "x"}), "postID")
    assert_validation(api(b, "GET", "/posts/nope/comments"), "postID")
    missing = "0" * 24
    assert_json_error(api(b, "POST", "/posts/%s/comments" % missing,
                          body={"text": "x"}), 404, "not_found")
    assert_json_error(api(b, "GET", "/posts/%s/comments" % missing), 404,
                      "not_found")


def test_comments_newest_first(front):
    a, b, c = new_account(front), new_account(front), new_account(front)
    p = create_post(a, "png")
    ids = []
    for i, u in enumerate((b, c, a, b)):
        r = api(u, "POST", "/posts/%s/comments" % p["id"],
                body={"text": "c%d" % i})
        assert r.status == 201, r
        ids.append(r.json()["id"])
        time.sleep(0.005)
    got = api(c, "GET", "/posts/%s/comments" % p["id"]).json()
    assert [x["id"] for x in got] == ids[::-1], got
    assert [x["text"] for x in got] == ["c3", "c2", "c1", "c0"]
    assert [x["author"]["id"] for x in got] == [b.id, a.id, c.id, b.id]


def test_comment_delete_rules(front):
    a, b, c = new_account(front), new_account(front), new_account(front)
    p = create_post(a, "png")

    def comment(u, text):
        r = api(u, "POST", "/posts/%s/comments" % p["id"],
                body={"text": text})
        assert r.status == 201, r
        return r.json()["id"]

    c1, c2, c3 = comment(b, "one"), comment(b, "two"), comment(c, "three")
    assert get_post(a, p["id"]).json()["commentCount"] == 3
    # A third user: neither the comment's nor the post's author.
    assert_json_error(api(c, "DELETE", "/comments/" + c1), 403, "forbidden")
    assert get_post(a, p["id"]).json()["commentCount"] == 3
    # The comment's author.
    r = api(b, "DELETE", "/comments/" + c1)
    assert r.status == 204 and r.body == b"", r
    assert get_post(a, p["id"]).json()["commentCount"] == 2
    # The post's author, on someone else's comment.
    r = api(a, "DELETE", "/comments/" + c3)
    assert r.status == 204, r
    assert get_post(a, p["id"]).json()["commentCount"] == 1
    got = [x["id"] for x in api(a, "GET", "/posts/%s/comments"
                                % p["id"]).json()]
    assert got == [c2], got
    # Gone: 404; malformed: 400.
    assert_json_error(api(b, "DELETE", "/comments/" + c1), 404, "not_found")
    assert_json_error(api(b, "DELETE", "/comments/" + "0" * 24), 404,
                      "not_found")
    assert_validation(api(b, "DELETE", "/comments/123"), "commentID")
    assert get_post(a, p["id"]).json()["commentCount"] == 1


def test_comment_on_private_post_hidden(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "png", visibility="private")
    r = api(a, "POST", "/posts/%s/comments" % p["id"], body={"text": "me"})
    assert r.status == 201, r
    # Another user cannot even see that the comment exists.
    assert_json_error(api(b, "DELETE", "/comments/" + r.json()["id"]), 404,
                      "not_found")
