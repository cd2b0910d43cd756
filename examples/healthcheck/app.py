"""A web app with a /health address that Docker's HEALTHCHECK asks every few seconds."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "Hello, I report my health.\n"


@app.route("/health")
def health():
    return "ok\n"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5002)
