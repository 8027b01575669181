"""Accounts too large to fan out (API.md 3.4, issue: hybrid push/pull).

An author with more than `fanout_max_followers` followers is not fanned
out by vybes-worker; a reader merges the recent posts of the big
accounts they follow when reading the feed.  Here the stack's worker is
stopped so that no fan-out happens at all, the stack's vybes-api (limit
10,000: nobody is big) shows that the new post is in no timeline, and a
vybes-api of the test's own with VYBES_FANOUT_MAX_FOLLOWERS=1 shows that
the reader's merge brings it in, in order and with the friends rule
applied.  The set of big accounts ("tl:big" in Redis) is dropped before
and after, so each instance reads it from MongoDB with its own limit.
"""

from vybestest import (api, create_post, fcgi_as, follow, new_accounts,
                       redis_cli, vybes_dev)


def _ids(resp):
    assert resp.status == 200, resp
    return [p["id"] for p in resp.json()]


def test_big_account_merged_at_read(story_api, stack, front):
    author, reader, other = new_accounts(front, 3)
    follow(reader, author)
    follow(other, author)               # author: 2 followers
    follow(author, reader)              # reader and author are mutual
    old = create_post(author)
    big = story_api(extra_env={"VYBES_FANOUT_MAX_FOLLOWERS": "1"})
    redis_cli("DEL", "tl:big")
    r = api(reader, "GET", "/feeds/for-you")
    assert r.status == 200, r
    assert old["id"] in [p["id"] for p in r.json()]
    vybes_dev("stop", "worker")
    try:
        pub = create_post(author)
        fr = create_post(author, visibility="friends")
        priv = create_post(author, visibility="private")
        # No fan-out and nobody big: the new posts are in no timeline.
        r = api(reader, "GET", "/feeds/for-you")
        assert r.status == 200, r
        seen = [p["id"] for p in r.json()]
        assert pub["id"] not in seen and fr["id"] not in seen, seen
        # With a limit of 1 the author is big: merged at read time.
        redis_cli("DEL", "tl:big")
        seen = _ids(fcgi_as(big.sock, reader, "GET", "/feeds/for-you"))
        assert seen[:3] == [fr["id"], pub["id"], old["id"]], seen
        assert priv["id"] not in seen
        # The friends rule still holds: other is not mutual.
        seen = _ids(fcgi_as(big.sock, other, "GET", "/feeds/for-you"))
        assert pub["id"] in seen and fr["id"] not in seen, seen
        seen = _ids(fcgi_as(big.sock, reader, "GET", "/feeds/friends"))
        assert seen[:3] == [fr["id"], pub["id"], old["id"]], seen
        # Pages: the merged posts are cut at the cursor like the rest.
        seen = _ids(fcgi_as(big.sock, reader, "GET",
                            "/feeds/for-you?limit=1"))
        assert seen == [fr["id"]], seen
    finally:
        vybes_dev("start", "worker")
        redis_cli("DEL", "tl:big")
