// The load test's heap census (`--heap-snapshot`) counts what a real snapshot holds: a known number of objects of
// a class no other code has, and their bytes, from a snapshot of this very process.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import t from 'tap';
import { heapCensus } from './heap-census.js';

class CensusProbeHolder {
  constructor(readonly entry: CensusProbeEntry) {}
}
class CensusProbeEntry {
  constructor(
    readonly index: number,
    readonly label: string,
  ) {}
}

t.test('a snapshot of this process counts the objects it holds, by constructor', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-census-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const held = Array.from({ length: 1234 }, (_, i) => new CensusProbeEntry(i, `条目 ${i}`));
  const { rows, totalBytes } = await heapCensus(writeHeapSnapshot(path.join(dir, 'test.heapsnapshot')));
  const row = rows.find((r) => r.kind === 'object:CensusProbeEntry');
  t.equal(row?.count, held.length, 'every instance, and only those');
  t.ok(row && row.bytes >= held.length * 16, `${row?.bytes} bytes: at least a header and two fields each`);
  t.ok(rows.every((r, i) => i === 0 || rows[i - 1]!.bytes >= r.bytes), 'largest first');
  t.equal(rows.reduce((sum, r) => sum + r.bytes, 0), totalBytes, 'the rows add up to the heap');
});

t.test('--owners: what points at objects of a kind, with the pointed-at bytes', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-census-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const entries = Array.from({ length: 300 }, (_, i) => new CensusProbeEntry(i, `条目 ${i}`));
  const holders = entries.slice(0, 100).map((entry) => new CensusProbeHolder(entry));
  const file = writeHeapSnapshot(path.join(dir, 'owners.heapsnapshot'));
  const { rows } = await heapCensus(file, 'object:CensusProbeEntry');
  t.equal(rows.find((r) => r.kind === 'object:CensusProbeHolder')?.count, holders.length, 'each holder points at one entry');
  const all = (await heapCensus(file)).rows.find((r) => r.kind === 'object:CensusProbeEntry')!;
  const fromHolders = rows.find((r) => r.kind === 'object:CensusProbeHolder')!;
  t.equal(fromHolders.bytes, (all.bytes / all.count) * holders.length, 'counting the bytes of the entries they point at');
  t.ok(rows.some((r) => r.kind !== 'object:CensusProbeHolder' && r.count >= entries.length), 'and the array that holds every entry');
});
