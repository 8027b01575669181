"""send-transaction against the stack's anvil (API.md 3.8.12): mined,
balances move, nonces filled and distinct under concurrency, node errors
422 chain_rejected, node down 503."""

import pytest

from vybestest import (api, assert_json_error, assert_validation,
                       cast_decode_tx, ensure_eth_running, eth_balance,
                       eth_fund, eth_receipt, eth_rpc, new_account,
                       run_threads, vybes_dev, wallet_unlock)

ETH = 10 ** 18


@pytest.fixture
def sender(front):
    """A fresh unlocked account whose wallet holds 10 ETH, and a fresh
    recipient address (another new account's wallet)."""
    ensure_eth_running()
    a = new_account(front)
    wallet_unlock(a)
    eth_fund(a.user["walletAddress"], 10 * ETH)
    to = new_account(front).user["walletAddress"]
    return a, a.user["walletAddress"], to


def send(acct, tx, expect=200):
    r = api(acct, "POST", "/wallet/send-transaction",
            body={"transaction": tx}, timeout=30)
    assert r.status == expect, r
    return r


def mined(txhash, frm):
    rc = eth_receipt(txhash)
    assert rc["status"] == "0x1", rc
    assert rc["from"].lower() == frm.lower(), rc
    return rc


def test_send_is_mined_and_moves_the_balance(sender):
    a, addr, to = sender
    before = eth_balance(to)
    h = send(a, {"to": to, "value": hex(ETH // 4)}).json()["transactionHash"]
    rc = mined(h, addr)
    assert rc["to"].lower() == to.lower()
    assert eth_balance(to) == before + ETH // 4
    tx = eth_rpc("eth_getTransactionByHash", [h])
    assert tx["type"] == "0x2" and tx["chainId"] == "0x7a69", tx
    # The raw transaction decodes to a transaction of the wallet.
    raw = eth_rpc("eth_getRawTransactionByHash", [h])
    assert cast_decode_tx(raw)["signer"] == addr.lower()
    spent = 10 * ETH - eth_balance(addr)
    assert spent >= ETH // 4 + 21000, spent


def test_send_legacy_and_given_members(sender):
    a, addr, to = sender
    before = eth_balance(to)
    nonce = int(eth_rpc("eth_getTransactionCount", [addr, "pending"]), 16)
    h = send(a, {"type": 0, "to": to, "value": 12345, "chainId": 31337,
                 "nonce": nonce, "gas": 21000, "from": addr.lower()}
             ).json()["transactionHash"]
    mined(h, addr)
    tx = eth_rpc("eth_getTransactionByHash", [h])
    assert tx["type"] == "0x0" and int(tx["nonce"], 16) == nonce, tx
    assert eth_balance(to) == before + 12345


def test_send_insufficient_funds_is_422(sender):
    a, addr, to = sender
    r = send(a, {"to": to, "value": hex(1000 * ETH)}, expect=422)
    assert_json_error(r, 422, "chain_rejected")
    assert eth_balance(addr) == 10 * ETH


def test_send_nonce_too_low_is_422(sender):
    a, addr, to = sender
    h = send(a, {"to": to, "value": 1}).json()["transactionHash"]
    mined(h, addr)
    r = send(a, {"to": to, "value": 1, "nonce": 0, "gas": 21000},
             expect=422)
    assert_json_error(r, 422, "chain_rejected")


def test_send_wrong_chain_is_400(sender):
    a, _, to = sender
    assert_validation(send(a, {"to": to, "value": 1, "chainId": 1},
                           expect=400), "transaction.chainId")


def test_send_locked_is_403(front):
    ensure_eth_running()
    a = new_account(front)
    r = send(a, {"to": "0x" + "33" * 20, "value": 1}, expect=403)
    assert_json_error(r, 403, "wallet_locked")


def test_concurrent_sends_get_distinct_nonces(sender):
    a, addr, to = sender
    before = eth_balance(to)

    def one(i):
        return send(a, {"to": to, "value": 1000 + i}).json()[
            "transactionHash"]

    hashes = run_threads(one, [(i,) for i in range(3)])
    assert len(set(hashes)) == 3, hashes
    nonces = set()
    for h in hashes:
        mined(h, addr)
        nonces.add(int(eth_rpc("eth_getTransactionByHash", [h])["nonce"],
                       16))
    assert nonces == {0, 1, 2}, nonces
    assert eth_balance(to) == before + 1000 + 1001 + 1002


def test_send_limit(sender):
    a, _, to = sender
    for i in range(10):
        # Counted whatever the outcome (here 400: other chain).
        send(a, {"to": to, "value": 1, "chainId": 5}, expect=400)
    r = send(a, {"to": to, "value": 1}, expect=429)
    assert_json_error(r, 429, "rate_limited")


def test_node_stopped_is_503(sender):
    a, addr, to = sender
    try:
        vybes_dev("stop", "eth")
        r = send(a, {"to": to, "value": 1}, expect=503)
        assert_json_error(r, 503, "unavailable")
        # Signing without sending needs no node.
        r = api(a, "POST", "/wallet/sign-transaction", body={"transaction": {
            "nonce": 0, "gas": 21000, "gasPrice": 1, "to": to}})
        assert r.status == 200, r
    finally:
        vybes_dev("start", "eth")
        ensure_eth_running()
    # A fresh chain: fund again, and sending works once more.
    eth_fund(addr, ETH)
    h = send(a, {"to": to, "value": 7}).json()["transactionHash"]
    mined(h, addr)
