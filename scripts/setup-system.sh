#!/usr/bin/env bash
# System packages for the ingest tools (Debian/Ubuntu). Python packages come from
# pyproject.toml; OCR models ship inside the rapidocr wheel, so nothing is downloaded at run time.
#   poppler-utils: pdftoppm / pdfinfo, to rasterise PDF pages when building scanned test
#                  fixtures by hand (yusuan itself renders pages with pypdfium2).
set -euo pipefail
PACKAGES=(poppler-utils)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && { echo "setup-system: nothing to install" >&2; exit 0; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup-system: installed ${missing[*]}" >&2
