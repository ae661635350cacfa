"""The one place that reads the environment.

Settings modules import `env` from here; nothing else in Zona reads os.environ.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is optional; real deployments pass variables through the environment.
_env_file = BASE_DIR / ".env"
if _env_file.exists():
    environ.Env.read_env(str(_env_file))
