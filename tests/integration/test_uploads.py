"""Direct uploads (API.md 6.5): POST /uploads answers a presigned SigV4
PUT; the client PUTs to the local S3 server with exactly the url and
headers answered (urllib), then POST /posts or POST /stories with JSON
{uploadId} creates the post or story from the object, metadata removed
(checked with exiftool as in test_media_privacy.py) and the upload object
deleted.  Every refusal: unknown, expired, another user's, used, never
uploaded, for the other purpose (400 uploadId), 413, 415, the /uploads
body, the rate limit (counted by /uploads), two finalizations at once;
the worker's expiry job deleting an abandoned object.  s3rver checks no
signature, so the signature itself is checked against versitygw, a
strict S3-compatible server (Go module github.com/versity/versitygw,
installed by scripts/vybes-install): a good PUT passes, a wrong header
or an expired URL is refused with 403, and the storage client's own
header-signed requests (HEAD, ranged GET, GET, PUT, DELETE) work."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

import media_files
from test_media_privacy import check_stored
from test_safety_delete import restart_worker
from vybestest import (API, OID_RE, POST_MEDIA, Front, api, assert_json_error,
                       fcgi_as, get_post, get_user, new_account, run_threads,
                       s3_objects, wait_for)

MAX = 52428800
PNG = POST_MEDIA["png"][0]


def create_upload(acct, purpose="post", size=len(PNG)):
    return api(acct, "POST", "/uploads", body={"purpose": purpose,
                                                "size": size})


def new_upload(acct, purpose="post", size=len(PNG)):
    r = create_upload(acct, purpose, size)
    assert r.status == 201, r
    return r.json()


def put(up, data, headers=None):
    """PUT data to the upload's url with its headers (or `headers`):
    the HTTP status storage answers."""
    req = urllib.request.Request(up["url"], data=data, method="PUT",
                                 headers=up["headers"] if headers is None
                                 else headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as f:
            return f.status
    except urllib.error.HTTPError as exc:
        return exc.code


def uploaded(acct, data, purpose="post"):
    up = new_upload(acct, purpose, len(data))
    assert put(up, data) == 200
    return up


def finalize(acct, body, path="/posts"):
    return api(acct, "POST", path, body=body, timeout=60)


def upload_key(up):
    """The object key of the upload: the url's path after the bucket."""
    return up["url"].split("?")[0].split("/", 4)[4]


@pytest.fixture(scope="module")
def jpg(tmp_path_factory):
    """(path, bytes) of a JPEG with GPS, XMP and Orientation 6."""
    d = tmp_path_factory.mktemp("uploads")
    p = media_files.make("jpg", str(d / "x.jpg"))
    return {"jpg": (p, open(p, "rb").read())}


def test_post_flow(front, jpg, tmp_path):
    a = new_account(front)
    data = jpg["jpg"][1]
    up = new_upload(a, "post", len(data))
    assert OID_RE.match(up["uploadId"]), up
    assert up["method"] == "PUT"
    assert up["headers"] == {"Content-Length": str(len(data))}
    assert "X-Amz-Signature=" in up["url"]
    assert "/uploads/" in up["url"].split("?")[0]
    exp = datetime.strptime(up["expiresAt"], "%Y-%m-%dT%H:%M:%S.%fZ")
    left = exp.replace(tzinfo=timezone.utc).timestamp() - time.time()
    assert 895 < left < 905, up["expiresAt"]
    assert put(up, data) == 200
    key = upload_key(up)
    assert key in s3_objects("posts")
    r = finalize(a, {"uploadId": up["uploadId"], "caption": "from storage",
                     "visibility": "friends"})
    assert r.status == 201, r
    p = r.json()
    assert (p["caption"], p["visibility"], p["type"]) == \
        ("from storage", "friends", "image")
    assert p["contentUrl"].endswith(".jpg")
    assert get_post(a, p["id"]).json()["caption"] == "from storage"
    check_stored("jpg", jpg, p["contentUrl"], tmp_path)
    assert key not in s3_objects("posts")
    assert get_user(a, a.username)["postCount"] == 1
    # Used: a second finalization is refused.
    r = finalize(a, {"uploadId": up["uploadId"]})
    assert_json_error(r, 400, "validation_failed")
    assert r.json()["field"] == "uploadId"


def test_story_flow(front):
    a = new_account(front)
    up = uploaded(a, PNG, "story")
    r = finalize(a, {"uploadId": up["uploadId"]}, "/stories")
    assert r.status == 201, r
    assert r.json()["mediaType"] == "image/png"
    assert upload_key(up) not in s3_objects("stories")


def test_post_fields_validated_as_multipart(front):
    a = new_account(front)
    up = uploaded(a, PNG)
    uid = up["uploadId"]
    for body, field in (({"uploadId": uid, "caption": "x" * 2201}, "caption"),
                        ({"uploadId": uid, "caption": 5}, "caption"),
                        ({"uploadId": uid, "visibility": "all"}, "visibility"),
                        ({"caption": "no id"}, "uploadId"),
                        ({"uploadId": 7}, "uploadId")):
        r = finalize(a, body)
        assert_json_error(r, 400, "validation_failed")
        assert r.json()["field"] == field, (body, r.json())
    # None of these used the upload up.
    r = finalize(a, {"uploadId": uid, "caption": "é" * 2200})
    assert r.status == 201, r
    assert r.json()["visibility"] == "public"


def _bad_id(r):
    assert_json_error(r, 400, "validation_failed")
    assert r.json()["field"] == "uploadId", r.json()


def test_refused_upload_ids(front):
    a, b = new_account(front), new_account(front)
    _bad_id(finalize(a, {"uploadId": "0" * 24}))
    _bad_id(finalize(a, {"uploadId": "nope"}))
    # Another user's.
    up = uploaded(b, PNG)
    _bad_id(finalize(a, {"uploadId": up["uploadId"]}))
    # For the other purpose.
    st = uploaded(a, PNG, "story")
    _bad_id(finalize(a, {"uploadId": st["uploadId"]}))
    _bad_id(finalize(a, {"uploadId": up["uploadId"]}, "/stories"))
    # Never uploaded; then uploaded, it is still good.
    never = new_upload(a)
    _bad_id(finalize(a, {"uploadId": never["uploadId"]}))
    assert put(never, PNG) == 200
    assert finalize(a, {"uploadId": never["uploadId"]}).status == 201
    assert finalize(b, {"uploadId": up["uploadId"]}).status == 201
    assert get_user(a, a.username)["postCount"] == 1


def test_expired(front, story_api, stack):
    apis = story_api(extra_env={"VYBES_UPLOAD_TTL": "1"})
    a = new_account(front)
    r = fcgi_as(apis.sock, a, "POST", "/uploads", "application/json",
                json.dumps({"purpose": "post", "size": len(PNG)}).encode())
    assert r.status == 201, (r, apis.log())
    up = r.json()
    assert put(up, PNG) == 200       # s3rver checks no expiry
    time.sleep(1.5)
    _bad_id(finalize(a, {"uploadId": up["uploadId"]}))


def test_too_large_and_unsupported(front):
    a = new_account(front)
    # The client may put more than it announced where storage does not
    # check the signed Content-Length (s3rver): the HEAD decides.
    up = new_upload(a, "post", 100)
    big = PNG + b"\0" * (MAX + 1 - len(PNG))
    assert put(up, big, {}) == 200
    assert_json_error(finalize(a, {"uploadId": up["uploadId"]}), 413,
                      "payload_too_large")
    text = b"plain text, not media\n" * 4
    up = uploaded(a, text)
    assert_json_error(finalize(a, {"uploadId": up["uploadId"]}), 415,
                      "unsupported_media_type")
    up = uploaded(a, text, "story")
    assert_json_error(finalize(a, {"uploadId": up["uploadId"]}, "/stories"),
                      415, "unsupported_media_type")
    assert get_user(a, a.username)["postCount"] == 0


def test_uploads_body(front):
    a = new_account(front)
    for body, field in (({"size": 5}, "purpose"),
                        ({"purpose": "avatar", "size": 5}, "purpose"),
                        ({"purpose": "post"}, "size"),
                        ({"purpose": "post", "size": 0}, "size"),
                        ({"purpose": "post", "size": -3}, "size"),
                        ({"purpose": "post", "size": "5"}, "size"),
                        ({"purpose": "post", "size": 1.5}, "size")):
        r = api(a, "POST", "/uploads", body=body)
        assert_json_error(r, 400, "validation_failed")
        assert r.json()["field"] == field, (body, r.json())
    assert_json_error(create_upload(a, "story", MAX + 1), 413,
                      "payload_too_large")
    assert create_upload(a, "story", MAX).status == 201
    r = a.client.request("POST", "/uploads", body={"purpose": "post",
                                                   "size": 5})
    assert_json_error(r, 401, "unauthorized")


def test_rate_limit_counted_by_uploads(story_api, stack):
    apis = story_api(extra_env={"RL_POST_USER": "2/3600",
                                "RL_STORY_USER": "1/3600"})
    a = new_account(Front("nginx", stack.urls["nginx"]))

    def create(purpose):
        return fcgi_as(apis.sock, a, "POST", "/uploads", "application/json",
                       json.dumps({"purpose": purpose,
                                   "size": len(PNG)}).encode())
    def limited(r):
        assert r.status == 429 and r.json()["code"] == "rate_limited", r
    ups = [create("post") for _ in range(2)]
    assert [r.status for r in ups] == [201, 201], ups
    limited(create("post"))
    assert create("story").status == 201
    limited(create("story"))
    # The finalizations count nothing more.
    for r in ups:
        up = r.json()
        assert put(up, PNG) == 200
        f = fcgi_as(apis.sock, a, "POST", "/posts", "application/json",
                    json.dumps({"uploadId": up["uploadId"]}).encode())
        assert f.status == 201, f


def test_concurrent_finalizations(front):
    a = new_account(front)
    for _ in range(3):
        up = uploaded(a, PNG)
        res = run_threads(lambda _: finalize(a, {"uploadId":
                                                 up["uploadId"]}),
                          [(1,), (2,)])
        codes = sorted(r.status for r in res)
        assert codes == [201, 400], res
    assert get_user(a, a.username)["postCount"] == 3


def test_expiry_job_deletes_abandoned(story_api, stack):
    apis = story_api(extra_env={"VYBES_UPLOAD_TTL": "1"})
    a = new_account(Front("nginx", stack.urls["nginx"]))
    r = fcgi_as(apis.sock, a, "POST", "/uploads", "application/json",
                json.dumps({"purpose": "post", "size": len(PNG)}).encode())
    assert r.status == 201, r
    up = r.json()
    assert put(up, PNG) == 200
    key = upload_key(up)
    # The worker's grace is a fifteenth of its URL lifetime: none here.
    restart_worker({"VYBES_UPLOAD_TTL": "1"})
    try:
        wait_for(lambda: key not in s3_objects("posts"), 30,
                 what="abandoned upload object deleted")
    finally:
        restart_worker({})
    _bad_id(finalize(a, {"uploadId": up["uploadId"]}))


# ------------------------------------------------ a strict S3 server

def _versitygw():
    cache = Path(os.environ.get("VYBES_CACHE",
                                Path.home() / ".cache" / "vybes"))
    for p in (cache / "go" / "bin" / "versitygw",
              Path.home() / "go" / "bin" / "versitygw"):
        if p.is_file():
            return str(p)
    return shutil.which("versitygw")


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def strict_s3(tmp_path):
    """versitygw (posix backend) with the stack's buckets: its endpoint,
    access key and secret."""
    exe = _versitygw()
    if exe is None:
        pytest.skip("versitygw not installed (scripts/vybes-install)")
    root = tmp_path / "vgw"
    for b in ("posts", "stories"):
        (root / b).mkdir(parents=True)
    port = _free_port()
    key, secret = "vybestest", "vybes-strict-" + uuid.uuid4().hex
    log = open(tmp_path / "vgw.log", "wb")
    p = subprocess.Popen([exe, "--access", key, "--secret", secret,
                          "--region", "auto", "--port",
                          "127.0.0.1:%d" % port, "posix", str(root)],
                         stdout=log, stderr=subprocess.STDOUT)
    try:
        def up():
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return True
            except OSError:
                return False
        wait_for(up, 15, what="versitygw listening")
        yield ("http://127.0.0.1:%d" % port, key, secret, root)
    finally:
        p.terminate()
        p.wait(10)
        log.close()


def test_strict_server_checks_signatures(strict_s3, story_api, stack):
    endpoint, key, secret, root = strict_s3
    apis = story_api(extra_env={"R2_ENDPOINT": endpoint,
                                "R2_ACCESS_KEY_ID": key,
                                "R2_SECRET_ACCESS_KEY": secret,
                                "R2_REGION": "auto",
                                "VYBES_UPLOAD_TTL": "3"})
    a = new_account(Front("nginx", stack.urls["nginx"]))

    def create(size):
        r = fcgi_as(apis.sock, a, "POST", "/uploads", "application/json",
                    json.dumps({"purpose": "post", "size": size}).encode())
        assert r.status == 201, (r, apis.log())
        return r.json()
    up = create(len(PNG))
    # A wrong header: another length than the one signed.
    assert put(up, PNG + b"\0", {"Content-Length": str(len(PNG) + 1)}) == 403
    # A wrong signature.
    bad = dict(up, url=up["url"][:-1] + ("0" if up["url"][-1] != "0"
                                         else "1"))
    assert put(bad, PNG) == 403
    # Exactly the url and headers answered.
    assert put(up, PNG) == 200
    # The storage client's header-signed HEAD, ranged GET, GET, PUT and
    # DELETE all pass the strict server too.
    r = fcgi_as(apis.sock, a, "POST", "/posts", "application/json",
                json.dumps({"uploadId": up["uploadId"]}).encode())
    assert r.status == 201, (r, apis.log())
    name = r.json()["contentUrl"].rsplit("/", 1)[1]
    assert (root / "posts" / "posts" / name).read_bytes() == PNG
    assert not (root / "posts" / upload_key(up)).exists()
    # After the expiry the URL is refused.
    late = create(len(PNG))
    time.sleep(4.5)
    assert put(late, PNG) == 403
