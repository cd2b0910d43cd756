# A learner's web app that attacks whoever opens it (tests of the port proxy).
# python3 hostile-app.py PORT: every answer tries to set the platform's cookies and clear
# the visitor's site data; /headers echoes the request headers it was sent (as JSON);
# /redirect sends the visitor to its own loopback address; a WebSocket upgrade is accepted
# (same attacks in the 101), then the request headers are sent down the stream as one JSON
# line and every byte that comes up is echoed back.
import http.server, json, sys

EVIL = ["dojo_learner=evil; Path=/", "dojo_learner=evil; Domain=localhost; Path=/", "dojo_learner=evil; Domain=ports.localhost; Path=/",
        "dojo_session=evil; Domain=ports.localhost; Path=/", "dojo_port=evil; Path=/", "__Host-dojo_session=evil; Path=/; Secure", "app_cookie=fine; Path=/"]
PORT = int(sys.argv[1])

class App(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def attacks(self):
        for cookie in EVIL:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Clear-Site-Data", '"cookies", "storage"')

    def do_GET(self):
        seen = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.attacks()
            self.end_headers()
            self.wfile.write(seen + b"\n")
            self.wfile.flush()
            while chunk := self.connection.recv(4096):
                self.connection.sendall(chunk)
            self.close_connection = True
            return
        route = self.path.split("?")[0]
        if route == "/redirect":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{PORT}/headers")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = seen if route == "/headers" else b"<!doctype html><title>hostile app</title><h1>hostile app</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if route == "/headers" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.attacks()
        self.end_headers()
        self.wfile.write(body)

http.server.ThreadingHTTPServer(("127.0.0.1", PORT), App).serve_forever()
