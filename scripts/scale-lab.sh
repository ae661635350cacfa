#!/usr/bin/env bash
# The scaling lab of docs/scaling.md on loopback: a PostgreSQL primary (scripts/pg.sh), a
# streaming replica of it (pg_basebackup), PgBouncer in transaction mode in front of the
# primary, Redis, an S3 API (moto), and on `web` two web servers behind nginx.
#
#   scripts/scale-lab.sh start     # databases, PgBouncer, Redis, S3; prints the environment
#   scripts/scale-lab.sh web [gunicorn|granian]   # two web servers on two ports + nginx
#   scripts/scale-lab.sh machines [1|2]   # web "machines" in network namespaces + nginx, TLS
#   scripts/scale-lab.sh machine-stop K   # kills every process of machine K (1 or 2)
#   scripts/scale-lab.sh machines-stop    # stops the machines, deletes namespaces and bridge
#   scripts/scale-lab.sh env       # the environment lines again (eval "$(... env)")
#   scripts/scale-lab.sh stop      # stops everything this script started
#
# `machines` (root only): a bridge with $ZONA_LAB_NET.1 (default 10.77.0.1) in the root
# namespace, and each machine a network namespace with its own veth on the bridge and its own
# address ($ZONA_LAB_NET.2, .3), running granian (ZONA_LAB_WEB_WORKERS workers, default 2,
# 4 threads each). PostgreSQL and Redis are made to listen on the bridge address as well, and
# the S3 server is restarted on it (its bucket is created again, empty): the machines reach
# all three over the bridge, as separate machines would over the network, and the lab's
# environment (`env`) points at the bridge address. nginx in the root namespace proxies to the
# machines, with TLS (a self-signed certificate made by openssl) and plain HTTP. A machine
# joins the proxy once /readyz answers 200 on its own address. `machines-stop` puts the S3
# server and the environment back on 127.0.0.1.
#
# Ports: ZONA_PG_PORT (primary, default 5447), then from ZONA_LAB_BASE (default 15447):
# +1 replica, +2 PgBouncer, +3 Redis, +4 S3; from ZONA_LAB_WEB_BASE (default ZONA_LAB_BASE+10):
# +0 nginx, +1 and +2 the two web servers (the machines listen on the same ports on their own
# addresses), +3 nginx with TLS.
# Installs pgbouncer and nginx-light from Debian when missing. Throw-away: data in /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
export ZONA_PG_PORT="${ZONA_PG_PORT:-5447}"
BASE="${ZONA_LAB_BASE:-15447}"
REPLICA_PORT=$((BASE + 1)) BOUNCER_PORT=$((BASE + 2)) REDIS_PORT=$((BASE + 3))
WEB_BASE="${ZONA_LAB_WEB_BASE:-$((BASE + 10))}"
S3_PORT=$((BASE + 4)) PROXY_PORT=$WEB_BASE WEB1_PORT=$((WEB_BASE + 1)) WEB2_PORT=$((WEB_BASE + 2))
TLS_PORT=$((WEB_BASE + 3))
NET="${ZONA_LAB_NET:-10.77.0}"
BRIDGE="zlab$BASE"  # interface names: 15 characters at most
netns_name() { echo "zona-lab$BASE-m$1"; }
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
export ZONA_LAB_TLS_PORT=$TLS_PORT ZONA_LAB_CERT=$LAB/nginx/cert.pem
EOF
}
lab_env_on() {  # the environment with the shared services at this address
  lab_env | sed -e "s|@127.0.0.1:$ZONA_PG_PORT/|@$1:$ZONA_PG_PORT/|" \
    -e "s|redis://127.0.0.1:|redis://$1:|" \
    -e "s|ZONA_S3_ENDPOINT_URL=http://127.0.0.1:|ZONA_S3_ENDPOINT_URL=http://$1:|"
}
make_bucket() {
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
}
start_s3() {  # address: moto on it (after the old one is gone), and the lab's bucket
  if [ -s "$LAB/s3.pid" ]; then
    old="$(cat "$LAB/s3.pid")"
    kill -TERM "$old" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
  fi
  nohup .venv/bin/moto_server -H "$1" -p "$S3_PORT" >"$LAB/s3.log" 2>&1 &
  echo $! >"$LAB/s3.pid"
  for _ in $(seq 1 300); do (echo >"/dev/tcp/$1/$S3_PORT") 2>/dev/null && break; sleep 0.1; done
  (set -a && . "$LAB/env" && set +a && make_bucket)
}
pg_listen() {  # addresses: restart the primary listening on them (pg.sh's other options)
  as_pg "$BIN/pg_ctl" -D "$ZONA_PG_DATA" -l "$ZONA_PG_DATA/server.log" -w -m fast -o \
    "-p $ZONA_PG_PORT -k $ZONA_PG_DATA -c listen_addresses=$1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    restart >/dev/null
}
machine_up() {  # number: namespace, veth on the bridge, address $NET.(number + 1)
  local ns host nsif
  ns="$(netns_name "$1")" host="zl${BASE}m$1h" nsif="zl${BASE}m$1n"
  ip netns list | grep -qw "$ns" && return 0
  ip netns add "$ns"
  ip link add "$host" type veth peer name "$nsif"
  ip link set "$nsif" netns "$ns"
  ip link set "$host" master "$BRIDGE" up
  ip -n "$ns" addr add "$NET.$(($1 + 1))/24" dev "$nsif"
  ip -n "$ns" link set "$nsif" up
  ip -n "$ns" link set lo up
}
machine_kill() {  # number: SIGKILL to every process in the machine's namespace
  local ns
  ns="$(netns_name "$1")"
  ip netns list | grep -qw "$ns" || return 0
  for pid in $(ip netns pids "$ns"); do kill -KILL "$pid" 2>/dev/null || true; done
  rm -f "$LAB/machine-$1.pid"
}
nginx_conf() {  # upstream servers (host:port ...): nginx.conf with plain HTTP and TLS
  local servers=""
  for server in "$@"; do
    servers="$servers server $server max_fails=1 fail_timeout=5s;"
  done
  mkdir -p "$LAB/nginx"
  # The proxy's TLS certificate, self-signed here; docs/deploy.md's nginx uses a real one.
  if [ ! -s "$LAB/nginx/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=zona-lab" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$LAB/nginx/key.pem" -out "$LAB/nginx/cert.pem" 2>/dev/null
  fi
  cat >"$LAB/nginx/proxy.conf" <<EOF
proxy_pass http://zona;
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_set_header Host \$host;
proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto https;
proxy_set_header X-Request-ID \$request_id;
proxy_connect_timeout 2s;
proxy_read_timeout 30s;
add_header X-Upstream \$upstream_addr always;
EOF
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
  upstream zona { $servers keepalive 16; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    client_max_body_size 50m;
    location / { include $LAB/nginx/proxy.conf; }
  }
  server {
    listen 127.0.0.1:$TLS_PORT ssl;
    ssl_certificate $LAB/nginx/cert.pem;
    ssl_certificate_key $LAB/nginx/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:1m;
    client_max_body_size 50m;
    location / { include $LAB/nginx/proxy.conf; }
  }
}
EOF
  if [ -s "$LAB/nginx/nginx.pid" ] && kill -0 "$(cat "$LAB/nginx/nginx.pid")" 2>/dev/null; then
    /usr/sbin/nginx -c "$LAB/nginx/nginx.conf" -e "$LAB/nginx/error.log" -s reload
    sleep 1  # the new nginx workers take over
  else
    /usr/sbin/nginx -c "$LAB/nginx/nginx.conf" -e "$LAB/nginx/error.log"
  fi
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
      make_bucket
    )
    cat "$LAB/env"
    ;;
  web)
    SERVER="${2:-granian}"
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
        nohup .venv/bin/gunicorn config.wsgi:application -c bench/gunicorn.conf.py \
          --bind "127.0.0.1:$port" --workers "$WORKERS" >"$LAB/web-$port.log" 2>&1 &
      fi
      echo $! >"$pidfile"
    done
    # The reverse proxy: one upstream of two servers, as two machines would be listed. It
    # says which one answered (X-Upstream), for the bench to count.
    nginx_conf "127.0.0.1:$WEB1_PORT" "127.0.0.1:$WEB2_PORT"
    wait_port "$WEB1_PORT" web1 && wait_port "$WEB2_PORT" web2 && wait_port "$PROXY_PORT" nginx
    echo "nginx on 127.0.0.1:$PROXY_PORT -> $SERVER on $WEB1_PORT and $WEB2_PORT"
    ;;
  machines)
    [ "$(id -u)" -eq 0 ] || { echo "machines: network namespaces need root" >&2; exit 1; }
    COUNT="${2:-2}"
    WORKERS="${ZONA_LAB_WEB_WORKERS:-2}"
    [ -s "$LAB/env" ] || { echo "run scripts/scale-lab.sh start first" >&2; exit 1; }
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
      ip link add "$BRIDGE" type bridge
      ip addr add "$NET.1/24" dev "$BRIDGE"
      ip link set "$BRIDGE" up
    fi
    # The shared services on the bridge address too: PostgreSQL (restarted; pg_hba lets the
    # bridge's network in), Redis (its bind list changes at run time), S3 (moved to it).
    grep -q "$NET.0/24" "$ZONA_PG_DATA/pg_hba.conf" || \
      echo "host all all $NET.0/24 trust" >>"$ZONA_PG_DATA/pg_hba.conf"
    (echo >"/dev/tcp/$NET.1/$ZONA_PG_PORT") 2>/dev/null || pg_listen "127.0.0.1,$NET.1"
    # (Without a password Redis only answers loopback unless protected mode is off; the
    # bridge is private to this host.)
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" CONFIG SET bind "127.0.0.1 $NET.1" >/dev/null
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" CONFIG SET protected-mode no >/dev/null
    lab_env_on "$NET.1" >"$LAB/env"
    (echo >"/dev/tcp/$NET.1/$S3_PORT") 2>/dev/null || start_s3 "$NET.1"
    set -a && . "$LAB/env" && set +a
    upstreams=()
    for n in $(seq 1 "$COUNT"); do
      machine_up "$n"
      port=$((WEB_BASE + n)) addr="$NET.$((n + 1))"
      upstreams+=("$addr:$port")
      pidfile="$LAB/machine-$n.pid"
      if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
      rm -f "$pidfile"
      nohup ip netns exec "$(netns_name "$n")" .venv/bin/granian --interface wsgi \
        --host "$addr" --port "$port" --workers "$WORKERS" --blocking-threads 4 \
        --respawn-failed-workers --workers-kill-timeout 25 \
        --log-config deploy/granian-logging.json --pid-file "$pidfile" \
        config.wsgi:application >"$LAB/machine-$n.log" 2>&1 &
    done
    # Machines past COUNT are stopped (from two machines to one).
    for n in 1 2; do if [ "$n" -gt "$COUNT" ]; then machine_kill "$n"; fi; done
    for up in "${upstreams[@]}"; do
      ready=0
      for _ in $(seq 1 240); do
        code="$(curl -s -o /dev/null -w '%{http_code}' -m 10 -H 'Host: localhost' -H 'X-Forwarded-Proto: https' "http://$up/readyz" || true)"
        if [ "$code" = 200 ]; then ready=1; break; fi
        sleep 0.5
      done
      [ "$ready" = 1 ] || { echo "machine $up is not ready" >&2; exit 1; }
    done
    nginx_conf "${upstreams[@]}"
    wait_port "$PROXY_PORT" nginx && wait_port "$TLS_PORT" "nginx (TLS)"
    echo "nginx on 127.0.0.1:$PROXY_PORT and https://127.0.0.1:$TLS_PORT -> granian on ${upstreams[*]}"
    ;;
  machine-stop)
    machine_kill "${2:?machine number}"
    ;;
  machines-stop)
    for n in 1 2; do
      machine_kill "$n"
      ip netns del "$(netns_name "$n")" 2>/dev/null || true
      # The kernel may keep a deleted namespace (and its veth) a while; the pair goes now.
      ip link del "zl${BASE}m${n}h" 2>/dev/null || true
    done
    [ -s "$LAB/nginx/nginx.pid" ] && kill -QUIT "$(cat "$LAB/nginx/nginx.pid")" 2>/dev/null || true
    if ip link show "$BRIDGE" >/dev/null 2>&1; then
      ip link del "$BRIDGE"
      if [ "${2:-}" != final ]; then  # back on loopback, for the other benches
        lab_env >"$LAB/env"
        start_s3 127.0.0.1
      fi
    fi
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
    if [ "$(id -u)" -eq 0 ]; then "$0" machines-stop final; fi
    for f in "$LAB/s3.pid" "$LAB/redis.pid"; do
      [ -s "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
    done
    [ -s "$LAB/bouncer/pgbouncer.pid" ] && kill -TERM "$(cat "$LAB/bouncer/pgbouncer.pid")" 2>/dev/null || true
    [ -n "$BIN" ] && [ -d "$REPLICA_DATA" ] && as_pg "$BIN/pg_ctl" -D "$REPLICA_DATA" -m fast stop >/dev/null 2>&1 || true
    scripts/pg.sh stop
    ;;
esac
