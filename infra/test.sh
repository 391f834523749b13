#!/usr/bin/env bash
# Every suite: format+lint, typecheck, unit + integration + end-to-end (vitest), mediasoup's own
# Node test suite against our worker. Network traffic stays on loopback: when we may, the suites
# run in a fresh network namespace that has nothing but 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\033[1m[test]\033[0m %s\n' "$*"; }
# The pinned Node.js (infra/node) first on PATH: npx, vitest, the hubs and the browser build
# the tests spawn, and mediasoup's own suite all run on it.
export PATH="$(bash infra/node/ensure-node.sh):$PATH"
step "node $(node --version), npm $(npm --version)"

step "biome (format + lint)"
npx biome check .
step "typecheck"
npx tsc -p tsconfig.json --noEmit
step "client production build"
npm run build --silent

run_isolated() {
  if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    unshare -n bash -c 'ip link set lo up && exec "$@"' _ "$@"
  else
    "$@"
  fi
}
step "vitest: unit, integration, end-to-end"
mkdir -p tests/artifacts
run_isolated npx vitest run --reporter=default --reporter=json \
  --outputFile.json=tests/artifacts/vitest.json
node -e '
  const r = require("./tests/artifacts/vitest.json");
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
'
step "mediasoup 3.12.16's own Node test suite against our worker"
run_isolated bash infra/mediasoup/upstream-tests.sh
