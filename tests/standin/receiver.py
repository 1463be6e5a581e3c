#!/usr/bin/env python3
"""A webhook receiver for tests: stands in for Slack, Teams and any webhook endpoint.

It binds 127.0.0.1 on a free port, prints one line ``PORT=<n>`` and serves until its standard
input closes, like moveo_server.py. Standard library only.

* ``POST /<anything>``: recorded, then answered with the next status planned for that path
  (default 200). Slack answers ``ok`` on success and a reason such as ``no_service`` otherwise;
  this receiver does the same, and adds ``Retry-After`` when a planned answer asks for it.
* ``POST /_control/plan`` ``{"path": "/slack", "statuses": [503, 200], "retry_after": 1}``: the next
  answers for that path, in order; after them, 200 again.
* ``GET /_control/received``: every request so far, ``[{path, status, headers, body}]`` (body as text).
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
PLANS = {}
RECEIVED = []
REASONS = {400: "invalid_payload", 403: "action_prohibited", 404: "no_service", 410: "channel_is_archived",
           429: "rate_limited", 500: "rollup_error", 503: "service_unavailable"}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if not body.startswith(("[", "{")) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_control/received":
            with LOCK:
                return self.answer(200, json.dumps(RECEIVED))
        self.answer(404, "no such page")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_control/plan":
            plan = json.loads(body)
            with LOCK:
                PLANS[plan["path"]] = {"statuses": list(plan["statuses"]), "retry_after": plan.get("retry_after")}
            return self.answer(200, "planned")
        with LOCK:
            plan = PLANS.get(self.path)
            status = plan["statuses"].pop(0) if plan and plan["statuses"] else 200
            retry_after = plan.get("retry_after") if plan else None
            RECEIVED.append({"path": self.path, "status": status, "headers": dict(self.headers.items()),
                             "body": body.decode("utf-8", "replace")})
        headers = [("Retry-After", str(retry_after))] if retry_after is not None and status in (429, 503) else []
        self.answer(status, "ok" if status < 300 else REASONS.get(status, "error"), headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write(f"PORT={server.server_address[1]}\n")
    sys.stdout.flush()
    if os.environ.get("STANDIN_IGNORE_STDIN"):
        threading.Event().wait()
    while sys.stdin.buffer.read(65536):
        pass


if __name__ == "__main__":
    main()
