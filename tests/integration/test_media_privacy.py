"""Metadata removed at upload (API.md 6.4): files made with ImageMagick,
cwebp, ffmpeg and exiftool (media_files.py) carrying GPS, XMP, IPTC,
comments and QuickTime location atoms go through POST /posts and
POST /stories; the stored object, fetched from the local S3 server, has
none of it by exiftool, keeps the JPEG Orientation, and decodes to the
same pixels (ImageMagick `compare -metric AE` = 0; ffmpeg frame hashes
for videos).  Metadata that cannot be parsed answers 415."""

import json
import os
import subprocess

import pytest

import media_files
from vybestest import (POST_MEDIA, assert_json_error, get_user, new_account,
                       post_upload, s3_get, story_upload)

MIME = {ext: POST_MEDIA[ext][1] for ext in POST_MEDIA}


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """ext -> (path, bytes) of the test files with metadata."""
    d = tmp_path_factory.mktemp("media")
    return {ext: (p, open(p, "rb").read())
            for ext, p in media_files.make_all(str(d)).items()}


def exif(path):
    """exiftool's tags of path as {group:name: value} (numbers raw)."""
    out = subprocess.run(["exiftool", "-j", "-a", "-G1", "-n", path],
                         check=True, capture_output=True).stdout
    return json.loads(out)[0]


def leaks(tags):
    """The tags that are location or other EXIF/XMP/IPTC metadata."""
    bad = []
    for k, v in tags.items():
        group, _, name = k.partition(":")
        if ("GPS" in name or "Location" in name or group.startswith("XMP")
                or group in ("IPTC", "Photoshop", "GPS", "ExifIFD")
                or "secret" in str(v)):
            bad.append((k, v))
    return bad


def same_pixels(ext, a, b):
    if MIME[ext].startswith("image/"):
        r = subprocess.run(["compare", "-quiet", "-metric", "AE", a, b, "null:"],
                           capture_output=True, text=True)
        assert r.returncode in (0, 1), r.stderr
        return r.stderr.strip() == "0"
    def frames(p):
        return subprocess.run(
            ["ffmpeg", "-v", "error", "-i", p, "-map", "0:v", "-f",
             "framemd5", "-"], check=True, capture_output=True).stdout
    fa, fb = frames(a), frames(b)
    return fa.count(b"\n") > 3 and fa == fb


def check_stored(ext, media, url, tmp_path):
    path, data = media[ext]
    status, headers, body = s3_get(url)
    assert status == 200, (status, url)
    assert headers.get("Content-Type") == MIME[ext]
    stored = os.path.join(str(tmp_path), "stored." + ext)
    with open(stored, "wb") as f:
        f.write(body)
    before, after = exif(path), exif(stored)
    assert leaks(before), before        # the test file has something
    assert leaks(after) == [], leaks(after)
    assert b"secret" not in body
    if ext == "jpg":
        assert before.get("IFD0:Orientation") == 6, before
        assert after.get("IFD0:Orientation") == 6, after
        assert not any(k.startswith("ExifIFD:") or k.startswith("IFD1:")
                       for k in after), after
    if ext in ("mp4", "mov"):
        assert len(body) == len(data)   # atoms overwritten in place
    assert same_pixels(ext, path, stored), ext


@pytest.mark.parametrize("ext", ["jpg", "png", "webp", "gif", "mp4", "mov"])
def test_post_metadata_removed(front, media, ext, tmp_path):
    a = new_account(front)
    r = post_upload(a, [("media", media[ext][1], "x." + ext, MIME[ext])])
    assert r.status == 201, r
    check_stored(ext, media, r.json()["contentUrl"], tmp_path)


@pytest.mark.parametrize("ext", ["jpg", "mp4"])
def test_story_metadata_removed(front, media, ext, tmp_path):
    a = new_account(front)
    r = story_upload(a, [("media", media[ext][1], "x." + ext, MIME[ext])])
    assert r.status == 201, r
    check_stored(ext, media, r.json()["mediaUrl"], tmp_path)


def _truncated_jpeg(data):
    """The JPEG cut in the middle of its Exif segment."""
    return data[:data.index(b"\xff\xe1") + 40]


def _bad_png_length(data):
    """The PNG with its tEXt chunk's length past the end of the file."""
    at = data.index(b"tEXt") - 4
    return data[:at] + (len(data)).to_bytes(4, "big") + data[at + 4:]


@pytest.mark.parametrize("ext,spoil", [("jpg", _truncated_jpeg),
                                       ("png", _bad_png_length)])
def test_unparsable_metadata_is_415(front, media, ext, spoil):
    a = new_account(front)
    bad = spoil(media[ext][1])
    r = post_upload(a, [("media", bad, "x." + ext, MIME[ext])])
    assert_json_error(r, 415, "unsupported_media_type")
    assert get_user(a, a.username)["postCount"] == 0
    r = story_upload(a, [("media", bad, "x." + ext, MIME[ext])])
    assert_json_error(r, 415, "unsupported_media_type")
