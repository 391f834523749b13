// docs/ is the contract: every documented REST route and socket event must exist in the code
// (shared contract and the running app), and every implemented one must be documented.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildOpenApi, repoRoot, toOpenApiPath } from '@giaoban/server';
import {
  C2S_EVENTS,
  ERROR_CODES,
  EVENT_ROLES,
  LIMITS,
  MEDIA_RESET_REASONS,
  ROUTES,
  S2C_EVENTS,
} from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../harness/hub';

const docs = (f: string) => readFileSync(path.join(repoRoot, 'docs', f), 'utf8');

function tableEvents(md: string, heading: string): string[] {
  const section = md.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`no section ${heading}`);
  return [...section.matchAll(/^\| `([a-zA-Z]+:[a-zA-Z]+)`\s*\|/gm)].map((m) => m[1]!);
}

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ seed: false });
});
afterAll(async () => {
  await t?.close();
});

describe('docs/socket-events.md', () => {
  const md = docs('socket-events.md');
  it('documents exactly the client→server events of the contract', () => {
    expect(tableEvents(md, 'Client → server').sort()).toEqual([...C2S_EVENTS].sort());
  });
  it('documents exactly the server→client events of the contract', () => {
    expect(tableEvents(md, 'Server → client').sort()).toEqual([...S2C_EVENTS].sort());
  });
  it('names every error code a socket request can answer (frames too large close instead)', () => {
    for (const code of ERROR_CODES.filter((c) => c !== 'PAYLOAD_TOO_LARGE')) {
      expect(md, code).toContain(`\`${code}\``);
    }
  });
  it('names every reason of media:reset (issue #11 added transportlost)', () => {
    const row = md.split('\n').find((l) => l.startsWith('| `media:reset`'))!;
    for (const reason of MEDIA_RESET_REASONS) expect(row, reason).toContain(`'${reason}'`);
  });
  it('states the log budget the hub enforces', () => {
    expect(md).toContain(`\`LIMITS.siteLogBurst\` (${LIMITS.siteLogBurst})`);
    expect(md).toContain(`\`LIMITS.siteLogPerMinute\` (${LIMITS.siteLogPerMinute})`);
  });
  it('lists the same roles as EVENT_ROLES for every request', () => {
    const section = md.split(/^## /m).find((s) => s.startsWith('Client → server'))!;
    for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
      const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
      const name = cells[1]!.replaceAll('`', '') as keyof typeof EVENT_ROLES;
      const roles =
        cells[4] === 'all'
          ? ['admin', 'chair', 'secretary', 'site', 'observer']
          : cells[4]!.split(/,\s*/);
      expect([...roles].sort(), name).toEqual([...EVENT_ROLES[name]].sort());
    }
  });
});

describe('docs/openapi.json', () => {
  const doc = JSON.parse(docs('openapi.json')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const documented = Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
    .sort();

  it('documents exactly the shared ROUTES', () => {
    expect(documented).toEqual(ROUTES.map((r) => `${r.method} ${toOpenApiPath(r.path)}`).sort());
  });

  it('is up to date with the schemas (regenerate with buildOpenApi())', () => {
    expect(doc).toEqual(buildOpenApi());
  });

  it('matches the routes the running Express app serves', () => {
    const app = t.hub.app as unknown as {
      router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
    };
    const served = app.router.stack
      .filter((l) => l.route)
      .flatMap((l) =>
        Object.keys(l.route!.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m} ${toOpenApiPath(l.route!.path)}`),
      )
      .filter((r) => !r.endsWith('/{*splat}'))
      .sort();
    expect(served).toEqual(documented);
  });
});
