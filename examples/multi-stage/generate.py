"""Runs at build time only, in the first stage: its output is all the final image keeps."""
import platform

rows = "\n".join(f"<li>{n} squared is {n * n}</li>" for n in range(1, 11))
print(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Multi-stage</title></head>
<body><h1>Built by Python {platform.python_version()}, served without it</h1><ul>{rows}</ul></body></html>""")
