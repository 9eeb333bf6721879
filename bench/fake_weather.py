#!/usr/bin/python3
"""The fake Open-Meteo of the API tests (tests/api/fake_openmeteo.py), with Nagle's
algorithm disabled on its sockets, for the benchmark's data loading.

http.server writes the status line + headers and the body in separate send()
calls; on a kept-alive connection (jogtrack's libcurl handles are reused per
thread) Nagle holds the body back until the client's delayed ACK, so every
lookup takes ~40 ms instead of ~0.5 ms. Same protocol and values otherwise.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "api"))
import fake_openmeteo  # noqa: E402

fake_openmeteo._Handler.disable_nagle_algorithm = True  # StreamRequestHandler sets TCP_NODELAY

if __name__ == "__main__":
    sys.exit(fake_openmeteo.main())
