"""POST /posts: uploads of every allowed type, validation, size limits,
the stored object (API.md 3.3.1, 1.2, Appendix A)."""

import subprocess
import time

import pytest

from vybestest import (OID_RE, POST_MEDIA, TS_RE, UUID4_RE, api,
                       assert_json_error, assert_validation, create_post,
                       get_post, get_user, multipart, new_account,
                       post_upload, public_base_url, s3_get, s3_objects)


def posts_base_url():
    return public_base_url("posts")


@pytest.mark.parametrize("ext", sorted(POST_MEDIA))
def test_upload_each_allowed_type(front, ext):
    data, mime, kind = POST_MEDIA[ext]
    a = new_account(front)
    # The declared type and the name lie: only the content counts.
    r = post_upload(a, [("caption", "Sunset"),
                        ("media", data, "x.bin", "application/octet-stream")])
    assert r.status == 201, r
    p = r.json()
    assert OID_RE.match(p["id"]), p
    assert p["userId"] == a.id and p["contentId"] == p["id"], p
    assert p["type"] == kind, p
    assert p["caption"] == "Sunset", p
    assert p["visibility"] == "public", p
    assert "originalPostId" not in p and "originalAuthor" not in p, p
    for k in ("likeCount", "commentCount", "repostCount", "viewCount"):
        assert p[k] == 0, (k, p)
    assert TS_RE.match(p["createdAt"]) and p["updatedAt"] == p["createdAt"]
    assert p["author"]["id"] == a.id and \
        p["author"]["username"] == a.username, p
    assert p["likedByMe"] is False and p["bookmarkedByMe"] is False \
        and p["repostedByMe"] is False, p
    base = posts_base_url()
    assert p["contentUrl"].startswith(base + "/posts/"), p["contentUrl"]
    name = p["contentUrl"][len(base + "/posts/"):]
    stem, dot, got_ext = name.rpartition(".")
    assert dot and got_ext == ext and UUID4_RE.match(stem), name
    # The object really exists, with the detected type and the bytes sent.
    status, headers, body = s3_get(p["contentUrl"])
    assert status == 200, (status, p["contentUrl"])
    assert headers.get("Content-Type") == mime, headers.get("Content-Type")
    assert body == data
    assert "immutable" in (headers.get("Cache-Control") or ""), headers
    assert get_user(a, a.username)["postCount"] == 1
    g = get_post(a, p["id"])
    assert g.status == 200 and g.json()["contentUrl"] == p["contentUrl"], g


def test_visibility_and_caption_stored(front):
    a = new_account(front)
    cap = "caf\u00e9 \u2600 <b>&amp;</b>"
    p = create_post(a, "jpg", caption=cap, visibility="PRIVATE")
    assert p["visibility"] == "private" and p["caption"] == cap, p
    p2 = create_post(a, "gif", visibility="friends")
    assert p2["visibility"] == "friends", p2
    assert "caption" not in p2 or p2["caption"] == "", p2
    # 2200 characters (multi-byte) is the maximum and accepted.
    p3 = create_post(a, "png", caption="\u00e9" * 2200)
    assert p3["caption"] == "\u00e9" * 2200


def test_disguised_file_is_415(front):
    a = new_account(front)
    before = get_user(a, a.username)["postCount"]
    r = post_upload(a, [("media", b"this is only text, not a JPEG\n" * 4,
                         "photo.jpg", "image/jpeg")])
    assert_json_error(r, 415, "unsupported_media_type")
    # HEIF in an ftyp box is refused too, though it looks like a video.
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1isom"
    r = post_upload(a, [("media", heic, "a.mp4", "video/mp4")])
    assert_json_error(r, 415, "unsupported_media_type")
    assert get_user(a, a.username)["postCount"] == before


def test_non_multipart_is_415(front):
    a = new_account(front)
    r = api(a, "POST", "/posts", raw=b"caption=x&media=abc",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_json_error(r, 415, "unsupported_media_type")
    # JSON names a direct upload (API.md 6.5; test_uploads.py).
    r = api(a, "POST", "/posts", body={"caption": "x", "media": "abc"})
    assert_validation(r, "uploadId")


def test_missing_or_empty_media(front):
    a = new_account(front)
    r = post_upload(a, [("caption", "no media")])
    assert_validation(r, "media")
    r = post_upload(a, [("media", b"", "a.png", "image/png")])
    assert_validation(r, "media")


def test_bad_visibility(front):
    a = new_account(front)
    r = post_upload(a, [("media", POST_MEDIA["png"][0], "a.png"),
                        ("visibility", "everyone")])
    assert_validation(r, "visibility")


def test_caption_too_long(front):
    a = new_account(front)
    r = post_upload(a, [("media", POST_MEDIA["png"][0], "a.png"),
                        ("caption", "x" * 2201)])
    assert_validation(r, "caption")
    assert get_user(a, a.username)["postCount"] == 0


def _curl_upload(front, acct, body, ctype, tmp_path, timeout=300):
    """Send a big POST /posts with curl (it copes with an early answer and
    a closed connection); returns (status, response body)."""
    src = tmp_path / "body"
    src.write_bytes(body)
    out = tmp_path / "answer"
    r = subprocess.run(
        ["curl", "-sS", "-o", str(out), "-w", "%{http_code}",
         "--max-time", str(timeout), "-X", "POST",
         "-H", "Authorization: Bearer " + acct.token,
         "-H", "X-Forwarded-For: " + acct.client.ip,
         "-H", "Content-Type: " + ctype,
         "--data-binary", "@" + str(src), front.url + "/api/v1/posts"],
        capture_output=True, text=True, timeout=timeout + 10)
    src.unlink()
    status = int(r.stdout.strip() or 0)
    return status, out.read_bytes() if out.exists() else b"", r.stderr


def _big_objects():
    return {k for k, n in s3_objects("posts").items() if n > (49 << 20)}


@pytest.mark.parametrize("media_len,why", [
    ((51 << 20), "whole request over 51 MiB"),
    ((50 << 20) + 1, "media part over 50 MiB, request under 51 MiB"),
])
def test_too_large_is_413_and_stores_nothing(front, media_len, why,
                                             tmp_path):
    a = new_account(front)
    big_before = _big_objects()
    data = POST_MEDIA["png"][0] + b"\x00" * (media_len
                                             - len(POST_MEDIA["png"][0]))
    body, ctype = multipart([("media", data, "big.png", "image/png")])
    status, rest, err = _curl_upload(front, a, body, ctype, tmp_path)
    assert status == 413, (why, status, err, rest[:200])
    assert b'"payload_too_large"' in rest, (why, rest[:200])
    time.sleep(0.5)
    assert _big_objects() - big_before == set(), why
    assert get_user(a, a.username)["postCount"] == 0


def test_object_gone_after_delete(front):
    a = new_account(front)
    p = create_post(a, "webp")
    assert s3_get(p["contentUrl"])[0] == 200
    key = p["contentUrl"][len(posts_base_url()) + 1:]
    assert key in s3_objects("posts")
    r = api(a, "DELETE", "/posts/" + p["id"])
    assert r.status == 204 and r.body == b"", r
    assert s3_get(p["contentUrl"])[0] == 404
    assert key not in s3_objects("posts")
    assert get_post(a, p["id"]).status == 404
