"""POST/DELETE /posts/:postID/like: bodies, idempotence and exact counters
under concurrency (API.md 3.3.10, 3.3.11, 1.8)."""

import random

from vybestest import (api, assert_json_error, assert_validation, create_post,
                       get_post, get_user, new_account, new_accounts,
                       run_threads)


def _like(u, pid):
    return api(u, "POST", "/posts/%s/like" % pid, timeout=60)


def _unlike(u, pid):
    return api(u, "DELETE", "/posts/%s/like" % pid, timeout=60)


def test_like_bodies_and_idempotence(front):
    a, b = new_account(front), new_account(front)
    p = create_post(a, "png")
    r = _like(b, p["id"])
    assert r.status == 200, r
    assert r.json() == {"message": "Post liked successfully", "liked": True,
                        "likeCount": 1}, r.json()
    r = _like(b, p["id"])
    assert r.json() == {"message": "Post liked successfully", "liked": True,
                        "likeCount": 1}, r.json()
    g = get_post(b, p["id"]).json()
    assert g["likeCount"] == 1 and g["likedByMe"] is True, g
    assert get_post(a, p["id"]).json()["likedByMe"] is False
    assert get_user(a, a.username)["totalLikeCount"] == 1
    r = _unlike(b, p["id"])
    assert r.status == 200 and r.json() == {
        "message": "Post unliked successfully", "liked": False,
        "likeCount": 0}, r.json()
    # Unlike of an absent like: 200, no change.
    r = _unlike(b, p["id"])
    assert r.status == 200 and r.json()["likeCount"] == 0, r
    _like(a, p["id"])           # the author may like their own post
    r = _unlike(b, p["id"])
    assert r.json() == {"message": "Post unliked successfully",
                        "liked": False, "likeCount": 1}, r.json()
    assert get_user(a, a.username)["totalLikeCount"] == 1
    # A missing post: like 404, unlike 200 without likeCount.
    missing = "0123456789abcdef01234567"
    assert_json_error(_like(b, missing), 404, "not_found")
    r = _unlike(b, missing)
    assert r.status == 200 and r.json() == {
        "message": "Post unliked successfully", "liked": False}, r.json()
    assert_validation(_like(b, "1234"), "postID")
    assert_validation(_unlike(b, "1234"), "postID")


def test_concurrent_likes_exact(front):
    a = new_account(front)
    p = create_post(a, "jpg")
    users = new_accounts(front, 50)
    res = run_threads(_like, [(u, p["id"]) for u in users])
    assert all(r.status == 200 for r in res), \
        [r for r in res if r.status != 200][:3]
    # Every like is stored (likedByMe for each), and the counter says so.
    liked = sum(1 for u in users
                if get_post(u, p["id"]).json()["likedByMe"] is True)
    assert liked == 50, liked
    count = get_post(a, p["id"]).json()["likeCount"]
    assert count == 50, "likeCount %d after 50 concurrent likes (%d " \
        "likes stored): lost counter updates" % (count, liked)
    assert max(r.json()["likeCount"] for r in res) == 50
    assert get_user(a, a.username)["totalLikeCount"] == 50



def test_like_unlike_storm_consistent(front):
    a = new_account(front)
    p = create_post(a, "jpg")
    users = new_accounts(front, 30)
    for u in users:                 # one at a time: a known start
        assert _like(u, p["id"]).status == 200
    assert get_post(a, p["id"]).json()["likeCount"] == 30
    # A storm: each user toggles concurrently a few times; the final
    # action of each is known.
    rnd = random.Random(7)
    plans = []
    for u in users:
        n = rnd.randrange(2, 5)
        plans.append([rnd.choice((True, False)) for _ in range(n)])

    def storm(u, plan):
        for like in plan:
            r = (_like if like else _unlike)(u, p["id"])
            assert r.status == 200, r
        return plan[-1]

    last = run_threads(storm, list(zip(users, plans)))
    want = sum(1 for x in last if x)
    assert 0 < want < 30, want
    g = get_post(a, p["id"]).json()
    assert g["likeCount"] == want, (g["likeCount"], want)
    assert get_user(a, a.username)["totalLikeCount"] == want
    # Each user's own view agrees with their last action.
    for u, liked in list(zip(users, last))[:10]:
        assert get_post(u, p["id"]).json()["likedByMe"] is liked
