#!/usr/bin/python3
"""Profile one benchmark scenario against a dataset kept by `bench/run.sh --keep`.

    bench/profile.py WORKDIR SCENARIO [--tool perf|callgrind] [--seconds 5] [--requests 2000]

SCENARIO: healthz verify list_medium list_heavy weekly_medium weekly_heavy post login patch
WORKDIR:  the temp dir printed by `bench/run.sh --keep` (jogtrack.db, its .jwt-secret, tokens.json).

perf (default): starts jogtrack normally on the kept database, drives the scenario with
  wrk -t2 -c64 for --seconds while `perf record -e cpu-clock --call-graph dwarf` samples
  the server (software clock: this machine has no hardware counters), then prints the
  top functions by self time and by inclusive time (kernel included, so SQLite's pread
  page copies show up). Output: WORKDIR/prof-SCENARIO.perf{,.self.txt,.children.txt}.
callgrind: starts jogtrack under `valgrind --tool=callgrind --instr-atstart=no`, turns
  instrumentation on only while wrk (-t1 -c8, quota mode) sends --requests requests, and
  prints callgrind_annotate --inclusive=yes. User space only (no kernel time); ~50x slower.
  Output: WORKDIR/prof-SCENARIO.callgrind{,.txt}.
Only processes started here are stopped, by PID.
"""
import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def scenario_lines(key, workdir):
    db = sqlite3.connect(f"file:{workdir / 'jogtrack.db'}?mode=ro", uri=True)
    uid = dict(db.execute("SELECT username, user_id FROM users"))
    q = urllib.parse.quote(bench.FILTER, safe="()'")
    if key in ("healthz",):
        return ["GET\t/healthz"], None
    if key == "verify":
        return ["GET\t/auth/verify"], "bench_medium"
    if key.startswith("list_"):
        return [f"GET\t/results?filter={q}&count=10"], "bench_" + key.split("_")[1]
    if key.startswith("weekly_"):
        return ["GET\t/results/reports/weekly"], "bench_" + key.split("_")[1]
    if key == "post":
        rows = db.execute("SELECT DISTINCT date, location FROM runs WHERE user_id = ? LIMIT 2000",
                          (uid["bench_heavy"],)).fetchall()
        return ["POST\t/results\t" + json.dumps({"date": d, "distance": 5000 + i % 7000, "time": 1800,
                                                 "location": loc}, separators=(",", ":"))
                for i, (d, loc) in enumerate(rows)], "bench_poster"
    if key == "login":
        return ["POST\t/auth\t" + json.dumps({"username": f"bench_login{i}", "password": bench.PASSWORD})
                for i in range(1, 9)], None
    if key == "patch":
        ids = [r[0] for r in db.execute("SELECT result_id FROM runs WHERE user_id = ?", (uid["bench_medium"],))]
        return [f"PATCH\t/results/{i}\t" + json.dumps({"distance": 1000 + (i * 37) % 20000}) for i in ids], \
            "bench_medium"
    raise SystemExit(f"unknown scenario {key}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workdir")
    ap.add_argument("scenario")
    ap.add_argument("--tool", choices=("perf", "callgrind"), default="perf")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--bin", default=os.environ.get("JOGTRACK_BIN", str(bench.ROOT / "build-bench" / "jogtrack")))
    ap.add_argument("--top", type=int, default=45)
    args = ap.parse_args()
    workdir = Path(args.workdir).resolve()
    lines, who = scenario_lines(args.scenario, workdir)

    base_env = {k: v for k, v in os.environ.items() if not k.startswith("JOGTRACK_")}
    started = []
    try:
        fake = bench.Proc("fake-openmeteo", ["/usr/bin/python3", str(bench.FAKE), "--port", "0"], base_env,
                          workdir, "listening on", workdir / "prof-fake.out")
        started.append(fake)
        env = dict(base_env)
        env.update({
            "JOGTRACK_DATABASE_URL": f"sqlite:{workdir / 'jogtrack.db'}",
            "JOGTRACK_WEATHER_FORECAST_URL": f"http://127.0.0.1:{fake.port()}/v1/forecast",
            "JOGTRACK_WEATHER_ARCHIVE_URL": f"http://127.0.0.1:{fake.port()}/v1/archive",
            "JOGTRACK_ACCESS_TOKEN_TTL": "7200",
            "JOGTRACK_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "info"),
        })
        cmd = [args.bin, "serve", "--listen", "127.0.0.1:0"]
        out = workdir / f"prof-{args.scenario}.{args.tool}"
        if args.tool == "callgrind":
            cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"] + cmd
        server = bench.Proc("jogtrack", cmd, env, workdir, "listening on", workdir / "prof-server.out",
                            timeout=120)
        started.append(server)
        api = bench.Api(server.port())
        url = f"http://127.0.0.1:{server.port()}"
        # Log in before profiling starts (Argon2id would otherwise dominate every profile).
        token = api.login(who) if who else None
        if args.tool == "perf":
            perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "499", "--call-graph", "dwarf,16384",
                                     "-p", str(server.pid), "-o", str(out)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            r = bench.run_wrk(workdir, url, lines, f"prof-{args.scenario}", token=token, duration=args.seconds)
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=60)
            print(f"{args.scenario}: {r['rps']:.0f} req/s under perf, p99 {r['p99_us'] / 1000:.2f} ms")
            for mode, flag in (("self", "--no-children"), ("children", "--children")):
                text = subprocess.run(["perf", "report", "-i", str(out), flag, "--stdio", "-g", "none",
                                       "--percent-limit", "0.8", "--sort", "symbol"],
                                      capture_output=True, text=True).stdout
                rows = [ln[:180] for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
                Path(f"{out}.{mode}.txt").write_text("\n".join(rows) + "\n")
                print(f"\n== {mode} (top {args.top}) ==")
                print("\n".join(rows[:args.top]))
        else:
            reqs = (lines * (-(-args.requests // len(lines))))[:args.requests]
            subprocess.run(["callgrind_control", "-i", "on", str(server.pid)], check=True, capture_output=True)
            r = bench.run_wrk(workdir, url, reqs, f"prof-{args.scenario}", token=token, threads=1, conns=8,
                              duration=600, quota=True, timeout_s=60)
            subprocess.run(["callgrind_control", "-i", "off", str(server.pid)], check=True, capture_output=True)
            print(f"{args.scenario}: {r['answered']} requests under callgrind, statuses {r['statuses']}")
            server.stop()
            started.remove(server)
            files = sorted(workdir.glob(f"prof-{args.scenario}.callgrind*"))
            text = subprocess.run(["callgrind_annotate", "--inclusive=yes", *map(str, files)],
                                  capture_output=True, text=True).stdout
            Path(f"{out}.txt").write_text(text)
            body = [ln[:200] for ln in text.splitlines()]
            start = next((i for i, ln in enumerate(body) if "file:function" in ln), 0)
            print("\n".join(body[start:start + args.top]))
    finally:
        for p in reversed(started):
            p.stop()


if __name__ == "__main__":
    main()
