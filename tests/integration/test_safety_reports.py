"""Reports and suspension (API.md 6.2): validation, a repeated report,
the REPORT_USER limit, and the operator's round trip with vybesctl
(list, dismiss, remove, suspend, unsuspend)."""

import re

from vybestest import (api, assert_json_error, assert_validation, create_post,
                       follow, new_account, unread_count, wait_notifications,
                       notifications_all)
from oracle import db
from safety_helpers import feed_ids, ids, vybesctl
from bson import ObjectId

KEYS = {"id", "targetType", "targetId", "reason", "status", "createdAt"}


def report(acct, typ, target, reason="spam", **kw):
    body = {"targetType": typ, "targetId": target, "reason": reason}
    body.update(kw)
    return api(acct, "POST", "/reports", body=body)


def test_report_validation(front):
    a, b = new_account(front), new_account(front)
    p = create_post(b)
    c = api(b, "POST", "/posts/%s/comments" % p["id"],
            body={"text": "hi"}).json()
    assert_validation(api(a, "POST", "/reports", body={
        "targetId": p["id"], "reason": "spam"}), "targetType")
    assert_validation(report(a, "story", p["id"]), "targetType")
    assert_validation(report(a, "post", "xyz"), "targetId")
    assert_validation(report(a, "post", p["id"], "rude"), "reason")
    assert_validation(report(a, "post", p["id"], details="x" * 1001),
                      "details")
    assert_validation(report(a, "post", p["id"], details=5), "details")
    assert_json_error(report(a, "post", "f" * 24), 404, "not_found")
    assert_json_error(report(a, "comment", "f" * 24), 404, "not_found")
    assert_json_error(report(a, "user", "f" * 24), 404, "not_found")
    # Oneself and one's own content.
    assert_json_error(report(b, "post", p["id"]), 400, "bad_request")
    assert_json_error(report(b, "comment", c["id"]), 400, "bad_request")
    assert_json_error(report(a, "user", a.id), 400, "bad_request")
    # Not visible to the caller: 404.
    priv = create_post(b, visibility="private")
    assert_json_error(report(a, "post", priv["id"]), 404, "not_found")
    assert api(b, "POST", "/users/%s/block" % a.username).status == 200
    for typ, target in (("post", p["id"]), ("comment", c["id"]),
                        ("user", b.id)):
        assert_json_error(report(a, typ, target), 404, "not_found")


def test_report_created_then_repeated(front):
    a, b = new_account(front), new_account(front)
    p = create_post(b)
    r = report(a, "post", p["id"], "spam", details="buy now")
    assert r.status == 201, r
    first = r.json()
    assert set(first) == KEYS, first
    assert (first["targetType"], first["targetId"], first["reason"],
            first["status"]) == ("post", p["id"], "spam", "open")
    # Repeated while open, even with another reason: the first, 200.
    r = report(a, "post", p["id"], "violence")
    assert r.status == 200 and r.json() == first, r
    # Another caller reports it too: a report of its own.
    c = new_account(front)
    r = report(c, "post", p["id"])
    assert r.status == 201 and r.json()["id"] != first["id"], r
    r = report(a, "user", b.id, "harassment", details="")
    assert r.status == 201 and r.json()["targetType"] == "user", r


def test_report_rate_limit(front):
    a, b = new_account(front), new_account(front)
    p = create_post(b)
    assert report(a, "post", p["id"]).status == 201
    for _ in range(19):        # every request counts, repeats too
        assert report(a, "post", p["id"]).status == 200
    r = report(a, "post", p["id"])
    assert_json_error(r, 429, "rate_limited")
    assert r.headers.get("Retry-After"), r.headers


def report_lines(out, report_id):
    return [x for x in out.splitlines() if x.startswith(report_id + " ")]


def test_vybesctl_resolve_and_remove(front):
    a, r1, r2 = new_account(front), new_account(front), new_account(front)
    p = create_post(a, caption="buy cheap pills")
    c = api(a, "POST", "/posts/%s/comments" % p["id"],
            body={"text": "spam comment"}).json()
    other = create_post(r1)
    cm = api(a, "POST", "/posts/%s/comments" % other["id"],
             body={"text": "rude words"}).json()
    rp = report(r1, "post", p["id"], details="pills").json()
    rp2 = report(r2, "post", p["id"]).json()
    rc = report(r1, "comment", cm["id"], "harassment").json()
    ru = report(r2, "user", a.id, "other").json()
    out = vybesctl("reports")
    line = report_lines(out, rp["id"])
    assert len(line) == 1, out
    assert re.search(r" spam post %s by %s against %s: buy cheap pills "
                     r"\[pills\]$" % (p["id"], r1.username, a.username),
                     line[0]), line
    assert "rude words" in report_lines(out, rc["id"])[0]
    assert "(account)" in report_lines(out, ru["id"])[0]
    # Dismiss: that report only; the reporter may report again.
    assert vybesctl("resolve", ru["id"], "dismissed") == "1 report dismissed\n"
    assert not report_lines(vybesctl("reports"), ru["id"])
    assert db().reports.find_one({"_id": ObjectId(ru["id"])})["status"] == \
        "dismissed"
    r = report(r2, "user", a.id, "other")
    assert r.status == 201 and r.json()["id"] != ru["id"], r
    # A user is suspended, not removed.
    vybesctl("resolve", r.json()["id"], "removed", expect=1)
    # Remove the post: as its author's delete, both reports closed.
    before = api(a, "GET", "/users/me").json()["postCount"]
    assert vybesctl("resolve", rp["id"], "removed") == "2 reports removed\n"
    assert api(a, "GET", "/posts/" + p["id"]).status == 404
    assert api(a, "GET", "/users/me").json()["postCount"] == before - 1
    assert db().comments.count_documents({"_id": ObjectId(c["id"])}) == 0
    assert db().reports.find_one({"_id": ObjectId(rp2["id"])})["status"] == \
        "removed"
    out = vybesctl("reports")
    assert not report_lines(out, rp["id"]) and \
        not report_lines(out, rp2["id"])
    # Remove the comment: the post's commentCount follows.
    assert api(r1, "GET", "/posts/" + other["id"]).json()["commentCount"] \
        == 1
    assert vybesctl("resolve", rc["id"], "removed") == "1 report removed\n"
    assert api(r1, "GET", "/posts/" + other["id"]).json()["commentCount"] \
        == 0
    assert ids(api(r1, "GET", "/posts/%s/comments" % other["id"])) == []
    # Resolving a closed report again changes nothing.
    assert vybesctl("resolve", rc["id"], "removed") == "0 reports removed\n"
    vybesctl("resolve", "f" * 24, "dismissed", expect=1)
    vybesctl("resolve", rc["id"], "deleted", expect=2)


def test_suspend_round_trip(front):
    s, b = new_account(front), new_account(front)
    follow(b, s)
    follow(s, b)
    p = create_post(s)
    assert api(s, "POST", "/posts/%s/like" % create_post(b)["id"]) \
        .status == 200
    wait_notifications(b, 2, pred=lambda n: n["actorId"] == s.id)
    unread = unread_count(b)
    assert p["id"] in feed_ids(b)
    out = vybesctl("suspend", s.username)
    assert out == "%s (%s) suspended, sessions revoked\n" % (s.username,
                                                              s.id), out
    # Sessions revoked at once, the session cache notwithstanding.
    assert_json_error(api(s, "GET", "/users/me"), 401, "unauthorized")
    r = s.client.post("/users/login", {"email": s.email,
                                       "password": s.password})
    assert_json_error(r, 403, "account_suspended")
    r = s.client.post("/users/login", {"email": s.email,
                                       "password": "wrong password"})
    assert_json_error(r, 401, "invalid_credentials")
    # Hidden from everyone as for a block.
    for path in ("/users/%s" % s.username, "/users/%s/posts" % s.username,
                 "/posts/" + p["id"], "/reposts/by-user/" + s.id):
        assert_json_error(api(b, "GET", path), 404, "not_found")
    assert p["id"] not in feed_ids(b)
    assert s.id not in ids(api(b, "GET", "/search/users?q=" + s.username))
    assert s.id not in ids(api(b, "GET", "/users/%s/followers"
                               % b.username))
    assert s.id not in {n["actorId"] for n in notifications_all(b)}
    assert unread_count(b) == unread - 2
    assert_json_error(report(b, "user", s.id), 404, "not_found")
    # Unsuspended: visible again, may log in; old tokens stay revoked.
    out = vybesctl("unsuspend", s.id)
    assert out == "%s (%s) unsuspended\n" % (s.username, s.id), out
    assert api(b, "GET", "/users/" + s.username).status == 200
    assert p["id"] in feed_ids(b)
    assert unread_count(b) == unread
    assert_json_error(api(s, "GET", "/users/me"), 401, "unauthorized")
    r = s.client.post("/users/login", {"email": s.email,
                                       "password": s.password})
    assert r.status == 200, r
    vybesctl("suspend", "nosuchuser" + s.id[:6], expect=1)
