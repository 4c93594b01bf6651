#!/usr/bin/env bash
# Install the system packages danhmuc needs, only when they are missing (Debian; run as root or with sudo).
# LibreOffice is always needed: .doc uploads are converted by it (and `make corpus` renders with it).
# antiword is the second, independent .doc reader compared with LibreOffice (extract/doc_reader.py).
# (catdoc was considered: it wraps lines across cell boundaries, so its tables cannot be rebuilt.)
# Chromium runs the workspace's browser tests (tests/test_web_browser.py, driven by Playwright); their
# accessibility check fetches axe-core with npm when npm is there (never a CDN at run time).
# Usage: scripts/ensure-system-deps.sh
set -euo pipefail

need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
if ! tesseract --list-langs 2>/dev/null | grep -qx vie; then need+=(tesseract-ocr-vie); fi
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if ! command -v soffice >/dev/null 2>&1; then
  need+=(libreoffice-writer-nogui fonts-liberation2)
fi
command -v antiword >/dev/null 2>&1 || need+=(antiword)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ ${#need[@]} -eq 0 ]] && exit 0

echo "danhmuc: cài gói hệ thống / installing system packages: ${need[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "danhmuc: cần quyền root để cài ${need[*]} / root is needed to install ${need[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
