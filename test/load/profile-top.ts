// `npx tsx test/load/profile-top.ts FILE.cpuprofile [--top N] [--match REGEX] [--around NAME] [--turns NAME] [--stalls REPORT.json --phase NAME]`:
// what a `--profile` run's server spent its time on: self time by function, the inclusive time of functions
// matching REGEX, and with --around, the same for each burst of samples with NAME on the stack (e.g.
// `pass`: each push), from 0.2 s before its first such sample to 1 s after its last. With --turns, the
// event loop's turns while a function whose name and file start with NAME ran (e.g. `take
// server/gateway/plays`: a plays burst), rebuilt from the samples: how long each was and what it spent on
// (poll: I/O callbacks, check: setImmediate, gc …), the longest, and how much of the busy time was in long
// turns (a heartbeat that arrives in a turn waits for the rest of it). With --stalls, each stall the load probe
// recorded in that phase of the run's report.json: how much of it lies in gaps between the main thread's samples
// (the thread was not running: other threads or processes had the cores) and what the samples in it ran (--top N of them).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, match: { type: 'string' }, around: { type: 'string' }, turns: { type: 'string' }, stalls: { type: 'string' }, phase: { type: 'string', default: 'plays-burst' } } });
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

// stalls helper's block: the loop's turns. A turn starts where an I/O callback or a timer follows
// setImmediate work or idle time (the order libuv runs its phases in); the collector's and V8's own
// samples count in the turn they fall in.
type Phase = 'poll' | 'check' | 'timers' | 'ticks' | 'gc' | 'idle' | 'program' | 'other';
function phaseOf(stack: string[]): Phase {
  const top = stack.at(-2) ?? '';
  if (top.startsWith('(garbage collector)')) return 'gc';
  if (top.startsWith('(idle)')) return 'idle';
  if (top.startsWith('(program)')) return 'program';
  const all = stack.join(' | ');
  if (/processImmediate/.test(all)) return 'check';
  if (/processTimers|listOnTimeout/.test(all)) return 'timers';
  if (/onStreamRead|onconnection|onParserExecute|callbackTrampoline/.test(all)) return 'poll';
  if (/processTicksAndRejections/.test(all)) return 'ticks';
  return 'other';
}
function turns(marker: RegExp): void {
  const hits = profile.samples.map((id, i) => (stackOf(id).some((n) => marker.test(n)) ? times[i]! : null)).filter((x): x is number => x !== null);
  if (!hits.length) return void console.log('no sample with that function on the stack');
  const from = hits[0]! - 2e5;
  const to = hits.at(-1)! + 2e5;
  type Turn = { at: number; busy: number } & Record<Phase, number>;
  const list: Turn[] = [];
  let turn: Turn | null = null;
  let last: Phase = 'idle';
  profile.samples.forEach((id, i) => {
    if (times[i]! < from || times[i]! > to) return;
    const phase = phaseOf(stackOf(id));
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!turn || ((phase === 'poll' || phase === 'timers') && (last === 'check' || last === 'idle'))) {
      turn = { at: times[i]! - from, busy: 0, poll: 0, check: 0, timers: 0, ticks: 0, gc: 0, idle: 0, program: 0, other: 0 };
      list.push(turn);
    }
    turn[phase] += us;
    if (phase !== 'idle') turn.busy += us;
    if (phase !== 'gc' && phase !== 'program') last = phase;
  });
  const busy = list.map((x) => x.busy).sort((a, b) => a - b);
  const total = busy.reduce((a, b) => a + b, 0);
  const q = (p: number) => (busy[Math.min(busy.length - 1, Math.floor(busy.length * p))]! / 1e3).toFixed(1);
  console.log(`${list.length} turns in ${((to - from) / 1e6).toFixed(1)} s, busy ${(total / 1e3).toFixed(0)} ms; a turn's busy ms p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)}`);
  for (const ms of [40, 60, 80, 100]) console.log(`  busy time in turns over ${ms} ms: ${pct(busy.filter((b) => b > ms * 1e3).reduce((a, b) => a + b, 0), total)}`);
  const f = (us: number) => (us / 1e3).toFixed(1);
  for (const x of [...list].sort((a, b) => b.busy - a.busy).slice(0, top)) {
    console.log(`  turn at ${f(x.at)} ms: ${f(x.busy)} ms = poll ${f(x.poll)}, check ${f(x.check)}, timers ${f(x.timers)}, ticks ${f(x.ticks)}, gc ${f(x.gc)}, program ${f(x.program)}, other ${f(x.other)}`);
  }
}
// end of the stalls helper's block

/** A sample interval longer than this means the thread was off its core (the profiler samples about every 1 ms). */
const GAP_US = 3000;
function stalls(reportFile: string, phase: string): void {
  const run = JSON.parse(readFileSync(reportFile, 'utf8')) as { serverGc?: Record<string, { stalls?: { atMs: number; ms: number; hrUs: number }[] }> };
  const list = run.serverGc?.[phase]?.stalls ?? [];
  if (!list.length) return void console.log(`no stall recorded in phase ${phase}`);
  for (const stall of list) {
    // The stall's start is on the monotonic clock in µs, as the profile's startTime.
    const from = stall.hrUs - profile.startTime;
    const to = from + stall.ms * 1000;
    const within = (i: number) => times[i]! >= from && times[i]! <= to;
    let gaps = 0;
    profile.samples.forEach((_, i) => {
      const us = profile.timeDeltas[i + 1] ?? 0;
      if (within(i) && us > GAP_US) gaps += us;
    });
    report(`stall at ${stall.atMs} ms, ${stall.ms} ms: ${((gaps / 1000 / stall.ms) * 100).toFixed(0)} % in gaps over ${GAP_US / 1000} ms between samples; what ran`, within);
  }
}

if (values.stalls) stalls(values.stalls, values.phase!);
else if (values.turns) turns(new RegExp(`^${values.turns}`));
else if (!values.around) report('whole run', () => true);
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
