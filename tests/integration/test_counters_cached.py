"""Counters and marks stay exact whatever is cached (API.md 1.8, 2.5, 3.3;
issue 11: cached posts, users and marks must be invalidated or updated by
every write): many users like, unlike, comment, delete comments, repost,
delete reposts, bookmark and follow at once on a few posts (one thread
per user, a seeded random sequence each, some requests doubled at the
same instant); then GET /posts/:id (originals and reposts), GET
/users/:username and the for-you feeds must show the counters stored in
the database and equal to the number of relation documents, and each
caller's likedByMe, bookmarkedByMe and repostedByMe as stored.  The same
again after a FLUSHALL of the stack's Redis, and after a second round of
writes on the rebuilt caches.

Users alternate between nginx and lighttpd."""

import collections
import os
import random
import uuid

from vybestest import (FRONTS, Front, api, create_post, follow,
                       new_accounts_retry, on_front, redis_cli, run_threads)
from oracle import db, oids

N_AUTHORS = 3
N_ACTORS = 10
OPS_PER_ACTOR = (14, 6)         # first round, round after the flush
SEED = int(os.environ.get("VYBES_COUNTERS_SEED", "1104"))
OPS = ("like", "unlike", "like2", "comment", "uncomment", "repost",
       "unrepost", "bookmark", "unbookmark", "follow", "unfollow")


class Actor:
    """One user's thread: its own comments and reposts, so that what it
    deletes or sends to is never removed by another thread."""

    def __init__(self, acct, seed):
        self.acct = acct
        self.rnd = random.Random(seed)
        self.comments = []
        self.reposts = {}           # original id -> repost id

    def run(self, posts, authors, n):
        for _ in range(n):
            self.one(self.rnd.choice(OPS), posts, authors)

    def target(self, orig):
        """The original, or sometimes the actor's own repost of it (the
        action then applies to the original, 3.3.0)."""
        rp = self.reposts.get(orig)
        return rp if rp and self.rnd.random() < 0.4 else orig

    def one(self, op, posts, authors):
        a = self.acct
        orig = self.rnd.choice(posts)
        t = self.target(orig)
        if op in ("like", "unlike"):
            r = api(a, "POST" if op == "like" else "DELETE",
                    "/posts/%s/like" % t)
            assert r.status == 200, (op, r)
        elif op == "like2":
            # The same like twice at the same instant: counted once.
            for r in run_threads(lambda: api(a, "POST", "/posts/%s/like" % t),
                                 [(), ()]):
                assert r.status == 200, (op, r)
        elif op == "comment":
            r = api(a, "POST", "/posts/%s/comments" % t,
                    body={"text": "c " + uuid.uuid4().hex[:8]})
            assert r.status == 201, (op, r)
            self.comments.append(r.json()["id"])
        elif op == "uncomment":
            if self.comments:
                cid = self.comments.pop(self.rnd.randrange(
                    len(self.comments)))
                r = api(a, "DELETE", "/comments/%s" % cid)
                assert r.status == 204, (op, r)
        elif op == "repost":
            r = api(a, "POST", "/posts/%s/repost" % t)
            assert r.status == (200 if orig in self.reposts else 201), \
                (op, r)
            self.reposts[orig] = r.json()["id"]
        elif op == "unrepost":
            if orig in self.reposts:
                r = api(a, "DELETE", "/posts/%s" % self.reposts.pop(orig))
                assert r.status == 204, (op, r)
        elif op in ("bookmark", "unbookmark"):
            r = api(a, "POST" if op == "bookmark" else "DELETE",
                    "/posts/%s/bookmark" % t)
            assert r.status == 200, (op, r)
        else:
            follow(a, self.rnd.choice(authors), on=op == "follow")


class Stored:
    """The documents behind the counters and marks of the given posts and
    users, read once: counters as stored, and counted from the relation
    documents (likes, comments, reposts, bookmarks, follows, posts)."""

    def __init__(self, posts, users):
        d = db()
        po, uo = oids(posts), oids(users)
        self.posts = {str(p["_id"]): p
                      for p in d.posts.find({"_id": {"$in": po}})}
        self.likes = {(str(r["userId"]), str(r["postId"]))
                      for r in d.reactions.find({"postId": {"$in": po},
                                                 "reactionType": "like"})}
        self.bookmarks = {(str(b["userId"]), str(b["postId"]))
                          for b in d.bookmarks.find({"postId": {"$in": po}})}
        self.reposts = {str(p["_id"]): (str(p["userId"]),
                                        str(p["originalPostId"]))
                        for p in d.posts.find({"originalPostId":
                                               {"$in": po}})}
        self.comments = collections.Counter(
            str(c["postId"]) for c in d.comments.find({"postId": {"$in": po}},
                                                      {"postId": 1}))
        self.users = {str(u["_id"]): u
                      for u in d.users.find({"_id": {"$in": uo}})}
        self.authored = collections.defaultdict(list)
        for p in d.posts.find({"userId": {"$in": uo}}):
            self.authored[str(p["userId"])].append(p)
        own = [p["_id"] for ps in self.authored.values() for p in ps
               if "originalPostId" not in p]
        self.liked = collections.Counter(
            str(r["postId"]) for r in d.reactions.find(
                {"postId": {"$in": own}, "reactionType": "like"}))
        self.follows = {(str(f["followerId"]), str(f["followingId"]))
                        for f in d.follows.find(
                            {"$or": [{"followerId": {"$in": uo}},
                                     {"followingId": {"$in": uo}}]})}

    def post(self, pid):
        """(stored counters, counted relation documents) of a post."""
        doc = self.posts[pid]
        stored = {k: doc.get(k) for k in ("likeCount", "commentCount",
                                          "repostCount")}
        counted = {
            "likeCount": sum(1 for _u, p in self.likes if p == pid),
            "commentCount": self.comments[pid],
            "repostCount": sum(1 for _u, o in self.reposts.values()
                               if o == pid),
        }
        return stored, counted

    def user(self, uid):
        doc = self.users[uid]
        stored = {k: doc.get(k) for k in ("postCount", "totalLikeCount",
                                          "followerCount", "followingCount")}
        mine = self.authored[uid]
        counted = {
            "postCount": len(mine),
            "totalLikeCount": sum(self.liked[str(p["_id"])] for p in mine),
            "followerCount": sum(1 for _a, b in self.follows if b == uid),
            "followingCount": sum(1 for a, _b in self.follows if a == uid),
        }
        return stored, counted

    def marks(self, uid, pid):
        return {
            "likedByMe": (uid, pid) in self.likes,
            "bookmarkedByMe": (uid, pid) in self.bookmarks,
            "repostedByMe": (uid, pid) in self.reposts.values(),
        }


def assert_rendered(p, counts, mine, what):
    got = {k: p[k] for k in counts}
    assert got == counts, "%s: counters %r, stored and counted %r" % (
        what, got, counts)
    got = {k: p[k] for k in mine}
    assert got == mine, "%s: marks %r, stored %r" % (what, got, mine)


def check_all(authors, actors, watcher, posts, when):
    everyone = authors + actors + [watcher]
    st = Stored(posts, [u.id for u in everyone])
    counts = {}
    for pid in posts:
        stored, counted = st.post(pid)
        assert stored == counted, "post %s %s: stored %r, counted %r" % (
            pid, when, stored, counted)
        counts[pid] = stored
    for u in everyone:
        for pid in posts:
            r = api(u, "GET", "/posts/%s" % pid)
            assert r.status == 200, r
            assert_rendered(r.json(), counts[pid], st.marks(u.id, pid),
                            "GET /posts/%s as %s %s" % (pid, u.username,
                                                        when))
    for rid, (_owner, orig) in sorted(st.reposts.items()):
        u = everyone[int(rid, 16) % len(everyone)]
        r = api(u, "GET", "/posts/%s" % rid)
        assert r.status == 200, r
        assert_rendered(r.json(), counts[orig], st.marks(u.id, orig),
                        "GET /posts/%s (repost) as %s %s" % (rid, u.username,
                                                             when))
    for u in everyone:
        stored, counted = st.user(u.id)
        assert stored == counted, "user %s %s: stored %r, counted %r" % (
            u.username, when, stored, counted)
        for viewer in (u, watcher):
            r = api(viewer, "GET", "/users/%s" % u.username)
            assert r.status == 200, r
            got = {k: r.json()[k] for k in stored}
            assert got == stored, "GET /users/%s as %s %s: %r, stored %r" \
                % (u.username, viewer.username, when, got, stored)
    # The watcher follows every author and actor: its for-you feed holds
    # the posts and every repost of them; each author's holds its post.
    for u in [watcher] + authors:
        r = api(u, "GET", "/feeds/for-you?limit=100")
        assert r.status == 200, r
        shown = 0
        for p in r.json():
            orig = p.get("originalPostId", p["id"])
            if orig not in counts:
                continue
            shown += 1
            assert_rendered(p, counts[orig], st.marks(u.id, orig),
                            "for-you of %s, post %s %s" % (u.username,
                                                           p["id"], when))
        want = len(posts) + len(st.reposts) if u is watcher else 1
        assert shown == want, (u.username, shown, want)


def test_counters_under_concurrent_writes(stack):
    accts = new_accounts_retry(Front("nginx", stack.urls["nginx"]),
                               N_AUTHORS + N_ACTORS + 1)
    accts = [on_front(a, Front(FRONTS[k % 2], stack.urls[FRONTS[k % 2]]))
             for k, a in enumerate(accts)]
    authors = accts[:N_AUTHORS]
    actors = accts[N_AUTHORS:N_AUTHORS + N_ACTORS]
    watcher = accts[-1]
    posts = [create_post(a)["id"] for a in authors]
    for u in authors + actors:
        follow(watcher, u)
    r = api(watcher, "POST", "/posts/%s/like" % posts[0])
    assert r.status == 200, r
    threads = [Actor(a, SEED * 100 + k) for k, a in enumerate(actors)]
    check_all(authors, actors, watcher, posts, "before the writes")

    run_threads(lambda t: t.run(posts, authors, OPS_PER_ACTOR[0]),
                [(t,) for t in threads])
    check_all(authors, actors, watcher, posts, "after the writes")
    assert redis_cli("FLUSHALL") == ["OK"]
    check_all(authors, actors, watcher, posts, "after FLUSHALL")
    run_threads(lambda t: t.run(posts, authors, OPS_PER_ACTOR[1]),
                [(t,) for t in threads])
    check_all(authors, actors, watcher, posts,
              "after more writes on rebuilt caches")
