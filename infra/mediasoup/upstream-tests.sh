#!/usr/bin/env bash
# Runs mediasoup 3.12.16's own Node test suite (node_modules/mediasoup/node/lib/tests, compiled
# jest tests) against our worker (sfu/.worker/mediasoup-worker, built by build-worker.sh) with
# jest 29. Extra arguments go to jest (e.g. `-t 'WebRtcServer'`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

WORKER="$ROOT/sfu/.worker/mediasoup-worker"
if [ ! -x "$WORKER" ]; then
  echo "[mediasoup-tests] no worker at sfu/.worker/mediasoup-worker: run 'bash infra/mediasoup/build-worker.sh'" >&2
  exit 1
fi
# test-Worker.js starts a worker with tests/data/dtls-{cert,key}.pem, fixtures that mediasoup's npm
# package does not ship. Put ours there: a throwaway self-signed test certificate (nothing trusts
# it; generated once with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1`).
data="$ROOT/node_modules/mediasoup/node/lib/tests/data"
mkdir -p "$data"
for f in dtls-cert.pem dtls-key.pem; do
  cmp -s "$ROOT/infra/mediasoup/jest/fixtures/$f" "$data/$f" ||
    cp "$ROOT/infra/mediasoup/jest/fixtures/$f" "$data/$f"
done

# mediasoup reads this when it is first loaded.
export MEDIASOUP_WORKER_BIN="$WORKER"
# No debug-module logging from mediasoup's Node side, whatever the caller's environment says.
unset DEBUG

# jest.config.cjs leaves out test-node-sctp.js when the `sctp` npm package is not installed: say so.
if ! node -e 'require.resolve("sctp")' 2>/dev/null; then
  echo "[mediasoup-tests] excluded: test-node-sctp.js (1 test) needs the 'sctp' npm package (a mediasoup devDependency), which is not installed"
fi

# One test file at a time: each spawns workers, and this must stay reliable on 2 busy cores.
exec "$ROOT/node_modules/.bin/jest" --config "$ROOT/infra/mediasoup/jest.config.cjs" --runInBand \
  --ci "$@"
