"""Shared helpers of the safety tests (API.md 6.1-6.3): ids of a list
answer, vybesctl, and the stored documents of one user."""

import os
import subprocess

from bson import ObjectId

from vybestest import api, build_dir
from oracle import db


def ids(r):
    """The ids of a 200 list answer."""
    assert r.status == 200, r
    return [x["id"] for x in r.json()]


def feed_ids(acct, path="/feeds/for-you"):
    return ids(api(acct, "GET", path + "?limit=100"))


def vybesctl(*args, expect=0):
    """Run vybesctl on the stack's configuration; returns its stdout."""
    r = subprocess.run([str(build_dir() / "vybesctl"), "-f",
                        os.environ["VYBES_CONF"]] + list(args),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == expect, (args, r.returncode, r.stdout, r.stderr)
    return r.stdout


# Every collection with a field naming a user, and that field.
USER_FIELDS = (
    ("users", "_id"), ("posts", "userId"), ("comments", "userId"),
    ("reactions", "userId"), ("bookmarks", "userId"),
    ("follows", "followerId"), ("follows", "followingId"),
    ("notifications", "userId"), ("notifications", "actorId"),
    ("stories", "userId"), ("sessions", "user_id"),
    ("reports", "reporterId"), ("blocks", "userId"), ("blocks", "targetId"),
    ("mutes", "userId"), ("mutes", "targetId"), ("purges", "_id"),
)


def stored_of(uid, post_ids=()):
    """{collection.field: count} of the documents that still name user
    uid, or one of its posts (post_ids), where any."""
    d, o = db(), ObjectId(uid)
    out = {}
    for coll, field in USER_FIELDS:
        n = d[coll].count_documents({field: o})
        if n:
            out["%s.%s" % (coll, field)] = n
    p = [ObjectId(x) for x in post_ids]
    for coll, field in (("posts", "originalPostId"), ("comments", "postId"),
                        ("reactions", "postId"), ("bookmarks", "postId"),
                        ("notifications", "postId"), ("posts", "_id")):
        n = d[coll].count_documents({field: {"$in": p}}) if p else 0
        if n:
            out["%s.%s" % (coll, field)] = n
    return out
