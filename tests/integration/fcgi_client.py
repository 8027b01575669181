"""A minimal FastCGI 1.0 client: enough to drive vybes-api directly on its
socket, without a web server in front (FastCGI specification, sections 3
and 5: BEGIN_REQUEST, PARAMS, STDIN, then STDOUT/STDERR until END_REQUEST).

One request per connection (FCGI_KEEP_CONN unset), as the web servers of
the stack do.
"""

import json
import socket
import struct

FCGI_VERSION_1 = 1
FCGI_BEGIN_REQUEST = 1
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_STDERR = 7
FCGI_RESPONDER = 1
FCGI_REQUEST_COMPLETE = 0

_HEADER = struct.Struct(">BBHHBx")
_MAX_CONTENT = 65535


class FcgiError(Exception):
    """The connection broke or the answer is not a complete FastCGI reply."""


class Response:
    """A parsed CGI answer: status, headers (lower-case names), body."""

    def __init__(self, status, headers, body, stderr, app_status):
        self.status = status
        self.headers = headers
        self.body = body
        self.stderr = stderr
        self.app_status = app_status

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<fcgi Response %d %r>" % (self.status, self.body[:80])


def _record(rtype, content=b"", request_id=1):
    out = []
    # Empty content still makes one record (end of a stream).
    chunks = [content[i:i + _MAX_CONTENT]
              for i in range(0, len(content), _MAX_CONTENT)] or [b""]
    for chunk in chunks:
        pad = (8 - len(chunk) % 8) % 8
        out.append(_HEADER.pack(FCGI_VERSION_1, rtype, request_id,
                                len(chunk), pad))
        out.append(chunk)
        out.append(b"\0" * pad)
    return b"".join(out)


def _length(n):
    if n < 128:
        return bytes([n])
    return struct.pack(">I", n | 0x80000000)


def _params(params):
    out = []
    for name, value in params.items():
        name = name.encode("latin-1")
        value = str(value).encode("latin-1")
        out.append(_length(len(name)) + _length(len(value)) + name + value)
    return b"".join(out)


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise FcgiError("connection closed after %d of %d bytes"
                            % (len(buf), n))
        buf += chunk
    return bytes(buf)


def _parse_cgi(raw):
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    if not sep:
        raise FcgiError("no end of CGI headers in %r" % raw[:200])
    status = 200
    headers = {}
    for line in head.decode("latin-1").splitlines():
        if not line.strip():
            continue
        name, _, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip()
        if name == "status":
            status = int(value.split()[0])
        headers.setdefault(name, value)
    return status, headers, body


def connect(address, timeout):
    """address: a unix socket path, or (host, port)."""
    if isinstance(address, tuple):
        return socket.create_connection(address, timeout=timeout)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(address)
    except OSError:
        s.close()
        raise
    return s


def request(address, method="GET", path="/health", headers=None, body=b"",
            timeout=10.0, params=None):
    """Send one request and return its Response; FcgiError or OSError when
    the connection fails or ends before END_REQUEST.  headers go in as
    HTTP_* parameters; params (CGI names, such as CONTENT_TYPE) override
    any default."""
    uri, _, query = path.partition("?")
    cgi = {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_SOFTWARE": "vybes-tests",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REQUEST_METHOD": method,
        "REQUEST_URI": path,
        "DOCUMENT_URI": uri,
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "CONTENT_TYPE": "",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "SERVER_ADDR": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_NAME": "localhost",
        "REQUEST_SCHEME": "http",
    }
    for name, value in (headers or {}).items():
        cgi["HTTP_" + name.upper().replace("-", "_")] = value
    cgi.update(params or {})
    begin = struct.pack(">HB5x", FCGI_RESPONDER, 0)
    msg = (_record(FCGI_BEGIN_REQUEST, begin)
           + _record(FCGI_PARAMS, _params(cgi)) + _record(FCGI_PARAMS)
           + (_record(FCGI_STDIN, body) if body else b"")
           + _record(FCGI_STDIN))
    sock = connect(address, timeout)
    try:
        sock.sendall(msg)
        return _answer(sock)
    finally:
        sock.close()


def _answer(sock):
    """Read records up to END_REQUEST and return the Response."""
    out, err = bytearray(), bytearray()
    while True:
        _, rtype, _, clen, pad = _HEADER.unpack(
            _recv_exact(sock, _HEADER.size))
        content = _recv_exact(sock, clen + pad)[:clen]
        if rtype == FCGI_STDOUT:
            out += content
        elif rtype == FCGI_STDERR:
            err += content
        elif rtype == FCGI_END_REQUEST:
            app_status, proto = struct.unpack(">IB3x", content)
            if proto != FCGI_REQUEST_COMPLETE:
                raise FcgiError("protocol status %d" % proto)
            break
    status, hdrs, body = _parse_cgi(bytes(out))
    return Response(status, hdrs, body, bytes(err), app_status)


def health_ok(address, timeout=5.0):
    """True when GET /health answers 200 healthy on address."""
    try:
        r = request(address, "GET", "/health", timeout=timeout)
    except (OSError, FcgiError):
        return False
    return r.status == 200 and r.json().get("status") == "healthy"


class SlowRequest:
    """A request sent in two halves: start() connects and sends the
    BEGIN_REQUEST record and part of PARAMS, so a worker has accepted the
    connection and is busy reading it; finish() sends the rest and reads
    the answer.  Stands in for a slow route."""

    def __init__(self, address, path="/health", timeout=30.0):
        uri, _, query = path.partition("?")
        params = _params({"REQUEST_METHOD": "GET", "REQUEST_URI": path,
                          "DOCUMENT_URI": uri, "QUERY_STRING": query,
                          "SCRIPT_NAME": "", "SERVER_PROTOCOL": "HTTP/1.1",
                          "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": ""})
        msg = (_record(FCGI_BEGIN_REQUEST,
                       struct.pack(">HB5x", FCGI_RESPONDER, 0))
               + _record(FCGI_PARAMS, params) + _record(FCGI_PARAMS)
               + _record(FCGI_STDIN))
        # Cut inside the PARAMS record: the worker waits for the rest.
        cut = _HEADER.size + 8 + _HEADER.size + 10
        self._first, self._rest = msg[:cut], msg[cut:]
        self._address = address
        self._timeout = timeout
        self._sock = None

    def start(self):
        self._sock = connect(self._address, self._timeout)
        self._sock.sendall(self._first)
        return self

    def finish(self):
        try:
            self._sock.sendall(self._rest)
            return _answer(self._sock)
        finally:
            self._sock.close()
