"""Account deletion (API.md 6.3): DELETE /users/me revokes and hides at
once; vybes-worker purges every document, object and counter of the
user, also when killed with SIGKILL in the middle of the purge."""

import datetime
import os
import signal
import subprocess
import time

from bson import ObjectId

from vybestest import (alive, api, assert_json_error, create_post,
                       create_story, ensure_worker_running, follow,
                       new_account, notifications_all, redis_cli,
                       s3_get, unread_count, vybes_dev, wait_for,
                       wait_notifications, worker_pid, Client, Front, REPO)
from oracle import db
from safety_helpers import feed_ids, ids, stored_of

PURGE_WAIT = 120        # seconds: the worker's tick, a lease left by a kill


class Scene:
    """U with posts (with media), a story, reposts by others, comments,
    likes and bookmarks both ways, follows both ways, notifications."""

    def __init__(self, front):
        self.u, self.a, self.b = (new_account(front), new_account(front),
                                  new_account(front))
        u, a, b = self.u, self.a, self.b
        follow(a, u)
        follow(u, a)
        follow(b, u)
        self.p1, self.p2 = create_post(u, "png"), create_post(u, "jpg")
        self.story = create_story(u)
        self.pa, self.pb = create_post(a), create_post(b)
        p1, pa = self.p1["id"], self.pa["id"]
        for acct, method, path, body in (
                (a, "POST", "/posts/%s/repost" % p1, None),
                (a, "POST", "/posts/%s/like" % p1, None),
                (b, "POST", "/posts/%s/comments" % p1, {"text": "nice"}),
                (b, "POST", "/posts/%s/bookmark" % p1, None),
                (u, "POST", "/posts/%s/like" % pa, None),
                (u, "POST", "/posts/%s/comments" % pa, {"text": "hey"}),
                (u, "POST", "/posts/%s/repost" % pa, None),
                (u, "POST", "/posts/%s/bookmark" % pa, None),
                (u, "POST", "/posts/%s/like" % self.pb["id"], None)):
            r = api(acct, method, path, body=body)
            assert r.status in (200, 201), r
        # U's follow, like, comment and repost to A; A's follow, like
        # and repost and B's follow and comment to U.
        wait_notifications(a, 4, pred=lambda n: n["actorId"] == u.id)
        wait_notifications(u, 4)
        self.posts = [self.p1["id"], self.p2["id"]]
        # The objects, each read by its public URL (a bucket listing
        # would depend on everything else the suite stored).
        self.urls = [self.p1["contentUrl"], self.p2["contentUrl"],
                     self.story["mediaUrl"]]
        assert [s3_get(x)[0] for x in self.urls] == [200] * 3

    def delete(self):
        u = self.u
        r = api(u, "DELETE", "/users/me", body={"password": "wrong one"})
        assert_json_error(r, 401, "invalid_credentials")
        r = api(u, "DELETE", "/users/me", body={"password": u.password})
        assert r.status == 202, r
        assert r.json() == {"message": "Account scheduled for deletion"}

    def assert_hidden(self):
        u, a, b = self.u, self.a, self.b
        assert_json_error(api(u, "GET", "/users/me"), 401, "unauthorized")
        r = u.client.post("/users/login", {"email": u.email,
                                           "password": u.password})
        assert_json_error(r, 401, "invalid_credentials")
        for path in ("/users/" + u.username, "/posts/" + self.p1["id"],
                     "/users/%s/posts" % u.username,
                     "/reposts/by-user/" + u.id):
            assert_json_error(api(a, "GET", path), 404, "not_found")
        assert self.p1["id"] not in feed_ids(a)
        assert u.id not in {p["userId"] for p in api(
            a, "GET", "/feeds/for-you?limit=100").json()}
        assert u.id not in {n["actorId"] for n in notifications_all(a)}
        assert unread_count(a) == len([n for n in notifications_all(a)
                                       if not n["read"]])
        assert self.p1["id"] not in ids(api(b, "GET", "/bookmarks"))
        assert u.id not in ids(api(b, "GET", "/search/users?q="
                                   + u.username))
        assert u.id not in ids(api(a, "GET", "/users/%s/followers"
                                   % a.username))

    def assert_purged(self):
        u, a, b = self.u, self.a, self.b
        assert stored_of(u.id, self.posts) == {}
        assert [s3_get(x)[0] for x in self.urls] == [404] * 3
        # Every counter of others exact: stored, as counted, as served.
        for acct, post, likes in ((a, self.pa, 0), (b, self.pb, 0)):
            stored = db().posts.find_one({"_id": ObjectId(post["id"])})
            assert (stored["likeCount"], stored["commentCount"],
                    stored["repostCount"]) == (likes, 0, 0), stored
            got = api(acct, "GET", "/posts/" + post["id"]).json()
            assert (got["likeCount"], got["commentCount"],
                    got["repostCount"]) == (likes, 0, 0), got
        for acct in (a, b):
            me = api(acct, "GET", "/users/me").json()
            want = {"followerCount": 0, "followingCount": 0,
                    "postCount": 1, "totalLikeCount": 0}
            assert {k: me[k] for k in want} == want, me
            oid = ObjectId(acct.id)
            doc = db().users.find_one({"_id": oid})
            assert doc["postCount"] == db().posts.count_documents(
                {"userId": oid})
            assert doc["followerCount"] == db().follows.count_documents(
                {"followingId": oid})
        # The email and the username are free again.
        r = Client(a.client.front).register(u.email, "pw-again-123",
                                            username=u.username)
        assert r.status == 201, r


def wait_purged(uid):
    wait_for(lambda: db().users.count_documents({"_id": ObjectId(uid)})
             == 0, PURGE_WAIT, interval=0.2, what="purge of " + uid)


def test_delete_wrong_password_limited(front):
    u = new_account(front)
    for _ in range(5):
        assert_json_error(api(u, "DELETE", "/users/me",
                              body={"password": "nope"}), 401,
                          "invalid_credentials")
    r = api(u, "DELETE", "/users/me", body={"password": u.password})
    assert_json_error(r, 429, "rate_limited")
    assert api(u, "GET", "/users/me").status == 200


def test_delete_and_purge(front):
    ensure_worker_running()
    s = Scene(front)
    s.delete()
    s.assert_hidden()
    wait_purged(s.u.id)
    s.assert_purged()


def test_purge_resumes_after_sigkill(front):
    ensure_worker_running()
    s = Scene(front)
    # Many likes make the purge long enough to be caught in the middle:
    # each one names a post whose counters the purge recomputes.
    uid = ObjectId(s.u.id)
    now = datetime.datetime.now(datetime.timezone.utc)
    db().reactions.insert_many([{"userId": uid, "postId": ObjectId(),
                                 "reactionType": "like", "createdAt": now}
                                for _ in range(3000)])
    pid = worker_pid()
    s.delete()
    s.assert_hidden()
    # The journal is the purge's first write: kill right after it.
    wait_for(lambda: db().purges.count_documents({"_id": uid}) == 1,
             PURGE_WAIT, interval=0.02, what="purge started")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), 5, what="worker gone after SIGKILL")
    assert db().users.count_documents({"_id": uid}) == 1, \
        "the purge was over before the kill"
    # The killed worker's lease would expire within 30 s; drop it now.
    redis_cli("DEL", "lease:purge")
    vybes_dev("start", "worker")
    wait_purged(s.u.id)
    s.assert_purged()


def restart_worker(env):
    """`vybes-dev restart worker` with env added to the stack's."""
    r = subprocess.run([str(REPO / "scripts" / "vybes-dev"), "restart",
                        "worker"], env=dict(os.environ, **env),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_deletion_grace(stack):
    # A property of the worker, not of the web server: one front.
    u = new_account(Front("nginx", stack.urls["nginx"]))
    restart_worker({"DELETION_GRACE": "8"})
    try:
        asked = time.monotonic()
        r = api(u, "DELETE", "/users/me", body={"password": u.password})
        assert r.status == 202, r
        assert_json_error(api(u, "GET", "/users/me"), 401, "unauthorized")
        # The purge job ran at least once meanwhile (every 5 s) and
        # left the account alone.
        time.sleep(6)
        assert db().users.count_documents({"_id": ObjectId(u.id)}) == 1
        wait_purged(u.id)
        assert time.monotonic() - asked >= 8
    finally:
        restart_worker({})
