"""The whole account life cycle through each front end, then a check that
none of its secrets reached vybes-api's log (API.md 1.9)."""

import re
import uuid

from vybestest import (REFRESH_RE, SECRET_KEYS, Client, assert_json_error,
                       assert_not_logged, assert_unauthorized,
                       assert_validation, eip55, find_keys, new_account)


def test_full_flow(front, stack):
    c = Client(front)
    local = "Flow.User" + uuid.uuid4().hex[:8]
    email = "%s+tag@Example.com" % local
    password = "pw-" + uuid.uuid4().hex
    secrets = [password]

    # register
    r = c.post("/users/register", {"name": "Flow User", "email": email,
                                   "password": password})
    assert r.status == 201, r
    body = r.json()
    assert body["message"] == "User registered successfully"
    assert not find_keys(body, SECRET_KEYS), body
    user = body["user"]
    assert user["email"] == email.lower()
    assert user["username"] == local.lower()
    assert type(user["vid"]) is int and user["vid"] > 0
    assert re.fullmatch(r"0x[0-9a-fA-F]{40}", user["walletAddress"])
    assert user["walletAddress"] == eip55(user["walletAddress"][2:])
    assert user["totalLikeCount"] == 0 and user["postCount"] == 0

    # login
    r = c.post("/users/login", {"email": email, "password": password})
    assert r.status == 200, r
    assert r.headers.get("Cache-Control") == "no-store"
    lr = r.json()
    assert REFRESH_RE.fullmatch(lr["refresh_token"])
    assert lr["user_data"] == {"vid": user["vid"],
                               "username": user["username"],
                               "id": user["id"]}
    assert lr["expires_in"] == 3600
    tok, rt = lr["access_token"], lr["refresh_token"]
    secrets += [tok, rt]

    # me
    r = c.get("/users/me", token=tok)
    assert r.status == 200, r
    me = r.json()
    assert me["email"] == email.lower() and me["id"] == user["id"]
    assert me["followerCount"] == 0 and me["followingCount"] == 0
    assert me["friendshipStatus"] == "none"
    assert not find_keys(me, SECRET_KEYS), me

    # another user sees the public view, by every route
    other = new_account(front)
    for t in ("/users/profile?username=" + user["username"],
              "/users/profile?vid=%d" % user["vid"],
              "/users/" + user["username"]):
        r = other.client.get(t, token=other.token)
        assert r.status == 200, (t, r)
        p = r.json()
        assert p["id"] == user["id"] and "email" not in p, p
        assert p["friendshipStatus"] == "none"

    # patch, including a username change
    newname = "flow_" + uuid.uuid4().hex[:10]
    r = c.patch("/users/me", {"name": "Flow Renamed", "bio": "hi",
                              "profilePictureURL": "https://m.example/a.jpg",
                              "bannerUrl": "https://m.example/b.jpg",
                              "username": newname}, token=tok)
    assert r.status == 200, r
    u = r.json()
    assert (u["name"], u["bio"], u["pfpUrl"], u["bannerUrl"],
            u["username"]) == ("Flow Renamed", "hi",
                               "https://m.example/a.jpg",
                               "https://m.example/b.jpg", newname)
    assert_json_error(other.client.get("/users/" + user["username"],
                                       token=other.token), 404, "not_found")
    # Checked at the end, so that a failure here hides nothing after it.
    taken = other.client.patch("/users/me", {"username": newname},
                               token=other.token)
    assert_validation(c.patch("/users/me", {"username": "x"}, token=tok),
                      "username")
    r = other.client.patch("/users/me", {"username": user["username"]},
                           token=other.token)
    assert r.status == 200, r                      # the old name is free

    # refresh: rotation, then replay blocks the session
    r = c.post("/users/refresh", {"refresh_token": rt})
    assert r.status == 200, r
    assert r.headers.get("Cache-Control") == "no-store"
    tok2, rt2 = r.json()["access_token"], r.json()["refresh_token"]
    secrets += [tok2, rt2]
    assert rt2 != rt
    assert c.get("/users/me", token=tok2).status == 200
    assert_unauthorized(c.post("/users/refresh", {"refresh_token": rt}))
    assert_unauthorized(c.get("/users/me", token=tok2))
    assert_unauthorized(c.post("/users/refresh", {"refresh_token": rt2}))

    # log in again, log out: the token dies on the very next request
    r = c.post("/users/login", {"email": email, "password": password})
    tok3 = r.json()["access_token"]
    secrets += [tok3, r.json()["refresh_token"]]
    assert c.get("/users/me", token=tok3).status == 200
    r = c.post("/users/logout", token=tok3)
    assert r.status == 200 and r.json() == {
        "message": "Logged out successfully"}, r
    r = c.get("/users/me", token=tok3)
    assert_unauthorized(r)

    assert tok2 != tok, "refresh returned the same access token"
    assert_json_error(taken, 409, "conflict")
    assert_not_logged(stack, secrets + [other.password, other.token,
                                        other.refresh])
