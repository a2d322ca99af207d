#!/usr/bin/env bash
# Install everything yusuan needs on a fresh Debian machine: system packages (only those
# missing), a virtual environment in .venv and the package with its test tools.
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: poppler-utils (pdftoppm, used to rasterise PDFs in OCR and render tests); chromium and
# fonts-noto-cjk (headless browser and CJK glyphs for the web app's end-to-end test and screenshots);
# fonts-noto-cjk also gives rendered PDFs their serif body (Noto Serif CJK) and sans headings (Noto Sans
# CJK), typeset by WeasyPrint through pango; fontconfig (fc-match) finds them.
# postgresql: the server the PostgreSQL back end's tests start (initdb/pg_ctl on a unix socket in a temporary
# folder, as the postgres user when run as root; tests/pg_server.py) — yusuan itself only needs a server
# when --db postgresql://… is used.
SYSTEM_PACKAGES=(poppler-utils chromium fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 postgresql)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
# The extras [ray] and [postgres] are the scale-out back ends (docs/scale.md); installed here so that their
# tests run (tests/test_scale_ray.py, tests/test_store_postgres.py). Nothing else needs them.
.venv/bin/python -m pip install -q -e '.[dev,ray,postgres]' 2>&1 | grep -v -i '^warning' || true
.venv/bin/python -c "import yusuan" || { echo "setup: installing yusuan failed" >&2; exit 1; }
echo "setup: ok (.venv ready; run .venv/bin/yusuan --help)" >&2
