// The README is part of the product: its two commands must stay the ones package.json and CI run,
// and every environment variable the hub or the media plane reads must be documented there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, repoRoot } from '@giaoban/server';
import { loadSfuConfig } from '@giaoban/sfu';
import { describe, expect, it } from 'vitest';

const read = (f: string) => readFileSync(path.join(repoRoot, f), 'utf8');
const readme = read('README.md');

/**
 * Runs a config loader on an empty environment, and again with the switches set that make it
 * read more (a media cluster), and records every variable it looks up.
 */
function variablesReadBy(load: (env: NodeJS.ProcessEnv) => unknown): string[] {
  const seen = new Set<string>();
  const switches: Record<string, string> = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    CLUSTER_SECRET: 'readme-test-cluster-secret-0123456789',
  };
  for (const set of [{}, switches]) {
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get(_target, key) {
        if (typeof key !== 'string') return undefined;
        seen.add(key);
        return (set as Record<string, string>)[key];
      },
    });
    load(env);
  }
  return [...seen].sort();
}

describe('README.md', () => {
  it('shows `npm start` and `npm test`, and CI runs exactly `npm test`', () => {
    const block = readme.match(/## Quick start[\s\S]*?```sh\n([\s\S]*?)```/);
    expect(block, 'a Quick start section with a sh block').not.toBeNull();
    const commands = block![1]!
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm start', 'npm test']);

    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts.start).toMatch(/infra\/setup\.sh/);
    expect(scripts.test).toMatch(/infra\/setup\.sh --test/);
    const ci = read('.ci/run')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#') && !/^(set|cd) /.test(l));
    expect(ci).toEqual(['npm test']);
  });

  it('documents every variable the hub and the media plane read, with a default', () => {
    const vars = [...variablesReadBy(loadConfig), ...variablesReadBy(loadSfuConfig)];
    // Guard against a loader that stops reading its environment (the test would pass vacuously).
    expect(vars).toEqual(
      expect.arrayContaining(['PORT', 'REDIS_URL', 'JWT_SECRET', 'SFU_WORKERS']),
    );
    const table = readme.slice(readme.indexOf('## Configuration'));
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    const undocumented = vars.filter((v) => !rows.some((r) => r.includes(`\`${v}\``)));
    expect(undocumented).toEqual([]);
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      expect(cells[2], `default of ${cells[1]}`).not.toBe('');
    }
  });

  it('shows the chair console screenshot that the end-to-end test saves', () => {
    expect(readme).toContain('](docs/screenshots/chair-console.png)');
    expect(
      readFileSync(path.join(repoRoot, 'docs/screenshots/chair-console.png')).length,
    ).toBeGreaterThan(10_000);
  });
});
