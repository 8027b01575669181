"""GET /search/users (API.md 3.2.7): literal, case-insensitive prefix
matching of username and name, group order, validation, limit clamp."""

import random
import string
import urllib.parse

import pytest

from vybestest import (Front, api, assert_validation, new_accounts_retry,
                       new_named_account, page_walk, SECRET_KEYS, find_keys)


def _tok():
    return "".join(random.SystemRandom().choice(string.ascii_lowercase)
                   for _ in range(7))


@pytest.fixture(scope="module")
def people(stack):
    front = Front("nginx", stack.urls["nginx"])
    t = _tok()
    spec = {
        "exact": ("Zed One", "anna" + t),
        "ub": ("Bob Bee", "anna%s_b" % t),
        "both": ("Anna%s Both" % t.upper(), "anna%s_a" % t),
        "n1": ("Anna%s Smith" % t, "zz%sn1" % t),
        "n2": ("ANNA%sx" % t, "bb%sn2" % t),
        "noise": ("Not Anna%s" % t, "xanna%s" % t),
        "star": (".*Star" + t, "star" + t),
        "paren": ("(paren" + t, "paren" + t),
        "slash": ("back\\slash" + t, "slash" + t),
    }
    out = {"t": t}
    for k, (name, un) in spec.items():
        out[k] = new_named_account(front, name, username=un)
    out["clamp"] = new_accounts_retry(
        front, 22, name=lambda i: "Clamp%s %02d" % (t, i))
    return out


def search(acct, q, extra="", expect=200):
    r = api(acct, "GET", "/search/users?q=%s%s"
            % (urllib.parse.quote(q, safe=""), extra))
    assert r.status == expect, (q, r)
    return r


def usernames(r):
    return [u["username"] for u in r.json()]


def group(u, q):
    q = q.lower()
    if u["username"] == q:
        return 0
    if u["username"].startswith(q):
        return 1
    assert u["name"].lower().startswith(q), (q, u)
    return 2


def test_search_mixed_case_and_group_order(front, people):
    me = people["exact"]
    t = people["t"]
    r = search(me, "AnNa" + t.upper())
    want = [people[k].username for k in ("exact", "both", "ub", "n2", "n1")]
    assert usernames(r) == want
    for u in r.json():
        assert "email" not in u, u          # public view, caller too
        assert not find_keys(u, SECRET_KEYS)
        assert u["friendshipStatus"] == "none"
        assert "mutualCount" not in u
    # Leading "@" dropped and whitespace trimmed.
    assert usernames(search(me, "@anna" + t)) == want
    assert usernames(search(me, "  anna%s\t" % t)) == want
    # Without the exact match: username prefix group first.
    assert usernames(search(me, "ANNA%s_" % t)) == \
        [people["both"].username, people["ub"].username]


def test_search_walk_anna_order(front, people):
    """Every page of q=AnNa: each result matches and the whole walk is in
    group order, username ascending inside a group; ours are all there."""
    me = people["exact"]
    got = [u for p in page_walk(me, "/search/users?q=AnNa", 20,
                                max_pages=60) for u in p]
    keys = [(group(u, "AnNa"), u["username"]) for u in got]
    assert keys == sorted(keys)
    assert len(set(u["id"] for u in got)) == len(got)
    names = {u["username"] for u in got}
    for k in ("exact", "ub", "both", "n1", "n2"):
        assert people[k].username in names, k
    assert people["noise"].username not in names


@pytest.mark.parametrize("q,key", [(".*", "star"), ("(", "paren"),
                                   ("\\", None), ("back\\", "slash")])
def test_search_metacharacters_literal(front, people, q, key):
    me = people["exact"]
    got = [u for p in page_walk(me, "/search/users?q=%s"
                                % urllib.parse.quote(q, safe=""), 20,
                                max_pages=60) for u in p]
    for u in got:
        assert u["name"].lower().startswith(q) or \
            u["username"].startswith(q), (q, u)
    if key is not None:
        assert people[key].id in [u["id"] for u in got]
    full = people[key or "slash"].user["name"]
    assert [u["id"] for u in search(me, full).json()] == \
        [people[key or "slash"].id]


@pytest.mark.parametrize("q", ["[", "^", "$", "|", "+", "?", ")", "{",
                               "a.*", "a|b", ".", "*"])
def test_search_more_metacharacters(front, people, q):
    me = people["exact"]
    r = search(me, q, "&limit=20")
    for u in r.json():
        assert u["name"].lower().startswith(q) or \
            u["username"].startswith(q), (q, u)


def test_search_validation(front, people):
    me = people["exact"]
    for extra in ("", "?q=", "?q=%20%20", "?q=@", "?q=" + "a" * 51,
                  "?q=@%20"):
        r = api(me, "GET", "/search/users" + extra)
        assert_validation(r, "q")
    r = search(me, "q" * 50)
    assert r.json() == []
    r = search(me, "@" + "q" * 50)          # 50 after dropping the "@"
    assert r.json() == []


def test_search_limit_clamped(front, people):
    me = people["exact"]
    q = "clamp" + people["t"]
    r = search(me, q, "&limit=100")
    clamp = sorted(a.username for a in people["clamp"])
    assert usernames(r) == clamp[:20]
    cur = r.headers.get("X-Next-Cursor")
    assert cur
    r = search(me, q, "&limit=100&cursor=" + cur)
    assert usernames(r) == clamp[20:]
    assert r.headers.get("X-Next-Cursor") is None
    r = search(me, q, "&limit=5&page=2")
    assert usernames(r) == clamp[5:10]
    assert usernames(search(me, q)) == clamp[:20]      # default 20
