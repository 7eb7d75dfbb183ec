// `npx tsx test/load/heap-census.ts FILE.heapsnapshot [--top N] [--per P]`: what a heap snapshot holds, by kind
// of object (constructor or V8's own name), with their count and shallow bytes, largest first; --per divides by
// a number of players (the load test's `--heap-snapshot` passes the connected count). Shallow sizes: an object's
// own bytes, not what it keeps alive, so the rows add up to the heap.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface CensusRow {
  kind: string;
  count: number;
  bytes: number;
}

/** Objects by kind: `type:name` for objects and V8's internals, the type alone for strings, numbers and code. */
export async function heapCensus(file: string): Promise<{ rows: CensusRow[]; totalBytes: number }> {
  const snap = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byKind = new Map<string, CensusRow>();
  let totalBytes = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const named = type === 'object' || type === 'native' || type === 'hidden' || type === 'closure' || type === 'array';
    const kind = named ? `${type}:${snap.strings[snap.nodes[i + nameAt]!]!.slice(0, 60)}` : type;
    const bytes = snap.nodes[i + sizeAt]!;
    totalBytes += bytes;
    const row = byKind.get(kind) ?? byKind.set(kind, { kind, count: 0, bytes: 0 }).get(kind)!;
    row.count++;
    row.bytes += bytes;
  }
  return { rows: [...byKind.values()].sort((a, b) => b.bytes - a.bytes), totalBytes };
}

export function printCensus({ rows, totalBytes }: { rows: CensusRow[]; totalBytes: number }, top: number, per?: number): void {
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(`heap snapshot: ${mb(totalBytes)} MB in objects${per ? `, ${(totalBytes / per / 1024).toFixed(1)} KB per player` : ''}; largest kinds (count, shallow MB${per ? ', bytes per player' : ''}):`);
  for (const r of rows.slice(0, top)) console.log(`  ${r.kind.padEnd(64)} ${String(r.count).padStart(9)} ${mb(r.bytes).padStart(8)}${per ? String(Math.round(r.bytes / per)).padStart(8) : ''}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, per: { type: 'string' } } });
  printCensus(await heapCensus(positionals[0]!), Number(values.top), values.per ? Number(values.per) : undefined);
}
