#!/usr/bin/env bash
# Builds mediasoup's C++ worker (the version in node_modules/mediasoup, 3.12.16) offline against
# Debian bookworm's libraries, caches it outside node_modules and links it at
# sfu/.worker/mediasoup-worker. Idempotent: when the cached binary for the current inputs exists,
# this takes well under a second.
#
# How: copy node_modules/mediasoup/worker to a build folder in the cache, delete its meson wraps
# (they would download sources), drop in one shim subproject per dependency (infra/mediasoup/shims:
# each exposes, from dependency() on the system library, the variables the worker's meson.build
# reads), apply infra/mediasoup/patches, then `meson setup --wrap-mode=nodownload` and
# `ninja mediasoup-worker`. Nothing is ever downloaded.
#
# Cache: ${GIAOBAN_CACHE_DIR:-$HOME/.cache/giaoban}/mediasoup-worker/<key>/mediasoup-worker, where
# <key> hashes the mediasoup version, the patches and shims, the meson options and the versions of
# the Debian packages the worker is built from. A lock keeps two concurrent runs from building twice.
#
# Environment:
#   GIAOBAN_CACHE_DIR           cache root (default ~/.cache/giaoban)
#   GIAOBAN_KEEP_WORKER_BUILD=1 keep the build folder (e.g. to build and run mediasoup-worker-test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/infra/mediasoup"
MEDIASOUP_DIR="$ROOT/node_modules/mediasoup"
EXPECTED_VERSION="3.12.16"
LINK="$ROOT/sfu/.worker/mediasoup-worker"
CACHE_BASE="${GIAOBAN_CACHE_DIR:-${HOME:+$HOME/.cache/giaoban}}"
CACHE_ROOT="${CACHE_BASE:-$ROOT/.cache/giaoban}/mediasoup-worker"

# Release build as mediasoup's own Makefile configures it.
MESON_ARGS=(--wrap-mode=nodownload --buildtype release -Db_ndebug=true -Db_pie=true
  -Db_staticpic=true)
# Debian packages the worker is compiled from (their versions go into the cache key).
DEB_LIBS=(libuv1-dev libsrtp2-dev libabsl-dev libssl-dev nlohmann-json3-dev libusrsctp-dev)

say() { printf '\033[1m[mediasoup-worker]\033[0m %s\n' "$*"; }
# Every failure is one line on stderr naming what is missing or where the log is.
die() {
  printf '\033[1;31m[mediasoup-worker] %s\033[0m\n' "$*" >&2
  exit 1
}

# --- Prerequisites: name the Debian package of anything missing, in one line -----------------
[ -f "$MEDIASOUP_DIR/package.json" ] ||
  die "node_modules/mediasoup is missing: run 'MEDIASOUP_WORKER_BIN=/nonexistent npm ci' first"
VERSION="$(node -p 'require(process.argv[1]).version' "$MEDIASOUP_DIR/package.json")"
[ "$VERSION" = "$EXPECTED_VERSION" ] ||
  die "node_modules/mediasoup is $VERSION but infra/mediasoup's shims and patches are for $EXPECTED_VERSION"

# The Debian package that ships a pkg-config module the worker (or a shim) asks for.
deb_package_of() {
  case "$1" in
  libuv) echo libuv1-dev ;;
  libsrtp2) echo libsrtp2-dev ;;
  openssl | libssl | libcrypto) echo libssl-dev ;;
  nlohmann_json) echo nlohmann-json3-dev ;;
  usrsctp) echo libusrsctp-dev ;;
  absl_*) echo libabsl-dev ;;
  catch2) echo catch2 ;;
  *) echo "unknown: search with apt-file search $1.pc" ;;
  esac
}

missing=() # human-readable items
packages=() # Debian packages that provide them
need_cmd() { # need_cmd <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || {
    missing+=("command $1")
    packages+=("$2")
  }
}
need_cmd meson meson
need_cmd ninja ninja-build
need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd c++ g++
need_cmd patch patch
need_cmd flock util-linux
if command -v pkg-config >/dev/null 2>&1; then
  need_pc() { # need_pc <pkg-config module> <debian package>
    pkg-config --exists "$1" || {
      missing+=("pkg-config module $1")
      packages+=("$2")
    }
  }
  for module in libuv libsrtp2 openssl nlohmann_json usrsctp absl_flat_hash_map; do
    need_pc "$module" "$(deb_package_of "$module")"
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
  die "cannot build: missing $(printf '%s, ' "${missing[@]}" | sed 's/, $//'); install with: apt-get install ${packages[*]}"
fi

# --- libsrtp2 with OpenSSL (see build-libsrtp2.sh); Debian's NSS build when that is impossible --
SRTP_PREFIX="$(bash "$HERE/build-libsrtp2.sh")"
if [ -n "$SRTP_PREFIX" ]; then
  # The shim's dependency('libsrtp2') then finds our static build before Debian's.
  export PKG_CONFIG_PATH="$SRTP_PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  SRTP="openssl:$(basename "$(dirname "$SRTP_PREFIX")")"
else
  SRTP="debian-nss"
fi

# --- Cache key -------------------------------------------------------------------------------
deb_versions="$(dpkg-query -W -f='${Package}=${Version}\n' "${DEB_LIBS[@]}" 2>/dev/null || true)"
KEY_HASH="$(
  {
    echo "mediasoup=$VERSION"
    echo "meson-args=${MESON_ARGS[*]}"
    echo "srtp=$SRTP"
    echo "$deb_versions"
    # Names and contents of every shim and patch file, in a stable order.
    (cd "$HERE" && find shims patches -type f | LC_ALL=C sort | while read -r f; do
      echo "== $f"
      cat "$f"
    done)
  } | sha256sum | cut -c1-16
)"
KEY="$VERSION-$KEY_HASH"
KEY_DIR="$CACHE_ROOT/$KEY"
BIN="$KEY_DIR/mediasoup-worker"

link_worker() {
  mkdir -p "$(dirname "$LINK")"
  # Replace the link atomically: readers never see it missing.
  ln -sfn "$BIN" "$LINK.tmp.$$"
  mv -Tf "$LINK.tmp.$$" "$LINK"
}

if [ -x "$BIN" ]; then
  link_worker
  say "cached: $BIN (key $KEY) -> sfu/.worker/mediasoup-worker"
  exit 0
fi

# --- Build, once: concurrent runs wait for the first one ---------------------------------------
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
if ! flock -n 9; then
  say "another build is running; waiting for its lock ($CACHE_ROOT/.lock)"
  flock 9
fi
if [ -x "$BIN" ]; then
  link_worker
  say "built meanwhile by another run: $BIN -> sfu/.worker/mediasoup-worker"
  exit 0
fi

SRC="$KEY_DIR/src"
BUILD="$KEY_DIR/build"
LOG="$KEY_DIR/build.log"
rm -rf "$SRC" "$BUILD"
mkdir -p "$KEY_DIR"
: >"$LOG"
started=$SECONDS
say "building mediasoup $VERSION worker from Debian's libraries, SRTP $SRTP (key $KEY; about 3-6 minutes on 2 cores)"
say "log: $LOG"

# 1. A private copy of the worker sources: never build inside node_modules.
cp -a "$MEDIASOUP_DIR/worker" "$SRC"
rm -rf "$SRC/out" "$SRC/subprojects/packagecache"
# 2. No wraps (they download), one shim subproject per dependency instead.
rm -f "$SRC"/subprojects/*.wrap
for shim in "$HERE"/shims/*/; do
  name="$(basename "$shim")"
  rm -rf "$SRC/subprojects/$name"
  cp -a "$shim" "$SRC/subprojects/$name"
done
# 3. Our patches, in order.
for p in "$HERE"/patches/*.patch; do
  echo "== patch $(basename "$p")" >>"$LOG"
  patch -d "$SRC" -p1 --forward --batch <"$p" >>"$LOG" 2>&1 ||
    die "patch $(basename "$p") does not apply to mediasoup $VERSION; log: $LOG"
done

# 4. Configure. On failure say which dependency or error meson reported.
echo "== meson setup ${MESON_ARGS[*]}" >>"$LOG"
if ! meson setup "${MESON_ARGS[@]}" "$BUILD" "$SRC" >>"$LOG" 2>&1; then
  module="$(grep -m1 -oE 'Dependency "[^"]+" not found' "$LOG" | cut -d'"' -f2 || true)"
  if [ -n "$module" ]; then
    die "meson setup failed: pkg-config module $module not found (Debian package $(deb_package_of "$module")); log: $LOG"
  fi
  what="$(grep -m1 -E 'ERROR:' "$LOG" | sed -E 's/^.*ERROR: //' || true)"
  die "meson setup failed: ${what:-see log}; log: $LOG"
fi

# 5. Compile, showing progress (a single updating line on a terminal, every ~10% otherwise).
echo "== ninja mediasoup-worker" >>"$LOG"
progress() {
  local tty=0
  [ -t 1 ] && tty=1
  awk -v tty="$tty" '
    match($0, /^\[[0-9]+\/[0-9]+\]/) {
      split(substr($0, 2, RLENGTH - 2), a, "/")
      pct = int(100 * a[1] / a[2])
      if (tty) { printf "\r[mediasoup-worker] compiling %d/%d (%d%%)", a[1], a[2], pct; fflush() }
      else if (pct >= next_pct) { printf "[mediasoup-worker] compiling %d/%d (%d%%)\n", a[1], a[2], pct; fflush(); next_pct = pct - pct % 10 + 10 }
    }
    END { if (tty) printf "\n" }'
}
if ! ninja -C "$BUILD" mediasoup-worker 2>&1 | tee -a "$LOG" | progress; then
  what="$(grep -m1 -E 'error:|undefined reference|cannot find -l|No such file' "$LOG" || true)"
  die "compile failed: ${what:-see log}; log: $LOG"
fi

# 6. Check that every shared library resolves, publish atomically, then link.
unresolved="$(ldd "$BUILD/mediasoup-worker" | awk '/not found/ { print $1 }' | paste -sd' ' || true)"
[ -z "$unresolved" ] || die "built worker cannot load shared libraries: $unresolved; log: $LOG"
if [ "$SRTP" != debian-nss ] && ldd "$BUILD/mediasoup-worker" | grep -q 'libsrtp2\.so'; then
  die "the worker linked Debian's shared libsrtp2 instead of $SRTP_PREFIX/lib/libsrtp2.a; log: $LOG"
fi
cp "$BUILD/mediasoup-worker" "$BIN.tmp.$$"
mv -f "$BIN.tmp.$$" "$BIN"
if [ "${GIAOBAN_KEEP_WORKER_BUILD:-0}" != 1 ]; then
  rm -rf "$SRC" "$BUILD"
fi
link_worker
say "built in $((SECONDS - started)) s: $BIN ($(du -h "$BIN" | cut -f1)) -> sfu/.worker/mediasoup-worker"
