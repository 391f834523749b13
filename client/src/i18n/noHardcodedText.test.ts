import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every user-facing string goes through i18n: no JSX text with words in it and no literal
 * placeholder / aria-label / title / alt outside the catalogues. File formats are not words.
 */
const ALLOWED = new Set(['JSON', 'CSV']);
const TEXT_ATTRS = new Set(['placeholder', 'aria-label', 'title', 'alt']);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function tsxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : tsxFiles(p);
    return e.name.endsWith('.tsx') && !e.name.endsWith('.test.tsx') ? [p] : [];
  });
}

function findings(file: string): string[] {
  const src = ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      const text = node.getText().trim();
      if (/\p{L}{2,}/u.test(text) && !ALLOWED.has(text)) out.push(text);
    }
    if (
      ts.isJsxAttribute(node) &&
      TEXT_ATTRS.has(node.name.getText()) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer)
    ) {
      if (/\p{L}{2,}/u.test(node.initializer.text))
        out.push(`${node.name.getText()}="${node.initializer.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out.map((t) => `${path.relative(root, file)}: ${t}`);
}

describe('i18n coverage', () => {
  it('has no hard-coded user-facing text in components', () => {
    const files = tsxFiles(root);
    expect(files.length).toBeGreaterThan(15);
    expect(files.flatMap(findings)).toEqual([]);
  });
});
