"""The rate limits of the account routes (API.md section 4), with the
default numbers of the stack's configuration.  Each test is its own client
address (X-Forwarded-For) and uses its own emails, so counts never mix."""

from vybestest import (Client, assert_json_error, new_account,
                       unique_email)


def check_429(r):
    assert_json_error(r, 429, "rate_limited")
    ra = r.headers.get("Retry-After", "")
    assert ra.isdigit() and int(ra) >= 1, "Retry-After %r" % ra
    return int(ra)


def test_login_ip_limit(front):
    a = new_account(front)
    c = Client(front)
    # 30 counted requests of any outcome (these fail validation quickly).
    for i in range(30):
        r = c.post("/users/login", {"email": "x%d@example.com" % i})
        assert r.status == 400, (i, r)
    ra = check_429(c.login(a.email, a.password, expect=429))
    assert ra <= 300
    # Another address is not affected.
    Client(front).login(a.email, a.password)


def test_login_email_limit(front):
    a = new_account(front)
    for i in range(10):
        # Each from its own address: the key is the email, not the IP.
        r = Client(front).login(a.email, "wrong-%d" % i, expect=401)
        assert_json_error(r, 401, "invalid_credentials")
    r = Client(front).login(a.email.upper(), a.password, expect=429)
    ra = check_429(r)
    assert ra <= 900
    # Other accounts are not affected.
    b = new_account(front)
    Client(front).login(b.email, b.password)


def test_login_email_counts_failures_only_and_success_clears(front):
    a = new_account(front)
    c = Client(front)
    for i in range(9):
        c.login(a.email, "wrong-%d" % i, expect=401)
    for _ in range(3):                 # successes are not counted ...
        c.login(a.email, a.password)
    for i in range(9):                 # ... and clear the count
        c.login(a.email, "again-%d" % i, expect=401)
    c.login(a.email, a.password)


def test_login_email_limit_applies_to_unknown_email(front):
    email = unique_email("ghost")
    for i in range(10):
        Client(front).login(email, "pw-%d" % i, expect=401)
    check_429(Client(front).login(email, "pw-x", expect=429))


def test_register_ip_limit(front):
    c = Client(front)
    for i in range(9):                 # validation failures count too
        r = c.post("/users/register", {"email": unique_email()})
        assert r.status == 400, (i, r)
    c.register()                       # the 10th
    r = c.post("/users/register", {"name": "N", "email": unique_email(),
                                   "password": "12345678"})
    ra = check_429(r)
    assert ra <= 3600
    Client(front).register()           # another address still can


def test_otp_email_limit(front):
    a = new_account(front)
    c = Client(front)
    for _ in range(3):
        assert c.post("/users/request-otp",
                      {"email": a.email}).status == 200
    check_429(Client(front).post("/users/request-otp",
                                 {"email": a.email.upper()}))
    # Unknown emails are limited the same way.
    ghost = unique_email("ghost")
    for _ in range(3):
        assert c.post("/users/request-otp", {"email": ghost}).status == 200
    check_429(c.post("/users/request-otp", {"email": ghost}))
    # Not an IP limit: the same address may ask for another email.
    assert c.post("/users/request-otp",
                  {"email": unique_email("ghost")}).status == 200


def test_refresh_ip_limit(front):
    c = Client(front)
    for i in range(60):
        r = c.post("/users/refresh", {"refresh_token": "x%d" % i})
        assert r.status == 401, (i, r)
    check_429(c.post("/users/refresh", {"refresh_token": "y"}))


def test_reset_ip_limit(front):
    c = Client(front)
    for i in range(10):
        r = c.post("/users/reset-password", {"email": "a@example.com"})
        assert r.status == 400, (i, r)
    check_429(c.post("/users/reset-password",
                     {"email": unique_email(), "otp": "123456",
                      "newPassword": "12345678"}))
