"""vybes-worker delivery guarantees (API.md 1.8, 3.6.1; vybes-worker(8)):
no notification lost or duplicated across SIGKILL, SIGTERM, a NATS outage
(the outbox) and two workers sharing the consumer, and a backlog of 300
events delivered exactly once (tests/bench/worker measures how fast).
These tests stop and start the stack's worker (and NATS) and
always leave them running.  They go through nginx only: the web server
plays no part in what they check."""

import os
import signal
import time

import pytest

from vybestest import (Front, OwnWorker, alive, api, create_post,
                       ensure_worker_running, like_matrix, new_account,
                       new_accounts_retry, notifications_all, outbox_lines,
                       vybes_dev, wait_for, wait_notifications, worker_pid)

DEADLINE = 60


@pytest.fixture
def wfront(stack):
    return Front("nginx", stack.urls["nginx"])


@pytest.fixture(autouse=True)
def _leave_running(stack):
    yield
    vybes_dev("start", "nats", check=False)
    ensure_worker_running()


def _setup(front, likers, posts):
    """An author with `posts` posts and `likers` fresh accounts."""
    author = new_account(front, prefix="wa")
    ps = [create_post(author) for _ in range(posts)]
    ls = new_accounts_retry(front, likers)
    return author, ls, ps


def _assert_exactly(author, likers, posts, settle=1.5):
    """Exactly one like notification per (liker, post), also after a
    pause (a late duplicate would show)."""
    want = {(a.id, p["id"]) for a in likers for p in posts}
    ns = wait_notifications(author, len(want), DEADLINE)
    time.sleep(settle)
    ns = notifications_all(author)
    got = [(n["actorId"], n.get("postId")) for n in ns]
    dups = len(got) - len(set(got))
    assert dups == 0, "%d duplicate notifications" % dups
    assert set(got) == want, (len(got), len(want))
    assert all(n["type"] == "like" and n["userId"] == author.id
               for n in ns)
    return ns


def _count(author):
    return len(notifications_all(author))


def _stop_stack_worker():
    vybes_dev("stop", "worker")


def test_worker_sigkill_mid_stream_loses_and_duplicates_nothing(wfront):
    author, likers, posts = _setup(wfront, 20, 15)
    _stop_stack_worker()
    n = like_matrix(likers, posts)
    assert n == 300
    vybes_dev("start", "worker")
    pid = worker_pid()
    seen = wait_for(lambda: _count(author), DEADLINE, interval=0.01,
                    what="first notification")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), 5, what="worker gone after SIGKILL")
    at_kill = _count(author)
    print("SIGKILL after %d..%d of %d notifications" % (seen, at_kill, n))
    assert at_kill < n, "the burst was over before the kill"
    vybes_dev("start", "worker")
    assert worker_pid() != pid
    # Up to one fetched batch waits for its 30 s acknowledgement timeout.
    _assert_exactly(author, likers, posts)


def test_worker_nats_down_outbox_replayed(wfront):
    author, likers, posts = _setup(wfront, 10, 10)
    before = outbox_lines()
    assert before == [], before
    vybes_dev("stop", "nats")
    try:
        t0 = time.monotonic()
        n = like_matrix(likers, posts)
        took = time.monotonic() - t0
        print("100 likes with NATS down took %.2fs" % took)
        pending = outbox_lines()
        assert len(pending) == n == 100, len(pending)
        assert {e[1] for e in pending} == {"vybes.like"}, pending[:3]
        assert len({e[2] for e in pending}) == 100, "message ids not unique"
        # Nothing reaches the worker meanwhile.
        time.sleep(1)
        assert _count(author) == 0
    finally:
        vybes_dev("start", "nats")
    t0 = time.monotonic()
    _assert_exactly(author, likers, posts)
    wait_for(lambda: outbox_lines() == [], DEADLINE, interval=0.5,
             what="outbox empty")
    print("outbox drained and notified in %.1fs" % (time.monotonic() - t0))


def test_worker_two_workers_no_duplicates(wfront, tmp_path):
    author, likers, posts = _setup(wfront, 10, 6)
    second = OwnWorker(tmp_path, "second").start()
    try:
        assert alive(worker_pid())
        like_matrix(likers, posts)
        _assert_exactly(author, likers, posts)
    finally:
        second.stop()
    assert second.proc.returncode == 0, second.log()[-2000:]
    print("second worker:", [ln for ln in second.log().splitlines()
                             if "stopping after" in ln])


def test_worker_sigterm_idle_exits_zero_promptly(tmp_path):
    _stop_stack_worker()
    w = OwnWorker(tmp_path, "idle").start()
    try:
        time.sleep(1.5)
        t0 = time.monotonic()
        w.proc.send_signal(signal.SIGTERM)
        rc = w.proc.wait(timeout=10)
        took = time.monotonic() - t0
    finally:
        w.stop()
    assert rc == 0, w.log()[-2000:]
    assert took < 3, "SIGTERM took %.2fs" % took
    assert "worker %d: stopping after 0 events" % w.proc.pid in w.log(), \
        w.log()[-2000:]


def test_worker_sigterm_during_burst_loses_nothing(wfront, tmp_path):
    author, likers, posts = _setup(wfront, 20, 15)
    _stop_stack_worker()
    like_matrix(likers, posts)
    w = OwnWorker(tmp_path, "burst").start()
    try:
        wait_for(lambda: _count(author), DEADLINE, interval=0.01,
                 what="first notification")
        t0 = time.monotonic()
        w.proc.send_signal(signal.SIGTERM)
        rc = w.proc.wait(timeout=10)
        took = time.monotonic() - t0
    finally:
        w.stop()
    at_stop = _count(author)
    print("SIGTERM after %d of 300, exit in %.2fs" % (at_stop, took))
    assert rc == 0, w.log()[-2000:]
    assert took < 3, "SIGTERM took %.2fs" % took
    assert at_stop < 300, "the burst was over before SIGTERM"
    handled = [ln for ln in w.log().splitlines()
               if "worker %d: stopping after" % w.proc.pid in ln]
    assert len(handled) == 1, w.log()[-2000:]
    vybes_dev("start", "worker")
    # Messages fetched but not handled were handed back: no 30 s wait.
    t0 = time.monotonic()
    _assert_exactly(author, likers, posts, settle=1.0)
    assert time.monotonic() - t0 < 20, "handed-back messages came late"


def test_worker_backlog_delivered_exactly_once(wfront):
    """300 like events queued while the worker is stopped: each becomes
    exactly one notification once it runs again."""
    author, likers, posts = _setup(wfront, 20, 15)
    _stop_stack_worker()
    assert like_matrix(likers, posts) == 300
    vybes_dev("start", "worker")     # returns once it is consuming
    _assert_exactly(author, likers, posts, settle=0.5)


def test_worker_repost_deleted_before_handled_leaves_no_notification(
        wfront):
    """3.3.3: deleting a repost removes its repost notification.  When
    the repost is deleted before the worker handled its event, the worker
    creates none: svc_notify_event checks that the post, and the comment
    or repost (data.repostId) the event names, still exist, and a gone one
    makes the event a no-op.  Comments deleted early and likes on deleted
    posts are the same case: only the marker's like remains."""
    author = new_account(wfront, prefix="wa")
    rp, c, marker = (new_account(wfront, prefix="wr"),
                     new_account(wfront, prefix="wc"),
                     new_account(wfront, prefix="wm"))
    post = create_post(author)
    gone = create_post(author)
    _stop_stack_worker()
    r = api(rp, "POST", "/posts/%s/repost" % post["id"])
    assert r.status == 201, r
    repost = r.json()
    r = api(rp, "DELETE", "/posts/" + repost["id"])
    assert r.status == 204, r
    r = api(c, "POST", "/posts/%s/comments" % post["id"],
            body={"text": "soon gone"})
    assert r.status == 201, r
    r = api(c, "DELETE", "/comments/" + r.json()["id"])
    assert r.status == 204, r
    r = api(c, "POST", "/posts/%s/like" % gone["id"])
    assert r.status == 200, r
    r = api(author, "DELETE", "/posts/" + gone["id"])
    assert r.status == 204, r
    r = api(marker, "POST", "/posts/%s/like" % post["id"])
    assert r.status == 200, r
    vybes_dev("start", "worker")
    wait_notifications(author, 1, DEADLINE,
                       pred=lambda n: n["actorId"] == marker.id)
    time.sleep(1)
    ns = notifications_all(author)
    kinds = sorted((n["type"], n["actorId"]) for n in ns)
    assert ("comment", c.id) not in kinds and ("like", c.id) not in kinds, ns
    assert kinds == [("like", marker.id)], \
        "notifications for deleted objects: %r" % [
            (n["type"], n.get("postId")) for n in ns
            if n["actorId"] != marker.id]
