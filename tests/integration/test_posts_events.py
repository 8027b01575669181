"""Domain events of the posts routes and the outbox (ev.c, API.md 1.8):
with NATS down a like still succeeds and its event waits in the outbox;
with NATS up nothing is queued."""

import time

from vybestest import (api, create_post, new_account, outbox_lines,
                       vybes_dev, wait_for)


def _nats_up(front):
    r = front.get("/health/ready", timeout=5)
    return r.status in (200, 503) and \
        r.json()["checks"]["nats"]["status"] == "up"


def _nats_up_steadily(front, secs=3.0):
    """NATS reported up by /health/ready for secs in a row: time for every
    API worker, not only the one that answered, to have reconnected (each
    retries every 0.5 s plus up to 1 s of jitter, src/mq_nats.c); until
    then a worker's events go to the outbox, as they should."""
    since = None

    def steady():
        nonlocal since
        if not _nats_up(front):
            since = None
            return False
        since = since or time.monotonic()
        return time.monotonic() - since >= secs
    wait_for(steady, 60, interval=0.1, what="nats up for %.0f s" % secs)


def _like_ids(events):
    return {e[2] for e in events if e[1] == "vybes.like"}


def test_like_event_goes_to_outbox_when_nats_down(front):
    a, b, c = new_account(front), new_account(front), new_account(front)
    p = create_post(a, "png")
    _nats_up_steadily(front)
    # NATS up: a like is published, nothing is queued.
    before = set(outbox_lines())
    r = api(b, "POST", "/posts/%s/like" % p["id"])
    assert r.status == 200 and r.json()["likeCount"] == 1, r
    assert set(outbox_lines()) - before == set()

    before = outbox_lines()
    try:
        vybes_dev("stop", "nats")
        r = api(c, "POST", "/posts/%s/like" % p["id"], timeout=30)
        assert r.status == 200, r
        assert r.json() == {"message": "Post liked successfully",
                            "liked": True, "likeCount": 2}, r.json()
        after = outbox_lines()
        new = _like_ids(after) - _like_ids(before)
        assert len(new) == 1, (before, after)
        assert len(after) == len(before) + 1, (before, after)
        # Unlike emits nothing; the outbox does not grow.
        r = api(c, "DELETE", "/posts/%s/like" % p["id"], timeout=30)
        assert r.status == 200 and r.json()["likeCount"] == 1, r
        assert len(outbox_lines()) == len(after)
    finally:
        vybes_dev("start", "nats")
        wait_for(lambda: _nats_up(front), 60, interval=0.5,
                 what="nats up again in /health/ready")
