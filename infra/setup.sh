#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian 12 machine: Debian packages, the Node.js runtime
# (infra/node), npm packages, the mediasoup worker. Quick when nothing is missing. Downloads only
# from Debian and the npm registry.
#   infra/setup.sh          what `npm start` needs
#   infra/setup.sh --test   plus what `npm test` needs (redis-server, chromium)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
# fonts-liberation2: the serif (Times New Roman metrics, full Vietnamese) the PDF minutes embed.
PKGS=(openssl meson ninja-build pkg-config g++ python3 patch xz-utils libuv1-dev libsrtp2-dev libabsl-dev libssl-dev
  nlohmann-json3-dev libusrsctp-dev fonts-liberation2)
if [ "${1:-}" = "--test" ]; then
  PKGS+=(redis-server chromium fonts-dejavu-core iproute2 util-linux unzip)
  # bench:webrtc and its 20-site integration test replay clips Debian's ffmpeg encodes.
  PKGS+=(ffmpeg)
  # The records tests: LibreOffice headless opens the DOCX/XLSX and prints them to PDF, poppler
  # reads PDFs back as text, openssl makes the throw-away CA that signs test minutes.
  PKGS+=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils openssl)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  step "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    step "apt package lists are missing: apt-get update"
    $SUDO apt-get update -q
  fi
  if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    step "install failed with the current lists: apt-get update and retry"
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# --- Node.js ---------------------------------------------------------------------------------
# The pinned release from the npm registry, cached beside the worker; everything below (npm ci
# included: npm's launcher runs on the first node on PATH) and `npm start`/`npm test` use it.
NODE_BIN="$(bash infra/node/ensure-node.sh)"
export PATH="$NODE_BIN:$PATH"

# --- npm packages ----------------------------------------------------------------------------
# Install scripts run only for the packages package.json's allowScripts approves (esbuild);
# mediasoup's postinstall, which would download a prebuilt worker, is denied there and, for an npm
# without allowScripts, skipped by MEDIASOUP_WORKER_BIN; infra/mediasoup/build-worker.sh builds it.
stamp=node_modules/.package-lock.json
node_stamp=node_modules/.giaoban-node-version
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] ||
  [ "$(cat "$node_stamp" 2>/dev/null)" != "$(node --version)" ]; then
  step "npm ci (node $(node --version), npm $(npm --version))"
  MEDIASOUP_WORKER_BIN=/nonexistent/skip-mediasoup-postinstall npm ci --no-audit --no-fund
  node --version >"$node_stamp"
fi

# --- mediasoup worker ------------------------------------------------------------------------
bash infra/mediasoup/build-worker.sh
