"""A tiny web app to build into an image: it says hello and which container answered."""
import socket

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return f"Hello from a container! I am {socket.gethostname()}.\n"


if __name__ == "__main__":
    # 0.0.0.0: reachable from outside the container, through a published port.
    app.run(host="0.0.0.0", port=5000)
