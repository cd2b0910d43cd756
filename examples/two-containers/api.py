"""The back end: answers JSON on port 8000 of its own network only (nothing is published)."""
import json
import socket
from http.server import BaseHTTPRequestHandler, HTTPServer


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"message": "hello from the api", "host": socket.gethostname()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("0.0.0.0", 8000), Api).serve_forever()
