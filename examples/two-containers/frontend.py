"""The front end: published on 8082, it asks the api container by its name on the shared network."""
import json
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer


class Frontend(BaseHTTPRequestHandler):
    def do_GET(self):
        with urllib.request.urlopen("http://api:8000/", timeout=3) as answer:
            data = json.load(answer)
        body = f"The api (container {data['host']}) says: {data['message']}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("0.0.0.0", 8082), Frontend).serve_forever()
