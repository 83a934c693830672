#!/usr/bin/python3
"""An HTTP server for flowd's webhook tests (Python standard library only).

Listens on 127.0.0.1 on an ephemeral port, prints the port as the first line of stdout,
and appends every request to --out as one JSON line (method, path, headers, body) before
answering, so a client that got a response finds its request in the file.

Scripted responses by path:
  /status/<code>  answers <code>
  /fail-twice     503, 503, then 200 (counted per path)
  /slow           sleeps 3 s, then 200 (past the client's timeout)
  /big            200 with a 1 MiB body
  /redirect       302 to /status/200
  anything else   200 {"ok":true}
"""
import argparse
import collections
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do
    out_path = None
    lock = threading.Lock()
    hits = collections.Counter()

    def log_message(self, *args):
        pass  # quiet: the test reads the JSON lines, not stderr

    def handle_any(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with Handler.lock:
            Handler.hits[self.path] += 1
            hit = Handler.hits[self.path]
            record = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()), "body": body}
            with open(Handler.out_path, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
        if self.path.startswith("/status/"):
            self.respond(int(self.path.rsplit("/", 1)[1]), b"{}")
        elif self.path == "/fail-twice":
            self.respond(503 if hit <= 2 else 200, b"{}")
        elif self.path == "/slow":
            time.sleep(3)
            self.respond(200, b"{}")
        elif self.path == "/big":
            self.respond(200, b"x" * (1 << 20))
        elif self.path == "/redirect":
            self.respond(302, b"", {"Location": "/status/200"})
        else:
            self.respond(200, b'{"ok":true}')

    def respond(self, status, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a capped body, a timeout)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, help="JSON lines file of received requests")
    args = parser.parse_args()
    Handler.out_path = args.out
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
