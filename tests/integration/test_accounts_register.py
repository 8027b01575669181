"""POST /users/register (API.md 3.1.1, 3.1.2, 2.1): the self view it
returns, uniqueness of email and username (also under concurrency), the
username rules and the username derived from the email."""

import re
import threading
import uuid

import pytest

from vybestest import (SECRET_KEYS, Client, assert_json_error,
                       assert_validation, eip55, find_keys, unique_email)

USER_KEYS = {"id", "vid", "name", "email", "username", "walletAddress",
             "totalLikeCount", "postCount"}


def check_self_view(user, email, name):
    assert re.fullmatch(r"[0-9a-f]{24}", user["id"]), user
    assert type(user["vid"]) is int and user["vid"] >= 1, user
    assert user["email"] == email.strip().lower(), user
    assert user["name"] == name, user
    assert user["totalLikeCount"] == 0 and user["postCount"] == 0, user
    assert type(user["totalLikeCount"]) is int, user
    wa = user["walletAddress"]
    assert re.fullmatch(r"0x[0-9a-fA-F]{40}", wa), wa
    assert wa == eip55(wa[2:]), "%s is not EIP-55 (%s)" % (wa, eip55(wa[2:]))
    assert not find_keys(user, SECRET_KEYS), user
    assert USER_KEYS <= set(user), user


def test_register_returns_self_view(front):
    c = Client(front)
    local = "Reg.Self" + uuid.uuid4().hex[:10]
    email = "  %s@Example.COM " % local
    r = c.register(email, "pw-12345678", name="  Ada Lovelace ")
    assert r.headers.get("Content-Type", "").replace(" ", "").lower() == \
        "application/json;charset=utf-8"
    body = r.json()
    assert body["message"] == "User registered successfully", body
    assert not find_keys(body, SECRET_KEYS), body
    user = body["user"]
    check_self_view(user, email, "Ada Lovelace")
    assert user["username"] == local.lower(), user
    # Mixed case: an all-lower or all-upper address would not prove EIP-55
    # (a 1-in-2^15 chance of a legitimately single-case address aside).
    assert user["walletAddress"][2:] not in (
        user["walletAddress"][2:].lower(), user["walletAddress"][2:].upper())


def test_vids_are_distinct_and_increasing(front):
    c = Client(front)
    a = c.register().json()["user"]["vid"]
    b = c.register().json()["user"]["vid"]
    assert b > a, (a, b)


def test_duplicate_email_is_409_case_insensitive(front):
    c = Client(front)
    local = "alice" + uuid.uuid4().hex[:12]
    c.register("%s@x-example.com" % local)
    r = c.register("%s@X-Example.COM" % local.capitalize(), expect=409)
    assert_json_error(r, 409, "conflict")
    r = c.register(" %s@x-example.com" % local.upper(), expect=409)
    assert_json_error(r, 409, "conflict")


def test_duplicate_explicit_username_is_409(front):
    c = Client(front)
    name = "dup_" + uuid.uuid4().hex[:12]
    c.register(username=name)
    r = c.register(username=name.upper(), expect=409)
    assert_json_error(r, 409, "conflict")


def _race(front, bodies):
    """POST every body at once, each from its own client address."""
    results = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def run(i):
        c = Client(front)
        barrier.wait()
        try:
            results[i] = c.post("/users/register", bodies[i], timeout=60)
        except Exception as exc:  # noqa: BLE001 - reported below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,))
               for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    return results


def test_concurrent_same_email_one_wins(stack):
    from vybestest import Front
    front = Front("nginx", stack.urls["nginx"])
    email = unique_email("race")
    bodies = [{"name": "Racer %d" % i, "email": email,
               "password": "pw-%08d" % i} for i in range(20)]
    res = _race(front, bodies)
    statuses = sorted(getattr(r, "status", repr(r)) for r in res)
    assert statuses.count(201) == 1 and statuses.count(409) == 19, statuses
    for r in res:
        if r.status == 409:
            assert_json_error(r, 409, "conflict")


def test_concurrent_same_username_one_wins(stack):
    from vybestest import Front
    front = Front("lighttpd", stack.urls["lighttpd"])
    uname = "race_" + uuid.uuid4().hex[:12]
    bodies = [{"name": "Racer", "email": unique_email("raceu"),
               "password": "pw-%08d" % i, "username": uname}
              for i in range(20)]
    res = _race(front, bodies)
    statuses = sorted(getattr(r, "status", repr(r)) for r in res)
    assert statuses.count(201) == 1 and statuses.count(409) == 19, statuses
    winner = [r for r in res if r.status == 201][0].json()["user"]
    assert winner["username"] == uname


@pytest.mark.parametrize("username", [
    "ab", "x" * 31, "me", "admin", "profile", "api", "vybes", "login",
    "bad-name", "has space", "dot.", ".dot", "two..dots", "ümlaut", ""])
def test_invalid_username_is_400(front, username):
    r = Client(front).register(username=username, expect=400)
    assert_validation(r, "username")


def test_username_is_lowercased(front):
    u = "Mixed_" + uuid.uuid4().hex[:10].upper()
    user = Client(front).register(username=u).json()["user"]
    assert user["username"] == u.lower()


@pytest.mark.parametrize("body, field", [
    ({"email": "x@example.com", "password": "12345678"}, "name"),
    ({"name": "", "email": "x@example.com", "password": "12345678"}, "name"),
    ({"name": "n" * 51, "email": "x@example.com", "password": "12345678"},
     "name"),
    ({"name": 5, "email": "x@example.com", "password": "12345678"}, "name"),
    ({"name": "N", "password": "12345678"}, "email"),
    ({"name": "N", "email": "no-at.example.com", "password": "12345678"},
     "email"),
    ({"name": "N", "email": "a@@example.com", "password": "12345678"},
     "email"),
    ({"name": "N", "email": "a@example", "password": "12345678"}, "email"),
    ({"name": "N", "email": ".a@example.com", "password": "12345678"},
     "email"),
    ({"name": "N", "email": "x@example.com"}, "password"),
    ({"name": "N", "email": "x@example.com", "password": "1234567"},
     "password"),
    ({"name": "N", "email": "x@example.com", "password": "p" * 129},
     "password"),
    ({"name": "N", "email": "x@example.com", "password": 12345678},
     "password"),
    ({"name": "N", "email": "x@example.com", "password": "12345678",
      "username": 42}, "username"),
])
def test_register_validation(front, body, field):
    r = Client(front).post("/users/register", body)
    assert_validation(r, field)


def test_derived_username(front):
    c = Client(front)
    tag = uuid.uuid4().hex[:8]
    base = "john.doe" + tag
    u1 = c.register("John.Doe%s+news@example.com" % tag).json()["user"]
    assert u1["username"] == base, u1
    u2 = c.register("john.doe%s@other-example.org" % tag).json()["user"]
    assert re.fullmatch(re.escape(base) + r"_\d{4}", u2["username"]), u2
    # The username works for lookups (it really is the stored one).
    assert u1["username"] != u2["username"]


@pytest.mark.parametrize("local, pattern", [
    ("ab", r"ab_\d{4}"),                     # too short
    ("admin", r"admin_\d{4}"),               # reserved
    ("me", r"me_\d{4}"),                     # reserved and short
    ("A-b!c", r"a_b_c"),                     # characters outside the set
    ("x..y", None),                          # invalid email: ".." refused
])
def test_derived_username_rules(front, local, pattern):
    domain = "d%s.example.com" % uuid.uuid4().hex[:10]
    c = Client(front)
    if pattern is None:
        r = c.post("/users/register", {"name": "N",
                                       "email": "%s@%s" % (local, domain),
                                       "password": "12345678"})
        assert_validation(r, "email")
        return
    tag = uuid.uuid4().hex[:10] if local == "A-b!c" else ""
    user = c.register("%s%s@%s" % (local, tag, domain)).json()["user"]
    assert re.fullmatch(pattern + tag, user["username"]), user


def test_derived_username_is_cut_to_24(front):
    tag = uuid.uuid4().hex
    user = Client(front).register("%s.x+y@example.com" % tag).json()["user"]
    assert user["username"] == tag[:24], user


def test_register_ignores_unknown_fields_and_never_logs_in(front):
    c = Client(front)
    r = c.post("/users/register", {"name": "N", "email": unique_email(),
                                   "password": "12345678", "isAdmin": True,
                                   "vid": 1})
    assert r.status == 201, r
    body = r.json()
    assert "access_token" not in body and "refresh_token" not in body
    assert "isAdmin" not in body["user"]
