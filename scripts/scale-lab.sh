#!/usr/bin/env bash
# The scaling lab of docs/scaling.md on loopback: a PostgreSQL primary (scripts/pg.sh), a
# streaming replica of it (pg_basebackup), PgBouncer in transaction mode in front of the
# primary, Redis, an S3 API (moto), and on `web` two web servers behind nginx.
#
#   scripts/scale-lab.sh start     # databases, PgBouncer, Redis, S3; prints the environment
#   scripts/scale-lab.sh web [gunicorn|granian]   # two web "machines" + nginx (after start)
#   scripts/scale-lab.sh env       # the environment lines again (eval "$(... env)")
#   scripts/scale-lab.sh stop      # stops everything this script started
#
# Ports: ZONA_PG_PORT (primary, default 5447), then from ZONA_LAB_BASE (default 15447):
# +1 replica, +2 PgBouncer, +3 Redis, +4 S3, +10 nginx, +11 and +12 the two web servers.
# Installs pgbouncer and nginx-light from Debian when missing. Throw-away: data in /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
export ZONA_PG_PORT="${ZONA_PG_PORT:-5447}"
BASE="${ZONA_LAB_BASE:-15447}"
REPLICA_PORT=$((BASE + 1)) BOUNCER_PORT=$((BASE + 2)) REDIS_PORT=$((BASE + 3))
S3_PORT=$((BASE + 4)) PROXY_PORT=$((BASE + 10)) WEB1_PORT=$((BASE + 11)) WEB2_PORT=$((BASE + 12))
LAB="${ZONA_LAB_DIR:-/tmp/zona-lab-$BASE}"
export ZONA_PG_DATA="$LAB/primary"
REPLICA_DATA="$LAB/replica"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
wait_port() {  # port, name
  for _ in $(seq 1 150); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not start on port $1" >&2
  return 1
}
lab_env() {
  cat <<EOF
export DJANGO_SETTINGS_MODULE=config.settings.production
export DJANGO_SECRET_KEY=$(cat "$LAB/secret")
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=postgres://zona:zona@127.0.0.1:$ZONA_PG_PORT/zona
export ZONA_LAB_REPLICA_URL=postgres://zona:zona@127.0.0.1:$REPLICA_PORT/zona
export ZONA_LAB_BOUNCER_URL=postgres://zona:zona@127.0.0.1:$BOUNCER_PORT/zona
export ZONA_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export ZONA_S3_BUCKET=zona-lab ZONA_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
export ZONA_S3_ACCESS_KEY=lab ZONA_S3_SECRET_KEY=lab ZONA_S3_REGION=us-east-1
export ZONA_STATIC_ROOT=$LAB/static ZONA_STATIC_COMPRESS=false DJANGO_LOG_LEVEL=WARNING
export DJANGO_SECURE_SSL_REDIRECT=false
export ZONA_SURVEY_NETWORK_FLAG_AFTER=1000000000 ZONA_SURVEY_NETWORK_REFUSE_AFTER=1000000000
export ZONA_LAB_PROXY_PORT=$PROXY_PORT ZONA_LAB_WEB_PORTS=$WEB1_PORT,$WEB2_PORT
EOF
}

case "${1:-start}" in
  start)
    missing=()
    command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
    [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    command -v redis-server >/dev/null || missing+=(redis-server)
    if [ "${#missing[@]}" -gt 0 ]; then
      echo "Installing system packages: ${missing[*]}" >&2
      if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
    fi
    mkdir -p "$LAB" && chmod 755 "$LAB"
    [ -s "$LAB/secret" ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))' >"$LAB/secret"
    scripts/pg.sh start >/dev/null
    # The primary ships WAL to the replica; its replication slot keeps what the replica needs.
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$ZONA_PG_PORT" -U postgres -qtAc \
      "SELECT 1 FROM pg_replication_slots WHERE slot_name='lab_replica'" | grep -q 1 || \
      as_pg "$BIN/psql" -h 127.0.0.1 -p "$ZONA_PG_PORT" -U postgres -qtAc \
      "SELECT pg_create_physical_replication_slot('lab_replica')" >/dev/null
    if [ ! -s "$REPLICA_DATA/PG_VERSION" ]; then
      mkdir -p "$REPLICA_DATA" && chmod 700 "$REPLICA_DATA"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$REPLICA_DATA"
      as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$ZONA_PG_PORT" -U postgres -D "$REPLICA_DATA" \
        -R -X stream -S lab_replica
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$REPLICA_DATA" -l "$REPLICA_DATA/server.log" -w -o \
        "-p $REPLICA_PORT -k $REPLICA_DATA -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=200" \
        start >/dev/null
    fi
    # PgBouncer, transaction pooling; it refuses to run as root, so it runs as postgres.
    mkdir -p "$LAB/bouncer"
    cat >"$LAB/bouncer/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$ZONA_PG_PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $LAB/bouncer/users.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits,options
logfile = $LAB/bouncer/pgbouncer.log
pidfile = $LAB/bouncer/pgbouncer.pid
EOF
    printf '"zona" "zona"\n"postgres" ""\n' >"$LAB/bouncer/users.txt"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$LAB/bouncer"
    if [ ! -s "$LAB/bouncer/pgbouncer.pid" ] || ! kill -0 "$(cat "$LAB/bouncer/pgbouncer.pid")" 2>/dev/null; then
      as_pg /usr/sbin/pgbouncer -d "$LAB/bouncer/pgbouncer.ini"
    fi
    if [ ! -s "$LAB/redis.pid" ] || ! kill -0 "$(cat "$LAB/redis.pid")" 2>/dev/null; then
      redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$LAB/redis.pid" --logfile "$LAB/redis.log"
    fi
    if [ ! -s "$LAB/s3.pid" ] || ! kill -0 "$(cat "$LAB/s3.pid")" 2>/dev/null; then
      nohup .venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$LAB/s3.log" 2>&1 &
      echo $! >"$LAB/s3.pid"
    fi
    wait_port "$BOUNCER_PORT" PgBouncer
    wait_port "$REDIS_PORT" Redis
    wait_port "$S3_PORT" "S3 server"
    lab_env >"$LAB/env"
    (
      set -a && . "$LAB/env" && set +a
      .venv/bin/python manage.py migrate --noinput -v0
      .venv/bin/python manage.py collectstatic --noinput -v0
      .venv/bin/python - <<'PY'
import os

import boto3

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["ZONA_S3_ENDPOINT_URL"],
    aws_access_key_id=os.environ["ZONA_S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["ZONA_S3_SECRET_KEY"],
    region_name=os.environ["ZONA_S3_REGION"],
)
if os.environ["ZONA_S3_BUCKET"] not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
    s3.create_bucket(Bucket=os.environ["ZONA_S3_BUCKET"])
PY
    )
    cat "$LAB/env"
    ;;
  web)
    SERVER="${2:-gunicorn}"
    WORKERS="${ZONA_LAB_WEB_WORKERS:-1}"
    set -a && . "$LAB/env" && set +a
    for port in "$WEB1_PORT" "$WEB2_PORT"; do
      pidfile="$LAB/web-$port.pid"
      if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
      if [ "$SERVER" = granian ]; then
        nohup .venv/bin/granian --interface wsgi --host 127.0.0.1 --port "$port" \
          --workers "$WORKERS" --blocking-threads 4 config.wsgi:application \
          >"$LAB/web-$port.log" 2>&1 &
      else
        nohup .venv/bin/gunicorn config.wsgi:application -c deploy/gunicorn.conf.py \
          --bind "127.0.0.1:$port" --workers "$WORKERS" >"$LAB/web-$port.log" 2>&1 &
      fi
      echo $! >"$pidfile"
    done
    # The reverse proxy: one upstream of two servers, as two machines would be listed. It
    # says which one answered (X-Upstream), for the bench to count.
    mkdir -p "$LAB/nginx"
    cat >"$LAB/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $LAB/nginx/nginx.pid;
error_log $LAB/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $LAB/nginx/body;
  proxy_temp_path $LAB/nginx/proxy;
  fastcgi_temp_path $LAB/nginx/fastcgi;
  uwsgi_temp_path $LAB/nginx/uwsgi;
  scgi_temp_path $LAB/nginx/scgi;
  upstream zona { server 127.0.0.1:$WEB1_PORT; server 127.0.0.1:$WEB2_PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    client_max_body_size 50m;
    location / {
      proxy_pass http://zona;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Request-ID \$request_id;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
EOF
    if [ ! -s "$LAB/nginx/nginx.pid" ] || ! kill -0 "$(cat "$LAB/nginx/nginx.pid")" 2>/dev/null; then
      /usr/sbin/nginx -c "$LAB/nginx/nginx.conf" -e "$LAB/nginx/error.log"
    fi
    wait_port "$WEB1_PORT" web1 && wait_port "$WEB2_PORT" web2 && wait_port "$PROXY_PORT" nginx
    echo "nginx on 127.0.0.1:$PROXY_PORT -> $SERVER on $WEB1_PORT and $WEB2_PORT"
    ;;
  web-stop)
    [ -s "$LAB/nginx/nginx.pid" ] && kill -QUIT "$(cat "$LAB/nginx/nginx.pid")" 2>/dev/null || true
    for f in "$LAB"/web-*.pid; do
      [ -s "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
      rm -f "$f"
    done
    ;;
  env)
    cat "$LAB/env"
    ;;
  stop)
    "$0" web-stop
    for f in "$LAB/s3.pid" "$LAB/redis.pid"; do
      [ -s "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
    done
    [ -s "$LAB/bouncer/pgbouncer.pid" ] && kill -TERM "$(cat "$LAB/bouncer/pgbouncer.pid")" 2>/dev/null || true
    [ -n "$BIN" ] && [ -d "$REPLICA_DATA" ] && as_pg "$BIN/pg_ctl" -D "$REPLICA_DATA" -m fast stop >/dev/null 2>&1 || true
    scripts/pg.sh stop
    ;;
esac
