"""Every MongoDB query of src/db_*.c is served by an index (issue 11).

SHAPES below has one entry per query the C code issues (find, count,
update, delete, findAndModify, aggregate), named after the function that
builds it, with a realistic filter built from data this module creates
through the API.  Each entry says which fields an index must bound:

- `eq`: fields compared for equality (or $in, a set of points), which
  may lead the index in any order;
- `sort`: the sort, which must follow the equality fields in the index,
  every direction as written or every one reversed;
- `rng`: a range field (a prefix regex, $lte) when there is no sort;
- `residual`: filter fields no index bounds, checked on each document the
  index yields (visibility, expiresAt, the conditions of an update by
  _id);
- `memsort`: set where the sort is knowingly done in memory over what
  the index bounds (with the reason);
- `scan`: set where the query reads the whole collection by design (the
  recount job), with the reason.

test_every_shape_has_an_index checks MongoDB's prefix rule against the
indexes of the live database (listIndexes, after `vybesctl migrate`,
which `scripts/vybes-dev up` runs) and the db_indexes table of
src/db_mongo.c that migrate creates: it fails when an index is dropped
from the table, or changed so that it no longer serves a shape.  It
proves nothing about the C code itself: the table is written by hand
from src/db_*.c (each function there names its index in an `Index:`
comment), and a new query needs a new entry here.

test_explain_each_shape runs `explain` for each shape: the find with the
shape's filter, sort and limit (for a count, update, delete or
findAndModify the find of the same filter, which selects the documents
the same way), or the aggregation itself.  What it can assert depends on
the server:
- MongoDB (buildInfo without ferretdbVersion): no COLLSCAN in the winning
  plan of an indexed shape, and no blocking SORT stage where `sort` is
  indexed.  This is the real check, but it is not exercised on the local
  stack (no mongod here), and the planner's choice on a tiny collection
  says little about its choice on a large one.
- FerretDB 1.24: its plans are its own.  The SQLite handler pushes a
  filter down only when it is exactly {_id: value} (DESIGN.md section 4
  says what the PostgreSQL one pushes), so all this test asserts is that
  those pure _id lookups are pushed down.  It cannot show that the
  indexes of the table are used: FerretDB creates them, but on SQLite no
  query of ours reaches them, and even the pushed-down _id lookup is
  planned as a table SCAN (its WHERE clause reads `->'$._id'`, its index
  is on `->"_id"`, and SQLite matches index expressions as written).
- A server without explain (mongo-java-server): that part is skipped,
  with a warning naming the server's answer.  (Recent pymongo 4 releases
  refuse mongo-java-server's wire version 8: the whole module is then
  skipped, with a warning; Debian's python3-pymongo 3.11 talks to it.)
The index found for each shape is written to
$VYBES_RUN/log/query-indexes.txt, the plans to query-explain.txt.
"""

import os
import re
import warnings
from collections import namedtuple
from pathlib import Path

import pytest
from bson import ObjectId
from pymongo import MongoClient
from pymongo import version as pymongo_version
from pymongo.errors import ConfigurationError, OperationFailure

from vybestest import (REPO, Front, api, create_post, create_story, follow,
                       new_account)

Shape = namedtuple("Shape", "name coll q sort eq rng residual limit "
                   "pipeline memsort scan")


def shape(name, coll, q, sort=(), eq=(), rng=None, residual=(), limit=20,
          pipeline=None, memsort=None, scan=None):
    return Shape(name, coll, q, tuple(sort), tuple(eq), rng,
                 tuple(residual), limit, pipeline, memsort, scan)


def tally(coll, field, match=None, total=1):
    """A $group of db_tally (the recount job), which reads every
    document of coll once by design."""
    def pipeline(s):
        group = {"$group": {"_id": "$" + field, "n": {"$sum": total}}}
        return [group] if match is None else [{"$match": match}, group]
    name = "db_tally %s by %s%s" % (coll, field,
                                    "" if total == 1 else " of " + total)
    return shape(name, coll, lambda s: None,
                 pipeline=pipeline,
                 scan="recount job: counts every document once")


NEWEST = (("createdAt", -1), ("_id", -1))


def page_after(s, key="createdAt"):
    """The keyset condition of a second page (db_page_apply)."""
    return [{key: {"$lt": s.at}}, {key: s.at, "_id": {"$lt": s.post}}]


# One entry per query of src/db_*.c; q builds the filter from the seed s.
SHAPES = [
    # db_mongo.c
    shape("db_lock insert-race delete", "locks",
          lambda s: {"_id": "posts:" + str(s.post), "at": {"$lt": s.at}},
          eq=["_id"], residual=["at"]),
    shape("db_unlock", "locks", lambda s: {"_id": "posts:" + str(s.post)},
          eq=["_id"]),
    shape("db_inc / db_find_id / db_delete_id", "posts",
          lambda s: {"_id": s.post}, eq=["_id"]),
    # db_users.c
    shape("db_user_by_id", "users", lambda s: {"_id": s.a}, eq=["_id"]),
    shape("db_user_by_str email", "users", lambda s: {"email": s.a_email},
          eq=["email"]),
    shape("db_user_by_str username", "users",
          lambda s: {"username": s.a_name}, eq=["username"]),
    shape("db_user_by_vid", "users", lambda s: {"vid": s.a_vid},
          eq=["vid"]),
    shape("db_user_next_vid", "counters", lambda s: {"_id": "user_vid"},
          eq=["_id"]),
    shape("db_user_update (otp conditions)", "users",
          lambda s: {"_id": s.a, "otpHash": "x",
                     "otpExpires": {"$gt": s.at}},
          eq=["_id"], residual=["otpHash", "otpExpires"]),
    shape("db_follow_state", "follows",
          lambda s: {"$or": [{"followerId": s.a, "followingId": s.b},
                             {"followerId": s.b, "followingId": s.a}]},
          eq=["followerId", "followingId"]),
    shape("db_user_get_many", "users",
          lambda s: {"_id": {"$in": [s.a, s.b]}}, eq=["_id"]),
    shape("db_relations following", "follows",
          lambda s: {"followerId": s.a, "followingId": {"$in": [s.b]}},
          eq=["followerId", "followingId"]),
    shape("db_relations followed", "follows",
          lambda s: {"followingId": s.a, "followerId": {"$in": [s.b]}},
          eq=["followingId", "followerId"]),
    shape("db_relations blocking", "blocks",
          lambda s: {"userId": s.a, "targetId": {"$in": [s.b]}},
          eq=["userId", "targetId"]),
    shape("db_relations blocked", "blocks",
          lambda s: {"targetId": s.a, "userId": {"$in": [s.b]}},
          eq=["targetId", "userId"]),
    shape("db_relations muting", "mutes",
          lambda s: {"userId": s.a, "targetId": {"$in": [s.b]}},
          eq=["userId", "targetId"]),
    shape("db_relations gone", "users",
          lambda s: {"_id": {"$in": [s.a, s.b]}, "state": {"$exists": True}},
          eq=["_id"], residual=["state"]),
    shape("db_user_gone_ids", "users",
          lambda s: {"state": {"$exists": True}}, rng="state", limit=0),
    # db_blocks.c
    shape("db_restrict_set (relation delete)", "blocks",
          lambda s: {"userId": s.a, "targetId": s.b},
          eq=["userId", "targetId"]),
    shape("db_restrict_ids blocks", "blocks", lambda s: {"userId": s.a},
          eq=["userId"]),
    shape("db_restrict_ids blocked by", "blocks",
          lambda s: {"targetId": s.a}, eq=["targetId"]),
    shape("db_restrict_ids mutes", "mutes", lambda s: {"userId": s.a},
          eq=["userId"]),
    shape("db_restrict_list blocks", "blocks",
          lambda s: {"userId": s.a, "$or": page_after(s)},
          sort=NEWEST, eq=["userId"]),
    shape("db_restrict_list mutes", "mutes", lambda s: {"userId": s.a},
          sort=NEWEST, eq=["userId"]),
    shape("db_blocked_either", "blocks",
          lambda s: {"$or": [{"userId": s.a, "targetId": s.b},
                             {"userId": s.b, "targetId": s.a}]},
          eq=["userId", "targetId"]),
    # db_follows.c
    shape("db_follow_set (relation delete)", "follows",
          lambda s: {"followerId": s.b, "followingId": s.a},
          eq=["followerId", "followingId"]),
    shape("db_followees", "follows", lambda s: {"followerId": s.b},
          sort=[("_id", -1)], eq=["followerId"]),
    shape("db_follow_ids followers", "follows",
          lambda s: {"followingId": s.a}, eq=["followingId"]),
    shape("db_follow_ids followees", "follows",
          lambda s: {"followerId": s.b}, eq=["followerId"]),
    shape("db_follow_list followers", "follows",
          lambda s: {"followingId": s.a, "$or": page_after(s)},
          sort=NEWEST, eq=["followingId"]),
    shape("db_follow_list followees", "follows",
          lambda s: {"followerId": s.b}, sort=NEWEST, eq=["followerId"]),
    shape("db_user_search username", "users",
          lambda s: {"username": {"$regex": "^" + s.a_name[:4]}},
          sort=[("username", 1)], rng="username"),
    shape("db_user_search nameLower", "users",
          lambda s: {"nameLower": {"$regex": "^index"}},
          sort=[("username", 1)], rng="nameLower",
          memsort="sorted by username, matched on nameLower: no index "
                  "serves both; the matches of one prefix are sorted"),
    shape("db_follow_candidates", "follows", lambda s: None,
          eq=["followerId"], residual=["followingId"],
          pipeline=lambda s: [
              {"$match": {"followerId": {"$in": [s.a, s.b]},
                          "followingId": {"$nin": [s.a, s.b]}}},
              {"$group": {"_id": "$followingId", "n": {"$sum": 1}}},
              {"$sort": {"n": -1, "_id": 1}}, {"$limit": 20}]),
    shape("db_user_most_followed", "users",
          lambda s: {"_id": {"$nin": [s.a, s.b]}},
          sort=[("followerCount", -1), ("_id", 1)], residual=["_id"]),
    shape("db_user_followed_over", "users",
          lambda s: {"followerCount": {"$gt": 10000}}, rng="followerCount",
          limit=0),
    # db_posts.c
    shape("db_repost_find", "posts",
          lambda s: {"userId": s.b, "originalPostId": s.post},
          eq=["userId", "originalPostId"]),
    shape("db_post_delete (repost notification)", "notifications",
          lambda s: {"type": "repost", "actorId": s.b, "postId": s.post},
          eq=["postId", "actorId"], residual=["type"]),
    shape("db_post_cascade reposts (find, delete)", "posts",
          lambda s: {"originalPostId": s.post}, eq=["originalPostId"]),
    shape("db_post_cascade comments", "comments",
          lambda s: {"postId": s.post}, eq=["postId"]),
    shape("db_post_cascade reactions", "reactions",
          lambda s: {"postId": s.post}, eq=["postId"]),
    shape("db_post_cascade bookmarks", "bookmarks",
          lambda s: {"postId": s.post}, eq=["postId"]),
    shape("db_post_cascade notifications", "notifications",
          lambda s: {"postId": s.post}, eq=["postId"]),
    shape("db_like_set (relation delete)", "reactions",
          lambda s: {"userId": s.b, "postId": s.post,
                     "reactionType": "like"},
          eq=["userId", "postId", "reactionType"]),
    shape("db_bookmark_set (relation delete)", "bookmarks",
          lambda s: {"userId": s.b, "postId": s.post},
          eq=["userId", "postId"]),
    shape("db_comment_delete notification", "notifications",
          lambda s: {"commentId": s.comment}, eq=["commentId"]),
    shape("db_comment_list", "comments",
          lambda s: {"postId": s.post, "$or": page_after(s)},
          sort=NEWEST, eq=["postId"]),
    shape("db_post_list_user", "posts",
          lambda s: {"userId": s.a, "originalPostId": {"$exists": False},
                     "visibility": {"$in": ["public", "friends"]}},
          sort=NEWEST, eq=["userId"],
          residual=["originalPostId", "visibility"]),
    shape("db_bookmark_list", "bookmarks", lambda s: {"userId": s.b},
          sort=NEWEST, eq=["userId"]),
    shape("db_marks liked", "reactions",
          lambda s: {"userId": s.b, "postId": {"$in": [s.post]}},
          eq=["userId", "postId"]),
    shape("db_marks bookmarked", "bookmarks",
          lambda s: {"userId": s.b, "postId": {"$in": [s.post]}},
          eq=["userId", "postId"]),
    shape("db_marks reposted", "posts",
          lambda s: {"userId": s.b, "originalPostId": {"$in": [s.post]}},
          eq=["userId", "originalPostId"]),
    shape("db_mark_ids likes", "reactions",
          lambda s: {"userId": s.b, "reactionType": "like"},
          eq=["userId"], residual=["reactionType"]),
    shape("db_mark_ids bookmarks", "bookmarks", lambda s: {"userId": s.b},
          eq=["userId"]),
    shape("db_mark_ids reposts", "posts",
          lambda s: {"userId": s.b, "originalPostId": {"$exists": True}},
          eq=["userId"], residual=["originalPostId"]),
    shape("db_post_feed", "posts",
          lambda s: {"$and": [
              {"$or": [{"userId": s.b},
                       {"userId": {"$in": [s.a]}, "visibility": "public"},
                       {"userId": {"$in": [s.a]},
                        "visibility": {"$in": ["public", "friends"]}}]},
              {"$or": page_after(s)}]},
          sort=NEWEST, eq=["userId"], residual=["visibility"]),
    # db_notifications.c
    shape("db_notif_list", "notifications", lambda s: {"userId": s.a},
          sort=NEWEST, eq=["userId"]),
    shape("db_notif_unread (count)", "notifications",
          lambda s: {"userId": s.a, "read": False,
                     "actorId": {"$nin": [s.b]}},
          eq=["userId", "read"], residual=["actorId"]),
    shape("db_notif_unread_of", "notifications",
          lambda s: {"actorId": s.b, "read": False}, eq=["actorId"],
          residual=["read"], limit=0),
    shape("db_notif_mark_read all (update)", "notifications",
          lambda s: {"userId": s.a, "read": False}, eq=["userId", "read"]),
    shape("db_notif_mark_read ids (update)", "notifications",
          lambda s: {"userId": s.a, "read": False,
                     "_id": {"$in": [s.post]}},
          eq=["userId", "read"], residual=["_id"]),
    # db_stories.c
    shape("db_story_get", "stories",
          lambda s: {"_id": s.story, "expiresAt": {"$gt": s.at}},
          eq=["_id"], residual=["expiresAt"]),
    shape("db_story_feed", "stories",
          lambda s: {"userId": {"$in": [s.a, s.b]},
                     "expiresAt": {"$gt": s.at}},
          sort=NEWEST, eq=["userId"], residual=["expiresAt"]),
    shape("db_story_expired", "stories",
          lambda s: {"expiresAt": {"$lte": s.at}}, rng="expiresAt",
          limit=100),
    # db_uploads.c (any ObjectId stands for an upload's)
    shape("db_upload_claim (update)", "uploads",
          lambda s: {"_id": s.post, "userId": s.a, "purpose": "post",
                     "used": False, "expiresAt": {"$gt": s.at}},
          eq=["_id"], residual=["userId", "purpose", "used", "expiresAt"]),
    shape("db_upload_claim (the claimed one), db_upload_unclaim, "
          "db_upload_delete", "uploads", lambda s: {"_id": s.post},
          eq=["_id"]),
    shape("db_upload_expired", "uploads",
          lambda s: {"expiresAt": {"$lte": s.at}}, rng="expiresAt",
          limit=200),
    # db_media.c (on posts and stories alike)
    shape("db_media_claim (update)", "posts",
          lambda s: {"_id": s.post, "mediaStatus": "processing",
                     "mediaPending": {"$lte": s.at}},
          eq=["_id"], residual=["mediaStatus", "mediaPending"]),
    shape("db_media_set (update)", "stories",
          lambda s: {"_id": s.story, "mediaStatus": "processing"},
          eq=["_id"], residual=["mediaStatus"]),
    shape("db_media_due posts", "posts",
          lambda s: {"mediaPending": {"$lte": s.at}}, rng="mediaPending"),
    shape("db_media_due stories", "stories",
          lambda s: {"mediaPending": {"$lte": s.at}}, rng="mediaPending"),
    # db_reports.c
    shape("db_report_insert (the first report)", "reports",
          lambda s: {"openKey": "%s:post:%s" % (s.b, s.post)},
          eq=["openKey"]),
    shape("db_report_list_open", "reports", lambda s: {"status": "open"},
          sort=[("createdAt", 1)], eq=["status"]),
    shape("db_report_close one (update)", "reports",
          lambda s: {"_id": s.post, "status": "open"}, eq=["_id"],
          residual=["status"]),
    shape("db_report_close target (update)", "reports",
          lambda s: {"targetId": s.post, "status": "open"},
          eq=["targetId", "status"]),
    # db_purge.c (the deletes and counts of a purge, by the user's id
    # or the ids of its posts; those of the shapes above are not repeated)
    shape("db_purge_due", "users",
          lambda s: {"state": "deleted", "deletedAt": {"$lte": s.at}},
          eq=["state"], residual=["deletedAt"], limit=0),
    shape("db_purge_journal likes / remove likes", "reactions",
          lambda s: {"userId": s.b}, eq=["userId"], limit=0),
    shape("db_purge_journal comments / remove comments", "comments",
          lambda s: {"userId": s.b}, eq=["userId"], limit=0),
    shape("db_purge_journal posts / remove posts / recount", "posts",
          lambda s: {"userId": s.a}, eq=["userId"], limit=0),
    shape("db_purge_originals / recount totalLikeCount", "posts",
          lambda s: {"userId": s.a, "originalPostId": {"$exists": False}},
          eq=["userId"], residual=["originalPostId"], limit=0),
    shape("db_purge_journal authors", "posts",
          lambda s: {"_id": {"$in": [s.post]}}, eq=["_id"], limit=0),
    shape("db_purge_remove others' reposts", "posts",
          lambda s: {"originalPostId": {"$in": [s.post]}},
          eq=["originalPostId"], limit=0),
    shape("db_purge_remove hanging comments", "comments",
          lambda s: {"postId": {"$in": [s.post]}}, eq=["postId"], limit=0),
    shape("db_purge_remove hanging likes / recount likeCount", "reactions",
          lambda s: {"postId": s.post, "reactionType": "like"},
          eq=["postId"], residual=["reactionType"], limit=0),
    shape("db_purge_remove hanging bookmarks", "bookmarks",
          lambda s: {"postId": {"$in": [s.post]}}, eq=["postId"], limit=0),
    shape("db_purge_remove hanging notifications", "notifications",
          lambda s: {"postId": {"$in": [s.post]}}, eq=["postId"], limit=0),
    shape("db_purge_remove bookmarks", "bookmarks",
          lambda s: {"userId": s.b}, eq=["userId"], limit=0),
    shape("db_purge_remove notifications to", "notifications",
          lambda s: {"userId": s.a}, eq=["userId"], limit=0),
    shape("db_purge_remove stories", "stories", lambda s: {"userId": s.a},
          eq=["userId"], limit=0),
    shape("db_purge_remove sessions", "sessions",
          lambda s: {"user_id": s.a}, eq=["user_id"], limit=0),
    shape("db_purge_remove reports", "reports",
          lambda s: {"reporterId": s.b}, eq=["reporterId"], limit=0),
    shape("db_purge_remove blocks by", "blocks",
          lambda s: {"targetId": s.a}, eq=["targetId"], limit=0),
    shape("db_purge_remove mutes by", "mutes", lambda s: {"targetId": s.a},
          eq=["targetId"], limit=0),
    shape("db_purge_journal / finish", "purges", lambda s: {"_id": s.a},
          eq=["_id"]),
    # db_sessions.c
    shape("db_session_get", "sessions", lambda s: {"_id": s.session},
          eq=["_id"]),
    shape("db_session_by_refresh", "sessions",
          lambda s: {"refresh_token_hash": s.rth},
          eq=["refresh_token_hash"]),
    shape("db_session_by_refresh rotated", "sessions",
          lambda s: {"rotated_hashes": s.rth}, eq=["rotated_hashes"]),
    shape("db_session_rotate (update)", "sessions",
          lambda s: {"_id": s.session, "refresh_token_hash": s.rth,
                     "is_blocked": False},
          eq=["_id"], residual=["refresh_token_hash", "is_blocked"]),
    shape("db_session_block (update)", "sessions",
          lambda s: {"_id": s.session, "user_id": s.a}, eq=["_id"],
          residual=["user_id"]),
    shape("db_session_block_all", "sessions", lambda s: {"user_id": s.a},
          eq=["user_id"]),
    shape("db_session_list", "sessions",
          lambda s: {"user_id": s.a, "expires_at": {"$gt": s.at},
                     "$or": page_after(s, "created_at")},
          sort=(("created_at", -1), ("_id", -1)), eq=["user_id"],
          residual=["expires_at"]),
    # db_outbox.c
    shape("db_outbox_list / db_outbox_replay", "outbox", lambda s: {},
          sort=[("_id", 1)], limit=100),
    shape("db_outbox_delete", "outbox", lambda s: {"_id": s.post},
          eq=["_id"]),
    # db_recount.c
    shape("db_recount_request / db_recount_take", "jobs",
          lambda s: {"_id": "recount"}, eq=["_id"]),
    tally("reactions", "postId"),
    tally("comments", "postId"),
    tally("posts", "originalPostId",
          {"originalPostId": {"$exists": True}}),
    tally("posts", "userId"),
    tally("posts", "userId", {"originalPostId": {"$exists": False}},
          "$likeCount"),
    tally("follows", "followingId"),
    tally("follows", "followerId"),
    shape("db_fix posts", "posts", lambda s: {},
          scan="recount job: reads every document once", limit=0),
    shape("db_fix users", "users", lambda s: {},
          scan="recount job: reads every document once", limit=0),
]


# ---------------------------------------------------------------- indexes

def table_indexes():
    """{coll: [keys]} of the db_indexes table of src/db_mongo.c, keys a
    list of (field, direction)."""
    src = (REPO / "src" / "db_mongo.c").read_text()
    body = re.search(r"db_indexes\[\] = \{(.*?)\n\};", src, re.S).group(1)
    out = {}
    for coll, keys in re.findall(r'\{ "(\w+)", "([^"]+)",', body):
        out.setdefault(coll, []).append(
            [(k.lstrip("-"), -1 if k.startswith("-") else 1)
             for k in keys.split(",")])
    return out


def live_indexes(db, coll):
    return [[(f, 1 if d > 0 else -1) for f, d in ix["key"].items()]
            for ix in db[coll].list_indexes()]


def serves(keys, sh):
    """Does an index with these keys serve shape sh (the prefix rule)?"""
    n = len(sh.eq)
    if len(keys) < n or {f for f, _ in keys[:n]} != set(sh.eq):
        return False
    rest = keys[n:]
    if sh.sort and not sh.memsort:
        got = rest[:len(sh.sort)]
        if [f for f, _ in got] != [f for f, _ in sh.sort]:
            return False
        dirs = [d * w for (_, d), (_, w) in zip(got, sh.sort)]
        return len(set(dirs)) == 1
    if sh.rng is not None:
        return bool(rest) and rest[0][0] == sh.rng
    return n > 0


def fmt_keys(keys):
    return "{%s}" % ", ".join("%s: %d" % k for k in keys)


def report(name, title, lines):
    """Write lines under $VYBES_RUN/log/name (and to the captured
    output)."""
    out = Path(os.environ["VYBES_RUN"]) / "log" / name
    out.write_text("%s\n%s\n" % (title, "\n".join(lines)))
    print(out.read_text())


# ---------------------------------------------------------------- data

class Seed:
    """Ids of the documents the shapes' filters name."""


@pytest.fixture(scope="module")
def db(stack):
    cli = MongoClient(os.environ["VYBES_MONGO_URI"],
                      serverSelectionTimeoutMS=5000)
    try:
        cli.admin.command("ping")
    except ConfigurationError as exc:
        # pymongo 4 refuses servers older than wire version 9, which
        # mongo-java-server reports; Debian's python3-pymongo 3.11 does not.
        why = "pymongo %s cannot talk to this server (%s): query indexes " \
              "not checked" % (pymongo_version, exc)
        warnings.warn(why)
        pytest.skip(why)
    yield cli[os.environ["VYBES_DB_NAME"]]
    cli.close()


@pytest.fixture(scope="module")
def seed(stack, db):
    """Two users who follow each other, a post of a that b likes,
    comments, bookmarks and reposts, and a story of a: made through the
    API, so every collection holds what the service writes."""
    front = Front("nginx", stack.urls["nginx"])
    a, b = new_account(front, prefix="ix"), new_account(front, prefix="ix")
    follow(b, a)
    follow(a, b)
    p = create_post(a, "png", caption="indexes")
    for path, body in (("like", None), ("bookmark", None),
                       ("comments", {"text": "indexed"}), ("repost", None)):
        r = api(b, "POST", "/posts/%s/%s" % (p["id"], path), body=body)
        assert r.status in (200, 201), r
    story = create_story(a, "png")
    s = Seed()
    s.a, s.b = ObjectId(a.id), ObjectId(b.id)
    s.post, s.story = ObjectId(p["id"]), ObjectId(story["id"])
    doc = db.users.find_one({"_id": s.a})
    s.a_email, s.a_name, s.a_vid = doc["email"], doc["username"], doc["vid"]
    s.at = db.posts.find_one({"_id": s.post})["createdAt"]
    s.comment = db.comments.find_one({"postId": s.post})["_id"]
    sess = db.sessions.find_one({"_id": ObjectId(a.sid)})
    s.session, s.rth = sess["_id"], sess["refresh_token_hash"]
    # A collection the service has not written yet (jobs, before the
    # first recount) exists, with its _id index, from its first write on.
    have = set(db.list_collection_names())
    for coll in {sh.coll for sh in SHAPES} - have:
        db.create_collection(coll)
    return s


# ---------------------------------------------------------------- tests

def test_table_is_migrated(db):
    """Every index of the table exists in the live database."""
    missing = ["%s %s" % (coll, keys)
               for coll, ixs in table_indexes().items()
               for keys in ixs if keys not in live_indexes(db, coll)]
    assert not missing, "not created by vybesctl migrate: %s" % missing


def test_every_shape_has_an_index(db, seed):
    table = table_indexes()
    lines, bad = [], []
    for sh in SHAPES:
        if sh.scan:
            lines.append("%-45s %s: none (%s)" % (sh.name, sh.coll, sh.scan))
            continue
        declared = table.get(sh.coll, []) + [[("_id", 1)]]
        ok = [k for k in live_indexes(db, sh.coll)
              if k in declared and serves(k, sh)]
        lines.append("%-45s %s: %s%s%s" % (
            sh.name, sh.coll, " or ".join(fmt_keys(k) for k in ok),
            " residual %s" % list(sh.residual) if sh.residual else "",
            " sort in memory" if sh.memsort else ""))
        if not ok:
            bad.append("%s: %s eq=%s sort=%s rng=%s" % (
                sh.name, sh.coll, list(sh.eq), list(sh.sort), sh.rng))
    report("query-indexes.txt", "index of each query shape", lines)
    assert not bad, "no index serves:\n  " + "\n  ".join(bad)


def explain(db, sh, s):
    if sh.pipeline is not None:
        cmd = {"aggregate": sh.coll, "pipeline": sh.pipeline(s),
               "cursor": {}}
    else:
        cmd = {"find": sh.coll, "filter": sh.q(s)}
        if sh.sort:
            cmd["sort"] = dict(sh.sort)
        if sh.limit:
            cmd["limit"] = sh.limit
    return db.command("explain", cmd, verbosity="queryPlanner")


def stages(doc):
    """Every plan stage name anywhere in an explain answer."""
    if isinstance(doc, dict):
        out = [doc["stage"]] if isinstance(doc.get("stage"), str) else []
        for v in doc.values():
            out += stages(v)
        return out
    if isinstance(doc, list):
        return [x for v in doc for x in stages(v)]
    return []


def test_explain_each_shape(db, seed, stack):
    ferret = db.client.admin.command("buildInfo").get("ferretdbVersion")
    try:
        explain(db, SHAPES[0], seed)
    except OperationFailure as exc:
        why = "explain not supported by this server (%s): plans not " \
              "checked" % exc
        warnings.warn(why)
        pytest.skip(why)
    lines, bad = [], []
    for sh in SHAPES:
        res = explain(db, sh, seed)
        if ferret:
            plan = res.get("queryPlanner", {})
            lines.append("%-45s filterPushdown=%s sortPushdown=%s plan=%s" % (
                sh.name, res.get("filterPushdown"), res.get("sortPushdown"),
                plan.get("Plan", plan)))
            q = sh.q(seed) if sh.pipeline is None else None
            if q is not None and list(q) == ["_id"] and \
                    not isinstance(q["_id"], dict) and \
                    res.get("filterPushdown") is not True:
                bad.append("%s: _id lookup not pushed down" % sh.name)
            continue
        st = stages(res)
        lines.append("%-45s stages=%s" % (sh.name, st))
        if sh.scan:
            continue
        if "COLLSCAN" in st:
            bad.append("%s: COLLSCAN %s" % (sh.name, st))
        if sh.sort and not sh.memsort and "SORT" in st:
            bad.append("%s: blocking SORT %s" % (sh.name, st))
    report("query-explain.txt", "explain on %s" % (
        "FerretDB %s" % ferret if ferret else "MongoDB"), lines)
    assert not bad, "\n".join(bad)
