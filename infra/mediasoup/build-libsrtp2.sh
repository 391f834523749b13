#!/usr/bin/env bash
# Builds libsrtp2 from Debian's own source package, with OpenSSL as its crypto library, as a static
# PIC library the mediasoup worker links in. Prints the install prefix on stdout (everything else
# goes to stderr); prints nothing and exits 0 when it cannot, so the worker falls back to Debian's
# shared libsrtp2.
#
# Why: Debian builds libsrtp2 against NSS, whose per-packet context set-up made SRTP about a third
# of the worker's CPU when fanning the chair out (bench:sfu, 300 sites: ~23 µs per forwarded packet
# with NSS, ~10 µs with OpenSSL). Same upstream release and Debian patches; only the crypto backend
# changes. The source comes from Debian's repository (the same mirrors as the machine's own `deb`
# sources, read with a private apt state so the system's package lists are never touched), and apt
# checks it against Debian's signed index.
#
# Cache: ${GIAOBAN_CACHE_DIR:-~/.cache/giaoban}/libsrtp2/<debian version>-openssl-<hash>/prefix.
# GIAOBAN_SRTP=system skips this (the worker then uses Debian's libsrtp2).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_BASE="${GIAOBAN_CACHE_DIR:-${HOME:+$HOME/.cache/giaoban}}"
CACHE_BASE="${CACHE_BASE:-$HERE/../../.cache/giaoban}"
say() { printf '\033[1m[libsrtp2]\033[0m %s\n' "$*" >&2; }
give_up() {
  say "$* — falling back to Debian's libsrtp2 (NSS; slower SRTP)"
  exit 0
}

[ "${GIAOBAN_SRTP:-openssl}" = system ] && exit 0
version="$(dpkg-query -W -f='${Version}' libsrtp2-dev 2>/dev/null || true)"
[ -n "$version" ] || give_up "libsrtp2-dev is not installed"
for c in apt-get meson ninja tar xz patch; do
  command -v "$c" >/dev/null 2>&1 || give_up "command $c is missing"
done

OPTIONS=(-Dcrypto-library=openssl -Ddefault_library=static -Db_staticpic=true -Dtests=disabled
  -Ddoc=disabled -Dpcap-tests=disabled -Dfuzzer=disabled --buildtype release)
hash="$(printf '%s\n' "$version" "${OPTIONS[*]}" "$(dpkg-query -W -f='${Version}' libssl-dev)" |
  sha256sum | cut -c1-12)"
DIR="$CACHE_BASE/libsrtp2/$version-openssl-$hash"
PREFIX="$DIR/prefix"
if [ -f "$PREFIX/.complete" ]; then
  echo "$PREFIX"
  exit 0
fi

mkdir -p "$DIR"
exec 8>"$DIR/.lock"
flock 8
if [ -f "$PREFIX/.complete" ]; then
  echo "$PREFIX"
  exit 0
fi
LOG="$DIR/build.log"
: >"$LOG"
say "building libsrtp2 $version with OpenSSL from Debian's source package (log: $LOG)"
rm -rf "$DIR/apt" "$DIR/src" "$DIR/build" "$PREFIX"
mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/parts" "$DIR/src"

# deb-src entries for the machine's own Debian mirrors (deb822 .sources and one-line .list files).
{
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
      /(^|\n)Types:[^\n]*deb/ && (/debian-archive-keyring/ || /URIs:[^\n]*debian\.org/) {
        sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f"
  done
} >"$DIR/apt/parts/debian-src.sources"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  sed -nE 's/^deb (\[[^]]*\] )?(\S*debian\.org\S*) (.*)$/deb-src \1\2 \3/p' "$f"
done >"$DIR/apt/parts/debian-src.list"
[ -s "$DIR/apt/parts/debian-src.sources" ] || [ -s "$DIR/apt/parts/debian-src.list" ] ||
  give_up "no Debian mirror found in /etc/apt"

APT=(apt-get -q -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$DIR/apt/parts"
  -o "Dir::State::Lists=$DIR/apt/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -o "Acquire::Retries=1"
  -o "Acquire::http::Timeout=30" -o "Acquire::https::Timeout=30")
"${APT[@]}" update >>"$LOG" 2>&1 || give_up "cannot read Debian's source index (log: $LOG)"
(cd "$DIR/src" && "${APT[@]}" source --download-only "libsrtp2=$version") >>"$LOG" 2>&1 ||
  give_up "cannot download Debian's libsrtp2 $version source (log: $LOG)"

# Unpack as dpkg-source would (3.0 quilt): upstream tarball, then debian/patches in series order.
orig="$(ls "$DIR"/src/libsrtp2_*.orig.tar.* 2>/dev/null | head -1)"
debian="$(ls "$DIR"/src/libsrtp2_*.debian.tar.* 2>/dev/null | head -1)"
[ -n "$orig" ] && [ -n "$debian" ] || give_up "unexpected source package layout (log: $LOG)"
mkdir -p "$DIR/src/tree"
tar -xf "$orig" -C "$DIR/src/tree" --strip-components=1
tar -xf "$debian" -C "$DIR/src/tree"
if [ -f "$DIR/src/tree/debian/patches/series" ]; then
  while read -r p _; do
    case "$p" in '' | '#'*) continue ;; esac
    patch -d "$DIR/src/tree" -p1 --batch <"$DIR/src/tree/debian/patches/$p" >>"$LOG" 2>&1 ||
      give_up "Debian patch $p does not apply (log: $LOG)"
  done <"$DIR/src/tree/debian/patches/series"
fi

meson setup "${OPTIONS[@]}" --prefix "$PREFIX" --libdir lib "$DIR/build" "$DIR/src/tree" \
  >>"$LOG" 2>&1 || give_up "meson setup failed (log: $LOG)"
ninja -C "$DIR/build" install >>"$LOG" 2>&1 || give_up "compile failed (log: $LOG)"
[ -f "$PREFIX/lib/libsrtp2.a" ] && [ -f "$PREFIX/lib/pkgconfig/libsrtp2.pc" ] ||
  give_up "the build installed no static libsrtp2 (log: $LOG)"
rm -rf "$DIR/apt" "$DIR/src" "$DIR/build"
touch "$PREFIX/.complete"
say "built: $PREFIX"
echo "$PREFIX"
