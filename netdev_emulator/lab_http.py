# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""An httpbin-like HTTP/1.1 server for the lab (stdlib ``http.server``), keep-alive so
that clients that reuse sockets (adafruit_requests) are exercised, tolerant of LF-only
request lines (TinyGo's tlsclient sends them).

Routes (every one answers HEAD with its headers and no body):

============================  ===========================================================
``/``                         a small HTML page (contains ``hello``)
``/get``                      JSON ``args``, ``headers``, ``origin``, ``url``
``/post`` ``/put``            JSON ``args``, ``data``, ``files``, ``form``, ``headers``,
``/patch`` ``/delete``        ``json``, ``origin``, ``url`` (method must match)
``/anything[/...]``           the same for any method, plus ``method``
``/headers``                  JSON ``headers``
``/ip``, ``/user-agent``      JSON ``origin`` / ``user-agent``
``/json``                     a fixed JSON document
``/status/N``                 status N, empty body
``/bytes/N``                  N deterministic bytes (``?seed=S``), see
                              :func:`deterministic_bytes`
``/stream-bytes/N``           the same bytes, chunked (``?chunk_size=C``, default 10240)
``/chunked``                  :data:`CHUNKED_PARTS` as a chunked response
``/delay/N``                  like ``/get`` after N seconds (at most 10)
``/redirect/N``               302 to ``/redirect/N-1`` ... ``/get``
``/redirect-to?url=U``        302 (or ``status_code``) to U
============================  ===========================================================
"""

import base64
import email.parser
import email.policy
import json
import random
import urllib.parse
from http.server import BaseHTTPRequestHandler

MAX_BODY = 16 * 1024 * 1024
MAX_BYTES = 16 * 1024 * 1024
MAX_DELAY = 10.0
# Idle keep-alive connections are closed after this many seconds.
IDLE_TIMEOUT = 60.0
CHUNKED_PARTS = (b"This is a chunked response.\n", b"Second part.\n", b"Third and last part.\n")
HOME_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>adafruit_netdev lab</title></head>\n"
    b"<body><h1>hello</h1><p>The adafruit_netdev lab's httpbin-like server.</p></body>"
    b"</html>\n"
)
JSON_DOCUMENT = {
    "slideshow": {
        "author": "adafruit_netdev",
        "title": "Lab slide show",
        "slides": [{"title": "Wake up", "type": "all"}, {"title": "Overview", "type": "all"}],
    }
}


def deterministic_bytes(count, seed=0):
    """The ``count`` bytes ``/bytes/<count>?seed=<seed>`` serves (the same every time)."""
    if count <= 0:
        return b""
    return random.Random(seed).getrandbits(8 * count).to_bytes(count, "little")


class _BadRequest(Exception):
    pass


def _title(name):
    return "-".join(part.capitalize() for part in name.split("-"))


def _flatten(pairs):
    """``parse_qsl`` pairs -> httpbin's dict: one value as a string, several as a list."""
    result = {}
    for key, value in pairs:
        if key in result:
            if not isinstance(result[key], list):
                result[key] = [result[key]]
            result[key].append(value)
        else:
            result[key] = value
    return result


class HttpbinHandler(BaseHTTPRequestHandler):
    """Serves one connection. ``server`` is the lab's TCPPeer (its ``tls`` and
    ``stopping`` attributes are used)."""

    protocol_version = "HTTP/1.1"
    server_version = "netdev-lab-httpbin/1.0"
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # quiet: the lab serves tests and demos

    # Every method goes through one dispatcher.
    def do_GET(self):  # pylint: disable=invalid-name
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    # -- request ------------------------------------------------------------------------

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            size = 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    length = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise _BadRequest("bad chunk size line %r" % line) from None
                if length == 0:
                    while self.rfile.readline(1024).strip():
                        pass  # trailers
                    return b"".join(parts)
                size += length
                if size > MAX_BODY:
                    raise _BadRequest("body larger than %d bytes" % MAX_BODY)
                parts.append(self.rfile.read(length))
                self.rfile.readline(8)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            length = int(length)
        except ValueError:
            raise _BadRequest("bad Content-Length %r" % length) from None
        if length < 0 or length > MAX_BODY:
            raise _BadRequest("Content-Length %d out of range" % length)
        return self.rfile.read(length)

    def _request_headers(self):
        headers = {}
        for name, value in self.headers.items():
            name = _title(name)
            headers[name] = headers[name] + "," + value if name in headers else value
        return headers

    def _url(self, path):
        scheme = "https" if self.server.tls else "http"
        host = self.headers.get("Host") or "%s:%d" % self.server.address
        return "%s://%s%s" % (scheme, host, path)

    def _common(self, path, query):
        return {
            "args": _flatten(urllib.parse.parse_qsl(query, keep_blank_values=True)),
            "headers": self._request_headers(),
            "origin": self.client_address[0],
            "url": self._url(path + ("?" + query if query else "")),
        }

    def _echo_body(self, body, result):
        content_type = self.headers.get("Content-Type", "")
        result.update(data="", files={}, form={}, json=None)
        if content_type.startswith("application/x-www-form-urlencoded"):
            text = body.decode("utf-8", "replace")
            result["form"] = _flatten(urllib.parse.parse_qsl(text, keep_blank_values=True))
            return
        if content_type.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
            )
            if message.is_multipart():
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    payload = part.get_payload(decode=True) or b""
                    value = payload.decode("utf-8", "replace")
                    if part.get_filename() is not None:
                        result["files"][name] = value
                    else:
                        result["form"][name] = value
            return
        try:
            result["data"] = body.decode("utf-8")
        except UnicodeDecodeError:
            result["data"] = "data:application/octet-stream;base64," + base64.b64encode(
                body
            ).decode("ascii")
        try:
            result["json"] = json.loads(body)
        except ValueError:
            pass

    # -- response -----------------------------------------------------------------------

    def _respond(self, status, body=b"", content_type="application/json", headers=(),
                 chunks=None):
        self.send_response(status)
        if status not in (204, 304):
            self.send_header("Content-Type", content_type)
            if chunks is not None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Credentials", "true")
        if self.server.tls:
            self.send_header("Strict-Transport-Security", "max-age=31536000")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Connection", "close" if self.close_connection else "keep-alive")
        self.end_headers()
        if self.command == "HEAD" or status in (204, 304):
            return
        if chunks is None:
            self.wfile.write(body)
            return
        for chunk in chunks:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def _json(self, value, status=200):
        body = (json.dumps(value, indent=2, sort_keys=True) + "\n").encode()
        self._respond(status, body)

    def _error(self, status, text):
        self._respond(status, text.encode() + b"\n", "text/plain; charset=utf-8")

    def _dispatch(self):
        try:
            self._route()
        except (_BadRequest, ValueError) as exc:
            self.close_connection = True
            self._error(400, "bad request: %s" % exc)

    def _route(self):  # pylint: disable=too-many-return-statements,too-many-branches
        target = self.path
        if "://" in target:  # absolute form, as sent to proxies
            target = urllib.parse.urlsplit(target)._replace(scheme="", netloc="").geturl()
        path, _, query = target.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        method = self.command
        body = self._read_body()  # always, so that a keep-alive connection stays in step
        parts = path.strip("/").split("/")
        head, arg = parts[0], parts[1] if len(parts) > 1 else None

        if path in ("/", "/index.html") and method in ("GET", "HEAD"):
            return self._respond(200, HOME_PAGE, "text/html; charset=utf-8")
        if path == "/get" and method in ("GET", "HEAD"):
            return self._json(self._common(path, query))
        if path in ("/post", "/put", "/patch", "/delete"):
            if method not in (path[1:].upper(), "HEAD"):
                return self._error(405, "method %s not allowed on %s" % (method, path))
            result = self._common(path, query)
            self._echo_body(body, result)
            return self._json(result)
        if head == "anything":
            result = self._common(path, query)
            self._echo_body(body, result)
            result["method"] = method
            return self._json(result)
        if method not in ("GET", "HEAD"):
            return self._error(405, "method %s not allowed on %s" % (method, path))
        if path == "/headers":
            return self._json({"headers": self._request_headers()})
        if path == "/ip":
            return self._json({"origin": self.client_address[0]})
        if path == "/user-agent":
            return self._json({"user-agent": self.headers.get("User-Agent")})
        if path == "/json":
            return self._json(JSON_DOCUMENT)
        if path == "/chunked":
            return self._respond(200, content_type="text/plain; charset=utf-8",
                                 chunks=CHUNKED_PARTS)
        if path == "/redirect-to" and "url" in params:
            status = int(params.get("status_code", "302"))
            if not 300 <= status < 400:
                status = 302
            return self._respond(status, headers=[("Location", params["url"])])
        if arg is None or len(parts) != 2:
            return self._error(404, "not found: %s" % path)
        try:
            number = int(arg)
        except ValueError:
            return self._error(404, "not found: %s" % path)
        if head == "status" and 200 <= number < 600:
            return self._respond(number, content_type="text/plain; charset=utf-8")
        if head in ("bytes", "stream-bytes") and 0 <= number <= MAX_BYTES:
            data = deterministic_bytes(number, int(params.get("seed", "0")))
            if head == "bytes":
                return self._respond(200, data, "application/octet-stream")
            size = max(1, int(params.get("chunk_size", "10240")))
            chunks = [data[i:i + size] for i in range(0, number, size)]
            return self._respond(200, content_type="application/octet-stream", chunks=chunks)
        if head == "delay" and number >= 0:
            self.server.stopping.wait(min(number, MAX_DELAY))
            return self._json(self._common(path, query))
        if head == "redirect" and number >= 1:
            location = "/get" if number == 1 else "/redirect/%d" % (number - 1)
            return self._respond(302, headers=[("Location", location)])
        return self._error(404, "not found: %s" % path)


def serve_http(sock, addr, peer):
    """The TCPPeer handler running HttpbinHandler on one connection."""
    HttpbinHandler(sock, addr, peer)
