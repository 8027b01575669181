"""Wallet export and the signing routes, each checked by an independent
tool: Foundry's cast (API.md 3.8.5-3.8.11, EXPORT_USER of 4)."""

import json

import pytest

from vybestest import (api, assert_json_error, assert_validation, cast,
                       cast_decode_tx, cast_verify, new_account,
                       wallet_export, wallet_sign, wallet_unlock)

MAIL_TYPED = {
    "types": {
        "EIP712Domain": [
            {"name": "name", "type": "string"},
            {"name": "version", "type": "string"},
            {"name": "chainId", "type": "uint256"},
            {"name": "verifyingContract", "type": "address"}],
        "Person": [
            {"name": "name", "type": "string"},
            {"name": "wallet", "type": "address"}],
        "Mail": [
            {"name": "from", "type": "Person"},
            {"name": "to", "type": "Person"},
            {"name": "contents", "type": "string"}]},
    "primaryType": "Mail",
    "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
               "verifyingContract":
                   "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
    "message": {
        "from": {"name": "Cow",
                 "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
        "to": {"name": "Bob",
               "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
        "contents": "Hello, Bob!"}}
RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
SECP256K1_N = \
    0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141


@pytest.fixture
def signer(front):
    """A fresh account with its wallet unlocked, its address and its
    exported key (one of its 3 exports an hour)."""
    a = new_account(front)
    wallet_unlock(a)
    key = wallet_export(a)
    return a, a.user["walletAddress"], key


def test_export_matches_the_address(front):
    a = new_account(front)
    r = api(a, "POST", "/wallet/export", body={"password": a.password})
    assert r.status == 200, r
    assert "no-store" in r.headers.get("Cache-Control", ""), r.headers
    key = r.json()["privateKey"]
    assert list(r.json()) == ["privateKey"]
    assert cast("wallet", "address", "--private-key", key) == \
        a.user["walletAddress"]
    # Export needs the password, not an unlock; it does not unlock.
    r = api(a, "GET", "/wallet/status")
    assert r.json()["unlocked"] is False


def test_export_wrong_password_and_limit(front):
    a = new_account(front)
    assert_json_error(api(a, "POST", "/wallet/export",
                          body={"password": "wrong"}), 401,
                      "invalid_credentials")
    assert_validation(api(a, "POST", "/wallet/export", body={}), "password")
    wallet_export(a)
    # Every attempt counted: the 4th in the hour is refused.
    r = api(a, "POST", "/wallet/export", body={"password": a.password})
    assert_json_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) > 3000, r.headers


def test_personal_sign_utf8(signer):
    a, addr, key = signer
    for msg in ["hello vybes", "ünïcødé ✓ " * 20, "x" * 65536]:
        sig = wallet_sign(a, "personal-sign", {"message": msg})
        assert cast_verify(addr, msg, sig), msg[:40]
        # Same as cast signing with the exported key (RFC 6979).
        assert cast("wallet", "sign", "--private-key", key, msg) == sig
        assert not cast_verify(addr, msg + ".", sig)
    assert wallet_sign(a, "personal-sign", {"message": "hello vybes",
                                            "encoding": "utf8"}) == \
        wallet_sign(a, "personal-sign", {"message": "hello vybes"})


def test_personal_sign_hex_and_no_guessing(signer):
    a, addr, key = signer
    msg = "0xdeadbeef00ff"
    sig = wallet_sign(a, "personal-sign", {"message": msg,
                                           "encoding": "hex"})
    # cast treats 0x strings as the bytes they spell.
    assert cast_verify(addr, msg, sig)
    assert cast("wallet", "sign", "--private-key", key, msg) == sig
    assert wallet_sign(a, "personal-sign", {"message": "0xDEADBEEF00FF",
                                            "encoding": "hex"}) == sig
    # Without encoding the same text is signed as its characters: cast
    # would read it as hex, so compare with the hex of the text's bytes.
    text_sig = wallet_sign(a, "personal-sign", {"message": msg})
    assert text_sig != sig
    assert cast_verify(addr, "0x" + msg.encode().hex(), text_sig)


@pytest.mark.parametrize("body,field", [
    ({}, "message"), ({"message": ""}, "message"),
    ({"message": 5}, "message"),
    ({"message": "x" * 65537}, "message"),
    ({"message": "0x", "encoding": "hex"}, "message"),
    ({"message": "0xabc", "encoding": "hex"}, "message"),
    ({"message": "0xzz", "encoding": "hex"}, "message"),
    ({"message": "abcd", "encoding": "hex"}, "message"),
    ({"message": "hi", "encoding": "base64"}, "encoding")])
def test_personal_sign_validation(signer, body, field):
    a, _, _ = signer
    assert_validation(api(a, "POST", "/wallet/personal-sign", body=body),
                      field)


def test_secp256k1_sign(signer):
    a, addr, key = signer
    for h in ["0x" + "ab" * 32, "0x" + "00" * 31 + "01",
              "0x" + "FF" * 32]:
        sig = wallet_sign(a, "secp256k1-sign", {"hash": h})
        assert cast_verify(addr, h.lower(), sig, "--no-hash"), h
        # A digest at or above the curve order: libsecp256k1 feeds it to
        # RFC 6979 unreduced, k256 (cast) reduced, so the two nonces
        # differ there; both signatures verify.
        if int(h, 16) < SECP256K1_N:
            assert cast("wallet", "sign", "--no-hash", "--private-key",
                        key, h.lower()) == sig, h
        # Not the personal-sign of those bytes.
        assert not cast_verify(addr, h.lower(), sig)
        assert int(sig[66:130], 16) <= SECP256K1_N // 2, sig


@pytest.mark.parametrize("h", ["", "0x", "0x" + "ab" * 31,
                               "0x" + "ab" * 33, "ab" * 32 + "00",
                               "0x" + "g" * 64, 5])
def test_secp256k1_sign_validation(signer, h):
    a, _, _ = signer
    assert_validation(api(a, "POST", "/wallet/secp256k1-sign",
                          body={"hash": h}), "hash")


def test_sign_typed_data_mail(signer, tmp_path):
    a, addr, key = signer
    f = tmp_path / "mail.json"
    f.write_text(json.dumps(MAIL_TYPED))
    sig = wallet_sign(a, "sign-typed-data", {"typedData": MAIL_TYPED})
    assert cast_verify(addr, str(f), sig, "--data", "--from-file")
    assert cast("wallet", "sign", "--data", "--from-file",
                "--private-key", key, str(f)) == sig
    # The string form signs the same.
    assert wallet_sign(a, "sign-typed-data",
                       {"typedData": json.dumps(MAIL_TYPED)}) == sig
    changed = json.loads(json.dumps(MAIL_TYPED))
    changed["message"]["contents"] = "Hello, Bob?"
    f.write_text(json.dumps(changed))
    assert not cast_verify(addr, str(f), sig, "--data", "--from-file")


def test_sign_typed_data_arrays_and_derived_domain(signer, tmp_path):
    """Nested arrays, ints, bytes, and an EIP712Domain derived from the
    domain's members (ethers' rule, also cast's)."""
    a, addr, key = signer
    td = {
        "types": {
            "Group": [{"name": "name", "type": "string"},
                      {"name": "members", "type": "Person[]"},
                      {"name": "scores", "type": "int256[2][]"},
                      {"name": "blob", "type": "bytes"},
                      {"name": "tag", "type": "bytes4"},
                      {"name": "ok", "type": "bool"}],
            "Person": [{"name": "name", "type": "string"},
                       {"name": "wallet", "type": "address"}]},
        "primaryType": "Group",
        "domain": {"name": "Vybes", "version": "2", "chainId": 31337},
        "message": {
            "name": "g",
            "members": [{"name": "A", "wallet": "0x" + "11" * 20},
                        {"name": "B", "wallet": "0x" + "22" * 20}],
            "scores": [[1, -2], ["3", "0x4"]],
            "blob": "0x0102030405",
            "tag": "0xdeadbeef",
            "ok": True}}
    f = tmp_path / "g.json"
    f.write_text(json.dumps(td))
    sig = wallet_sign(a, "sign-typed-data", {"typedData": td})
    assert cast("wallet", "sign", "--data", "--from-file",
                "--private-key", key, str(f)) == sig
    assert cast_verify(addr, str(f), sig, "--data", "--from-file")


@pytest.mark.parametrize("td,field", [
    ({"types": {}, "primaryType": "Nope", "domain": {}, "message": {}},
     None),
    ({"types": {"M": [{"name": "x", "type": "uint7"}]}, "primaryType": "M",
      "domain": {}, "message": {"x": 1}}, None),
    ({"types": {"M": [{"name": "x", "type": "uint8"}]}, "primaryType": "M",
      "domain": {}, "message": {"x": 256}}, None),
    ("{not json", "typedData")])
def test_sign_typed_data_validation(signer, td, field):
    a, _, _ = signer
    r = api(a, "POST", "/wallet/sign-typed-data", body={"typedData": td})
    assert_json_error(r, 400, "validation_failed")
    if field is not None:
        assert r.json().get("field") == field, r.json()
    else:
        assert r.json().get("field", "").startswith("typedData"), r.json()


@pytest.mark.parametrize("td", [
    # the field path of a long member name, cut to its 63 bytes
    {"types": {"M": [{"name": "\u00e9" * 40, "type": "string"}]},
     "primaryType": "M", "domain": {}, "message": {}},
    # the message quoting 64 bytes of an unknown type name
    {"types": {"M": [{"name": "x", "type": "\u20ac" * 30}]},
     "primaryType": "M", "domain": {}, "message": {"x": 1}}])
def test_sign_typed_data_error_stays_utf8(signer, td):
    """Found by schemathesis (issue 17): an error naming client text was
    cut inside a UTF-8 character, so the body was not valid JSON text."""
    a, _, _ = signer
    r = api(a, "POST", "/wallet/sign-typed-data", body={"typedData": td})
    assert_json_error(r, 400, "validation_failed")
    r.body.decode("utf-8")
    assert r.json()["field"].startswith("typedData"), r.json()


def _sign_tx(acct, tx, expect=200):
    r = api(acct, "POST", "/wallet/sign-transaction",
            body={"transaction": tx})
    assert r.status == expect, r
    return r


def _tx_hash(raw):
    from vybestest import keccak256
    return "0x" + keccak256(bytes.fromhex(raw[2:])).hex()


def test_sign_transaction_legacy(signer):
    a, addr, key = signer
    tx = {"type": "0x0", "chainId": "0x7a69", "nonce": 7,
          "gasPrice": "1000000000", "gas": "0x5208", "to": RECIPIENT,
          "value": "0xde0b6b3a7640000", "from": addr}
    out = _sign_tx(a, tx).json()
    raw = out["signedTx"]
    assert out["hash"] == _tx_hash(raw)
    ref = cast("mktx", "--private-key", key, "--chain", 31337, "--nonce", 7,
               "--gas-limit", 21000, "--gas-price", 1000000000, "--legacy",
               RECIPIENT, "--value", 10 ** 18)
    assert raw == ref
    d = cast_decode_tx(raw)
    assert d["signer"] == addr.lower()
    assert (d["type"], d["chainId"], d["nonce"], d["gasPrice"], d["gas"],
            d["to"], d["value"], d["input"], d["hash"]) == (
        "0x0", "0x7a69", "0x7", hex(10 ** 9), "0x5208", RECIPIENT.lower(),
        hex(10 ** 18), "0x", out["hash"])
    assert int(d["v"], 16) in (31337 * 2 + 35, 31337 * 2 + 36), d


def test_sign_transaction_eip1559_with_data(signer):
    a, addr, key = signer
    tx = {"chainId": 31337, "nonce": "0", "maxFeePerGas": "0x77359400",
          "maxPriorityFeePerGas": 1000000000, "gasLimit": 60000,
          "to": RECIPIENT.lower(), "value": 5, "input": "0xdeadbeef"}
    out = _sign_tx(a, tx).json()
    raw = out["signedTx"]
    assert raw.startswith("0x02")
    assert out["hash"] == _tx_hash(raw)
    d = cast_decode_tx(raw)
    assert d["signer"] == addr.lower()
    assert (d["type"], d["chainId"], d["nonce"], d["maxFeePerGas"],
            d["maxPriorityFeePerGas"], d["gas"], d["to"], d["value"],
            d["input"], d["accessList"], d["hash"]) == (
        "0x2", "0x7a69", "0x0", "0x77359400", "0x3b9aca00", hex(60000),
        RECIPIENT.lower(), "0x5", "0xdeadbeef", [], out["hash"])
    ref = cast("mktx", "--private-key", key, "--chain", 31337, "--nonce", 0,
               "--gas-limit", 60000, "--gas-price", 2000000000,
               "--priority-gas-price", 1000000000, RECIPIENT, "0xdeadbeef",
               "--value", 5)
    assert raw == ref


@pytest.mark.parametrize("nkeys", [[1], [0, 0], [0, 2, 1]])
def test_sign_transaction_eip1559_access_list(signer, nkeys):
    """Access list entries with and without storage keys (nkeys: the
    number of keys of each entry)."""
    a, addr, _ = signer
    entries = [{"address": "0x%040x" % (0x1000 + i),
                "storageKeys": ["0x%064x" % (i * 16 + j) for j in range(k)]}
               for i, k in enumerate(nkeys)]
    entries[0]["address"] = RECIPIENT
    tx = {"chainId": 31337, "nonce": "0", "maxFeePerGas": "0x77359400",
          "maxPriorityFeePerGas": 1000000000, "gasLimit": 60000,
          "to": RECIPIENT.lower(), "value": 5, "input": "0xdeadbeef",
          "accessList": entries}
    out = _sign_tx(a, tx).json()
    raw = out["signedTx"]
    assert raw.startswith("0x02")
    assert out["hash"] == _tx_hash(raw)
    d = cast_decode_tx(raw)
    assert d["signer"] == addr.lower()
    assert (d["type"], d["chainId"], d["nonce"], d["maxFeePerGas"],
            d["maxPriorityFeePerGas"], d["gas"], d["to"], d["value"],
            d["input"], d["hash"]) == (
        "0x2", "0x7a69", "0x0", "0x77359400", "0x3b9aca00", hex(60000),
        RECIPIENT.lower(), "0x5", "0xdeadbeef", out["hash"])
    assert [(x["address"].lower(), x["storageKeys"])
            for x in d["accessList"]] == [
        (e["address"].lower(), e["storageKeys"]) for e in entries]


def test_sign_transaction_contract_creation_and_default_chain(signer):
    a, addr, _ = signer
    # chainId left out: ETH_CHAIN_ID of the stack (31337).
    out = _sign_tx(a, {"nonce": 1, "gas": 100000, "gasPrice": 1,
                       "data": "0x6000"}).json()
    d = cast_decode_tx(out["signedTx"])
    assert d["signer"] == addr.lower()
    assert d.get("to") in (None, "", "0x"), d
    assert d["chainId"] == "0x7a69" and d["input"] == "0x6000", d


@pytest.mark.parametrize("tx,field", [
    ({"chainId": 1, "gas": 21000, "gasPrice": 1, "to": RECIPIENT},
     "transaction.nonce"),
    ({"chainId": 1, "nonce": 0, "gasPrice": 1, "to": RECIPIENT},
     "transaction.gas"),
    ({"chainId": 1, "nonce": 0, "gas": 21000, "gasPrice": 1,
      "maxFeePerGas": 2}, None),
    ({"chainId": 1, "nonce": 0, "gas": 21000, "maxFeePerGas": 1,
      "maxPriorityFeePerGas": 2}, None),
    ({"chainId": 1, "nonce": 0, "gas": 21000, "gasPrice": 1,
      "to": "0x70997970c51812dc3a010c7d01b50e0d17dc79C8"},
     "transaction.to"),
    ({"chainId": 1, "nonce": 0, "gas": 21000, "gasPrice": 1,
      "to": RECIPIENT, "from": RECIPIENT}, "transaction.from"),
    ({"chainId": 1, "nonce": 0, "gas": 21000, "gasPrice": 1},
     "transaction.data"),
    ({"chainId": 1, "nonce": "0x", "gas": 21000, "gasPrice": 1,
      "to": RECIPIENT}, "transaction.nonce")])
def test_sign_transaction_validation(signer, tx, field):
    a, _, _ = signer
    r = _sign_tx(a, tx, expect=400)
    assert_json_error(r, 400, "validation_failed")
    if field is not None:
        assert r.json().get("field") == field, r.json()
    else:
        assert r.json().get("field", "").startswith("transaction"), r.json()
