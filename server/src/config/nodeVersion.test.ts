import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './Config';
import { checkNodeVersion, nodeVersionProblem } from './nodeVersion';

const read = (f: string) => readFileSync(path.join(repoRoot, f), 'utf8');

describe('checkNodeVersion', () => {
  it('accepts the same major at or above the floor', () => {
    expect(checkNodeVersion('v26.12.1', '^26.12.1')).toBeUndefined();
    expect(checkNodeVersion('v26.13.0', '^26.12.1')).toBeUndefined();
  });
  it('refuses an older or another major with a line that says what to do', () => {
    expect(checkNodeVersion('v20.20.2', '^26.12.1')).toMatch(
      /Node\.js 26 \(>= 26\.12\.1\); this is v20\.20\.2.*ensure-node\.sh/,
    );
    expect(checkNodeVersion('v26.11.9', '^26.12.1')).toBeDefined();
    expect(checkNodeVersion('v27.0.0', '^26.12.1')).toBeDefined();
  });
  it('refuses a range it cannot read', () => {
    expect(checkNodeVersion('v26.12.1', '>=26')).toMatch(/not of the form/);
  });
  it('the tests themselves run on the pinned runtime, and the pin satisfies engines', () => {
    expect(nodeVersionProblem()).toBeUndefined();
    const pinned = read('infra/node/version')
      .split('\n')
      .find((l) => l.trim() && !l.startsWith('#'))!
      .split(/\s+/);
    expect(pinned[1]).toMatch(/^sha512-[A-Za-z0-9+/]+=*$/);
    const engines = JSON.parse(read('package.json')).engines.node as string;
    expect(checkNodeVersion(`v${pinned[0]}`, engines)).toBeUndefined();
    expect(process.version).toBe(`v${pinned[0]}`);
  });
});
