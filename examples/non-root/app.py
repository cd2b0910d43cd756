"""Answers with the user it runs as: a process that is not root cannot take over the container."""
import os
import pwd
from http.server import BaseHTTPRequestHandler, HTTPServer


class WhoAmI(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"Running as {pwd.getpwuid(os.getuid()).pw_name} (uid {os.getuid()})\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("0.0.0.0", 8000), WhoAmI).serve_forever()
