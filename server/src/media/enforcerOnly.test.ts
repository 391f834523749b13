import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '..');

/**
 * Callers of the SFU's producer pause/resume allowed besides the MediaEnforcer: the cluster's
 * carriers of its decision to the producer's home node (ClusterRoom sends it, MediaNode applies
 * the `producer.paused` it received). Nothing else decides whether a microphone flows.
 */
const CARRIERS = new Set(['cluster/MediaNode.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('the media enforcer is the only module that pauses and resumes producers', () => {
  it('finds no other call of pauseProducer/resumeProducer in the hub', () => {
    const calls: string[] = [];
    for (const file of sources(SRC)) {
      const rel = path.relative(SRC, file).split(path.sep).join('/');
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\.(pause|resume)Producer\(/.test(line)) calls.push(`${rel}:${i + 1}`);
        });
    }
    const others = calls.filter(
      (c) => !c.startsWith('media/MediaEnforcer.ts:') && !CARRIERS.has(c.split(':')[0]!),
    );
    expect(others).toEqual([]);
    // The check would see a call if there were one: the enforcer's own are found.
    expect(calls.some((c) => c.startsWith('media/MediaEnforcer.ts:'))).toBe(true);
  });
});
