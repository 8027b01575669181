"""Media processing by vybes-worker (API.md 6.4): files made at test time
with ImageMagick, cwebp, exiftool and ffmpeg go through POST /posts and
POST /stories; GET shows mediaStatus "processing" at once and "ready"
within a bounded wait, with width and height after the Orientation tag,
durationMs for a video, a JPEG thumbnail in the bucket (its size checked
with ImageMagick `identify`) and a 4x3 BlurHash.  A file that passes
detection and metadata removal but does not decode becomes "failed" and
stays visible; a pixel bomb that hits the child's memory limit becomes
"failed" and the worker goes on; thumbnails go with their post or story.
Reposts show their original's fields."""

import os
import re
import signal
import subprocess
import urllib.request

import pytest

from vybestest import (MEDIA_FIELDS, api, ensure_worker_running, get_post,
                       new_account, post_upload, s3_get, story_feed,
                       story_upload, wait_for, worker_log_since,
                       worker_log_size, worker_pid)
from vybesstack.proc import children

# 6.4: ready normally within 10 s; the bound leaves room for a busy CI.
READY_WAIT = 60
THUMB = 640                 # THUMBNAIL_SIZE default
BLURHASH_RE = re.compile(r"^[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{28}$")
MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp",
        "gif": "image/gif", "mp4": "video/mp4"}


def _run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def _make(d, name, ext):
    """Path of test file `name' (its type ext) made in d."""
    path = os.path.join(d, name + "." + ext)
    if name == "rotated":           # stored 1000x750, shown 750x1000
        _run("convert", "-size", "1000x750", "gradient:red-blue", path)
        _run("exiftool", "-q", "-overwrite_original", "-Orientation#=6",
             path)
    elif name == "png":
        _run("convert", "-size", "200x100", "gradient:green-white", path)
    elif name == "webp":
        png = path + ".png"
        _run("convert", "-size", "800x400", "plasma:fractal", "-seed", "1",
             png)
        _run("cwebp", "-quiet", png, "-o", path)
        os.unlink(png)
    elif name == "gif":
        _run("convert", "-size", "64x48", "gradient:blue-white", path)
    elif name == "mp4":             # 3 s: the thumbnail is the frame at 1 s
        _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             "testsrc=size=320x240:rate=25", "-t", "3", "-c:v", "libx264",
             "-pix_fmt", "yuv420p", path)
    elif name == "vrot":            # stored 320x240, display matrix 90
        _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             "testsrc=size=320x240:rate=25", "-t", "2", "-c:v", "libx264",
             "-pix_fmt", "yuv420p", path)
        _run("exiftool", "-q", "-overwrite_original", "-Rotation=90", path)
    elif name == "short":           # 0.4 s: the first frame
        _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             "testsrc=size=1280x720:rate=10", "-t", "0.4", "-c:v",
             "libx264", "-pix_fmt", "yuv420p", path)
    elif name == "noise":
        _run("convert", "-size", "300x300", "xc:", "+noise", "Random",
             "-quality", "95", path)
    else:
        raise ValueError(name)
    return path


# name -> (ext, shown width, height, thumbnail width, height, durationMs)
CASES = {
    "rotated": ("jpg", 750, 1000, 480, 640, None),
    "png": ("png", 200, 100, 200, 100, None),
    "webp": ("webp", 800, 400, 640, 320, None),
    "gif": ("gif", 64, 48, 64, 48, None),
    "mp4": ("mp4", 320, 240, 320, 240, 3000),
    "vrot": ("mp4", 240, 320, 240, 320, 2000),
    "short": ("mp4", 1280, 720, 640, 360, 400),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("mproc"))
    out = {n: open(_make(d, n, c[0]), "rb").read() for n, c in CASES.items()}
    out["noise"] = open(_make(d, "noise", "jpg"), "rb").read()
    return out


def _same_picture(name, data, thumb, tmp_path):
    """The thumbnail looks like ImageMagick's (images, -auto-orient) or
    ffmpeg's (videos, autorotated, frame at 1 s or the first) picture
    scaled to its size: RMSE under 10 %, far below a wrong rotation."""
    ext, _w, _h, tw, th, dur = CASES[name]
    src = os.path.join(str(tmp_path), "src." + ext)
    ref = os.path.join(str(tmp_path), "ref.png")
    got = os.path.join(str(tmp_path), "got.jpg")
    for path, b in ((src, data), (got, thumb)):
        with open(path, "wb") as f:
            f.write(b)
    if dur is None:
        _run("convert", src + "[0]", "-auto-orient", "-resize",
             "%dx%d!" % (tw, th), ref)
    else:
        _run("ffmpeg", "-v", "error", "-y", "-ss",
             "1" if dur > 1000 else "0", "-i", src, "-frames:v", "1",
             "-vf", "scale=%d:%d" % (tw, th), ref)
    r = subprocess.run(["compare", "-metric", "RMSE", got, ref, "null:"],
                       capture_output=True, text=True)
    rmse = float(r.stderr.split("(")[1].split(")")[0])
    assert rmse < 0.1, (name, r.stderr)


@pytest.fixture(autouse=True)
def _worker_running(stack):
    ensure_worker_running()
    yield


def _post(acct, data, ext):
    r = post_upload(acct, [("media", data, "f." + ext, MIME[ext])])
    assert r.status == 201, r
    p = r.json()
    assert p["mediaStatus"] == "processing", p
    for k in MEDIA_FIELDS[1:]:
        assert k not in p, p
    return p


def _get(acct, post_id):
    r = get_post(acct, post_id)
    assert r.status == 200, r
    return r.json()


def _settled(acct, post_id):
    """The post once it is no longer processing (bounded wait)."""
    def done():
        p = _get(acct, post_id)
        return p if p["mediaStatus"] != "processing" else None
    return wait_for(done, READY_WAIT, interval=0.3,
                    what="post %s processed" % post_id)


def _story_settled(acct, story_id):
    """The story once it is no longer processing (bounded wait)."""
    def done():
        for g in story_feed(acct, media=True):
            for x in g["stories"]:
                if x["id"] == story_id and x["mediaStatus"] != "processing":
                    return x
        return None
    return wait_for(done, READY_WAIT, interval=0.3,
                    what="story %s processed" % story_id)


def _identify(data, tmp_path):
    path = os.path.join(str(tmp_path), "thumb.jpg")
    with open(path, "wb") as f:
        f.write(data)
    out = subprocess.run(["identify", "-format", "%m %w %h", path],
                         check=True, capture_output=True, text=True).stdout
    fmt, w, h = out.split()
    return fmt, int(w), int(h)


def _check_ready(p, case, tmp_path):
    """Check p's fields against case; returns the thumbnail's bytes."""
    _ext, w, h, tw, th, dur = case
    assert p["mediaStatus"] == "ready", p
    assert (p["width"], p["height"]) == (w, h), p
    if dur is None:
        assert "durationMs" not in p, p
    else:
        assert abs(p["durationMs"] - dur) <= 100, p
    assert BLURHASH_RE.match(p["blurhash"]), p
    url = p["thumbnailUrl"]
    assert re.search(r"/thumbs/[0-9a-f-]{36}\.jpg$", url), url
    assert url.rsplit("/", 1)[1].split(".")[0] == \
        (p["contentUrl"] if "contentUrl" in p else p["mediaUrl"]) \
        .rsplit("/", 1)[1].split(".")[0]
    status, headers, body = s3_get(url)
    assert status == 200, (status, url)
    assert headers.get("Content-Type") == "image/jpeg"
    assert _identify(body, tmp_path) == ("JPEG", tw, th)
    return body


@pytest.mark.parametrize("name", sorted(CASES))
def test_post_processed(front, files, name, tmp_path):
    a = new_account(front, prefix="mp")
    ext = CASES[name][0]
    p = _settled(a, _post(a, files[name], ext)["id"])
    _same_picture(name, files[name], _check_ready(p, CASES[name], tmp_path),
                  tmp_path)
    # A repost shows its original's values.
    b = new_account(front, prefix="mp")
    r = api(b, "POST", "/posts/%s/repost" % p["id"])
    assert r.status == 201, r
    rp = r.json()
    for k in ("mediaStatus", "width", "height", "thumbnailUrl", "blurhash"):
        assert rp[k] == p[k], (k, rp, p)


def test_story_processed(front, files, tmp_path):
    a = new_account(front, prefix="ms")
    r = story_upload(a, [("media", files["mp4"], "s.mp4", "video/mp4")])
    assert r.status == 201, r
    s = r.json()
    assert s["mediaStatus"] == "processing", s
    x = _story_settled(a, s["id"])
    _check_ready(x, CASES["mp4"], tmp_path)
    r = api(a, "DELETE", "/stories/%s" % s["id"])
    assert r.status == 204, r
    assert s3_get(x["thumbnailUrl"])[0] == 404
    assert s3_get(x["mediaUrl"])[0] == 404


def test_delete_removes_thumbnail(front, files):
    a = new_account(front, prefix="md")
    p = _settled(a, _post(a, files["png"], "png")["id"])
    assert p["mediaStatus"] == "ready", p
    assert s3_get(p["thumbnailUrl"])[0] == 200
    r = api(a, "DELETE", "/posts/%s" % p["id"])
    assert r.status in (200, 204), r
    assert s3_get(p["thumbnailUrl"])[0] == 404
    assert s3_get(p["contentUrl"])[0] == 404


def _truncated_scan(jpeg):
    """The JPEG cut inside its entropy-coded data: the segments before
    SOS are intact, so detection and metadata removal accept it."""
    sos = jpeg.index(b"\xff\xda")
    return jpeg[:sos + (len(jpeg) - sos) // 3]


def _gif_bomb():
    """A GIF of 65535x65535 pixels in a few bytes: a decoder that
    allocates its frame needs 16 GiB, over the child's RLIMIT_AS."""
    w = (65535).to_bytes(2, "little")
    return (b"GIF89a" + w + w + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
            + b"," + b"\x00\x00\x00\x00" + w + w + b"\x00"
            + b"\x02\x02\x44\x01\x00" + b";")


@pytest.mark.parametrize("kind", ["truncated", "garbage", "bomb"])
def test_undecodable_becomes_failed(front, files, kind):
    a = new_account(front, prefix="mf")
    if kind == "truncated":
        data, ext = _truncated_scan(files["noise"]), "jpg"
    elif kind == "garbage":         # valid boxes, random bytes in them
        noise = os.urandom(4096)
        data = (files["mp4"][:files["mp4"].index(b"mdat") - 4]
                + (8 + len(noise)).to_bytes(4, "big") + b"mdat" + noise)
        ext = "mp4"
    else:
        data, ext = _gif_bomb(), "gif"
    pid = worker_pid()
    off = worker_log_size()
    p = _settled(a, _post(a, data, ext)["id"])
    assert p["mediaStatus"] == "failed", p
    for k in MEDIA_FIELDS[1:]:
        assert k not in p, p
    assert "media: posts %s" % p["id"] in worker_log_since(off)
    # It stays visible, with its media; the worker goes on.
    assert _get(a, p["id"])["mediaStatus"] == "failed"
    assert s3_get(p["contentUrl"])[0] == 200
    assert worker_pid() == pid
    q = _settled(a, _post(a, files["gif"], "gif")["id"])
    assert q["mediaStatus"] == "ready", q


def test_backstop_finishes_overdue(front, files):
    """A post left processing with its event long gone (as when a worker
    is killed mid-job and the redelivery is lost) is finished by the
    backstop job: put back to processing, overdue, thumbnail deleted, in
    MongoDB; the job (every 5 s) makes it ready again."""
    import datetime
    from bson import ObjectId
    from pymongo import MongoClient
    from pymongo.errors import ConfigurationError

    a = new_account(front, prefix="mb")
    p = _settled(a, _post(a, files["png"], "png")["id"])
    assert p["mediaStatus"] == "ready", p
    cli = MongoClient(os.environ["VYBES_MONGO_URI"],
                      serverSelectionTimeoutMS=5000)
    try:
        cli.admin.command("ping")
    except ConfigurationError as exc:
        pytest.skip("pymongo cannot talk to this server: %s" % exc)
    try:
        past = datetime.datetime.now(datetime.timezone.utc) - \
            datetime.timedelta(seconds=1)
        cli[os.environ["VYBES_DB_NAME"]].posts.update_one(
            {"_id": ObjectId(p["id"])},
            {"$set": {"mediaStatus": "processing", "mediaPending": past},
             "$unset": {"width": "", "height": "", "thumbnailUrl": "",
                        "thumbKey": "", "blurhash": ""}})
    finally:
        cli.close()
    key = p["thumbnailUrl"].rsplit("/", 1)[1]
    req = urllib.request.Request("%s/posts/thumbs/%s" % (
        os.environ["VYBES_S3_ENDPOINT"].rstrip("/"), key), method="DELETE")
    urllib.request.urlopen(req, timeout=10).close()
    assert s3_get(p["thumbnailUrl"])[0] == 404
    off = worker_log_size()
    wait_for(lambda: "overdue posts and stories processed"
             in worker_log_since(off), 30, interval=0.5,
             what="backstop job ran")
    q = _get(a, p["id"])
    assert q["mediaStatus"] == "ready", q
    assert (q["width"], q["height"]) == (200, 100), q
    assert s3_get(q["thumbnailUrl"])[0] == 200


def test_account_purge_removes_thumbnails(front, files):
    """DELETE /users/me: the purge (DELETION_GRACE 0 on the stack, job
    every 5 s) deletes the thumbnails of the user's posts and stories
    with their objects."""
    a = new_account(front, prefix="mu")
    p = _settled(a, _post(a, files["gif"], "gif")["id"])
    r = story_upload(a, [("media", files["gif"], "s.gif", "image/gif")])
    assert r.status == 201, r
    sid = r.json()["id"]

    def story_done():
        for g in story_feed(a, media=True):
            for x in g["stories"]:
                if x["id"] == sid and x["mediaStatus"] != "processing":
                    return x
        return None
    s = wait_for(story_done, READY_WAIT, interval=0.3, what="story ready")
    thumbs = [p["thumbnailUrl"], s["thumbnailUrl"]]
    assert all(s3_get(u)[0] == 200 for u in thumbs), thumbs
    r = api(a, "DELETE", "/users/me", body={"password": a.password})
    assert r.status == 202, r
    wait_for(lambda: all(s3_get(u)[0] == 404 for u in thumbs + [
        p["contentUrl"], s["mediaUrl"]]), 60, interval=0.5,
        what="thumbnails purged")


def test_media_process_restarted(front, files):
    """vybes-worker's media process killed outright: the main process
    starts another (within 5 s) and media is processed again, while
    notifications never depended on it."""
    pid = worker_pid()
    media = children(pid)
    assert len(media) == 1, media
    off = worker_log_size()
    os.kill(media.pop(), signal.SIGKILL)
    wait_for(lambda: re.search(r"media process \d+: consuming as",
                               worker_log_since(off)), 30, interval=0.3,
             what="media process restarted")
    assert worker_pid() == pid
    assert "media process" in worker_log_since(off) and \
        "ended (signal 9); restarting" in worker_log_since(off)
    a = new_account(front, prefix="mr")
    p = _settled(a, _post(a, files["png"], "png")["id"])
    assert p["mediaStatus"] == "ready", p


def test_direct_uploads_processed(front, files, tmp_path):
    """A post and a story made from a direct upload (6.5) are processed
    like multipart ones."""
    from test_uploads import finalize, uploaded
    a = new_account(front, prefix="mu")
    up = uploaded(a, files["rotated"])
    r = finalize(a, {"uploadId": up["uploadId"]})
    assert r.status == 201, r
    assert r.json()["mediaStatus"] == "processing", r
    p = _settled(a, r.json()["id"])
    _check_ready(p, CASES["rotated"], tmp_path)
    up = uploaded(a, files["short"], "story")
    r = finalize(a, {"uploadId": up["uploadId"]}, "/stories")
    assert r.status == 201, r
    s = r.json()
    assert s["mediaStatus"] == "processing", s
    _check_ready(_story_settled(a, s["id"]), CASES["short"], tmp_path)
