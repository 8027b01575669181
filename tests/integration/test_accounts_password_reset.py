"""Password reset through the mail catcher (API.md 3.1.6, 3.1.7)."""

import pytest

from vybestest import (Client, assert_json_error, assert_not_logged,
                       assert_unauthorized, assert_validation, mail_ids,
                       mail_wait_code, new_account, unique_email)

OTP_MSG = {"message": "If a user with that email exists, an OTP has been "
                      "sent."}


def wrong(code):
    return "%06d" % ((int(code) + 1) % 1000000)


def request_code(client, email):
    seen = mail_ids(email)
    r = client.post("/users/request-otp", {"email": email})
    assert r.status == 200, r
    assert r.json() == OTP_MSG
    return mail_wait_code(email, seen)[1]


def reset(client, email, otp, pw):
    return client.post("/users/reset-password",
                       {"email": email, "otp": otp, "newPassword": pw})


def test_request_otp_same_answer_for_unknown_email(front):
    a = new_account(front)
    c = Client(front)
    r1 = c.post("/users/request-otp", {"email": a.email.upper()})
    r2 = c.post("/users/request-otp", {"email": unique_email("ghost")})
    assert (r1.status, r1.body) == (200, r2.body) and r2.status == 200, \
        (r1, r2)
    assert r1.json() == OTP_MSG
    assert r1.headers.get("Content-Type") == r2.headers.get("Content-Type")


def test_password_reset(front, stack):
    a = new_account(front)
    s2 = a.client.login(a.email, a.password).json()
    code = request_code(Client(front), a.email)
    rc = Client(front)
    newpw = "new-pw-" + a.id

    r = reset(rc, a.email, wrong(code), newpw)
    assert_json_error(r, 400, "invalid_otp")
    # Field errors do not use up an attempt.
    assert_validation(rc.post("/users/reset-password",
                              {"email": a.email, "otp": int(code) or 1,
                               "newPassword": newpw}), "otp")
    assert_validation(reset(rc, a.email, code[:5], newpw), "otp")
    assert_validation(reset(rc, a.email, code + "0", newpw), "otp")
    assert_validation(reset(rc, a.email, "12345a", newpw), "otp")
    assert_validation(reset(rc, a.email, code, "short"), "newPassword")
    # Still valid: the password was not changed by any of the above.
    assert a.client.get("/users/me", token=a.token).status == 200

    r = reset(Client(front), a.email.upper(), code, newpw)
    assert r.status == 200, r
    assert r.json() == {"message": "Password has been reset successfully."}

    # Every session is gone: access and refresh tokens.
    for tok in (a.token, s2["access_token"]):
        assert_unauthorized(a.client.get("/users/me", token=tok))
    for rt in (a.refresh, s2["refresh_token"]):
        assert_unauthorized(a.client.post("/users/refresh",
                                          {"refresh_token": rt}))
    # New password works, old one does not.
    r = Client(front).login(a.email, a.password, expect=401)
    assert_json_error(r, 401, "invalid_credentials")
    Client(front).login(a.email, newpw)
    # The code is used up.
    assert_json_error(reset(Client(front), a.email, code, newpw + "2"),
                      400, "invalid_otp")
    assert_not_logged(stack, [code, newpw, a.password])


def test_five_wrong_codes_void_the_code(front):
    a = new_account(front)
    code = request_code(Client(front), a.email)
    rc = Client(front)
    for _ in range(5):
        assert_json_error(reset(rc, a.email, wrong(code), "new-pass-1"),
                          400, "invalid_otp")
    r = reset(Client(front), a.email, code, "new-pass-1")
    assert_json_error(r, 400, "invalid_otp")
    Client(front).login(a.email, a.password)          # unchanged
    # A fresh code works (attempts start again from zero).
    code2 = request_code(Client(front), a.email)
    assert_json_error(reset(rc, a.email, wrong(code2), "new-pass-2"),
                      400, "invalid_otp")
    r = reset(Client(front), a.email, code2, "new-pass-2")
    assert r.status == 200, r
    Client(front).login(a.email, "new-pass-2")


def test_four_wrong_codes_do_not_void(front):
    a = new_account(front)
    code = request_code(Client(front), a.email)
    rc = Client(front)
    for _ in range(4):
        assert_json_error(reset(rc, a.email, wrong(code), "new-pass-1"),
                          400, "invalid_otp")
    assert reset(Client(front), a.email, code, "new-pass-1").status == 200


def test_new_code_replaces_old(front):
    a = new_account(front)
    c = Client(front)
    code1 = request_code(c, a.email)
    code2 = request_code(c, a.email)
    if code1 != code2:
        assert_json_error(reset(Client(front), a.email, code1, "new-pass-1"),
                          400, "invalid_otp")
    assert reset(Client(front), a.email, code2, "new-pass-1").status == 200


def test_reset_unknown_email_or_no_code_is_invalid_otp(front):
    c = Client(front)
    assert_json_error(reset(c, unique_email("ghost"), "123456", "new-pass-1"),
                      400, "invalid_otp")
    a = new_account(front)
    assert_json_error(reset(c, a.email, "123456", "new-pass-1"),
                      400, "invalid_otp")


@pytest.mark.parametrize("body, field", [
    ({}, "email"), ({"email": "nope"}, "email"), ({"email": 3}, "email")])
def test_request_otp_validation(front, body, field):
    assert_validation(Client(front).post("/users/request-otp", body), field)


@pytest.mark.parametrize("body, field", [
    ({"otp": "123456", "newPassword": "12345678"}, "email"),
    ({"email": "a@example.com", "newPassword": "12345678"}, "otp"),
    ({"email": "a@example.com", "otp": 123456, "newPassword": "12345678"},
     "otp"),
    ({"email": "a@example.com", "otp": "123456"}, "newPassword"),
    ({"email": "a@example.com", "otp": "123456",
      "newPassword": "p" * 129}, "newPassword")])
def test_reset_validation(front, body, field):
    assert_validation(Client(front).post("/users/reset-password", body),
                      field)
