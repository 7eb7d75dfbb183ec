// `npx tsx test/load/profile-top.ts FILE.cpuprofile [--top N] [--match REGEX] [--around NAME]`: what a
// `--profile` run's server spent its time on: self time by function, the inclusive time of functions
// matching REGEX, and with --around, the same for each burst of samples with NAME on the stack (e.g.
// `pass`: each push), from 0.2 s before its first such sample to 1 s after its last.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, match: { type: 'string' }, around: { type: 'string' } } });
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(server|playlists|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const stackOf = (id: number) => {
  const names: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.push(name(byId.get(at)!));
  return names;
};
// Sample i: node id, time (µs since the profile's start), duration.
const times: number[] = [];
let clock = 0;
for (const d of profile.timeDeltas) times.push((clock += d));
const top = Number(values.top);
const pct = (us: number, total: number) => `${((us / total) * 100).toFixed(1)}%`;

function report(label: string, keep: (i: number) => boolean): void {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const re = values.match ? new RegExp(values.match) : null;
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (!keep(i)) return;
    const us = profile.timeDeltas[i + 1] ?? 0;
    total += us;
    const stack = stackOf(id);
    self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + us);
    if (re) for (const n of new Set(stack)) if (re.test(n)) inclusive.set(n, (inclusive.get(n) ?? 0) + us);
  });
  console.log(`${label}: ${(total / 1e3).toFixed(0)} ms sampled`);
  for (const [n, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  self ${pct(us, total).padStart(6)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${n}`);
  for (const [n, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  incl ${pct(us, total).padStart(6)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${n}`);
}

if (!values.around) report('whole run', () => true);
else {
  const marker = new RegExp(`^${values.around} `);
  const hits = profile.samples.map((id, i) => (stackOf(id).some((n) => marker.test(n)) ? times[i]! : null)).filter((x): x is number => x !== null);
  const bursts: [number, number][] = [];
  for (const t of hits) {
    const last = bursts.at(-1);
    if (last && t - last[1] < 2e6) last[1] = t;
    else bursts.push([t, t]);
  }
  bursts.forEach(([a, b], k) => report(`burst ${k + 1} of ${values.around} (${((b - a) / 1e3).toFixed(0)} ms from its first to its last sample)`, (i) => times[i]! >= a - 2e5 && times[i]! <= b + 1e6));
}
