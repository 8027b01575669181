"""What vybes-api logged."""

import re as _re


# -- logs and readiness

def assert_not_logged(stack, secrets):
    """None of the secret strings appears in vybes-api's log (as a whole
    word: a 6-digit code may well occur inside a random request id)."""
    text = stack.api_log().read_text(errors="replace")
    leaked = [s[:12] + "..." for s in secrets
              if s and _re.search(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])"
                                  % _re.escape(s), text)]
    assert not leaked, "secrets found in %s: %s" % (stack.api_log(), leaked)
