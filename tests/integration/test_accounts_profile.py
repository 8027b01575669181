"""Profile lookup (API.md 3.2.1, 2.1, 2.3) and PATCH /users/me (3.2.2)."""

import uuid

import pytest

from vybestest import (SECRET_KEYS, assert_json_error, assert_validation,
                       find_keys, new_account)

PROFILE_EXTRA = {"followerCount", "followingCount", "friendshipStatus"}


def check_profile(p, acct, self_view):
    assert p["id"] == acct.id and p["username"] == acct.username, p
    assert p["vid"] == acct.user["vid"]
    assert PROFILE_EXTRA <= set(p), p
    assert p["followerCount"] == 0 and p["followingCount"] == 0, p
    assert p["friendshipStatus"] == "none", p
    assert p["walletAddress"] == acct.user["walletAddress"]
    assert not find_keys(p, SECRET_KEYS), p
    if self_view:
        assert p["email"] == acct.email, p
    else:
        assert "email" not in p, p


def test_me_is_self_view(front):
    a = new_account(front)
    r = a.client.get("/users/me", token=a.token)
    assert r.status == 200, r
    check_profile(r.json(), a, True)
    # /users/profile?username= of oneself is also the self view.
    r = a.client.get("/users/profile?username=" + a.username, token=a.token)
    check_profile(r.json(), a, True)


def test_lookups_of_another_user_are_public_view(front):
    a, b = new_account(front), new_account(front)
    targets = ["/users/profile?username=" + b.username,
               "/users/profile?username=%40" + b.username.upper(),
               "/users/profile?vid=%d" % b.user["vid"],
               "/users/" + b.username,
               "/users/@" + b.username.upper(),
               # vid wins when both are given.
               "/users/profile?username=%s&vid=%d" % (a.username,
                                                      b.user["vid"])]
    for t in targets:
        r = a.client.get(t, token=a.token)
        assert r.status == 200, (t, r)
        check_profile(r.json(), b, False)


@pytest.mark.parametrize("q, field", [("", "username"), ("vid=0", "vid"),
                                      ("vid=-3", "vid"), ("vid=abc", "vid"),
                                      ("vid=1.5", "vid")])
def test_profile_lookup_validation(front, q, field):
    a = new_account(front)
    r = a.client.get("/users/profile?" + q, token=a.token)
    assert_validation(r, field)


@pytest.mark.parametrize("target", [
    "/users/profile?username=nouser_%s" % uuid.uuid4().hex[:12],
    "/users/profile?username=bad-chars!",
    "/users/profile?vid=999999999999",
    "/users/nouser_%s" % uuid.uuid4().hex[:12],
    "/users/x"])
def test_unknown_user_is_404(front, target):
    a = new_account(front)
    assert_json_error(a.client.get(target, token=a.token), 404, "not_found")


def test_lookups_need_auth(front):
    a = new_account(front)
    from vybestest import assert_unauthorized
    for t in ("/users/me", "/users/" + a.username,
              "/users/profile?username=" + a.username):
        assert_unauthorized(a.client.get(t))
    assert_unauthorized(a.client.patch("/users/me", {"bio": "x"}))


def test_patch_fields(front):
    a, b = new_account(front), new_account(front)
    patch = {"name": "  New Name ", "bio": "Photos & coffee ☕",
             "pfpUrl": "https://media.example/p.jpg",
             "bannerUrl": "http://media.example/b.png"}
    r = a.client.patch("/users/me", patch, token=a.token)
    assert r.status == 200, r
    u = r.json()
    assert u["name"] == "New Name" and u["bio"] == patch["bio"], u
    assert u["pfpUrl"] == patch["pfpUrl"], u
    assert u["bannerUrl"] == patch["bannerUrl"], u
    assert u["email"] == a.email and u["id"] == a.id
    assert not find_keys(u, SECRET_KEYS), u
    # Read-your-writes, for oneself and for others.
    me = a.client.get("/users/me", token=a.token).json()
    seen = b.client.get("/users/" + a.username, token=b.token).json()
    for p in (me, seen):
        for k in ("bio", "pfpUrl", "bannerUrl"):
            assert p[k] == patch[k], (k, p)
        assert p["name"] == "New Name"
    # {} changes nothing; "" clears the optional fields (omitted when empty).
    r = a.client.patch("/users/me", {}, token=a.token)
    assert r.status == 200 and r.json()["bio"] == patch["bio"], r
    r = a.client.patch("/users/me", {"bio": "", "pfpUrl": "",
                                     "bannerUrl": None}, token=a.token)
    u = r.json()
    assert "bio" not in u and "pfpUrl" not in u, u
    assert u["bannerUrl"] == patch["bannerUrl"], u     # null = unchanged


def test_patch_profile_picture_alias(front):
    a = new_account(front)
    url = "https://media.example/alias.jpg"
    r = a.client.patch("/users/me", {"profilePictureURL": url},
                       token=a.token)
    assert r.status == 200 and r.json()["pfpUrl"] == url, r
    r = a.client.patch("/users/me", {"profilePictureURL": "https://x.y/1",
                                     "pfpUrl": "https://x.y/2"},
                       token=a.token)
    assert r.json()["pfpUrl"] == "https://x.y/2", r


def test_patch_alias_ignored_when_pfpurl_present(front):
    """API.md 3.2.2: profilePictureURL is ignored when pfpUrl is also
    present, so an invalid alias value must not fail the request."""
    a = new_account(front)
    r = a.client.patch("/users/me", {"pfpUrl": "https://x.y/ok",
                                     "profilePictureURL": "not a url"},
                       token=a.token)
    assert r.status == 200, r
    assert r.json()["pfpUrl"] == "https://x.y/ok"


def test_patch_username(front):
    a, b = new_account(front), new_account(front)
    old = a.username
    new = "Renamed_" + uuid.uuid4().hex[:12]
    r = a.client.patch("/users/me", {"username": new}, token=a.token)
    assert r.status == 200, r
    assert r.json()["username"] == new.lower()
    # Takes effect at once; the old name is gone and free.
    assert b.client.get("/users/" + new.lower(),
                        token=b.token).json()["id"] == a.id
    assert_json_error(b.client.get("/users/" + old, token=b.token), 404,
                      "not_found")
    assert_json_error(b.client.get("/users/profile?username=" + old,
                                   token=b.token), 404, "not_found")
    # Login still answers the new username.
    assert a.client.login(a.email, a.password).json()["user_data"][
        "username"] == new.lower()
    # Setting one's current username is a no-op.
    r = a.client.patch("/users/me", {"username": new.upper()},
                       token=a.token)
    assert r.status == 200 and r.json()["username"] == new.lower(), r
    # Taken by someone else: 409.
    r = b.client.patch("/users/me", {"username": new}, token=b.token)
    assert_json_error(r, 409, "conflict")
    assert b.client.get("/users/me", token=b.token).json()["username"] == \
        b.username
    # The freed name can be taken by another user.
    r = b.client.patch("/users/me", {"username": old}, token=b.token)
    assert r.status == 200 and r.json()["username"] == old, r


@pytest.mark.parametrize("body, field", [
    ({"name": ""}, "name"), ({"name": "   "}, "name"),
    ({"name": "n" * 51}, "name"), ({"name": 7}, "name"),
    ({"username": "ab"}, "username"), ({"username": "me"}, "username"),
    ({"username": "admin"}, "username"), ({"username": "a b c"}, "username"),
    ({"username": 12345}, "username"),
    ({"bio": "b" * 301}, "bio"), ({"bio": False}, "bio"),
    ({"pfpUrl": "ftp://x.y/z"}, "pfpUrl"), ({"pfpUrl": "x.y/z"}, "pfpUrl"),
    ({"pfpUrl": "https://"}, "pfpUrl"),
    ({"pfpUrl": "https://x.y/" + "a" * 2048}, "pfpUrl"),
    ({"bannerUrl": "javascript:alert(1)"}, "bannerUrl"),
    ({"profilePictureURL": "nope"}, "profilePictureURL"),
])
def test_patch_validation(front, body, field):
    a = new_account(front)
    r = a.client.patch("/users/me", body, token=a.token)
    assert_validation(r, field)
    # Nothing changed.
    me = a.client.get("/users/me", token=a.token).json()
    assert me["username"] == a.username and me["name"] == "Test User"


def test_patch_bio_300_chars_ok(front):
    a = new_account(front)
    bio = "é" * 300
    r = a.client.patch("/users/me", {"bio": bio}, token=a.token)
    assert r.status == 200 and r.json()["bio"] == bio, r


def test_patch_bad_json(front):
    a = new_account(front)
    r = a.client.request("PATCH", "/users/me", raw=b"[1]", token=a.token)
    assert_json_error(r, 400, "bad_request")
