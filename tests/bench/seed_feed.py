#!/usr/bin/env python3
"""tests/bench/seed_feed.py: the feed benchmark's graph, written straight
into the database (not through the API) by tests/bench/feed.

    seed_feed.py --mongo URI --db NAME --api URL [--users N] [--follows K]
                 [--posts P] [--seed S] [--password PW] [--batch B]
                 [--notifications M] [--bench-notifications MB]

1. Empties the collections the graph lives in (users, follows, posts and
   what hangs off them), so a rerun on a kept stack starts clean; their
   indexes stay, and the caller runs `vybesctl migrate` afterwards in
   case some were missing.
2. Registers one benchmark user through the API (POST /users/register,
   with its own X-Forwarded-For so the per-IP limit of an earlier run
   does not apply): it gets a real Argon2id hash, vid and wallet.
3. Inserts N-1 more users with insert_many, each with the benchmark
   user's password hash (so any of them can log in with the same
   password) and a placeholder wallet (random address, the benchmark
   user's encrypted key: wallet operations on seeded users are
   meaningless, nothing here uses them).  vids continue after the
   benchmark user's and the `user_vid' counter is moved past them.
4. Every user (the benchmark user too) follows K distinct others chosen
   at random (random.Random(S), so the graph is the same every run) and
   has P posts: about 80% public, 12% friends, 8% private, createdAt
   uniform over the last 30 days, _id an ObjectId whose timestamp is
   createdAt (as the API would have made it).
5. Every user document is inserted with its final followerCount,
   followingCount and postCount (the graph is built in memory first);
   the benchmark user's are set with one update_one.
6. With --notifications M, every seeded user gets M `like' notifications
   (and the benchmark user MB, default 10 M) from random actors on their
   own posts, newest half unread (with dedupeKey, as svc_notify.c
   writes them), so GET /notifications/unread-count has data.

Inserts go BATCH documents to an insert_many (default 1000, unordered);
progress goes to stderr.

Prints one JSON object on stdout: the benchmark user's email, password
and id, document counts, the seconds each step took, and for the
benchmark routes one public post of a followee (`post') and a followee's
username (`username').
"""
import argparse
import datetime as dt
import ipaddress
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request

from bson import ObjectId
from bson.int64 import Int64
from pymongo import MongoClient

BATCH = 1000
DROP = ("users", "follows", "posts", "reactions", "bookmarks", "comments",
        "notifications", "sessions", "stories", "outbox", "counters")


def oid_at(rng, ms):
    """An ObjectId whose 4-byte timestamp is ms // 1000, the rest random."""
    return ObjectId((ms // 1000).to_bytes(4, "big") +
                    rng.getrandbits(64).to_bytes(8, "big"))


def api(url, path, body, ip):
    req = urllib.request.Request(
        url + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "X-Forwarded-For": ip})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def insert(coll, docs, batch):
    """docs into coll, batch documents to an unordered insert_many, with
    progress on stderr: the number the server acknowledged."""
    t = time.monotonic()
    n = 0
    for i in range(0, len(docs), batch):
        n += len(coll.insert_many(docs[i:i + batch],
                                  ordered=False).inserted_ids)
        k = min(i + batch, len(docs))
        el = time.monotonic() - t
        print(f"seed_feed: {coll.name} {k}/{len(docs)} ({el:.0f} s, "
              f"{k / max(el, 1e-3):.0f}/s)", file=sys.stderr, flush=True)
    return n


def notifications(rng, a, ids, posts, now_ms, span_ms):
    """--notifications M `like' notifications for each user (the benchmark
    user, ids[0], --bench-notifications), newest half unread."""
    out = []
    keys = set()
    for i, uid in enumerate(ids):
        m = a.notifications if i else a.bench_notifications
        if m < 0:
            m = 10 * a.notifications
        if a.posts == 0:
            m = 0
        mine = []
        for _ in range(m):
            ms = now_ms - rng.randrange(span_ms)
            actor = ids[(i + 1 + rng.randrange(len(ids) - 1)) % len(ids)]
            post = posts[i * a.posts + rng.randrange(a.posts)]["_id"]
            mine.append({
                "_id": oid_at(rng, ms), "userId": uid, "actorId": actor,
                "type": "like", "postId": post, "read": True,
                "createdAt": dt.datetime.fromtimestamp(ms / 1000,
                                                       dt.timezone.utc),
            })
        mine.sort(key=lambda x: x["createdAt"])
        for x in mine[len(mine) // 2:]:
            # One unread notification per key (the unique dedupeKey index).
            key = f"like:{x['actorId']}:{x['postId']}"
            if key not in keys:
                keys.add(key)
                x["read"] = False
                x["dedupeKey"] = key
        out += mine
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mongo", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--api", required=True)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--follows", type=int, default=50)
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20250716)
    ap.add_argument("--password", default="bench-password-1")
    ap.add_argument("--batch", type=int, default=BATCH)
    ap.add_argument("--notifications", type=int, default=0)
    ap.add_argument("--bench-notifications", type=int, default=-1)
    a = ap.parse_args()
    if a.follows >= a.users:
        sys.exit("seed_feed: --follows must be below --users")

    rng = random.Random(a.seed)
    t = {}
    t0 = time.monotonic()
    # A hung server (see below) becomes an error, not a wait forever.
    cli = MongoClient(a.mongo, serverSelectionTimeoutMS=5000,
                      socketTimeoutMS=300000)
    db = cli[a.db]
    # Emptied, not dropped: the indexes `vybesctl migrate' made stay and
    # are filled as the documents go in (mongo-java-server could not
    # build the follows index over 1,000,000 existing documents).
    for c in DROP:
        db[c].delete_many({})
    t["drop"] = time.monotonic() - t0

    # The benchmark user, through the API.
    t1 = time.monotonic()
    email = "bench@vybes.test"
    ip = str(ipaddress.IPv4Address(0x0A000000 | int.from_bytes(os.urandom(3),
                                                              "big")))
    st, body = api(a.api, "/api/v1/users/register",
                   {"name": "Bench User", "email": email,
                    "username": "bench_user", "password": a.password}, ip)
    if st != 201:
        sys.exit(f"seed_feed: register: {st} {body}")
    bench_id = ObjectId(body["user"]["id"])
    bench = db.users.find_one({"_id": bench_id})
    if bench is None or not bench.get("password", "").startswith("$argon2"):
        sys.exit("seed_feed: registered user not found or no Argon2 hash")
    t["register"] = time.monotonic() - t1

    # The whole graph in memory first, so every user document goes in
    # with its final counters: no multi-statement updates afterwards (a
    # bulk_write of many UpdateOne hangs FerretDB 1.24's SQLite backend,
    # see below).
    t2 = time.monotonic()
    now_ms = int(time.time() * 1000)
    span_ms = 30 * 86400 * 1000
    n = a.users
    ids = [bench_id]
    ucreated = [None]
    for i in range(1, n):
        ms = now_ms - span_ms - rng.randrange(86400 * 1000)
        ids.append(oid_at(rng, ms))
        ucreated.append(dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc))
    followers = [0] * n
    follows = []
    for i in range(n):
        # K distinct others: a sample of n - 1 slots, skipping i.
        for j in (k + (k >= i) for k in rng.sample(range(n - 1), a.follows)):
            followers[j] += 1
            ms = now_ms - rng.randrange(span_ms)
            follows.append({
                "_id": oid_at(rng, ms),
                "followerId": ids[i],
                "followingId": ids[j],
                "createdAt": dt.datetime.fromtimestamp(ms / 1000,
                                                       dt.timezone.utc),
            })
    posts = []
    vis_count = {"public": 0, "friends": 0, "private": 0}
    for i in range(n):
        for k in range(a.posts):
            ms = now_ms - rng.randrange(span_ms)
            pid = oid_at(rng, ms)
            r = rng.random()
            vis = "public" if r < 0.80 else "friends" if r < 0.92 else "private"
            vis_count[vis] += 1
            kind, ext = ("video", "mp4") if rng.random() < 0.2 else \
                ("image", "jpg")
            key = f"posts/{pid}.{ext}"
            at = dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
            posts.append({
                "_id": pid,
                "userId": ids[i],
                "contentId": pid,
                "caption": f"post {k} of user {i}",
                "contentUrl": "http://media.invalid/" + key,
                "type": kind,
                "mediaKey": key,
                "visibility": vis,
                "likeCount": Int64(0),
                "commentCount": Int64(0),
                "repostCount": Int64(0),
                "viewCount": Int64(0),
                "createdAt": at,
                "updatedAt": at,
            })
    users = []
    for i in range(1, n):
        name = f"Seed User {i:04d}"
        users.append({
            "_id": ids[i],
            "vid": Int64(bench["vid"] + i),
            "name": name,
            "nameLower": name.lower(),
            "email": f"seed{i:04d}@vybes.test",
            "username": f"seed_{i:04d}",
            "password": bench["password"],
            "walletAddress": "0x%040x" % rng.getrandbits(160),
            "encryptedPrivateKey": bench["encryptedPrivateKey"],
            "totalLikeCount": Int64(0),
            "postCount": Int64(a.posts),
            "followerCount": Int64(followers[i]),
            "followingCount": Int64(a.follows),
            "createdAt": ucreated[i],
            "updatedAt": ucreated[i],
        })
    notifs = notifications(rng, a, ids, posts, now_ms, span_ms)
    t["generate"] = time.monotonic() - t2

    # One insert command per BATCH documents.  (Updates are another
    # matter: FerretDB 1.24/SQLite keeps each statement's query open until
    # the whole update command ends, so a command of more than ~100
    # statements exhausts its connection pool and hangs for good.)
    got = {}
    for name, docs in (("users", users), ("follows", follows),
                       ("posts", posts), ("notifications", notifs)):
        t3 = time.monotonic()
        got[name] = insert(db[name], docs, a.batch)
        t[name] = time.monotonic() - t3
    got["users"] += 1
    t6 = time.monotonic()
    db.users.update_one({"_id": bench_id},
                        {"$set": {"followerCount": Int64(followers[0]),
                                  "followingCount": Int64(a.follows),
                                  "postCount": Int64(a.posts)}})
    # Later registrations must not reuse a seeded vid.
    db.counters.update_one({"_id": "user_vid"},
                           {"$max": {"seq": Int64(bench["vid"] + n - 1)}},
                           upsert=True)
    t["counters"] = time.monotonic() - t6

    # Check: what the server acknowledged is what was meant (counting
    # scans every document on FerretDB: minutes at 500,000 posts).
    want = {"users": n, "follows": n * a.follows, "posts": n * a.posts,
            "notifications": len(notifs)}
    if got != want:
        sys.exit(f"seed_feed: counts {got}, expected {want}")
    b = db.users.find_one({"_id": bench_id})
    if (b["followingCount"], b["followerCount"], b["postCount"]) != \
            (a.follows, followers[0], a.posts):
        sys.exit(f"seed_feed: benchmark user's counters wrong: {b}")
    t["total"] = time.monotonic() - t0

    # The benchmark user's view, to check the feed against.
    fe = {f["followingId"] for f in follows if f["followerId"] == bench_id}
    mutual = {f["followerId"] for f in follows
              if f["followingId"] == bench_id and f["followerId"] in fe}
    json.dump({
        "email": email, "password": a.password, "id": str(bench_id),
        "ip": ip, "counts": got, "visibility": vis_count,
        "bench_followees": len(fe), "bench_mutuals": len(mutual),
        "bench_followers": followers[0],
        "seconds": {k: round(v, 2) for k, v in t.items()},
        "fe": sorted(str(x) for x in fe),
        "post": next((str(p["_id"]) for p in posts if p["userId"] in fe and
                      p["visibility"] == "public"), None),
        "username": f"seed_{ids.index(min(fe - {bench_id})):04d}",
        "unread": sum(1 for x in notifs
                      if x["userId"] == bench_id and not x["read"]),
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
