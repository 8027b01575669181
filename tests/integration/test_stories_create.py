"""POST /stories: the Story, the stored object, validation (API.md 2.7,
3.5.1, Appendix A)."""

import datetime

import pytest

from vybestest import (OID_RE, POST_MEDIA, UUID4_RE, api, assert_json_error,
                       assert_unauthorized, assert_validation, new_account,
                       parse_ts, s3_get, s3_objects, stories_base_url,
                       story_feed, story_upload, without_media)


# (bytes sent, claimed file name and part type) -> the detected type wins.
CASES = [("png", "photo.jpg", "image/jpeg"),
         ("jpg", "clip.mp4", "video/mp4"),
         ("mp4", "pic.png", "image/png"),
         ("webp", "x.bin", "application/octet-stream")]


@pytest.mark.parametrize("ext,fname,claimed", CASES)
def test_create_story(front, ext, fname, claimed):
    data, mime, _kind = POST_MEDIA[ext]
    assert mime != claimed
    a = new_account(front)
    r = story_upload(a, [("media", data, fname, claimed)])
    assert r.status == 201, r
    assert r.headers.get("Content-Type", "").replace(" ", "").lower() == \
        "application/json;charset=utf-8", r.headers.get("Content-Type")
    s = r.json()
    # mediaStatus: API.md 6.4 (the worker's fields come later).
    assert set(s) == {"id", "userId", "mediaUrl", "mediaType", "createdAt",
                      "expiresAt", "mediaStatus"}, s
    assert s["mediaStatus"] == "processing", s
    assert OID_RE.match(s["id"]), s
    assert s["userId"] == a.id, s
    assert s["mediaType"] == mime, s
    created, expires = parse_ts(s["createdAt"]), parse_ts(s["expiresAt"])
    assert expires - created == datetime.timedelta(hours=24), s
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - created).total_seconds()) < 60, (now, s)
    # mediaUrl = STORIES_PUBLIC_BASE_URL/stories/<userId>/<uuid v4>.<ext>
    base = stories_base_url()
    prefix = base + "/stories/" + a.id + "/"
    assert s["mediaUrl"].startswith(prefix), s["mediaUrl"]
    stem, dot, got_ext = s["mediaUrl"][len(prefix):].rpartition(".")
    assert dot and got_ext == ext and UUID4_RE.match(stem), s["mediaUrl"]
    # The object exists, with the detected type and the bytes sent.
    status, headers, body = s3_get(s["mediaUrl"])
    assert status == 200, (status, s["mediaUrl"])
    assert headers.get("Content-Type") == mime, headers.get("Content-Type")
    assert body == data
    key = "stories/%s/%s.%s" % (a.id, stem, ext)
    assert s3_objects("stories").get(key) == len(data), key
    # And it is in the author's own feed at once, unchanged.
    groups = story_feed(a)
    assert len(groups) == 1 and \
        groups[0]["stories"] == [without_media(s)], groups


def test_two_stories_have_distinct_objects(front):
    a = new_account(front)
    data = POST_MEDIA["gif"][0]
    s1 = story_upload(a, [("media", data, "a.gif", "image/gif")]).json()
    s2 = story_upload(a, [("media", data, "a.gif", "image/gif")]).json()
    assert s1["id"] != s2["id"] and s1["mediaUrl"] != s2["mediaUrl"]
    for s in (s1, s2):
        assert s3_get(s["mediaUrl"])[0] == 200, s


def _story_count(acct):
    return sum(len(g["stories"]) for g in story_feed(acct))


def _objects_of(acct):
    return {k for k in s3_objects("stories")
            if k.startswith("stories/%s/" % acct.id)}


def test_text_file_is_415(front):
    a = new_account(front)
    r = story_upload(a, [("media", b"just some text, not an image\n" * 8,
                          "photo.png", "image/png")])
    assert_json_error(r, 415, "unsupported_media_type")
    # HEIF in an ftyp box is refused too.
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1isom"
    r = story_upload(a, [("media", heic, "a.mp4", "video/mp4")])
    assert_json_error(r, 415, "unsupported_media_type")
    assert _story_count(a) == 0
    assert _objects_of(a) == set()


def test_non_multipart_is_415(front):
    a = new_account(front)
    # JSON names a direct upload (API.md 6.5; test_uploads.py).
    r = api(a, "POST", "/stories", body={"media": "iVBORw0KGgo="})
    assert_json_error(r, 400, "validation_failed")
    assert r.json()["field"] == "uploadId"
    r = api(a, "POST", "/stories", raw=POST_MEDIA["png"][0],
            headers={"Content-Type": "image/png"})
    assert_json_error(r, 415, "unsupported_media_type")
    assert _story_count(a) == 0


def test_missing_or_empty_media_is_400(front):
    a = new_account(front)
    r = story_upload(a, [("caption", "no media here")])
    assert_validation(r, "media")
    r = story_upload(a, [("file", POST_MEDIA["png"][0], "a.png",
                          "image/png")])
    assert_validation(r, "media")
    r = story_upload(a, [("media", b"", "a.png", "image/png")])
    assert_validation(r, "media")
    assert _story_count(a) == 0
    assert _objects_of(a) == set()


def test_no_token_is_401(front):
    a = new_account(front)
    r = story_upload(a, [("media", POST_MEDIA["png"][0], "a.png",
                          "image/png")], token=False)
    assert_unauthorized(r)
    r = a.client.request("POST", "/stories", raw=b"x",
                         token="not.a.token",
                         headers={"Content-Type": "multipart/form-data; "
                                  "boundary=x"})
    assert_unauthorized(r)
    assert _story_count(a) == 0
    assert _objects_of(a) == set()
