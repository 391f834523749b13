// Jest config that runs mediasoup 3.12.16's own Node test suite (the compiled tests shipped in
// node_modules/mediasoup/node/lib/tests) against our worker, via infra/mediasoup/upstream-tests.sh,
// which sets MEDIASOUP_WORKER_BIN to sfu/.worker/mediasoup-worker.
'use strict';

const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../..');
const resolvable = (name) => {
  try {
    require.resolve(name, { paths: [repoRoot] });
    return true;
  } catch {
    return false;
  }
};

// Upstream tests that cannot run here, by file, with the reason. Nothing is skipped because of
// our build.
const excluded = [];
// test-node-sctp.js drives a DataChannel with the `sctp` npm package (a devDependency of mediasoup
// that GiaoBan does not install): run it when that package is resolvable from the repository.
if (!resolvable('sctp')) {
  excluded.push('/tests/test-node-sctp\\.js$');
}

module.exports = {
  rootDir: path.join(repoRoot, 'node_modules/mediasoup/node/lib'),
  testMatch: ['<rootDir>/tests/test-*.js'],
  // Jest ignores everything under node_modules by default, which is exactly where these live.
  testPathIgnorePatterns: excluded,
  haste: { retainAllFiles: true },
  // Plain CommonJS already: no babel.
  transform: {},
  testEnvironment: 'node',
  // Generous: workers start slowly on a loaded 2-core machine.
  testTimeout: 60_000,
  moduleNameMapper: resolvable('pick-port')
    ? {}
    : { '^pick-port$': path.join(__dirname, 'jest/pick-port.cjs') },
  cacheDirectory: path.join(repoRoot, '.cache/jest-mediasoup'),
  watchman: false,
  verbose: false,
};
