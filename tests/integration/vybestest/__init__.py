"""Helpers of the integration, cluster and bench tests, one module per
concern; the tests import them from here (conftest.py keeps only the
fixtures).

  stack     the stack under test (stack.env, its build, vybes_dev: stop
            and start a component through vybesstack)
  http      one HTTP request exactly as given, the two fronts, the error
            envelope, polling, many calls at once
  accounts  clients with their own address, registered users, JWTs
  keccak    Keccak-256 and EIP-55
  mail      the mail catcher: messages, reset codes
  media     media samples, multipart bodies, post and story uploads, s3rver
  social    paging, the outbox, timestamps, FastCGI as a user,
            notifications
  eth       cast, JSON-RPC to anvil, the wallet routes
  redis     the stack's Redis through redis-cli
  logs      what vybes-api logged
  procs     a vybes-api or vybes-worker of a test's own, the stack's worker
"""
# flake8: noqa: F401 (the names are for the tests)

from .stack import (REPO, FRONTS, NEEDED, load_stack_env, build_dir,
                    vybes_api_bin, Stack, DevResult, vybes_dev, cluster_dev)
from .http import (HttpResponse, http_request, Front,
                   assert_json_error, wait_for, run_threads)
from .accounts import (API, OID_RE, REFRESH_RE, TS_RE, SECRET_KEYS, random_ip,
                       unique_email, unique_username, Client, Account,
                       new_account, find_keys, assert_unauthorized,
                       assert_validation, b64url, b64url_dec, jwt_claims,
                       jwt_header, jwt_make, api, get_post, get_user,
                       new_accounts, on_front, new_named_account, follow,
                       feed_key, new_accounts_retry)
from .keccak import (keccak256, eip55)
from .mail import (mail_messages, mail_wait_code, mail_ids)
from .media import (UUID4_RE, POST_MEDIA, multipart, post_upload, create_post,
                    s3_get, s3_objects, public_base_url, stories_base_url,
                    story_upload, create_story, story_feed,
                    MEDIA_FIELDS, without_media)
from .social import (page_walk, outbox_lines, parse_ts, fcgi_as,
                     notifications_all, unread_count, wait_notifications,
                     like_matrix)
from .eth import (WALLET_SIG_RE, WALLET_KEY_RE, ANVIL_ADDR0, cast,
                  cast_verify, cast_decode_tx, eth_rpc_url, eth_rpc, eth_up,
                  ensure_eth_running, eth_balance, eth_fund, eth_receipt,
                  wallet_unlock, wallet_status, wallet_export, wallet_sign)
from .redis import (redis_cli, redis_keys, redis_pipe, redis_up)
from .logs import (assert_not_logged)
from .procs import (LocalApi, unix_socket_path, can_connect, stack_api_bin,
                    worker_pid, worker_log_path, worker_log_size,
                    worker_log_since, worker_bin, OwnWorker,
                    ensure_worker_running)
from vybesstack.proc import alive, children, stop_group
