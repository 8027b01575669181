"""POST /posts/:postID/view (API.md 3.3.6, 4 VIEW_DEDUP / VIEW_IP):
public, always 204, counted at most once per viewer in 300 s, never for
the author or for an invisible post, flushed into viewCount within 60 s."""

import time

from vybestest import (Client, api, assert_json_error, assert_validation,
                       create_post, get_post, new_account)


def _view(client, pid, token=None):
    return client.request("POST", "/posts/%s/view" % pid, token=token)


def test_view_answers(front):
    a = new_account(front)
    p = create_post(a, "png")
    anon = Client(front)
    for token in (None, "not-a-jwt", a.token + "x"):
        r = _view(anon, p["id"], token)
        assert r.status == 204 and r.body == b"", (token, r)
    r = _view(anon, "0" * 24)                   # no such post
    assert r.status == 204 and r.body == b"", r
    assert_validation(_view(anon, "zzz"), "postID")
    assert_validation(_view(anon, "zzz", "bad-token"), "postID")
    # Only POST is a route here.
    r = anon.request("GET", "/posts/%s/view" % p["id"])
    assert_json_error(r, 405, "method_not_allowed")


def test_views_counted_once_per_viewer(front):
    a, b, c, d = (new_account(front) for _ in range(4))
    p = create_post(a, "jpg")
    q = create_post(a, "png", visibility="private")
    rp = api(c, "POST", "/posts/%s/repost" % p["id"]).json()
    x = Client(front, ua="viewer-x/1")          # anonymous, own address
    y = Client(front, ua="viewer-y/1")          # invalid token: anonymous
    expected = 0
    for _ in range(2):
        assert _view(b.client, p["id"], b.token).status == 204
        assert _view(x, p["id"]).status == 204
        assert _view(y, p["id"], "garbage.token.here").status == 204
        assert _view(d.client, rp["id"], d.token).status == 204  # -> p
        assert _view(a.client, p["id"], a.token).status == 204   # author
        assert _view(x, q["id"]).status == 204      # private: anonymous
        assert _view(b.client, q["id"], b.token).status == 204   # hidden
        assert _view(a.client, q["id"], a.token).status == 204   # author
    expected = 4                                # b, x, y, d

    def count(pid):
        return get_post(a, pid).json()["viewCount"]

    deadline = time.monotonic() + 60
    while count(p["id"]) < expected and time.monotonic() < deadline:
        time.sleep(1)
    assert count(p["id"]) == expected, "viewCount %d, want %d" % (
        count(p["id"]), expected)
    # Later flushes add nothing more (two flush periods and then some).
    for _ in range(12):
        time.sleep(1)
        get_post(a, p["id"])
    assert count(p["id"]) == expected
    assert count(q["id"]) == 0
    # The repost shows its original's count.
    assert get_post(c, rp["id"]).json()["viewCount"] == expected
