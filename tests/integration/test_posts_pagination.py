"""Pagination of the posts lists (API.md 1.6): cursors, Link, page,
limit rules."""

from vybestest import (api, assert_validation, b64url, b64url_dec,
                       create_post, new_account, new_accounts, page_walk)


def _comments(p, users, n, prefix):
    """n comments on p, spread round-robin over users (COMMENT_USER is
    30 / 60 s per user); ids in creation order."""
    ids = []
    for i in range(n):
        u = users[i % len(users)]
        r = api(u, "POST", "/posts/%s/comments" % p["id"],
                body={"text": "%s %d" % (prefix, i)})
        assert r.status == 201, r
        ids.append(r.json()["id"])
    return ids


def test_walk_55_comments_with_inserts(front):
    a = new_account(front)
    commenters = new_accounts(front, 3)
    late = new_account(front)
    p = create_post(a, "png")
    ids = _comments(p, commenters, 55, "c")
    want = ids[::-1]                 # newest first
    added = []

    def between(_n):
        # New comments between page fetches: newer than every cursor.
        added.extend(_comments(p, [late], 2, "late"))

    pages = page_walk(a, "/posts/%s/comments" % p["id"], 20,
                      between=between)
    assert [len(x) for x in pages] == [20, 20, 15], [len(x) for x in pages]
    got = [c["id"] for page in pages for c in page]
    assert got == want, "walk: %d items, %d distinct, %d missing" % (
        len(got), len(set(got)), len(set(want) - set(got)))
    assert not set(added) & set(got)
    # All of them, the late ones first, in one page.
    r = api(a, "GET", "/posts/%s/comments?limit=100" % p["id"])
    assert [c["id"] for c in r.json()] == added[::-1] + want
    assert r.headers.get("X-Next-Cursor") is None


def test_page_and_limit_rules(front):
    a = new_account(front)
    users = new_accounts(front, 2)
    p = create_post(a, "png")
    ids = _comments(p, users, 25, "x")[::-1]
    base = "/posts/%s/comments" % p["id"]
    r = api(a, "GET", base + "?page=2&limit=10")
    assert r.status == 200, r
    assert [c["id"] for c in r.json()] == ids[10:20]
    r = api(a, "GET", base + "?page=3&limit=10")
    assert [c["id"] for c in r.json()] == ids[20:25]
    r = api(a, "GET", base)             # default limit 20
    assert [c["id"] for c in r.json()] == ids[:20]
    assert r.headers.get("X-Next-Cursor")
    for bad in ("0", "abc", "-1", "2.5", ""):
        assert_validation(api(a, "GET", base + "?limit=" + bad), "limit")
    for bad in ("0", "x"):
        assert_validation(api(a, "GET", base + "?page=" + bad), "page")
    # Cursors: tampered, garbage, foreign.
    cur = api(a, "GET", base + "?limit=5").headers["X-Next-Cursor"]
    raw = bytearray(b64url_dec(cur))
    raw[len(raw) // 2] ^= 0x01
    for bad in (b64url(bytes(raw)), "abc", cur[:-2], "!!!!"):
        assert_validation(api(a, "GET", base + "?cursor=" + bad), "cursor")
    other = create_post(a, "gif")
    api(users[0], "POST", "/posts/%s/comments" % other["id"],
        body={"text": "o"})
    assert_validation(api(a, "GET", "/posts/%s/comments?cursor=%s"
                          % (other["id"], cur)), "cursor")
    assert_validation(api(a, "GET", "/bookmarks?cursor=" + cur), "cursor")
    # The valid cursor goes on from item 6; cursor wins over page.
    r = api(a, "GET", base + "?limit=5&page=4&cursor=" + cur)
    assert [c["id"] for c in r.json()] == ids[5:10]


def test_limit_clamped_to_100(front):
    a = new_account(front)
    users = new_accounts(front, 4)
    p = create_post(a, "png")
    ids = _comments(p, users, 101, "k")[::-1]
    r = api(a, "GET", "/posts/%s/comments?limit=1000" % p["id"])
    assert r.status == 200, r
    assert [c["id"] for c in r.json()] == ids[:100]
    cur = r.headers.get("X-Next-Cursor")
    assert cur, r.headers
    r = api(a, "GET", "/posts/%s/comments?limit=1000&cursor=%s"
            % (p["id"], cur))
    assert [c["id"] for c in r.json()] == ids[100:]
    assert r.headers.get("X-Next-Cursor") is None


def test_user_posts_walk(front):
    a, b = new_account(front), new_account(front)
    posts = [create_post(a, "png", visibility="private" if i % 7 == 3
                         else None)["id"] for i in range(25)]
    want = posts[::-1]
    pages = page_walk(a, "/users/%s/posts" % a.username, 10)
    assert [len(x) for x in pages] == [10, 10, 5]
    assert [x["id"] for page in pages for x in page] == want
    # Another user walks the public ones only.
    pub = [pid for i, pid in enumerate(posts) if i % 7 != 3][::-1]
    pages = page_walk(b, "/users/%s/posts" % a.username, 10)
    assert [x["id"] for page in pages for x in page] == pub
    r = api(b, "GET", "/users/%s/posts?page=2&limit=10" % a.username)
    assert [x["id"] for x in r.json()] == pub[10:20]
