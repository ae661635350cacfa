#!/usr/bin/env bash
# Installs the Debian packages Zona needs when they are missing (we run as root on CI).
# Usage: scripts/system-deps.sh run|test
set -euo pipefail
want=(gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ "${1:-run}" = "test" ]; then
  want+=(postgresql chromium poppler-utils)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then missing+=(python3-venv); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
