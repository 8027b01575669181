"""Limits of the stories routes, on a vybes-api of the test's own with
overridden settings (driven over FastCGI; accounts from the stack):
STORY_USER (API.md 4) and the feed's 100 groups / 100 stories per group
(3.5.2)."""

from vybestest import (POST_MEDIA, Front, api, create_story, fcgi_as,
                       follow, multipart, new_account, new_accounts_retry,
                       parse_ts, story_feed)


def _upload(sock, acct, data):
    body, ctype = multipart([("media", data, "f", "image/png")])
    return fcgi_as(sock, acct, "POST", "/stories", ctype, body)


def test_story_user_limit(story_api, stack):
    apis = story_api(extra_env={"RL_STORY_USER": "3/3600"})
    a = new_account(Front("nginx", stack.urls["nginx"]))
    other = new_account(Front("nginx", stack.urls["nginx"]))
    png = POST_MEDIA["png"][0]
    # Every request counts, a refused upload too.
    r = _upload(apis.sock, a, b"plain text, not media\n" * 4)
    assert r.status == 415, r
    for _ in range(2):
        r = _upload(apis.sock, a, png)
        assert r.status == 201, (r, apis.log())
    r = _upload(apis.sock, a, png)
    assert r.status == 429, r
    assert r.json().get("code") == "rate_limited", r
    ra = r.headers.get("retry-after")
    assert ra is not None and ra.isdigit() and 1 <= int(ra) <= 3600, ra
    # The refused request stored nothing.
    assert sum(len(g["stories"]) for g in story_feed(a)) == 2
    # The limit is per user: another user is not affected.
    r = _upload(apis.sock, other, png)
    assert r.status == 201, r


def test_group_keeps_newest_100_stories(story_api, stack):
    apis = story_api(extra_env={"RL_STORY_USER": "1000/3600"})
    a = new_account(Front("lighttpd", stack.urls["lighttpd"]))
    fan = new_account(Front("lighttpd", stack.urls["lighttpd"]))
    follow(fan, a)
    ids = []
    for i in range(102):
        r = _upload(apis.sock, a, POST_MEDIA["gif"][0])
        assert r.status == 201, (i, r)
        ids.append(r.json()["id"])
    for who in (a, fan):
        groups = story_feed(who)
        assert len(groups) == 1 and groups[0]["user"]["id"] == a.id
        got = groups[0]["stories"]
        # The newest 100, oldest first.
        assert [s["id"] for s in got] == ids[2:], (len(got), who.id)
        ts = [parse_ts(s["createdAt"]) for s in got]
        assert ts == sorted(ts)


def test_feed_keeps_100_newest_groups(stack):
    # 102 accounts: run once, through nginx only.
    front = Front("nginx", stack.urls["nginx"])
    v = new_account(front)
    own = create_story(v)       # the oldest story of all
    authors = new_accounts_retry(front, 101)
    for x in authors:
        follow(v, x)
    stories = [create_story(x) for x in authors]
    groups = story_feed(v)
    assert len(groups) == 100, len(groups)
    # The 100 authors of the newest stories, newest first; the first
    # author and V (with the oldest stories) are left out.
    want = [x.id for x in reversed(authors[1:])]
    assert [g["user"]["id"] for g in groups] == want
    assert [g["stories"] for g in groups] == \
        [[s] for s in reversed(stories[1:])]
    assert own["id"] not in [s["id"] for g in groups for s in g["stories"]]
    # Left out of the feed, but still live.
    r = api(v, "DELETE", "/stories/" + own["id"])
    assert r.status == 204, r
