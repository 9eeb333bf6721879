#!/usr/bin/python3
"""A local fake of the Open-Meteo daily weather API, for tests (stdlib only).

Speaks the real protocol on 127.0.0.1:

    GET /v1/forecast?latitude=..&longitude=..&start_date=YYYY-MM-DD&end_date=YYYY-MM-DD
                    &daily=weather_code,temperature_2m_max,...&timezone=auto
    GET /v1/archive?...same parameters...

and validates parameters the way the real service does, answering
HTTP 400 {"error": true, "reason": "..."} for bad input or dates outside its range:
archive 1940-01-01 .. today-5, forecast today-92 .. today+16 (UTC "today").

Values are deterministic from (date, latitude, longitude); expected_daily()
recomputes what the server would serve. Only the requested `daily` variables are
returned, in columnar arrays aligned with daily.time, like the real API.

Control API (for tests):
    POST /__control  {"mode": "ok"|"nodata"|"error500"|"garbage"|"slow"|"drop",
                      "delay_ms": N, "today": "YYYY-MM-DD"|null}
        ok       normal answers
        nodata   200 with every daily value null (sunrise/sunset too)
        error500 HTTP 500 (with a JSON error body)
        garbage  HTTP 200 with a body that is not JSON
        slow     sleep delay_ms, then answer normally
        drop     close the connection without answering
        raw      answer every lookup with "status" (default 200) and the bytes of "body_base64"
        today    pretend today is that date (null = the real UTC date)
      Fields not given keep their value. Answers the resulting state.
    GET  /__hits     {"forecast": n, "archive": n, "requests": [{"path": .., "query": {..}}, ..]}
    POST /__reset    mode ok, delay 0, real today, counters and request log cleared

Use as a module:
    fake = fake_openmeteo.start(port=0)   # background thread
    fake.url("archive")                   # http://127.0.0.1:PORT/v1/archive
    fake.set_mode("slow", delay_ms=2000); fake.hits(); fake.reset(); fake.stop()
or as a script:
    /usr/bin/python3 fake_openmeteo.py --port 0     # prints "listening on 127.0.0.1:PORT"
"""

import argparse
import base64
import datetime
import hashlib
import json
import math
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
ARCHIVE_START = datetime.date(1940, 1, 1)
ARCHIVE_LAG_DAYS = 5
FORECAST_PAST_DAYS = 92
FORECAST_DAYS = 16

DAILY_VARIABLES = [
    "weather_code",
    "temperature_2m_max",
    "temperature_2m_min",
    "apparent_temperature_max",
    "apparent_temperature_min",
    "precipitation_sum",
    "rain_sum",
    "snowfall_sum",
    "wind_speed_10m_max",
    "wind_gusts_10m_max",
    "wind_direction_10m_dominant",
    "sunrise",
    "sunset",
]
DAILY_UNITS = {
    "time": "iso8601",
    "weather_code": "wmo code",
    "temperature_2m_max": "°C",
    "temperature_2m_min": "°C",
    "apparent_temperature_max": "°C",
    "apparent_temperature_min": "°C",
    "precipitation_sum": "mm",
    "rain_sum": "mm",
    "snowfall_sum": "cm",
    "wind_speed_10m_max": "km/h",
    "wind_gusts_10m_max": "km/h",
    "wind_direction_10m_dominant": "°",
    "sunrise": "iso8601",
    "sunset": "iso8601",
}
DRY_CODES = [0, 1, 2, 3, 45, 48]
RAIN_CODES = [51, 53, 55, 61, 63, 65, 80, 81, 82, 95, 96, 99]
SNOW_CODES = [71, 73, 75, 77, 85, 86]
FREEZING_CODES = [56, 57, 66, 67]
MODES = ("ok", "nodata", "error500", "garbage", "slow", "drop", "raw")


def _seed(date_str, lat, lon):
    key = "%s|%.4f|%.4f" % (date_str, float(lat), float(lon))
    return hashlib.sha256(key.encode()).digest()


def _unit(seed, i):
    """A deterministic number in [0, 1) from bytes 2i..2i+1 of the seed."""
    return int.from_bytes(seed[2 * i:2 * i + 2], "big") / 65536.0


def _utc_offset_hours(lon):
    return int(round(float(lon) / 15.0))


def expected_daily(date_str, lat, lon):
    """The daily values the fake serves for one day at (lat, lon), in "ok" mode."""
    date = datetime.date.fromisoformat(date_str)
    lat, lon = float(lat), float(lon)
    s = _seed(date_str, lat, lon)
    # A plausible climate: warm near the equator, seasons flipped south of it.
    season = math.cos(2 * math.pi * (date.timetuple().tm_yday - 196) / 365.25)
    if lat < 0:
        season = -season
    mean = 27.0 - 0.45 * abs(lat) + 0.12 * abs(lat) * season
    tmax = round(mean + 3 + 6 * _unit(s, 0), 1)
    tmin = round(tmax - 4 - 8 * _unit(s, 1), 1)
    wind = round(2 + 35 * _unit(s, 2), 1)
    gusts = round(wind * (1.3 + 0.7 * _unit(s, 3)), 1)
    pick = _unit(s, 4)
    if pick < 0.55:
        code = DRY_CODES[int(_unit(s, 5) * len(DRY_CODES))]
    elif tmin < 0 and pick < 0.85:
        code = SNOW_CODES[int(_unit(s, 5) * len(SNOW_CODES))]
    elif tmin < 0:
        code = FREEZING_CODES[int(_unit(s, 5) * len(FREEZING_CODES))]
    else:
        code = RAIN_CODES[int(_unit(s, 5) * len(RAIN_CODES))]
    rain = round(0.2 + 25 * _unit(s, 6), 1) if code in RAIN_CODES + FREEZING_CODES else 0.0
    snow = round(0.1 + 12 * _unit(s, 7), 2) if code in SNOW_CODES else 0.0
    precipitation = round(rain + snow * 0.7, 1)
    # Local solar-ish times: 06:00 +- 2 h and 18:00 +- 2 h.
    rise_min = 6 * 60 - int(120 * season * (lat / 90.0)) + int(20 * _unit(s, 8))
    set_min = 18 * 60 + int(120 * season * (lat / 90.0)) - int(20 * _unit(s, 9))
    return {
        "weather_code": code,
        "temperature_2m_max": tmax,
        "temperature_2m_min": tmin,
        "apparent_temperature_max": round(tmax - wind / 20.0 + 1.5 * _unit(s, 10), 1),
        "apparent_temperature_min": round(tmin - wind / 12.0, 1),
        "precipitation_sum": precipitation,
        "rain_sum": rain,
        "snowfall_sum": snow,
        "wind_speed_10m_max": wind,
        "wind_gusts_10m_max": gusts,
        "wind_direction_10m_dominant": int(_unit(s, 11) * 360),
        "sunrise": "%sT%02d:%02d" % (date_str, rise_min // 60, rise_min % 60),
        "sunset": "%sT%02d:%02d" % (date_str, set_min // 60, set_min % 60),
    }


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.mode = "ok"
        self.delay_ms = 0
        self.today = None
        self.raw = (200, b"")
        self.hits = {"forecast": 0, "archive": 0}
        self.requests = []

    def today_date(self):
        return self.today or datetime.datetime.now(datetime.timezone.utc).date()


class _BadRequest(Exception):
    pass


def _parse_float(query, name, low, high, label):
    raw = query.get(name)
    if raw is None:
        raise _BadRequest("Parameter '%s' is required" % name)
    try:
        value = float(raw)
    except ValueError:
        raise _BadRequest("Cannot initialize Float from invalid String value %s for key %s" % (raw, name))
    if not math.isfinite(value) or value < low or value > high:
        raise _BadRequest("%s must be in range of %d to %d°. Given: %s." % (label, low, high, raw))
    return value


def _parse_date(query, name):
    raw = query.get(name)
    try:
        if raw is None or len(raw) != 10:
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise _BadRequest(
            "Invalid date format. Make sure to use 'YYYY-MM-DD' for %s. Given: %s" % (name, raw))


def _build_response(kind, query, state):
    """(status, body dict) for a valid-looking API request."""
    lat = _parse_float(query, "latitude", -90, 90, "Latitude")
    lon = _parse_float(query, "longitude", -180, 180, "Longitude")
    if ("start_date" in query) != ("end_date" in query):
        raise _BadRequest("Parameter 'start_date' and 'end_date' must both be set")
    daily = [v for v in query.get("daily", "").split(",") if v]
    for v in daily:
        if v not in DAILY_VARIABLES:
            raise _BadRequest(
                "Data corrupted at path ''. Cannot initialize ForecastVariableDaily from invalid "
                "String value %s." % v)
    tz = query.get("timezone", "GMT")
    today = state.today_date()
    if kind == "archive":
        low, high = ARCHIVE_START, today - datetime.timedelta(days=ARCHIVE_LAG_DAYS)
        if "start_date" not in query:
            raise _BadRequest("Parameter 'start_date' and 'end_date' must both be set")
    else:
        low = today - datetime.timedelta(days=FORECAST_PAST_DAYS)
        high = today + datetime.timedelta(days=FORECAST_DAYS)
    if "start_date" in query:
        start, end = _parse_date(query, "start_date"), _parse_date(query, "end_date")
    else:
        start, end = today, today + datetime.timedelta(days=6)
    for name, d in (("start_date", start), ("end_date", end)):
        if d < low or d > high:
            raise _BadRequest("Parameter '%s' is out of allowed range from %s to %s" %
                              (name, low.isoformat(), high.isoformat()))
    if end < start:
        raise _BadRequest("End-date must be larger or equal than start-date")

    days = [(start + datetime.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    rows = [expected_daily(d, lat, lon) for d in days]
    nodata = state.mode == "nodata"
    offset = _utc_offset_hours(lon) if tz == "auto" else 0
    body = {
        # The real service snaps to its model grid and echoes the grid point.
        "latitude": round(round(lat * 16) / 16, 4),
        "longitude": round(round(lon * 16) / 16, 4),
        "generationtime_ms": 0.1,
        "utc_offset_seconds": offset * 3600,
        "timezone": "GMT" if offset == 0 else "Etc/GMT%+d" % -offset,
        "timezone_abbreviation": "GMT" if offset == 0 else "GMT%+d" % offset,
        "elevation": 42.0,
    }
    if daily:
        body["daily_units"] = {k: DAILY_UNITS[k] for k in ["time"] + daily}
        body["daily"] = {"time": days}
        for v in daily:
            body["daily"][v] = [None if nodata else r[v] for r in rows]
    return 200, body


class _Handler(BaseHTTPRequestHandler):
    # Without this, keep-alive clients wait ~40 ms per answer for a delayed ACK.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "fake-open-meteo"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - quiet unless asked
        if self.server.verbose:
            sys.stderr.write("fake-open-meteo: " + (format % args) + "\n")

    def _send(self, status, payload, content_type="application/json; charset=utf-8"):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_json_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > 65536:
            raise _BadRequest("body too large")
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw or b"{}")

    def do_GET(self):
        state = self.server.state
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/__hits":
            with state.lock:
                self._send(200, {"forecast": state.hits["forecast"], "archive": state.hits["archive"],
                                 "requests": list(state.requests)})
            return
        kinds = {"/v1/forecast": "forecast", "/v1/archive": "archive"}
        kind = kinds.get(url.path)
        if kind is None:
            self._send(404, {"error": True, "reason": "Not Found"})
            return
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        with state.lock:
            state.hits[kind] += 1
            state.requests.append({"path": url.path, "query": query})
            mode, delay_ms, raw = state.mode, state.delay_ms, state.raw
        if mode == "raw":
            self._send(raw[0], raw[1])
            return
        if mode == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if mode == "slow":
            time.sleep(delay_ms / 1000.0)
        if mode == "error500":
            self._send(500, {"error": True, "reason": "Internal Server Error"})
            return
        if mode == "garbage":
            self._send(200, b"<html><body>502 Bad Gateway</body></html>\n", "text/html")
            return
        try:
            status, body = _build_response(kind, query, state)
        except _BadRequest as e:
            status, body = 400, {"error": True, "reason": str(e)}
        self._send(status, body)

    def do_POST(self):
        state = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        try:
            if path == "/__reset":
                with state.lock:
                    state.reset()
                self._send(200, {"ok": True})
            elif path == "/__control":
                body = self._read_json_body()
                if not isinstance(body, dict):
                    raise _BadRequest("expected a JSON object")
                with state.lock:
                    _apply_control(state, body)
                    answer = _control_state(state)
                self._send(200, answer)
            else:
                self._send(404, {"error": True, "reason": "Not Found"})
        except (_BadRequest, ValueError) as e:
            self._send(400, {"error": True, "reason": str(e)})


def _apply_control(state, body):
    mode = body.get("mode", state.mode)
    if mode not in MODES:
        raise _BadRequest("mode must be one of %s" % ", ".join(MODES))
    delay = body.get("delay_ms", state.delay_ms)
    if not isinstance(delay, int) or isinstance(delay, bool) or delay < 0:
        raise _BadRequest("delay_ms must be a non-negative integer")
    today = state.today
    if "today" in body:
        today = None if body["today"] is None else datetime.date.fromisoformat(body["today"])
    if mode == "raw":
        state.raw = (int(body.get("status", 200)), base64.b64decode(body.get("body_base64", "")))
    state.mode, state.delay_ms, state.today = mode, delay, today


def _control_state(state):
    return {"mode": state.mode, "delay_ms": state.delay_ms,
            "today": state.today_date().isoformat()}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for idle keep-alive connections
    allow_reuse_address = True

    def __init__(self, address, verbose=False):
        super().__init__(address, _Handler)
        self.state = _State()
        self.verbose = verbose


class FakeOpenMeteo:
    """A running fake server (see start())."""

    def __init__(self, server, thread):
        self._server = server
        self._thread = thread
        self.port = server.server_address[1]

    def url(self, kind):
        """Base URL of an endpoint: kind is "forecast" or "archive"."""
        if kind not in ("forecast", "archive"):
            raise ValueError(kind)
        return "http://%s:%d/v1/%s" % (HOST, self.port, kind)

    @property
    def base_url(self):
        return "http://%s:%d" % (HOST, self.port)

    def set_mode(self, mode, delay_ms=0, **kwargs):
        """Like POST /__control; pass today="YYYY-MM-DD" (or None) to move the clock."""
        body = {"mode": mode, "delay_ms": delay_ms}
        body.update(kwargs)
        with self._server.state.lock:
            _apply_control(self._server.state, body)

    def hits(self):
        state = self._server.state
        with state.lock:
            return {"forecast": state.hits["forecast"], "archive": state.hits["archive"],
                    "requests": list(state.requests)}

    def reset(self):
        with self._server.state.lock:
            self._server.state.reset()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(port=0, verbose=False):
    """Starts the fake on 127.0.0.1:port (0 = a free port) in a daemon thread."""
    server = _Server((HOST, port), verbose=verbose)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="fake-open-meteo", daemon=True)
    thread.start()
    return FakeOpenMeteo(server, thread)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    server = _Server((HOST, args.port), verbose=args.verbose)
    # SIGTERM ends the process cleanly (exit status 0) like Ctrl-C.
    def on_sigterm(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, on_sigterm)
    print("listening on %s:%d" % (HOST, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
