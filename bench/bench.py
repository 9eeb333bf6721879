#!/usr/bin/python3
"""jogtrack load benchmark (issue 5). Entry point: bench/run.sh [--quick].

Starts the fake Open-Meteo (tests/api/fake_openmeteo.py) and one jogtrack
instance on 127.0.0.1 with a fresh SQLite database in a temporary directory,
loads a dataset through the real API with wrk (bench/wrk/replay.lua in "quota"
mode), then drives every scenario with wrk for a bounded time and prints one
table. Everything it starts is stopped by PID at the end (also on Ctrl-C).

Dataset (full / --quick):
  users        1,000 / 200 accounts: 1 admin (CLI) + registrations (POST /users)
  heavy user   100,000 / 10,000 runs      medium user 1,000 / 1,000 runs
  other users  10 / 5 runs each, at (date, place) pairs the heavy user already has
  dates        2016-01-01 .. today-30 (uniform); places: the heavy user runs at 2
               places (70/30, 1 in quick), the medium user at a third one; so the
               distinct (date, place) weather keys stay under ~9k (~4k quick).
  Runs are created by the admin (body user_id) in a shuffled order.
"""
import argparse
import secrets
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import transfer_data  # bench/: the GPX and CSV files of the transfer rows

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
LUA = BENCH / "wrk" / "replay.lua"
FAKE = BENCH / "fake_weather.py"  # tests/api/fake_openmeteo.py with TCP_NODELAY
PASSWORD = "jogtrack bench password"
FILTER = "(date ge '2019-01-01') and (distance gt 1000)"
MB = 1024 * 1024
RSS_LIMIT_MB = 64
# Export: how much the server may grow while streaming the heavy user's runs. Well under the
# 100k-run file's size (~10 MB), so an export that held the whole answer (or all the rows) would miss it.
EXPORT_GROWTH_LIMIT_MB = 8
HEALTHZ_PACE_MS = 5  # the /healthz probe during logins: 8 connections x 1 request / 5 ms

# (name, "LAT LON") — real running spots.
PLACES = [
    ("Berlin Tiergarten", "52.5145 13.3501"),
    ("Tel Aviv promenade", "32.0853 34.7818"),
    ("Central Park", "40.7812 -73.9665"),
    ("Hyde Park", "51.5073 -0.1657"),
    ("Cape Town Sea Point", "-33.9150 18.3880"),
]

FULL = dict(users=1000, heavy_runs=100_000, medium_runs=1000, other_runs=10, heavy_places=2,
            duration=15, warmup=2, post_quota=30_000, post_limit=90, login_duration=15, transfer_reps=3)
QUICK = dict(users=200, heavy_runs=10_000, medium_runs=1000, other_runs=5, heavy_places=1,
             duration=4, warmup=1, post_quota=6_000, post_limit=25, login_duration=5, transfer_reps=2)


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes

class Proc:
    """A child process we started; stopped by its PID only."""

    def __init__(self, name, args, env, cwd, ready_text, ready_file, timeout=20):
        self.name = name
        self.out_path = Path(ready_file)
        self.err_path = self.out_path.with_suffix(".stderr")
        self._out = open(self.out_path, "wb")
        self._err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=self._out, stderr=self._err)
        deadline = time.monotonic() + timeout
        while True:
            text = self.out_path.read_text(errors="replace")
            if ready_text in text:
                self.first_line = text.splitlines()[0]
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not start: {text!r}\n{self.err_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.02)

    @property
    def pid(self):
        return self.proc.pid

    def port(self):
        return int(self.first_line.strip().rsplit(":", 1)[1])

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()
        self._err.close()
        return self.proc.returncode


def proc_status(pid):
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            out[key] = int(value.split()[0])  # kB (or a count)
    return out


def proc_cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid, limit_s=180.0):
    """Waits until the server stops burning CPU (requests still queued from a scenario
    whose wrk has ended would otherwise be billed to the next one). Returns seconds waited."""
    t0 = time.monotonic()
    quiet = 0
    last = proc_cpu_seconds(pid)
    while time.monotonic() - t0 < limit_s:
        time.sleep(0.25)
        now = proc_cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.025 else 0   # under 10% of one core
        last = now
        if quiet >= 2:
            break
    return time.monotonic() - t0


def system_busy_seconds():
    """CPU seconds all processes have used so far (from /proc/stat, every core)."""
    f = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in f[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    import resource
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime + me.ru_utime + me.ru_stime


def reset_peak_rss(pid):
    """Resets VmHWM to the current RSS (Linux >= 4.0), so each scenario gets its own peak."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- HTTP

class Api:
    def __init__(self, port):
        self.port = port

    def call(self, method, path, body=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, dict(resp.getheaders()), (json.loads(raw) if raw else None)
        finally:
            conn.close()

    def login(self, username):
        status, _, body = self.call("POST", "/auth", {"username": username, "password": PASSWORD})
        assert status == 200, (status, body)
        return body["access_token"]

    def total(self, token, path="/results"):
        status, headers, body = self.call("GET", path + ("&" if "?" in path else "?") + "count=1", token=token)
        assert status == 200, (status, body)
        return int(headers["X-Total-Count"])


# ---------------------------------------------------------------- wrk

def run_wrk(workdir, url, lines, name, token=None, threads=2, conns=64, duration=10, quota=False,
            timeout_s=30):
    """Runs wrk with replay.lua over `lines` ("METHOD\\tPATH[\\tBODY]"); returns the parsed result."""
    req_file = workdir / f"{name}.requests"
    req_file.write_text("\n".join(lines) + "\n")
    env = dict(os.environ)
    env.update(BENCH_REQUESTS=str(req_file), BENCH_TOKEN=token or "", BENCH_THREADS=str(threads),
               BENCH_QUOTA_DIR="")
    quota_dir = None
    if quota:
        quota_dir = workdir / f"{name}.quota"
        shutil.rmtree(quota_dir, ignore_errors=True)
        quota_dir.mkdir()
        env["BENCH_QUOTA_DIR"] = str(quota_dir)
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{duration}s", "--timeout", f"{timeout_s}s",
           "-s", str(LUA), url]
    out_path = workdir / f"{name}.wrk.out"
    with open(out_path, "w") as out:
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + duration + 30
        signalled_at = None
        while p.poll() is None:
            now = time.monotonic()
            if now > deadline:  # wrk stops by itself after -d; this is only a safety net
                p.kill()
                break
            if quota and len(list(quota_dir.glob("done.*"))) >= threads:
                # Every thread has had all its answers: end wrk's sleep(-d) early.
                # (Repeat: the first signal may land in a thread that was just exiting.)
                if signalled_at is None or now - signalled_at > 0.3:
                    p.send_signal(signal.SIGINT)
                    signalled_at = now
            time.sleep(0.02)
        p.wait()
    text = out_path.read_text(errors="replace")
    for line in text.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line[len("BENCH_RESULT "):])
            result["statuses"] = {int(k): v for k, v in result["statuses"].items()}
            seconds = result["duration_us"] / 1e6
            result["rps"] = result["answered"] / seconds if seconds else 0.0
            result["socket_errors"] = sum(result["errors"][k] for k in ("connect", "read", "write", "timeout"))
            return result
    raise RuntimeError(f"wrk {name} printed no result:\n{text[-3000:]}")


# ---------------------------------------------------------------- transfers (issue 13)

class RssSampler(threading.Thread):
    """Samples the server's VmRSS every few ms during one transfer: its peak even where VmHWM
    cannot be reset (VmHWM is the peak of the process's whole life)."""

    def __init__(self, pid, interval_s=0.005):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval_s = interval_s
        self.peak_kb = 0
        self._done = threading.Event()  # not _stop: threading.Thread has a method of that name

    def run(self):
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, proc_status(self.pid)["VmRSS"])
            self._done.wait(self.interval_s)

    def finish(self):
        self._done.set()
        self.join()
        return self.peak_kb


def measured(server_pid, fake_pid, action):
    """Runs action() once with the server idle before it; returns its result with wall time,
    server CPU, RSS before/after, the peak during it, and the load of processes not ours."""
    wait_idle(server_pid)
    hwm_reset = reset_peak_rss(server_pid)
    before = proc_status(server_pid)["VmRSS"]
    sampler = RssSampler(server_pid)
    sampler.start()
    cpu0, fake0 = proc_cpu_seconds(server_pid), proc_cpu_seconds(fake_pid)
    busy0, kids0, t0 = system_busy_seconds(), children_cpu_seconds(), time.monotonic()
    out = action()
    wall = time.monotonic() - t0
    cpu = proc_cpu_seconds(server_pid) - cpu0
    other = (system_busy_seconds() - busy0) - cpu - (proc_cpu_seconds(fake_pid) - fake0) - \
        (children_cpu_seconds() - kids0)
    sampled = sampler.finish()
    st = proc_status(server_pid)
    peak = max(sampled, st["VmHWM"]) if hwm_reset else sampled
    out.update(wall_s=wall, cpu_s=cpu, other_cores=max(0.0, other / wall) if wall > 0 else 0.0,
               rss_before_mb=before / 1024, rss_mb=st["VmRSS"] / 1024, peak_mb=peak / 1024,
               growth_mb=(peak - before) / 1024)
    return out


def post_import(port, token, content_type, body):
    """POST /results/import; the answer (the created runs as JSON) is read whole: it is small."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        try:
            conn.request("POST", "/results/import", body=body,
                         headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before the body's end (a 413) and closed: read that answer
        resp = conn.getresponse()
        raw = resp.read()
    except (OSError, http.client.HTTPException) as e:
        return {"status": 0, "runs": 0, "bytes": len(body), "error": f"no answer: {e!r}"}
    finally:
        conn.close()
    runs = len(json.loads(raw)) if resp.status == 201 else 0
    return {"status": resp.status, "runs": runs, "bytes": len(body),
            "error": None if resp.status == 201 else raw[:300].decode(errors="replace")}


def stream_export(port, token):
    """GET /results/export, read in 64 KiB pieces and counted, never kept: the client's
    memory must not be what limits the row. Rows = lines minus the header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.monotonic()
    first_byte = None
    nbytes = nlines = 0
    try:
        conn.request("GET", "/results/export", headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        while True:
            piece = resp.read(65536)
            if not piece:
                break
            if first_byte is None:
                first_byte = time.monotonic() - t0
            nbytes += len(piece)
            nlines += piece.count(b"\n")
    finally:
        conn.close()
    return {"status": resp.status, "runs": max(0, nlines - 1), "bytes": nbytes,
            "first_byte_s": first_byte, "error": None if resp.status == 200 else f"HTTP {resp.status}"}


def import_row(key, label, port, pids, tokens, content_type, body, expect, reps, api):
    """One warm-up import into the warm-up user (fills the weather cache for the file's (date, place)
    pairs), then `reps` timed imports into the importer; the row is the median rep. Memory counts the
    warm-up too: RSS before is from before it and peak the highest of all, because the allocator keeps
    what the first import freed and the later ones reuse it without growing RSS."""
    warm = measured(pids[0], pids[1], lambda: post_import(port, tokens["warm"], content_type, body))
    if warm["status"] != 201:
        return dict(warm, key=key, label=label, reps=[warm], runs=0, expect=expect, wall_s=None)
    n0 = api.total(tokens["importer"])
    reps_out = [measured(pids[0], pids[1], lambda: post_import(port, tokens["importer"], content_type, body))
                for _ in range(reps)]
    stored = api.total(tokens["importer"]) - n0
    row = dict(sorted(reps_out, key=lambda r: r["wall_s"])[len(reps_out) // 2])
    peak = max(r["peak_mb"] for r in [warm] + reps_out)
    row.update(key=key, label=label, warmup=warm, reps=reps_out, expect=expect, stored=stored,
               expect_stored=expect * reps, rss_before_mb=warm["rss_before_mb"], peak_mb=peak,
               growth_mb=peak - warm["rss_before_mb"], wall_all_s=[round(r["wall_s"], 3) for r in reps_out])
    bad = [r for r in reps_out if r["status"] != 201]
    if bad:
        row.update(status=bad[0]["status"], error=bad[0]["error"])
    return row


def export_row(key, label, port, pids, token, expect, reps):
    """One untimed export (the database file into the page cache), then `reps` timed ones; memory
    as for imports: from before the untimed one, whose freed memory the others may reuse."""
    warm = measured(pids[0], pids[1], lambda: stream_export(port, token))
    reps_out = [measured(pids[0], pids[1], lambda: stream_export(port, token)) for _ in range(reps)]
    row = dict(sorted(reps_out, key=lambda r: r["wall_s"])[len(reps_out) // 2])
    peak = max(r["peak_mb"] for r in [warm] + reps_out)
    row.update(key=key, label=label, warmup=warm, reps=reps_out, expect=expect,
               rss_before_mb=warm["rss_before_mb"], peak_mb=peak, growth_mb=peak - warm["rss_before_mb"],
               wall_all_s=[round(r["wall_s"], 3) for r in reps_out])
    bad = [r for r in [warm] + reps_out if r["status"] != 200 or r["runs"] != expect]
    if bad:
        row.update(status=bad[0]["status"], error=bad[0]["error"] or f"{bad[0]['runs']} rows")
    return row


def run_transfers(cfg, only, workdir, api, port, pids, tokens, n_heavy):
    """The import and export rows, after the wrk scenarios. Export first: after an import the
    allocator holds tens of MB it has freed, which an export could fill without RSS growing.
    Importing creates runs only for two users of their own, so no other row's data changes."""
    wanted = [k for k in ("import_gpx", "import_csv", "export_heavy") if not only or k in only]
    if not wanted:
        return []
    rows = []
    reps = cfg["transfer_reps"]
    if "export_heavy" in wanted:
        rows.append(export_row("export_heavy", f"GET /results/export, {n_heavy // 1000}k-run user", port, pids,
                               tokens["bench_heavy"], n_heavy, reps))
    if any(k.startswith("import") for k in wanted):
        for name in ("bench_import_warm", "bench_importer"):
            status, _, body = api.call("POST", "/users", {"username": name, "password": PASSWORD})
            assert status == 201, (status, body)
        imp = {"warm": api.login("bench_import_warm"), "importer": api.login("bench_importer")}
    if "import_gpx" in wanted:
        path = workdir / "import.gpx"
        transfer_data.gpx(path, 1000, 100)
        rows.append(import_row("import_gpx", "POST /results/import GPX, 1,000 tracks x 100 points", port, pids,
                               imp, "application/gpx+xml", path.read_bytes(), 1000, reps, api))
    if "import_csv" in wanted:
        path = workdir / "import.csv"
        transfer_data.csv(path, 10_000)
        rows.append(import_row("import_csv", "POST /results/import CSV, 10,000 rows", port, pids,
                               imp, "text/csv", path.read_bytes(), 10_000, reps, api))
    for r in rows:
        log(f"{r['label']}: {r.get('runs', 0)} runs in {r.get('wall_s') or 0:.2f} s, "
            f"RSS {r.get('rss_before_mb', 0):.1f} -> {r.get('rss_mb', 0):.1f} MB, peak {r.get('peak_mb', 0):.1f} MB"
            + (f"; FAILED: {r['error']}" if r.get("error") else ""))
    return rows


# ---------------------------------------------------------------- dataset

def make_dataset(cfg, rng, today):
    start = datetime.date(2016, 1, 1)
    end = today - datetime.timedelta(days=30)
    ndays = (end - start).days + 1

    def run_body(day, place):
        r = rng.random()
        if r < 0.05:
            distance = rng.randint(200, 999)          # short runs: filtered out by distance gt 1000
        elif r < 0.07:
            distance = 42195                          # marathons
        else:
            distance = int(rng.lognormvariate(8.9, 0.45))  # ~7.3 km median
            distance = max(1001, min(distance, 60000))
        speed = rng.uniform(2.3, 4.3)                 # m/s
        return {"date": day.isoformat(), "distance": distance, "time": max(1, round(distance / speed)),
                "location": PLACES[place][1]}

    heavy_places = [0, 1][:cfg["heavy_places"]]
    heavy_weights = [0.7, 0.3][:cfg["heavy_places"]]
    heavy, medium = [], []
    for _ in range(cfg["heavy_runs"]):
        day = start + datetime.timedelta(days=rng.randrange(ndays))
        heavy.append(run_body(day, rng.choices(heavy_places, heavy_weights)[0]))
    for _ in range(cfg["medium_runs"]):
        day = start + datetime.timedelta(days=rng.randrange(ndays))
        medium.append(run_body(day, 2))
    keys = sorted({(b["date"], b["location"]) for b in heavy})
    return heavy, medium, keys, {(b["date"], b["location"]) for b in heavy + medium}


# ---------------------------------------------------------------- the run

def main():
    ap = argparse.ArgumentParser(description="jogtrack load benchmark")
    ap.add_argument("--quick", action="store_true", help="small dataset and short scenarios (< 2 min)")
    ap.add_argument("--bin", default=os.environ.get("JOGTRACK_BIN", str(ROOT / "build-bench" / "jogtrack")))
    ap.add_argument("--duration", type=int, help="seconds per scenario (default 15, quick 4)")
    ap.add_argument("--log-level", default=os.environ.get("BENCH_LOG_LEVEL", "info"),
                    help="server JOGTRACK_LOG_LEVEL (default info = production default, access log on)")
    ap.add_argument("--only", help="comma-separated scenario keys to run (default all)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs, wrk output)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--pg", action="store_true",
                    help="run on a private PostgreSQL + Redis (scripts/test-backends.sh) instead of SQLite")
    ap.add_argument("--strict", action="store_true",
                    help="exit with status 1 when any target is missed (default: only when the run itself fails)")
    ap.add_argument("--hold", type=int, default=0,
                    help="after loading, keep the server up this many seconds (for attaching a profiler)")
    args = ap.parse_args()
    cfg = dict(QUICK if args.quick else FULL)
    if args.duration:
        cfg["duration"] = args.duration
        cfg["login_duration"] = args.duration
    only = set(args.only.split(",")) if args.only else None
    if not Path(args.bin).exists():
        sys.exit(f"no jogtrack binary at {args.bin} (build it, or set JOGTRACK_BIN / --bin)")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_sigterm)
    t_start = time.monotonic()
    load1 = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="jogtrack-bench-"))
    log(f"mode={'quick' if args.quick else 'full'} workdir={workdir} load1={load1:.2f} cores={os.cpu_count()}")
    started = []
    # Its own directory: the postgres user cannot enter the root-only workdir.
    backends = Path(tempfile.mkdtemp(prefix="jogtrack-bench-pg-")) if args.pg else None
    try:
        if args.pg:
            subprocess.run([str(ROOT / "scripts" / "test-backends.sh"), "start", str(backends)], check=True,
                           capture_output=True, text=True, timeout=120)
        results = run_all(args, cfg, only, workdir, started, t_start, load1, backends)
    finally:
        for p in reversed(started):
            p.stop()
        if args.pg:
            subprocess.run([str(ROOT / "scripts" / "test-backends.sh"), "stop", str(backends)],
                           capture_output=True, timeout=120)
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 1 if args.strict and not results["all_pass"] else 0


def backend_env(workdir, backends):
    """SQLite in the temp dir, or the private PostgreSQL + Redis that --pg started."""
    if backends is None:
        return {"JOGTRACK_DATABASE_URL": f"sqlite:{workdir / 'jogtrack.db'}"}
    found = {}
    for line in (backends / "env").read_text().splitlines():
        key, _, value = line.partition("=")
        found[key] = value.strip("'")
    return {
        "JOGTRACK_DATABASE_URL": found["JOGTRACK_TEST_PG_URL"] + "/postgres",
        "JOGTRACK_REDIS_URL": found["JOGTRACK_TEST_REDIS_URL"] + "/0",
        "JOGTRACK_JWT_SECRET": secrets.token_urlsafe(48),
    }


def run_all(args, cfg, only, workdir, started, t_start, load1, backends=None):
    rng = random.Random(5)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("JOGTRACK_")}

    fake = Proc("fake-openmeteo", ["/usr/bin/python3", str(FAKE), "--port", "0"], base_env, workdir,
                "listening on", workdir / "fake.out")
    started.append(fake)
    fport = fake.port()
    env = dict(base_env)
    env.update(backend_env(workdir, backends))
    env.update({
        "JOGTRACK_WEATHER_FORECAST_URL": f"http://127.0.0.1:{fport}/v1/forecast",
        "JOGTRACK_WEATHER_ARCHIVE_URL": f"http://127.0.0.1:{fport}/v1/archive",
        "JOGTRACK_WEATHER_TIMEOUT_MS": "5000",
        "JOGTRACK_ACCESS_TOKEN_TTL": "7200",
        "JOGTRACK_LOG_LEVEL": args.log_level,
        "JOGTRACK_REGISTER_LIMIT": "0",  # the dataset registers 999 users from 127.0.0.1
    })

    def start_server(tag):
        srv = Proc("jogtrack", [args.bin, "serve", "--listen", "127.0.0.1:0"], env, workdir,
                   "listening on", workdir / f"server-{tag}.out")
        started.append(srv)
        return srv

    server = start_server("1")
    api = Api(server.port())
    url = f"http://127.0.0.1:{server.port()}"
    log(f"jogtrack pid {server.pid} on {url}; fake Open-Meteo pid {fake.pid} on port {fport}")

    # ---- accounts
    t0 = time.monotonic()
    res = subprocess.run([args.bin, "user", "create", "--username", "bench_admin", "--password-stdin",
                          "--role", "admin"], input=PASSWORD + "\n", env=env, cwd=workdir,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    special = ["bench_heavy", "bench_medium", "bench_poster"] + [f"bench_login{i}" for i in range(1, 9)]
    names = special + [f"bench_user{i:04d}" for i in range(1, cfg["users"] - len(special))]
    lines = ["POST\t/users\t" + json.dumps({"username": n, "password": PASSWORD}) for n in names]
    r = run_wrk(workdir, url, lines, "load-users", threads=2, conns=4, duration=600, quota=True)
    assert r["statuses"].get(201) == len(names), f"registrations: {r['statuses']}"
    t_users = time.monotonic() - t0
    log(f"registered {len(names)} users (+1 admin via CLI) in {t_users:.1f}s "
        f"({len(names) / t_users:.0f}/s, Argon2id-bound)")

    admin = api.login("bench_admin")
    ids = {}
    page = 0
    while True:
        status, _, body = api.call("GET", f"/users?count=1000&page={page}", token=admin)
        assert status == 200, body
        if not body:
            break
        ids.update({u["username"]: u["user_id"] for u in body})
        page += 1
    tokens = {n: api.login(n) for n in ("bench_heavy", "bench_medium", "bench_poster")}

    # ---- runs (admin creates them for each user: body user_id)
    t0 = time.monotonic()
    heavy, medium, heavy_keys, all_keys = make_dataset(cfg, rng, today)
    bodies = [dict(b, user_id=ids["bench_heavy"]) for b in heavy] + \
             [dict(b, user_id=ids["bench_medium"]) for b in medium]
    others = [n for n in names if n.startswith("bench_user")]
    for n in others:
        for _ in range(cfg["other_runs"]):
            d, loc = rng.choice(heavy_keys)
            bodies.append({"date": d, "distance": rng.randint(1500, 15000), "time": rng.randint(600, 5400),
                           "location": loc, "user_id": ids[n]})
    rng.shuffle(bodies)
    lines = ["POST\t/results\t" + json.dumps(b, separators=(",", ":")) for b in bodies]
    r = run_wrk(workdir, url, lines, "load-runs", token=admin, threads=2, conns=32, duration=900, quota=True)
    t_runs = time.monotonic() - t0
    assert r["statuses"].get(201) == len(bodies), f"run creation: {r['statuses']} errors {r['errors']}"
    n_heavy, n_medium = api.total(tokens["bench_heavy"]), api.total(tokens["bench_medium"])
    assert (n_heavy, n_medium) == (len(heavy), len(medium)), (n_heavy, n_medium)
    log(f"created {len(bodies)} runs in {t_runs:.1f}s ({len(bodies) / t_runs:.0f}/s) with "
        f"{len(all_keys)} distinct (date, place) weather keys")
    load = {"users": len(names) + 1, "users_s": round(t_users, 1), "runs": len(bodies), "runs_s": round(t_runs, 1),
            "weather_keys": len(all_keys), "heavy_runs": n_heavy, "medium_runs": n_medium}
    if args.hold:
        log(f"holding for {args.hold}s (server pid {server.pid}, tokens in {workdir}/tokens.json)")
        (workdir / "tokens.json").write_text(json.dumps({"url": url, **tokens, "admin": admin}))
        time.sleep(args.hold)

    # ---- scenarios
    q = urllib.parse.quote(FILTER, safe="()'")
    list_path = f"/results?filter={q}&count=10"
    heavy_label = f"{len(heavy) // 1000}k"
    medium_label = f"{len(medium) // 1000}k"
    _, _, med_runs = api.call("GET", "/results?count=1000", token=tokens["bench_medium"])
    med_ids = [run["result_id"] for run in med_runs]
    post_bodies = []
    for d, loc in rng.sample(heavy_keys, min(2000, len(heavy_keys))):
        post_bodies.append({"date": d, "distance": rng.randint(1500, 15000), "time": rng.randint(600, 5400),
                            "location": loc})
    logins = ["POST\t/auth\t" + json.dumps({"username": f"bench_login{i}", "password": PASSWORD})
              for i in range(1, 9)]

    D = cfg["duration"]
    scenarios = [
        # key, label, lines, token, kwargs
        ("healthz", "GET /healthz", ["GET\t/healthz"], None, {}),
        ("verify", "GET /auth/verify", ["GET\t/auth/verify"], "bench_medium", {}),
        ("list_medium", f"GET /results filter, {medium_label}-run user", ["GET\t" + list_path], "bench_medium", {}),
        ("list_heavy", f"GET /results filter, {heavy_label}-run user", ["GET\t" + list_path], "bench_heavy", {}),
        ("weekly_medium", f"GET weekly report, {medium_label}-run user", ["GET\t/results/reports/weekly"],
         "bench_medium", {}),
        ("weekly_heavy", f"GET weekly report, {heavy_label}-run user", ["GET\t/results/reports/weekly"],
         "bench_heavy", {}),
        ("post", "POST /results (warm cache, 32 conns)",
         ["POST\t/results\t" + json.dumps(b, separators=(",", ":")) for b in post_bodies], "bench_poster",
         {"quota": True}),
        ("login", "POST /auth (8 conns)", logins, None, {}),
        ("patch", "PATCH /results/{id} distance",
         [f"PATCH\t/results/{i}\t" + json.dumps({"distance": 1000 + (i * 37) % 20000}) for i in med_ids],
         "bench_medium", {}),
        ("healthz2", "GET /healthz (again, at the end)", ["GET\t/healthz"], None, {}),
    ]
    rows = []
    post_expect = None
    for key, label, lines, who, kw in scenarios:
        if only and key not in only and not (key == "healthz"):
            continue
        token = tokens.get(who) if who else None
        if key == "post":
            # A fixed number of POSTs (quota) so that every request wrk sent was answered:
            # the row count must then equal the 201 count exactly.
            reps = -(-cfg["post_quota"] // len(lines))
            lines = (lines * reps)[:cfg["post_quota"]]
            # 32 connections: issue 9's write-tail scenario (p99 target below).
            kw = {"quota": True, "duration": cfg["post_limit"], "conns": 32}
        elif cfg["warmup"] and key not in ("login",):
            run_wrk(workdir, url, lines, key + "-warmup", token=token, duration=cfg["warmup"])
        drained = wait_idle(server.pid)
        if drained > 2:
            log(f"waited {drained:.1f}s for the server to finish requests queued by the previous run")
        reset_peak_rss(server.pid)
        cpu0 = proc_cpu_seconds(server.pid)
        fake0, busy0, kids0, wall0 = proc_cpu_seconds(fake.pid), system_busy_seconds(), children_cpu_seconds(), \
            time.monotonic()
        alongside = None
        if key == "login":
            # Logins at 8 connections; /healthz probed alongside by 8 paced connections
            # (each sends one request every HEALTHZ_PACE_MS): a latency probe, not a second
            # saturating load (that would only measure how the scheduler splits 2 cores).
            D_login = cfg["login_duration"]
            req_file = workdir / "login-healthz.requests"
            req_file.write_text("GET\t/healthz\n")
            env_h = dict(os.environ, BENCH_REQUESTS=str(req_file), BENCH_TOKEN="", BENCH_THREADS="1",
                         BENCH_QUOTA_DIR="", BENCH_DELAY_MS=str(HEALTHZ_PACE_MS))
            h_out = open(workdir / "login-healthz.wrk.out", "w")
            hp = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{D_login}s", "--timeout", "30s", "-s", str(LUA), url],
                                  env=env_h, stdout=h_out, stderr=subprocess.STDOUT)
            r = run_wrk(workdir, url, lines, key, token=token, threads=1, conns=8, duration=D_login)
            try:
                hp.wait(timeout=D_login + 30)
            except subprocess.TimeoutExpired:
                hp.kill()
                hp.wait()
            h_out.close()
            for line in (workdir / "login-healthz.wrk.out").read_text().splitlines():
                if line.startswith("BENCH_RESULT "):
                    alongside = json.loads(line[len("BENCH_RESULT "):])
                    alongside["rps"] = alongside["answered"] / (alongside["duration_us"] / 1e6)
                    alongside["socket_errors"] = sum(alongside["errors"][k]
                                                     for k in ("connect", "read", "write", "timeout"))
        else:
            kw2 = {"duration": D}
            kw2.update(kw)
            r = run_wrk(workdir, url, lines, key, token=token, **kw2)
        cpu = proc_cpu_seconds(server.pid) - cpu0
        # CPU used meanwhile by processes that are not ours (server, fake, wrk, this script):
        # other builds and tests on the machine. Over ~0.2 cores, the row is noisy.
        wall = time.monotonic() - wall0
        other = (system_busy_seconds() - busy0) - cpu - (proc_cpu_seconds(fake.pid) - fake0) - \
            (children_cpu_seconds() - kids0)
        st = proc_status(server.pid)
        r.update(key=key, label=label, rss_mb=st["VmRSS"] / 1024, peak_mb=st["VmHWM"] / 1024,
                 cpu_s=cpu, per_cpu_s=(r["answered"] / cpu if cpu > 0 else 0.0),
                 other_cores=max(0.0, other / wall) if wall > 0 else 0.0)
        if key == "post":
            n201 = r["statuses"].get(201, 0)
            rows_now = api.total(tokens["bench_poster"])
            r["durable"] = {"created_201": n201, "rows": rows_now, "sent": len(lines)}
            post_expect = n201
        rows.append(r)
        if alongside:
            alongside.update(key="login_healthz", label=f"  GET /healthz probe during logins (8 conns, 1 req/{HEALTHZ_PACE_MS} ms each)",
                             rss_mb=r["rss_mb"], peak_mb=r["peak_mb"], cpu_s=None, per_cpu_s=None,
                             other_cores=r["other_cores"])
            rows.append(alongside)
        log(f"{label}: {r['rps']:.0f} req/s p50 {r['p50_us'] / 1000:.2f} ms p99 {r['p99_us'] / 1000:.2f} ms "
            f"max {r['max_us'] / 1000:.2f} ms "
            f"non-2xx {r['non2xx']} sock-err {r['socket_errors']} RSS {r['rss_mb']:.1f}/{r['peak_mb']:.1f} MB")

    transfers = run_transfers(cfg, only, workdir, api, server.port(), (server.pid, fake.pid), tokens, n_heavy)

    # ---- durability across a crash: SIGKILL the server, start it again on the same file, recount
    crash = None
    if post_expect is not None:
        server.stop(sig=signal.SIGKILL)
        started.remove(server)
        server2 = start_server("2")
        api2 = Api(server2.port())
        crash = {"rows_after_kill9": api2.total(tokens["bench_poster"]),
                 "heavy_after_kill9": api2.total(tokens["bench_heavy"])}
        log(f"after kill -9 and restart: poster has {crash['rows_after_kill9']} rows "
            f"(201s: {post_expect}), heavy user {crash['heavy_after_kill9']}")

    elapsed = time.monotonic() - t_start
    return report(rows, transfers, load, crash, cfg, args, elapsed, load1)


# ---------------------------------------------------------------- report

def evaluate(r, base):
    """Target text and pass/fail for one row (None = no target besides the general ones)."""
    ratio = r["rps"] / base if base else 0.0
    key = r["key"]
    checks = []
    if key == "verify":
        checks.append((f">= 0.6x healthz", ratio >= 0.6))
    elif key == "list_medium":
        checks.append((">= 0.4x healthz", ratio >= 0.4))
    elif key == "list_heavy":
        checks.append((">= 0.3x healthz", ratio >= 0.3))
    elif key == "weekly_medium":
        checks.append((">= 0.3x healthz", ratio >= 0.3))
    elif key == "weekly_heavy":
        checks.append(("p99 < 20 ms", r["p99_us"] < 20_000))
    elif key == "post":
        d = r["durable"]
        checks.append((">= 3000/s", r["rps"] >= 3000))
        checks.append(("p99 <= 20 ms", r["p99_us"] <= 20_000))
        checks.append(("201s durable", d["rows"] == d["created_201"] and d["created_201"] == d["sent"]))
    elif key == "login":
        checks.append((">= 20/s", r["rps"] >= 20))
    elif key == "login_healthz":
        checks.append(("p99 < 5 ms", r["p99_us"] < 5000))
    checks.append(("0 non-2xx", r["non2xx"] == 0 and r["socket_errors"] == 0))
    if key != "login_healthz":
        checks.append((f"peak RSS < {RSS_LIMIT_MB} MB", r["peak_mb"] < RSS_LIMIT_MB))
    return ratio, checks


def fmt_ms(us):
    return f"{us / 1000:.2f}"


def report(rows, transfers, load, crash, cfg, args, elapsed, load1):
    base = next((r["rps"] for r in rows if r["key"] == "healthz"), 0.0)
    header = ["scenario", "req/s", "p50 ms", "p99 ms", "max ms", "non-2xx/err", "RSS MB", "peak MB", "req/CPU-s",
              "x healthz", "other load", "targets", "result"]
    table = []
    all_pass = True
    for r in rows:
        ratio, checks = evaluate(r, base)
        specific = [c for c in checks if not c[0].startswith(("0 non-2xx", "peak RSS"))]
        failed = [c[0] for c in checks if not c[1]]
        all_pass = all_pass and not failed
        target_text = "; ".join(c[0] for c in specific) or "-"
        result = "PASS" if not failed else "MISS: " + "; ".join(failed)
        errs = f"{r['non2xx']}/{r['socket_errors']}"
        table.append([r["label"], f"{r['rps']:.0f}", fmt_ms(r["p50_us"]), fmt_ms(r["p99_us"]),
                      fmt_ms(r["max_us"]), errs,
                      f"{r['rss_mb']:.1f}", f"{r['peak_mb']:.1f}",
                      "-" if r.get("per_cpu_s") is None else f"{r['per_cpu_s']:.0f}",
                      "-" if r["key"] == "login_healthz" else f"{ratio:.2f}", f"{r['other_cores']:.2f}",
                      target_text, result])
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in table:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    mode = "quick" if args.quick else "full"
    print()
    print(f"jogtrack benchmark, {mode} mode, {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores, "
          f"load average at start {load1:.2f}, server log level {args.log_level}")
    print(f"dataset: {load['users']} users, {load['runs']} runs (heavy user {load['heavy_runs']}, "
          f"medium user {load['medium_runs']}), {load['weather_keys']} weather keys; "
          f"users loaded in {load['users_s']} s, runs in {load['runs_s']} s (wrk + replay.lua through the API)")
    print(f"wrk -t2 -c64 for {cfg['duration']} s per scenario unless noted; latencies from wrk; "
          f"RSS = VmRSS after the scenario, peak = VmHWM during it;\n"
          f"req/CPU-s = requests per server CPU-second; other load = cores used meanwhile by processes "
          f"this benchmark did not start (> 0.2: the row is noisy)")
    print()
    print("\n".join(lines))
    post = next((r for r in rows if r["key"] == "post"), None)
    if post:
        d = post["durable"]
        print(f"\nPOST durability: {d['sent']} sent, {d['created_201']} x 201, {d['rows']} rows via X-Total-Count"
              + (f"; after kill -9 + restart: {crash['rows_after_kill9']} rows" if crash else ""))
        if crash:
            ok = crash["rows_after_kill9"] == d["created_201"]
            all_pass = all_pass and ok
    transfer_lines = []
    if transfers:
        transfer_lines, transfers_pass = transfer_table(transfers, cfg)
        all_pass = all_pass and transfers_pass
        print(f"\ntransfers: one request at a time; one untimed run, then {cfg['transfer_reps']} timed reps, "
              f"the median shown, peak = the highest of all (VmHWM reset before each, and VmRSS sampled every "
              f"5 ms);\ngrowth = peak minus RSS before (imports: before the untimed import, which goes to another "
              f"user and warms the weather cache; timed ones go to bench_importer);\n"
              f"export read in 64 KiB pieces and counted, not kept\n")
        print("\n".join(transfer_lines))
    print(f"\ntotal time {elapsed:.0f} s; overall: {'PASS' if all_pass else 'some targets MISSED'}")
    return {"mode": mode, "rows": rows, "transfers": transfers, "load": load, "crash": crash, "elapsed_s": elapsed,
            "load1": load1, "all_pass": all_pass, "table": lines, "transfer_table": transfer_lines}


def evaluate_transfer(t):
    """Target text and pass/fail for one transfer row."""
    if t.get("error"):
        return [(f"answered (got {t['error'][:120]})", False)]
    if t["key"] == "export_heavy":
        return [("all rows", t["runs"] == t["expect"]),
                (f"growth < {EXPORT_GROWTH_LIMIT_MB} MB", t["growth_mb"] < EXPORT_GROWTH_LIMIT_MB)]
    return [("all runs stored", t["runs"] == t["expect"] and t["stored"] == t["expect_stored"])]


def transfer_table(transfers, cfg):
    header = ["transfer", "runs", "MB", "wall s", "runs/s", "MB/s", "1st byte ms", "RSS before", "RSS after",
              "peak MB", "growth MB", "CPU-s", "other load", "targets", "result"]
    table = []
    all_pass = True
    for t in transfers:
        checks = evaluate_transfer(t)
        failed = [c[0] for c in checks if not c[1]]
        all_pass = all_pass and not failed
        result = "PASS" if not failed else "MISS: " + "; ".join(failed)
        wall = t.get("wall_s") or 0.0
        mb = t.get("bytes", 0) / MB
        first = t.get("first_byte_s")
        table.append([t["label"], str(t.get("runs", 0)), f"{mb:.1f}", f"{wall:.2f}",
                      f"{t['runs'] / wall:.0f}" if wall else "-", f"{mb / wall:.1f}" if wall else "-",
                      "-" if first is None else f"{first * 1000:.0f}",
                      f"{t.get('rss_before_mb', 0):.1f}", f"{t.get('rss_mb', 0):.1f}", f"{t.get('peak_mb', 0):.1f}",
                      f"{t.get('growth_mb', 0):.1f}", f"{t.get('cpu_s', 0):.2f}", f"{t.get('other_cores', 0):.2f}",
                      "; ".join(c[0] for c in checks), result])
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in table]
    return lines, all_pass


if __name__ == "__main__":
    sys.exit(main())
