#!/usr/bin/env bash
# `npm start` after infra/setup.sh: the client build and the hub, both on the pinned Node.js
# (infra/node), whatever node ran npm itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$(bash infra/node/ensure-node.sh):$PATH"
npm run build
exec node --import tsx server/src/main.ts
