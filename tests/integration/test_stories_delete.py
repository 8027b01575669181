"""DELETE /stories/:storyID (API.md 3.5.3): only the author; 404 for the
unseen, 403 for followers; the media object goes with the story."""

import uuid

from vybestest import (api, assert_json_error, assert_unauthorized,
                       assert_validation, create_post, create_story,
                       get_post, follow, new_account,
                       s3_get, s3_objects, stories_base_url,
                       story_feed)


def _ids(groups):
    return [s["id"] for g in groups for s in g["stories"]]


def _key(story):
    base = stories_base_url() + "/"
    assert story["mediaUrl"].startswith(base), story
    return story["mediaUrl"][len(base):]


def test_delete_rules(front):
    author = new_account(front)
    fan = new_account(front)            # follows the author
    other = new_account(front)          # followed BY the author only
    follow(fan, author)
    follow(author, other)
    s = create_story(author, "jpg")
    keep = create_story(author, "png")
    assert s3_get(s["mediaUrl"])[0] == 200
    assert _key(s) in s3_objects("stories"), _key(s)

    # Not a follower of the author: the story does not exist for it.
    r = api(other, "DELETE", "/stories/" + s["id"])
    assert_json_error(r, 404, "not_found")
    # A follower sees it but may not delete it.
    r = api(fan, "DELETE", "/stories/" + s["id"])
    assert_json_error(r, 403, "forbidden")
    # No token.
    r = fan.client.request("DELETE", "/stories/" + s["id"])
    assert_unauthorized(r)
    # Nothing was deleted by those attempts.
    assert s["id"] in _ids(story_feed(fan))
    assert s3_get(s["mediaUrl"])[0] == 200

    r = api(author, "DELETE", "/stories/" + s["id"])
    assert r.status == 204, r
    assert r.body == b"", r
    status, _h, _b = s3_get(s["mediaUrl"])
    assert status == 404, (status, s["mediaUrl"])
    assert _key(s) not in s3_objects("stories")
    assert _ids(story_feed(author)) == [keep["id"]]
    assert _ids(story_feed(fan)) == [keep["id"]]
    # The other story and its object are untouched.
    assert s3_get(keep["mediaUrl"])[0] == 200

    # Gone for everybody now.
    r = api(author, "DELETE", "/stories/" + s["id"])
    assert_json_error(r, 404, "not_found")
    r = api(fan, "DELETE", "/stories/" + s["id"])
    assert_json_error(r, 404, "not_found")


def test_unfollowed_follower_gets_404(front):
    author = new_account(front)
    fan = new_account(front)
    follow(fan, author)
    s = create_story(author)
    assert_json_error(api(fan, "DELETE", "/stories/" + s["id"]), 403,
                      "forbidden")
    follow(fan, author, on=False)
    assert_json_error(api(fan, "DELETE", "/stories/" + s["id"]), 404,
                      "not_found")
    assert _ids(story_feed(author)) == [s["id"]]


def test_malformed_id_is_400(front):
    a = new_account(front)
    s = create_story(a)
    for bad in ("123", "zzzzzzzzzzzzzzzzzzzzzzzz", s["id"] + "0",
                s["id"][:-1], s["id"][:-1] + "g"):
        r = api(a, "DELETE", "/stories/" + bad)
        assert_validation(r, "storyID")
    assert _ids(story_feed(a)) == [s["id"]]


def test_unknown_id_is_404(front):
    a = new_account(front)
    s = create_story(a)
    unknown = uuid.uuid4().hex[:24]
    assert unknown != s["id"]
    r = api(a, "DELETE", "/stories/" + unknown)
    assert_json_error(r, 404, "not_found")
    # A post's id is no story id either.
    post = create_post(a, "png")
    r = api(a, "DELETE", "/stories/" + post["id"])
    assert_json_error(r, 404, "not_found")
    assert get_post(a, post["id"]).status == 200
    assert _ids(story_feed(a)) == [s["id"]]


def test_upper_case_id_accepted(front):
    # API.md 1.3: input IDs are accepted in upper or lower case.
    a = new_account(front)
    s = create_story(a)
    r = api(a, "DELETE", "/stories/" + s["id"].upper())
    assert r.status == 204, r
    assert story_feed(a) == []
    assert s3_get(s["mediaUrl"])[0] == 404
