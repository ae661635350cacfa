#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite, on loopback only.
# Usage: scripts/pg.sh start|stop|url
set -euo pipefail
PORT="${ZONA_PG_PORT:-54329}"
DATA="${ZONA_PG_DATA:-/tmp/zona-pg-$PORT}"
URL="postgres://zona:zona@127.0.0.1:$PORT/zona"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    if [ -z "$BIN" ]; then echo "PostgreSQL server is not installed" >&2; exit 1; fi
    if [ ! -s "$DATA/PG_VERSION" ]; then
      mkdir -p "$DATA"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DATA"
      as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
        -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
    fi
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_roles WHERE rolname='zona'" | grep -q 1 || \
      as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc \
      "CREATE ROLE zona LOGIN SUPERUSER PASSWORD 'zona'"
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='zona'" | grep -q 1 || \
      as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE zona OWNER zona"
    echo "$URL"
    ;;
  stop)
    [ -n "$BIN" ] && [ -d "$DATA" ] && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  url)
    echo "$URL"
    ;;
esac
