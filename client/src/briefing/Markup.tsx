import type { ReactNode } from 'react';

/**
 * Renders the reports' simple formatting (paragraphs, `- ` lists, **bold**, *italic*) as React
 * elements: never as HTML, so nothing a site types can run or style the page.
 */
function inline(line: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /\*\*([^*]+)\*\*|\*([^*]+)\*/g;
  let last = 0;
  let i = 0;
  for (const m of line.matchAll(re)) {
    if (m.index > last) out.push(line.slice(last, m.index));
    out.push(
      m[1] !== undefined ? (
        <strong key={`${key}-${i++}`}>{m[1]}</strong>
      ) : (
        <em key={`${key}-${i++}`}>{m[2]}</em>
      ),
    );
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push(line.slice(last));
  return out;
}

export function Markup({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  let list: string[] = [];
  const flush = (k: number) => {
    if (!list.length) return;
    blocks.push(
      <ul key={`l${k}`}>
        {list.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their place
          <li key={i}>{inline(l, `l${k}-${i}`)}</li>
        ))}
      </ul>,
    );
    list = [];
  };
  text.split('\n').forEach((raw, k) => {
    const line = raw.trim();
    if (line.startsWith('- ')) list.push(line.slice(2));
    else {
      flush(k);
      // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their place
      if (line) blocks.push(<p key={k}>{inline(line, `p${k}`)}</p>);
    }
  });
  flush(-1);
  return <div className="markup">{blocks}</div>;
}
