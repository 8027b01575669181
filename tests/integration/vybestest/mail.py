"""The mail catcher (maildev): messages to an address, reset codes."""

import json
import os
import re as _re

from .http import wait_for


def mail_messages(address):
    """Messages in maildev addressed to `address`, oldest first."""
    url = os.environ["VYBES_MAIL_LIST_URL"]
    import urllib.request
    with urllib.request.urlopen(url, timeout=5) as f:
        msgs = json.load(f)
    address = address.lower()
    out = [m for m in msgs
           if any((t.get("address") or "").lower() == address
                  for t in m.get("to") or [])]
    out.sort(key=lambda m: (m.get("time") or "", m.get("id")))
    return out


def mail_wait_code(address, seen_ids=(), timeout=15):
    """The 6-digit code of the first message to `address` whose id is not
    in seen_ids (polled until the deadline)."""
    def new():
        for m in mail_messages(address):
            if m["id"] in seen_ids:
                continue
            found = _re.findall(r"\b(\d{6})\b", m.get("text") or "")
            assert len(found) == 1, "no single code in %r" % m.get("text")
            return m["id"], found[0]
        return None
    return wait_for(new, timeout, interval=0.1,
                    what="reset code mail to %s" % address)


def mail_ids(address):
    return {m["id"] for m in mail_messages(address)}
