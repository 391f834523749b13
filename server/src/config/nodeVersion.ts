// The hub runs on the Node.js line it is tested on (package.json `engines`, pinned in
// infra/node/version and fetched by infra/setup.sh). Anything else stops at start-up with one
// line that says what to do, instead of failing later in some dependency.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './Config';

/** `engines.node` as written in package.json: `^MAJOR.MINOR.PATCH`. */
export function checkNodeVersion(actual: string, range: string): string | undefined {
  const want = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!want) return `package.json engines.node "${range}" is not of the form ^MAJOR.MINOR.PATCH`;
  const have = /^v?(\d+)\.(\d+)\.(\d+)/.exec(actual);
  const [wMaj, wMin, wPat] = want.slice(1).map(Number) as [number, number, number];
  if (have) {
    const [hMaj, hMin, hPat] = have.slice(1).map(Number) as [number, number, number];
    const newEnough = hMin > wMin || (hMin === wMin && hPat >= wPat);
    if (hMaj === wMaj && newEnough) return undefined;
  }
  return (
    `GiaoBan runs on Node.js ${wMaj} (>= ${wMaj}.${wMin}.${wPat}); this is ${actual}. ` +
    '`npm start` fetches and uses it; by hand: export PATH="$(bash infra/node/ensure-node.sh):$PATH"'
  );
}

export function nodeVersionProblem(): string | undefined {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    engines?: { node?: string };
  };
  return checkNodeVersion(process.version, pkg.engines?.node ?? '');
}
