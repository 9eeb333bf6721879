#!/usr/bin/python3
"""Inputs for the import/export rows of the benchmark (stdlib only; nothing is measured here).

  bench/transfer_data.py gpx  OUT.gpx [TRACKS=1000] [POINTS=100]
      one GPX 1.1 file of TRACKS tracks, POINTS points each (the defaults stay under the 10 MiB limit),
      on 10 days at one place
      (so a warm weather cache answers every lookup after the first 10)
  bench/transfer_data.py csv  OUT.csv [RUNS=100000]
      RUNS rows in the original dataset's shape (date,location,distance,time), on 10 days at one place;
      POST it in files of at most 10,000 rows (the import's per-file limit) to build a 100,000-run user:
        split -l 10000 OUT.csv part-; for f in part-*; do curl -X POST .../results/import \
          -H "Authorization: Bearer $T" -H 'Content-Type: text/csv' --data-binary @$f; done
"""
import datetime
import sys


def gpx(path, tracks=1000, points=100):
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" '
                'xmlns="http://www.topografix.com/GPX/1/1">\n')
        for t in range(tracks):
            day = datetime.datetime(2019, 3, 1 + t % 10, 6, 0, tzinfo=datetime.timezone.utc)
            f.write(f"<trk><name>run {t}</name><trkseg>")
            for p in range(points):
                when = (day + datetime.timedelta(seconds=5 * p)).strftime("%Y-%m-%dT%H:%M:%SZ")
                f.write(f'<trkpt lat="{52.5200 + p * 0.00003:.6f}" lon="{13.4050 + p * 0.00002:.6f}">'
                        f"<time>{when}</time></trkpt>")
            f.write("</trkseg></trk>\n")
        f.write("</gpx>\n")


def csv(path, runs=100_000):
    with open(path, "w") as f:
        for i in range(runs):
            f.write(f"2019-03-{1 + i % 10:02d},52.5200 13.4050,{1000 + i % 9000},{300 + i % 3000}\n")


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    n = [int(a) for a in sys.argv[3:]]
    {"gpx": gpx, "csv": csv}[kind](out, *n)
