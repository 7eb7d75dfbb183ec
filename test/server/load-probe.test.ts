// The load probe's stalls (server/ops/load-probe.ts, for `npm run loadtest`): a stall of the loop says how much
// of it the main thread was runnable but waiting for a core. A main thread crowded off its cores waited most of
// its stall; one asleep in a call hardly waited (a stall of its own making, not the machine's).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import t from 'tap';
import { nodeCommand } from '../node-command.js';

interface Stall {
  atMs: number;
  ms: number;
  waitedMs?: number;
}

t.test('a stall says how much of it the main thread waited for a core: most of a crowded one, little of a blocked one', { skip: !existsSync('/proc/self/schedstat') && 'needs schedstat (Linux)' }, async (t) => {
  const [command, args] = nodeCommand(['--import', 'tsx', 'test/fixtures/load-probe-child.ts']);
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, CRIER_LOAD_PROBE: '1' } });
  t.teardown(() => void child.kill());
  let next = 0;
  const ask = <T>(message: object, isAnswer: (m: Record<string, unknown>) => boolean) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => isAnswer(m) && (child.off('message', on), resolve(m as T));
      child.on('message', on);
      child.send(message);
    });
  const probe = (reset: boolean) => {
    const id = ++next;
    return ask<{ stalls: Stall[] }>({ probe: id, reset }, (m) => m.probe === id);
  };
  /** The stall of at least 200 ms the command caused (the loop's tick after it records it). */
  const stallOf = async (command: object) => {
    await probe(true);
    await ask(command, (m) => 'done' in m);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { stalls } = await probe(true);
    return stalls.find((s) => s.ms >= 200);
  };

  const crowded = await stallOf({ cmd: 'spin', ms: 400, crowd: availableParallelism() + 3 });
  t.ok(crowded, `the crowded spin stalled the loop (${JSON.stringify(crowded)})`);
  t.ok(crowded!.waitedMs! >= 0.4 * crowded!.ms, `most of it waiting for a core: ${crowded!.waitedMs} of ${crowded!.ms} ms`);

  const blocked = await stallOf({ cmd: 'block', ms: 800 });
  t.ok(blocked, `the blocking call stalled the loop (${JSON.stringify(blocked)})`);
  t.ok(blocked!.waitedMs! < 0.25 * blocked!.ms, `and little of it was waiting for a core: ${blocked!.waitedMs} of ${blocked!.ms} ms`);
});
