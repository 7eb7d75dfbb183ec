// `npx tsx test/load/heap-census.ts FILE.heapsnapshot [--top N] [--per P] [--owners KIND]`: what a heap snapshot
// holds, by kind of object (constructor or V8's own name), with their count and shallow bytes, largest first;
// --per divides by a number of players (the load test's `--heap-snapshot` passes the connected count). Shallow
// sizes: an object's own bytes, not what it keeps alive, so the rows add up to the heap. --owners KIND: the same
// census of the objects that point at objects of that kind (e.g. `'array:(object properties)'`: whose property
// dictionaries those are), counting the pointed-at bytes.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface Graph {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface CensusRow {
  kind: string;
  count: number;
  bytes: number;
}

/**
 * Objects by kind: `type:name` for objects and V8's internals, the type alone for strings, numbers and code.
 * With `ownersOf`, the objects that point at objects of that kind instead, with the pointed-at bytes.
 */
export async function heapCensus(file: string, ownersOf?: string): Promise<{ rows: CensusRow[]; totalBytes: number }> {
  const snap = JSON.parse(await readFile(file, 'utf8')) as Graph;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const edgeCountAt = fields.indexOf('edge_count');
  const edgeWidth = snap.snapshot.meta.edge_fields.length;
  const toAt = snap.snapshot.meta.edge_fields.indexOf('to_node');
  const kindOf = (i: number) => {
    const type = types[snap.nodes[i + typeAt]!]!;
    const named = type === 'object' || type === 'native' || type === 'hidden' || type === 'closure' || type === 'array';
    return named ? `${type}:${snap.strings[snap.nodes[i + nameAt]!]!.slice(0, 60)}` : type;
  };
  const byKind = new Map<string, CensusRow>();
  const add = (kind: string, bytes: number) => {
    const row = byKind.get(kind) ?? byKind.set(kind, { kind, count: 0, bytes: 0 }).get(kind)!;
    row.count++;
    row.bytes += bytes;
  };
  let totalBytes = 0;
  let edge = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    if (!ownersOf) {
      const bytes = snap.nodes[i + sizeAt]!;
      totalBytes += bytes;
      add(kindOf(i), bytes);
      continue;
    }
    // Edges are listed node after node, each node's edge_count of them; to_node is an index into `nodes`.
    for (let k = snap.nodes[i + edgeCountAt]!; k > 0; k--, edge++) {
      const to = snap.edges[edge * edgeWidth + toAt]!;
      if (kindOf(to) !== ownersOf) continue;
      const bytes = snap.nodes[to + sizeAt]!;
      totalBytes += bytes;
      add(kindOf(i), bytes);
    }
  }
  return { rows: [...byKind.values()].sort((a, b) => b.bytes - a.bytes), totalBytes };
}

export function printCensus({ rows, totalBytes }: { rows: CensusRow[]; totalBytes: number }, top: number, per?: number): void {
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(`heap snapshot: ${mb(totalBytes)} MB in objects${per ? `, ${(totalBytes / per / 1024).toFixed(1)} KB per player` : ''}; largest kinds (count, shallow MB${per ? ', bytes per player' : ''}):`);
  for (const r of rows.slice(0, top)) console.log(`  ${r.kind.padEnd(64)} ${String(r.count).padStart(9)} ${mb(r.bytes).padStart(8)}${per ? String(Math.round(r.bytes / per)).padStart(8) : ''}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, per: { type: 'string' }, owners: { type: 'string' } } });
  if (values.owners) console.log(`what points at ${values.owners}:`);
  printCensus(await heapCensus(positionals[0]!, values.owners), Number(values.top), values.per ? Number(values.per) : undefined);
}
