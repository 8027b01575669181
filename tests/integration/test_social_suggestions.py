"""GET /suggestions/users (API.md 3.2.8): friends-of-friends ranking on a
small known graph, and the most-followed fallback."""

import pytest

from vybestest import (Front, api, follow, get_user, new_accounts_retry,
                       SECRET_KEYS, find_keys)


@pytest.fixture(scope="module")
def small(stack):
    front = Front("nginx", stack.urls["nginx"])
    names = ["V", "A", "B", "C", "X", "Y", "Z", "Q", "W1", "W2"]
    g = dict(zip(names, new_accounts_retry(front, len(names))))
    # Sequential follows: the counters are exact without concurrency.
    for a, b in (("V", "A"), ("V", "B"), ("V", "C"),
                 ("A", "X"), ("B", "X"), ("A", "Y"),
                 ("W1", "Y"), ("W2", "Y"), ("C", "Z"), ("C", "Q"),
                 ("A", "B"), ("A", "V"), ("B", "C"), ("Z", "V")):
        follow(g[a], g[b])
    return g


def suggest(acct, extra=""):
    r = api(acct, "GET", "/suggestions/users" + extra)
    assert r.status == 200, r
    assert r.headers.get("X-Next-Cursor") is None
    return r.json()


def test_suggestions_ranking(front, small):
    g = small
    got = suggest(g["V"])
    zq = sorted([g["Z"], g["Q"]], key=lambda a: a.id)
    want = [(g["X"].id, 2), (g["Y"].id, 1)] + [(a.id, 1) for a in zq]
    assert [(u["id"], u["mutualCount"]) for u in got] == want
    st = {u["id"]: u["friendshipStatus"] for u in got}
    assert st[g["Z"].id] == "follows_you"
    assert st[g["X"].id] == st[g["Y"].id] == st[g["Q"].id] == "none"
    for u in got:
        assert "email" not in u and not find_keys(u, SECRET_KEYS), u
    # Ranking inputs, from the profiles.
    assert get_user(g["V"], g["Y"].username)["followerCount"] == 3
    assert get_user(g["V"], g["Z"].username)["followerCount"] == 1
    got = suggest(g["V"], "?limit=2")
    assert [u["id"] for u in got] == [g["X"].id, g["Y"].id]
    assert len(suggest(g["V"], "?limit=500")) == 4


def test_suggestions_follow_moves_candidate_out(front, small):
    """A's followees as seen by W1 (who follows Y only; Y follows no
    one): no candidates -> fallback; W2 follows A: A's followees."""
    g = small
    got = suggest(g["W2"])
    # Y follows nobody: W2 has no candidates; fallback excludes Y, W2.
    assert all(u["mutualCount"] == 0 for u in got)
    assert g["Y"].id not in [u["id"] for u in got]
    assert g["W2"].id not in [u["id"] for u in got]
    follow(g["W2"], g["A"])
    try:
        got = suggest(g["W2"])
        # A follows X, Y (already followed), B, V: each mutual 1;
        # followerCount X 2, B 2 (V, A), V 2 (A, Z) -> id order.
        exp = sorted([g["X"], g["B"], g["V"]], key=lambda a: a.id)
        assert [(u["id"], u["mutualCount"]) for u in got] == \
            [(a.id, 1) for a in exp]
    finally:
        follow(g["W2"], g["A"], on=False)


@pytest.fixture(scope="module")
def popular(stack):
    """K with more followers than anyone else in the test database."""
    front = Front("nginx", stack.urls["nginx"])
    k, f1, f2 = new_accounts_retry(front, 3)
    top = suggest(f1)
    n = 2 + max([get_user(f1, u["username"])["followerCount"]
                 for u in top] + [0])
    for f in new_accounts_retry(front, n):
        follow(f, k)
    assert get_user(f1, k.username)["followerCount"] == n
    return k, f1, f2


def _assert_fallback(viewer, got, excluded):
    assert len(got) == 20
    assert all(u["mutualCount"] == 0 for u in got), got
    idset = [u["id"] for u in got]
    assert len(set(idset)) == 20
    for x in excluded:
        assert x not in idset
    fc = [get_user(viewer, u["username"])["followerCount"] for u in got]
    keys = [(-c, u["id"]) for c, u in zip(fc, got)]
    assert keys == sorted(keys), list(zip(fc, idset))
    return idset


def test_suggestions_fallback(front, popular):
    k, f1, f2 = popular
    got = suggest(f1)                        # follows nobody
    idset = _assert_fallback(f1, got, [f1.id])
    assert idset[0] == k.id
    follow(f2, k)                            # K follows nobody
    try:
        got = suggest(f2)
        _assert_fallback(f2, got, [f2.id, k.id])
    finally:
        follow(f2, k, on=False)
