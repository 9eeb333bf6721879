#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL and a private Redis on loopback for the tests.
#   scripts/test-backends.sh start DIR   # prints the env lines to use (also kept in DIR/env)
#   scripts/test-backends.sh stop DIR
# PostgreSQL runs as the `postgres` user when started by root (it refuses to run
# as root) with a throw-away data directory in DIR; both listen on 127.0.0.1 on
# free ports and keep nothing on disk beyond DIR.
set -euo pipefail

cmd=${1:?usage: test-backends.sh start|stop DIR}
dir=${2:?usage: test-backends.sh start|stop DIR}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
  echo "$d"
}

as_pg() {  # runs a command as the postgres user when we are root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local bin pg_port redis_port password
  bin=$(pg_bin)
  pg_port=$(free_port)
  redis_port=$(free_port)
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  printf '%s\n' "$password" >"$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir/pwfile"
  # A role with a password over TCP (scram), like a real deployment; trust on the private socket only.
  as_pg "$bin/initdb" -D "$dir/data" -U jogtrack --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-host=scram-sha-256 --auth-local=trust -N >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  # In the configuration file, so a plain `pg_ctl start` (tests stop and restart it) keeps them.
  # fsync off: the tests need durability across a process crash, not an OS crash.
  cat >>"$dir/data/postgresql.conf" <<EOF
port = $pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
full_page_writes = off
EOF
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null ||
    { cat "$dir/postgres.log" >&2; exit 1; }

  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --databases 64 \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$redis_port" ping >/dev/null || { cat "$dir/redis.log" >&2; exit 1; }

  {
    echo "JOGTRACK_TEST_PG_URL='postgresql://jogtrack:$password@127.0.0.1:$pg_port'"
    echo "JOGTRACK_TEST_REDIS_URL='redis://127.0.0.1:$redis_port'"
    echo "JOGTRACK_TEST_PG_CTL='$bin/pg_ctl -D $dir/data -l $dir/postgres.log'"
  } >"$dir/env"
  cat "$dir/env"
}

stop() {
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/redis.pid" ]; then
    local pid
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: test-backends.sh start|stop DIR" >&2; exit 2 ;;
esac
