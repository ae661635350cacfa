"""gunicorn as it was shipped until granian replaced it (docs/deploy.md), kept only so that
bench/web_servers.py and scripts/scale-lab.sh can still compare the two servers
(docs/scaling.md §1). The command line or GUNICORN_CMD_ARGS may override any setting."""

import multiprocessing

wsgi_app = "config.wsgi:application"
bind = "127.0.0.1:8000"
# Threads let a worker go on while another request waits on PostgreSQL or S3; each thread
# keeps its own database connection (CONN_MAX_AGE).
worker_class = "gthread"
workers = 2 * multiprocessing.cpu_count() + 1
threads = 4
# A request that takes longer is killed and its worker replaced (long work is a task).
timeout = 60
graceful_timeout = 20
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The proxy logs every request; here only errors, as plain lines (Django's own are JSON).
accesslog = None
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
