#!/usr/bin/env bash
# `make prod-check`: the production stack on loopback, proven through its real web server.
# Installs what is missing (PostgreSQL, Redis; the S3 test server comes with the dev
# dependencies), starts PostgreSQL, Redis, a local S3 API server (moto), granian (WSGI) with 4
# workers and 2 task workers, all configured through the environment exactly as in
# docs/deploy.md, runs bench/prod_check.py against them, and stops everything it started,
# also on failure. The last line is `lost=0 duplicated=0` when every check holds.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Four ports from ZONA_PROD_CHECK_PORT (PostgreSQL, Redis, S3, web), or each on its own.
BASE="${ZONA_PROD_CHECK_PORT:-54360}"
PG_PORT="${ZONA_PROD_CHECK_PG_PORT:-$BASE}"
REDIS_PORT="${ZONA_PROD_CHECK_REDIS_PORT:-$((BASE + 1))}"
S3_PORT="${ZONA_PROD_CHECK_S3_PORT:-$((BASE + 2))}"
WEB_PORT="${ZONA_PROD_CHECK_WEB_PORT:-$((BASE + 3))}"
WEB_WORKERS="${ZONA_PROD_CHECK_WEB_WORKERS:-4}" TASK_WORKERS="${ZONA_PROD_CHECK_TASK_WORKERS:-2}"

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
test -x .venv/bin/moto_server || { echo "moto_server missing: run make deps" >&2; exit 1; }

RUN="$(mktemp -d /tmp/zona-prod-check.XXXXXX)"
chmod 755 "$RUN"  # PostgreSQL runs as its own user inside
export ZONA_PG_PORT=$PG_PORT ZONA_PG_DATA="$RUN/pg"
PIDS=()
cleanup() {
  status=$?
  touch "$RUN/stop"
  for f in "$RUN"/worker*.pid "$RUN/granian.pid"; do
    [ -s "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/pg.sh stop
  if [ "$status" -ne 0 ]; then
    echo "prod-check failed; last lines of each log:" >&2
    for log in "$RUN"/*.log; do echo "== $log" >&2; tail -n 15 "$log" >&2; done
  fi
  rm -rf "$RUN"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_port() {  # port, name[, tenths of a second to wait]
  for _ in $(seq 1 "${3:-100}"); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not start on port $1" >&2
  return 1
}

started=$(date +%s.%N)
DATABASE_URL="$(scripts/pg.sh start)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize no >"$RUN/redis.log" 2>&1 &
PIDS+=($!)
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$RUN/s3.log" 2>&1 &
PIDS+=($!)

export DJANGO_SETTINGS_MODULE=config.settings.production
DJANGO_SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')"
export DJANGO_SECRET_KEY DATABASE_URL
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export ZONA_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export ZONA_S3_BUCKET=zona-prod-check ZONA_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export ZONA_S3_ACCESS_KEY=prod-check ZONA_S3_SECRET_KEY=prod-check ZONA_S3_REGION=us-east-1
# Static files are hashed as in production but not compressed (minutes of CPU for a
# throw-away stack); WhiteNoise serves them the same way.
export ZONA_STATIC_ROOT="$RUN/static" ZONA_STATIC_COMPRESS=false DJANGO_LOG_LEVEL=WARNING
# Every client of the load test comes from 127.0.0.1; a real service hall has many addresses.
export ZONA_SURVEY_NETWORK_FLAG_AFTER=1000000000 ZONA_SURVEY_NETWORK_REFUSE_AFTER=1000000000

deploy_check=0
$PY manage.py check --deploy --fail-level WARNING >"$RUN/check-deploy.log" 2>&1 || deploy_check=1
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
wait_port "$REDIS_PORT" Redis
wait_port "$S3_PORT" "S3 server"
$PY - <<'PY'
import os

import boto3

boto3.client(
    "s3",
    endpoint_url=os.environ["ZONA_S3_ENDPOINT_URL"],
    aws_access_key_id=os.environ["ZONA_S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["ZONA_S3_SECRET_KEY"],
    region_name=os.environ["ZONA_S3_REGION"],
).create_bucket(Bucket=os.environ["ZONA_S3_BUCKET"])
PY

# The web server as deploy/zona-web.service starts it: granian's main process watches the
# workers and starts a new one when one dies (--respawn-failed-workers); its own log lines
# are JSON like Django's (deploy/granian-logging.json).
.venv/bin/granian --interface wsgi --host 127.0.0.1 --port "$WEB_PORT" \
  --workers "$WEB_WORKERS" --blocking-threads 4 --respawn-failed-workers \
  --workers-kill-timeout 25 --log-config deploy/granian-logging.json \
  --pid-file "$RUN/granian.pid" config.wsgi:application >"$RUN/web.log" 2>&1 &
PIDS+=($!)
# Each task worker is restarted when it dies, as systemd's Restart=always does (deploy/).
for i in $(seq 1 "$TASK_WORKERS"); do
  (
    while [ ! -e "$RUN/stop" ]; do
      $PY manage.py task_worker --interval 0.2 --no-startup-delay >>"$RUN/worker$i.log" 2>&1 &
      echo $! >"$RUN/worker$i.pid"
      wait $! || true
    done
  ) &
  PIDS+=($!)
done
# granian listens once a worker has loaded Django: half a minute on a busy 2-core machine.
wait_port "$WEB_PORT" granian 1200

# Bounded, so a hung check still ends (and cleans up) within CI's time.
timeout 600 $PY bench/prod_check.py --port "$WEB_PORT" --run "$RUN" --deploy-check "$deploy_check" \
  --started "$started"
