"""Running Zona in production: health checks, request ids in logs, task workers, backups."""
