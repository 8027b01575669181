"""Media samples that pass the content detection of API.md Appendix A,
multipart bodies, post and story uploads, and the s3rver buckets seen
from outside."""

import os
import re as _re
import urllib.error as _urlerr
import urllib.parse
import urllib.request as _urlreq
import uuid as _uuid
import xml.etree.ElementTree as _ET

from .accounts import api


UUID4_RE = _re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

_PNG = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR"
        + b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        + b"\x1f\x15\xc4\x89")
_JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01"
         b"\x00\x00\xff\xd9")
_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
        b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
        b"\x00\x02\x02D\x01\x00;")
_WEBP_VP8 = b"VP8 " + (10).to_bytes(4, "little") + b"\x00" * 10
_WEBP = b"RIFF" + (4 + len(_WEBP_VP8)).to_bytes(4, "little") + b"WEBP" \
    + _WEBP_VP8
_MP4 = (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        + b"\x00\x00\x00\x08free")
_MOV = (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "
        + b"\x00\x00\x00\x08moov")

# ext -> (bytes, detected Content-Type, post type)
POST_MEDIA = {
    "jpg": (_JPEG, "image/jpeg", "image"),
    "png": (_PNG, "image/png", "image"),
    "gif": (_GIF, "image/gif", "image"),
    "webp": (_WEBP, "image/webp", "image"),
    "mp4": (_MP4, "video/mp4", "video"),
    "mov": (_MOV, "video/quicktime", "video"),
}


def multipart(parts, boundary=None):
    """(body, Content-Type) of a multipart/form-data body.  parts: list of
    (name, value) or (name, value, filename, content_type); value bytes or
    str."""
    boundary = boundary or "vybes" + _uuid.uuid4().hex
    out = []
    for part in parts:
        name, value = part[0], part[1]
        filename = part[2] if len(part) > 2 else None
        ctype = part[3] if len(part) > 3 else None
        if isinstance(value, str):
            value = value.encode("utf-8")
        disp = 'form-data; name="%s"' % name
        if filename is not None:
            disp += '; filename="%s"' % filename
        head = "--%s\r\nContent-Disposition: %s\r\n" % (boundary, disp)
        if ctype:
            head += "Content-Type: %s\r\n" % ctype
        out.append(head.encode() + b"\r\n" + value + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def post_upload(acct, parts, timeout=30):
    """POST /posts with the given multipart parts as acct."""
    body, ctype = multipart(parts)
    return acct.client.request("POST", "/posts", raw=body, token=acct.token,
                               headers={"Content-Type": ctype},
                               timeout=timeout)


def create_post(acct, ext="png", caption=None, visibility=None):
    """A new post of acct (asserts 201); returns the Post."""
    data, mime, _kind = POST_MEDIA[ext]
    parts = [("media", data, "file." + ext, mime)]
    if caption is not None:
        parts.append(("caption", caption))
    if visibility is not None:
        parts.append(("visibility", visibility))
    r = post_upload(acct, parts)
    assert r.status == 201, r
    return r.json()


def s3_get(url, timeout=10):
    """(status, headers, body) of a plain GET on s3rver."""
    try:
        with _urlreq.urlopen(url, timeout=timeout) as f:
            return f.status, f.headers, f.read()
    except _urlerr.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def s3_objects(bucket="posts"):
    """{key: size} of every object of a bucket (s3rver lists without
    authentication)."""
    base = os.environ["VYBES_S3_ENDPOINT"].rstrip("/")
    ns = "{http://doc.s3.amazonaws.com/2006-03-01/}"
    out, token = {}, None
    while True:
        q = {"list-type": "2", "max-keys": "1000"}
        if token:
            q["continuation-token"] = token
        status, _h, body = s3_get("%s/%s?%s" % (base, bucket,
                                                urllib.parse.urlencode(q)))
        assert status == 200, (status, body[:200])
        root = _ET.fromstring(body)
        for c in root.iter(ns + "Contents"):
            out[c.find(ns + "Key").text] = int(c.find(ns + "Size").text)
        if root.findtext(ns + "IsTruncated") != "true":
            return out
        token = root.findtext(ns + "NextContinuationToken")


# ---------------------------------------------------------------- stories
# Helpers of the stories tests (test_stories_*): uploads, the feed, the
# stories bucket's public base URL, and a FastCGI request whose CGI
# parameters (CONTENT_TYPE among them) are given in full.

def public_base_url(bucket):
    """<bucket>_public_base_url of the stack's configuration."""
    key = "%s_public_base_url" % bucket
    for line in open(os.environ["VYBES_CONF"]):
        k, _, v = line.partition("=")
        if k.strip() == key:
            return v.strip().rstrip("/")
    raise AssertionError("no %s in VYBES_CONF" % key)


def stories_base_url():
    return public_base_url("stories")


def story_upload(acct, parts, token=True, timeout=30):
    """POST /stories with the given multipart parts as acct (token=False:
    without Authorization)."""
    body, ctype = multipart(parts)
    return acct.client.request("POST", "/stories", raw=body,
                               token=acct.token if token else None,
                               headers={"Content-Type": ctype},
                               timeout=timeout)


# The fields vybes-worker's media processing adds (API.md 6.4); they
# change on their own after creation (test_media_processing checks them).
MEDIA_FIELDS = ("mediaStatus", "width", "height", "durationMs",
                "thumbnailUrl", "blurhash")


def without_media(obj):
    """A copy of a Post or Story without the MEDIA_FIELDS."""
    return {k: v for k, v in obj.items() if k not in MEDIA_FIELDS}


def create_story(acct, ext="png"):
    """A new story of acct (asserts 201); returns the Story without its
    MEDIA_FIELDS."""
    data, mime, _kind = POST_MEDIA[ext]
    r = story_upload(acct, [("media", data, "file." + ext, mime)])
    assert r.status == 201, r
    return without_media(r.json())


def story_feed(acct, media=False):
    """GET /stories/feed as acct (asserts 200); returns the groups, their
    stories without the MEDIA_FIELDS unless `media'."""
    r = api(acct, "GET", "/stories/feed")
    assert r.status == 200, r
    out = r.json()
    assert isinstance(out, list), out
    if not media:
        for g in out:
            g["stories"] = [without_media(s) for s in g.get("stories", [])]
    return out
