"""Follows, friendship status, followers/following lists and the
visibility of friends posts across follow and unfollow (API.md 1.7, 2.3,
2.4, 3.2.1, 3.2.3-3.2.6)."""


from vybestest import (api, assert_json_error, create_post, follow,
                       new_accounts_retry, Client, unique_email,
                       get_post, get_user, new_account,
                       page_walk, run_threads, SECRET_KEYS, find_keys)


def status_of(viewer, other):
    return get_user(viewer, other.username)["friendshipStatus"]


def counts(viewer, user):
    p = get_user(viewer, user.username)
    return p["followerCount"], p["followingCount"]


def test_friendship_status_four_states_and_bodies(front):
    a, b = new_accounts_retry(front, 2)
    assert status_of(a, b) == "none"
    assert status_of(b, a) == "none"
    assert get_user(a, a.username)["friendshipStatus"] == "none"

    r = follow(a, b)
    assert r.json() == {"message": "Successfully followed user",
                        "friendshipStatus": "following"}
    assert status_of(a, b) == "following"
    assert status_of(b, a) == "follows_you"

    r = follow(b, a)
    assert r.json() == {"message": "Successfully followed user",
                        "friendshipStatus": "mutual"}
    assert status_of(a, b) == "mutual"
    assert status_of(b, a) == "mutual"
    # The caller's own profile stays "none" whatever the graph.
    assert get_user(a, "me")["friendshipStatus"] == "none"

    r = follow(a, b, on=False)
    assert r.json() == {"message": "Successfully unfollowed user",
                        "friendshipStatus": "follows_you"}
    assert status_of(a, b) == "follows_you"
    assert status_of(b, a) == "following"

    r = follow(b, a, on=False)
    assert r.json() == {"message": "Successfully unfollowed user",
                        "friendshipStatus": "none"}
    assert status_of(a, b) == "none"
    assert status_of(b, a) == "none"


def test_follow_errors(front):
    a = new_account(front)
    for method in ("POST", "DELETE"):
        r = api(a, method, "/users/%s/follow" % a.username)
        assert_json_error(r, 400, "bad_request")
        r = api(a, method, "/users/me/follow")
        assert_json_error(r, 400, "bad_request")
        r = api(a, method, "/users/nosuchuser%s/follow" % a.id[-8:])
        assert_json_error(r, 404, "not_found")
    assert counts(a, a) == (0, 0)


def test_follow_unfollow_idempotent(front):
    a, b = new_accounts_retry(front, 2)
    for _ in range(2):
        r = follow(a, b)
        assert r.json() == {"message": "Successfully followed user",
                            "friendshipStatus": "following"}
        assert counts(a, b) == (1, 0)
        assert counts(a, a) == (0, 1)
    for _ in range(2):
        r = follow(a, b, on=False)
        assert r.json() == {"message": "Successfully unfollowed user",
                            "friendshipStatus": "none"}
        assert counts(a, b) == (0, 0)
        assert counts(a, a) == (0, 0)


def test_twenty_concurrent_followers(front):
    target = new_account(front)
    fans = new_accounts_retry(front, 20)
    res = run_threads(lambda f: follow(f, target).status,
                      [(f,) for f in fans])
    assert res == [200] * 20
    assert counts(target, target) == (20, 0)
    for f in fans[:3]:
        assert counts(f, f) == (0, 1)
    items = [u for page in page_walk(target, "/users/%s/followers"
                                     % target.username, 100)
             for u in page]
    assert sorted(u["id"] for u in items) == sorted(f.id for f in fans)


def test_concurrent_follow_unfollow_counters_consistent(front):
    a, b = new_accounts_retry(front, 2)
    n = 12

    def flip(i):
        for k in range(4):
            r = follow(a, b, on=(i + k) % 2 == 0)
            assert r.status == 200
        return True

    run_threads(flip, [(i,) for i in range(n)])
    for _ in range(2):
        followers = [u for p in page_walk(a, "/users/%s/followers"
                                          % b.username, 100) for u in p]
        following = [u for p in page_walk(a, "/users/%s/following"
                                          % a.username, 100) for u in p]
        exists = get_user(a, b.username)["friendshipStatus"] == "following"
        assert [u["id"] for u in followers] == ([a.id] if exists else [])
        assert [u["id"] for u in following] == ([b.id] if exists else [])
        assert counts(a, b) == (len(followers), 0)
        assert counts(a, a) == (0, len(following))
        # Once more from a known state: one follow, both counters at 1.
        follow(a, b)
    assert counts(a, b) == (1, 0)
    assert counts(a, a) == (0, 1)


def test_follow_lists_order_pagination_fields(front):
    owner, caller = new_accounts_retry(front, 2)
    fans = new_accounts_retry(front, 5)
    for f in fans:                      # sequential: known follow order
        follow(f, owner)
    follow(owner, fans[0])              # fans[0] mutual with owner
    follow(caller, fans[1])             # caller follows fans[1]
    follow(fans[2], caller)             # fans[2] follows caller
    follow(caller, fans[3])
    follow(fans[3], caller)             # caller and fans[3] mutual
    follow(caller, owner)               # caller is the newest follower

    pages = page_walk(caller, "/users/%s/followers" % owner.username, 2)
    assert [len(p) for p in pages] == [2, 2, 2]
    items = [u for p in pages for u in p]
    expected = [caller] + fans[::-1]
    assert [u["id"] for u in items] == [x.id for x in expected]
    assert [u["username"] for u in items] == [x.username for x in expected]
    want_status = {caller.id: "none", fans[0].id: "none",
                   fans[1].id: "following", fans[2].id: "follows_you",
                   fans[3].id: "mutual", fans[4].id: "none"}
    for u in items:
        assert u["friendshipStatus"] == want_status[u["id"]], u
        assert "email" not in u, u          # public view, caller included
        assert "mutualCount" not in u, u
        assert not find_keys(u, SECRET_KEYS), u
        for k in ("id", "vid", "name", "username", "walletAddress",
                  "totalLikeCount", "postCount"):
            assert k in u, (k, u)

    # page=N is the same ordered list.
    r = api(caller, "GET", "/users/%s/followers?limit=2&page=2"
            % owner.username)
    assert r.status == 200, r
    assert [u["id"] for u in r.json()] == [fans[3].id, fans[2].id]

    # following of owner: just fans[0]; of caller: newest first.
    items = [u for p in page_walk(caller, "/users/%s/following"
                                  % caller.username, 2) for u in p]
    assert [u["id"] for u in items] == [owner.id, fans[3].id, fans[1].id]
    assert [u["friendshipStatus"] for u in items] == \
        ["following", "mutual", "following"]
    items = [u for p in page_walk(caller, "/users/%s/following"
                                  % owner.username, 2) for u in p]
    assert [u["id"] for u in items] == [fans[0].id]
    assert items[0]["friendshipStatus"] == "none"

    for which in ("followers", "following"):
        r = api(caller, "GET", "/users/nosuch%s/%s" % (owner.id[-8:], which))
        assert_json_error(r, 404, "not_found")
        r = api(caller, "GET", "/users/%s/%s?limit=0" % (owner.username,
                                                         which))
        assert_json_error(r, 400, "validation_failed")
        r = api(caller, "GET", "/users/%s/%s?cursor=garbage!!"
                % (owner.username, which))
        assert_json_error(r, 400, "validation_failed")


def _visible(viewer, post, author):
    """(GET /posts/:id status, in author's list, in for-you, in friends)"""
    st = get_post(viewer, post["id"]).status
    lst = [p["id"] for pg in page_walk(viewer, "/users/%s/posts"
                                       % author.username, 100) for p in pg]
    fy = [p["id"] for pg in page_walk(viewer, "/feeds/for-you", 100)
          for p in pg]
    fr = [p["id"] for pg in page_walk(viewer, "/feeds/friends", 100)
          for p in pg]
    return st, post["id"] in lst, post["id"] in fy, post["id"] in fr


def test_friends_post_visibility_follows_mutuality(front):
    a, b = new_accounts_retry(front, 2)
    fpost = create_post(a, visibility="friends", caption="for friends")
    ppost = create_post(a, visibility="private", caption="mine only")
    pub = create_post(a, visibility="public", caption="for all")

    hidden = (404, False, False, False)
    assert _visible(b, fpost, a) == hidden
    assert _visible(b, ppost, a) == hidden
    follow(b, a)                                    # b -> a only
    assert _visible(b, fpost, a) == hidden
    assert _visible(b, ppost, a) == hidden
    assert _visible(b, pub, a) == (200, True, True, False)
    follow(a, b)                                    # now mutual
    assert _visible(b, fpost, a) == (200, True, True, True)
    assert _visible(b, ppost, a) == hidden
    assert _visible(b, pub, a) == (200, True, True, True)
    follow(a, b, on=False)                          # a unfollows: gone
    assert _visible(b, fpost, a) == hidden
    assert _visible(b, pub, a) == (200, True, True, False)
    follow(a, b)
    assert _visible(b, fpost, a)[0] == 200
    follow(b, a, on=False)                          # b unfollows: gone
    assert _visible(b, fpost, a) == hidden
    assert _visible(b, pub, a) == (200, True, False, False)
    # The author always sees all three, in its own for-you only.
    for p in (fpost, ppost, pub):
        assert _visible(a, p, a) == (200, True, True, False)


def test_concurrent_registrations(front):
    """The social fixtures register users in parallel: every concurrent
    registration must succeed with its own vid (API.md 2.1)."""
    def reg(i):
        c = Client(front)
        r = c.post("/users/register", {"name": "Reg %d" % i,
                                       "email": unique_email("cr"),
                                       "password": "correct horse 1"})
        return r.status, (r.json().get("user") or {}).get("vid")

    res = run_threads(reg, [(i,) for i in range(16)])
    assert [s for s, _ in res] == [201] * 16, res
    vids = [v for _, v in res]
    assert len(set(vids)) == 16, vids
