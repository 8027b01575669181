"""vybes-worker periodic jobs (vybes-worker(8)): expired stories and their
media objects removed, buffered views flushed into viewCount (API.md
3.3.6), and the recount asked for by `vybesctl recount`."""

import re
import subprocess
import time

import pytest

from vybestest import (POST_MEDIA, Front, api, build_dir, create_post,
                       ensure_worker_running, fcgi_as, follow, get_user,
                       multipart, new_account, s3_get, wait_for,
                       worker_log_since, worker_log_size)


@pytest.fixture
def wfront(stack):
    return Front("nginx", stack.urls["nginx"])


@pytest.fixture(autouse=True)
def _worker_running(stack):
    ensure_worker_running()
    yield


def test_worker_expired_story_object_removed(story_api, wfront):
    apis = story_api(2)
    a = new_account(wfront, prefix="ws")
    data = POST_MEDIA["png"][0]
    body, ctype = multipart([("media", data, "s.png", "image/png")])
    r = fcgi_as(apis.sock, a, "POST", "/stories", ctype, body)
    assert r.status == 201, (r, r.stderr, apis.log())
    s = r.json()
    assert s3_get(s["mediaUrl"])[0] == 200
    t0 = time.monotonic()
    # Expiry (2 s) + the stories job interval (10 s) + slack.
    wait_for(lambda: s3_get(s["mediaUrl"])[0] == 404, 40, interval=0.5,
             what="expired story's object deleted")
    print("story object gone %.1fs after creation" % (time.monotonic() - t0))
    # A story that has not expired (stack's TTL: 24 h) keeps its object.
    r = api(a, "POST", "/stories", raw=body,
            headers={"Content-Type": ctype})
    assert r.status == 201, r
    live = r.json()
    assert s3_get(live["mediaUrl"])[0] == 200


def test_worker_views_reach_view_count(wfront):
    author = new_account(wfront, prefix="wv")
    post = create_post(author)
    viewers = [new_account(wfront, prefix="wv") for _ in range(4)]
    for v in viewers:
        for _ in range(2):          # the second is a duplicate: not counted
            r = api(v, "POST", "/posts/%s/view" % post["id"])
            assert r.status == 204, r
    # The author's own view is not counted either.
    r = api(author, "POST", "/posts/%s/view" % post["id"])
    assert r.status == 204, r
    t0 = time.monotonic()

    def count():
        r = api(author, "GET", "/posts/" + post["id"])
        assert r.status == 200, r
        return r.json()["viewCount"]
    wait_for(lambda: count() == 4, 60, interval=1,
             what="viewCount 4")
    print("viewCount reached in %.1fs" % (time.monotonic() - t0))
    time.sleep(6)
    assert count() == 4


def _recount():
    """Run `vybesctl recount`, wait for the worker's "recount: done" line;
    returns the number of documents corrected."""
    off = worker_log_size()
    r = subprocess.run([str(build_dir() / "vybesctl"), "-f",
                        __import__("os").environ["VYBES_CONF"], "recount"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "recount requested" in r.stdout, r.stdout
    found = wait_for(
        lambda: re.search(r"recount: done, (\d+) documents corrected",
                          worker_log_since(off)), 15, interval=0.2,
        what="recount: done in the worker log")
    log = worker_log_since(off)
    assert log.count("recount: started") == 1, log
    assert "recount: failed" not in log, log
    return int(found.group(1))


def _snapshot(accts, posts, viewer):
    users = {}
    for a in accts:
        u = get_user(viewer, a.username)
        users[a.username] = {k: u.get(k) for k in (
            "followerCount", "followingCount", "postCount",
            "totalLikeCount")}
    ps = {}
    for p in posts:
        r = api(viewer, "GET", "/posts/" + p["id"])
        assert r.status == 200, r
        ps[p["id"]] = {k: r.json()[k] for k in (
            "likeCount", "commentCount", "repostCount")}
    return users, ps


def test_worker_recount_done_and_counters_unchanged(wfront):
    a, b, c = (new_account(wfront, prefix="wq") for _ in range(3))
    p1, p2 = create_post(a), create_post(a)
    for x in (b, c):
        assert api(x, "POST", "/posts/%s/like" % p1["id"]).status == 200
        follow(x, a)
    assert api(b, "POST", "/posts/%s/comments" % p1["id"],
               body={"text": "x"}).status == 201
    assert api(c, "POST", "/posts/%s/repost" % p2["id"]).status == 201
    follow(a, b)
    before = _snapshot((a, b, c), (p1, p2), c)
    assert before[0][a.username] == {"followerCount": 2,
                                     "followingCount": 1, "postCount": 2,
                                     "totalLikeCount": 2}, before
    assert before[1][p1["id"]] == {"likeCount": 2, "commentCount": 1,
                                   "repostCount": 0}, before
    assert before[1][p2["id"]]["repostCount"] == 1, before
    _recount()          # may correct drift left by earlier tests
    assert _snapshot((a, b, c), (p1, p2), c) == before
    # A database the recount just fixed needs no correction.
    assert _recount() == 0
    assert _snapshot((a, b, c), (p1, p2), c) == before
