"""`vybes-api -n` (configuration check, API.md 1.10: a missing or invalid
required value stops the server with a message naming it)."""

import os
import subprocess

import pytest

from vybestest import vybes_api_bin


def clean_env(**extra):
    """No configuration from the environment unless given here (the
    sanitizer options of tests/san/run pass, so reports reach its log)."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TZ",
                                      "ASAN_OPTIONS", "LSAN_OPTIONS",
                                      "UBSAN_OPTIONS")
           if k in os.environ}
    env.update(extra)
    return env


def check(conf, env=None):
    return subprocess.run([vybes_api_bin(), "-n", "-f", str(conf)],
                          env=env or clean_env(), capture_output=True,
                          text=True, timeout=30)


def conf_lines(stack):
    with open(stack.conf) as f:
        return f.read().splitlines()


def write_conf(tmp_path, lines, name="vybes.conf"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    p.chmod(0o600)
    return p


def without(lines, key):
    out = [l for l in lines if not l.replace(" ", "").startswith(key + "=")]
    assert len(out) == len(lines) - 1, "stack config has no %s line" % key
    return out


def test_stack_config_is_ok(stack):
    r = check(stack.conf)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "configuration OK", r.stdout


def test_missing_jwt_secret_is_named(stack, tmp_path):
    conf = write_conf(tmp_path, without(conf_lines(stack), "jwt_secret"))
    r = check(conf)
    assert r.returncode != 0
    assert "configuration OK" not in r.stdout
    assert "JWT_SECRET" in r.stderr, r.stderr


def test_jwt_secret_from_environment_is_enough(stack, tmp_path):
    conf = write_conf(tmp_path, without(conf_lines(stack), "jwt_secret"))
    r = check(conf, clean_env(JWT_SECRET="k" * 32))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "configuration OK"


@pytest.mark.parametrize("where", ["file", "env"])
def test_short_jwt_secret_is_named(stack, tmp_path, where):
    short = "s" * 31
    lines = without(conf_lines(stack), "jwt_secret")
    if where == "file":
        conf = write_conf(tmp_path, lines + ["jwt_secret = " + short])
        r = check(conf)
    else:
        conf = write_conf(tmp_path, lines)
        r = check(conf, clean_env(JWT_SECRET=short))
    assert r.returncode != 0
    assert "JWT_SECRET" in r.stderr, r.stderr
    # The message names the setting, never its value.
    assert short not in r.stderr and short not in r.stdout


@pytest.mark.parametrize("bad", ["no_such_key = 1", "this line has no equals"])
def test_bad_line_names_file_and_line(stack, tmp_path, bad):
    lines = conf_lines(stack)
    lines.insert(3, bad)
    conf = write_conf(tmp_path, lines)
    r = check(conf)
    assert r.returncode != 0
    assert "%s:4" % conf in r.stderr, r.stderr


def test_missing_file_is_named(tmp_path):
    conf = tmp_path / "absent.conf"
    r = check(conf)
    assert r.returncode != 0
    assert str(conf) in r.stderr, r.stderr
