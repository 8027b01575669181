"""The wallet tests' checkers: Foundry's cast (VYBES_CAST), JSON-RPC to
the stack's anvil (VYBES_ETH_RPC), and the wallet routes."""

import json
import os
import re as _re
import subprocess
import urllib.request as _urlreq

from .accounts import api
from .http import wait_for
from .stack import vybes_dev


# ---------------------------------------------------------------- wallet
# Helpers of the wallet tests (test_wallet_*): Foundry's cast (installed by
# `vybes-dev up` into the stack's npm cache, path in VYBES_CAST) as the
# independent checker of keys, signatures and transactions; JSON-RPC to the
# stack's anvil (VYBES_ETH_RPC); the stack's Redis through redis-cli.

WALLET_SIG_RE = _re.compile(r"^0x[0-9a-f]{130}$")
WALLET_KEY_RE = _re.compile(r"^0x[0-9a-f]{64}$")
# anvil's first prefunded account (its default mnemonic).
ANVIL_ADDR0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def cast(*args, check=True, timeout=60):
    """Run the stack's cast with args; its stripped stdout."""
    exe = os.environ.get("VYBES_CAST")
    assert exe and os.access(exe, os.X_OK), \
        "VYBES_CAST (%r) is not an executable; run `scripts/vybes-dev up`" \
        % exe
    r = subprocess.run([exe] + [str(a) for a in args], capture_output=True,
                       text=True, timeout=timeout)
    if check:
        assert r.returncode == 0, "cast %s: %s" % (" ".join(map(str, args)),
                                                   r.stderr.strip())
    return r.stdout.strip() if check else r


def cast_verify(address, message, sig, *opts):
    """True when `cast wallet verify` accepts sig of message by address."""
    r = cast("wallet", "verify", *opts, "--address", address, message, sig,
             check=False)
    return r.returncode == 0


def cast_decode_tx(raw):
    """`cast decode-transaction raw` as a dict (cast prints it as a JSON
    string holding the JSON object)."""
    out = json.loads(cast("decode-transaction", raw))
    if isinstance(out, str):
        out = json.loads(out)
    return out


def eth_rpc_url():
    url = os.environ.get("VYBES_ETH_RPC")
    assert url, "VYBES_ETH_RPC not set; run `scripts/vybes-dev up`"
    return url


def eth_rpc(method, params=(), timeout=10):
    """One JSON-RPC call to the stack's node: the result (AssertionError on
    a JSON-RPC error)."""
    req = _urlreq.Request(eth_rpc_url(), data=json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": method,
         "params": list(params)}).encode(),
        headers={"Content-Type": "application/json"})
    with _urlreq.urlopen(req, timeout=timeout) as f:
        ans = json.load(f)
    assert "error" not in ans, (method, ans)
    return ans["result"]


def eth_up():
    try:
        return eth_rpc("eth_chainId", timeout=2) is not None
    except OSError:
        return False


def ensure_eth_running():
    """Start the stack's eth node again when a test left it stopped."""
    if not eth_up():
        vybes_dev("start", "eth")
        wait_for(eth_up, 30, what="eth node answering")


def eth_balance(address):
    return int(eth_rpc("eth_getBalance", [address, "latest"]), 16)


def eth_fund(address, wei):
    """Set address's balance on anvil (anvil_setBalance)."""
    eth_rpc("anvil_setBalance", [address, hex(wei)])
    assert eth_balance(address) == wei


def eth_receipt(txhash, timeout=30):
    """The receipt of txhash once mined."""
    return wait_for(lambda: eth_rpc("eth_getTransactionReceipt", [txhash]),
                    timeout, interval=0.2, what="receipt of %s" % txhash)


def wallet_unlock(acct, password=None, expect=200):
    r = api(acct, "POST", "/wallet/unlock",
            body={"password": password or acct.password})
    assert r.status == expect, r
    return r


def wallet_status(acct):
    r = api(acct, "GET", "/wallet/status")
    assert r.status == 200, r
    return r.json()


def wallet_export(acct):
    """The exported private key of acct (one EXPORT_USER attempt)."""
    r = api(acct, "POST", "/wallet/export", body={"password": acct.password})
    assert r.status == 200, r
    key = r.json()["privateKey"]
    assert WALLET_KEY_RE.match(key), key
    return key


def wallet_sign(acct, route, body, expect=200):
    """POST /wallet/<route> as acct; the signature (when 200)."""
    r = api(acct, "POST", "/wallet/" + route, body=body)
    assert r.status == expect, r
    if expect != 200:
        return r
    sig = r.json()["signature"]
    assert WALLET_SIG_RE.match(sig), sig
    assert int(sig[-2:], 16) in (27, 28), sig
    return sig
