"""Story expiry (API.md 3.5.3): the lifetime is story_ttl /
VYBES_STORY_TTL seconds; expired stories are never returned.  A vybes-api
of the test's own runs with VYBES_STORY_TTL=3 and is driven over FastCGI;
accounts come from the stack (same database)."""

import datetime
import time

from vybestest import (POST_MEDIA, Front, api, fcgi_as, follow,
                       multipart, new_account, parse_ts, random_ip, s3_get,
                       story_feed)

TTL = 3


def _feed_ids(sock, acct):
    r = fcgi_as(sock, acct, "GET", "/stories/feed")
    assert r.status == 200, (r, r.stderr)
    return [s["id"] for g in r.json() for s in g["stories"]]


def test_story_expires(story_api, stack):
    apis = story_api(TTL)
    front = Front("nginx", stack.urls["nginx"])
    a = new_account(front)
    fan = new_account(front)
    follow(fan, a)

    data = POST_MEDIA["jpg"][0]
    body, ctype = multipart([("media", data, "p.png", "image/png")])
    r = fcgi_as(apis.sock, a, "POST", "/stories", ctype, body)
    assert r.status == 201, (r, r.stderr, apis.log())
    s = r.json()
    assert s["userId"] == a.id and s["mediaType"] == "image/jpeg", s
    created, expires = parse_ts(s["createdAt"]), parse_ts(s["expiresAt"])
    assert expires - created == datetime.timedelta(seconds=TTL), s

    # Live at once, on this instance and on the stack's (24 h TTL there,
    # but the stored expiresAt decides).
    assert _feed_ids(apis.sock, a) == [s["id"]]
    assert _feed_ids(apis.sock, fan) == [s["id"]]
    assert [x["id"] for g in story_feed(fan) for x in g["stories"]] == \
        [s["id"]]
    assert s3_get(s["mediaUrl"])[0] == 200

    # A story created on the stack meanwhile lives 24 h.
    r = api(a, "POST", "/stories", raw=body, headers={"Content-Type": ctype})
    assert r.status == 201, r
    long = r.json()
    assert parse_ts(long["expiresAt"]) - parse_ts(long["createdAt"]) == \
        datetime.timedelta(hours=24), long

    # Wait until a second past expiresAt (by the local clock, which is the
    # server's clock here).
    left = (expires - datetime.datetime.now(datetime.timezone.utc)) \
        .total_seconds() + 1.0
    assert left < TTL + 2, left
    if left > 0:
        time.sleep(left)

    assert _feed_ids(apis.sock, a) == [long["id"]]
    assert _feed_ids(apis.sock, fan) == [long["id"]]
    assert [x["id"] for g in story_feed(a) for x in g["stories"]] == \
        [long["id"]]
    # Expired: 404 for the follower (not 403) and for the author.
    r = fcgi_as(apis.sock, fan, "DELETE", "/stories/" + s["id"])
    assert r.status == 404 and r.json().get("code") == "not_found", r
    r = fcgi_as(apis.sock, a, "DELETE", "/stories/" + s["id"])
    assert r.status == 404 and r.json().get("code") == "not_found", r
    r = api(a, "DELETE", "/stories/" + s["id"])
    assert r.status == 404 and r.json().get("code") == "not_found", r
    # The live one is still deletable.
    r = fcgi_as(apis.sock, a, "DELETE", "/stories/" + long["id"])
    assert r.status == 204, r
    assert _feed_ids(apis.sock, a) == []


def test_ttl_of_another_instance(story_api, stack):
    """Another TTL, another media type, the other front for the account."""
    apis = story_api(7)
    front = Front("lighttpd", stack.urls["lighttpd"])
    a = new_account(front, ip=random_ip())
    body, ctype = multipart([("media", POST_MEDIA["mp4"][0], "v.mp4",
                              "video/mp4")])
    r = fcgi_as(apis.sock, a, "POST", "/stories", ctype, body)
    assert r.status == 201, (r, r.stderr, apis.log())
    s = r.json()
    assert s["mediaType"] == "video/mp4", s
    assert parse_ts(s["expiresAt"]) - parse_ts(s["createdAt"]) == \
        datetime.timedelta(seconds=7), s
