// For `npm run loadtest` (CRIER_LOAD_PROBE=1, Linux): the server's CPU by thread, so a push's cost can be
// split between the main thread, the build worker, the airing writer and the threads nobody names (V8's
// collector and compiler helpers, libuv's pool), and how long each waited for a core. Node 20 has no
// per-thread CPU call: /proc/self/task has it, and each worker thread says which task it is over a
// BroadcastChannel, so neither worker's own messages change. Nothing here runs, and no channel is opened, unless the probe is on.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

export type ThreadRole = 'build' | 'writer';
const CHANNEL = 'crier-thread-roles';
const isProbing = () => process.env.CRIER_LOAD_PROBE === '1';

/** This thread's task id (Linux), or null: what the probe names a thread by, and what a thread's own priority is set on. */
export function ownTaskId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

const ROLL_CALL = 'roll-call';

/**
 * Called once in a worker thread: it tells the main thread's probe which task it is, now and whenever a probe
 * asks (a thread started before the probe listened, as the airing writer is, would otherwise go unnamed).
 */
export function announceThread(role: ThreadRole): void {
  if (!isProbing() || isMainThread) return;
  const tid = ownTaskId();
  if (tid === null) return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event) => {
    if ((event as { data: unknown }).data === ROLL_CALL) channel.postMessage({ role, tid });
  };
  // Open for the thread's life, but never what keeps it running.
  channel.unref();
  channel.postMessage({ role, tid });
}

/** Clock ticks a second in /proc's stat fields (USER_HZ): 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

/** Ms the task (a thread of this process) has been runnable but waiting for a core; throws where the kernel keeps no schedstat. */
export function waitedForCoreMs(task: number | string): number {
  // "time on a core, time waiting for one (both ns), timeslices".
  return Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
}

/** Milliseconds by thread: the main thread, the threads that announced a role, and the rest together. */
export type ByThread = Record<'main' | ThreadRole | 'other', number>;

/**
 * Reads the process's threads: the CPU each used (utime and stime, in ticks of 10 ms) and how long each was
 * runnable but waiting for a core (schedstat's run delay, in ns; null where the kernel does not keep it). The
 * second says what a latency was spent on when no turn of the event loop was long: on two cores shared with the
 * simulated players, the main thread waits for one (docs/scaling.md, twenty-first session).
 */
export function createThreadTimes(): () => { cpu: ByThread; waiting: ByThread | null } | null {
  const roles = new Map<number, ThreadRole>();
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event) => {
    const { data } = event as { data: { role: ThreadRole; tid: number } | string };
    if (typeof data === 'object') roles.set(data.tid, data.role);
  };
  // The probe lives as long as the process; the channel must not keep it alive.
  channel.unref();
  // Threads that started before this listened say again who they are.
  channel.postMessage(ROLL_CALL);
  return () => {
    let tasks: string[];
    try {
      tasks = readdirSync('/proc/self/task');
    } catch {
      return null;
    }
    const cpu: ByThread = { main: 0, build: 0, writer: 0, other: 0 };
    let waiting: ByThread | null = { main: 0, build: 0, writer: 0, other: 0 };
    for (const task of tasks) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      } catch {
        continue; // the thread ended meanwhile
      }
      // Fields after the command (which may hold spaces, closed by the last ')'): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const tid = Number(task);
      const role = tid === process.pid ? 'main' : (roles.get(tid) ?? 'other');
      cpu[role] += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
      if (!waiting) continue;
      try {
        waiting[role] += waitedForCoreMs(task);
      } catch {
        waiting = null; // not kept by this kernel (or the thread ended: this reading is then left out)
      }
    }
    return { cpu, waiting };
  };
}

/** The CPU alone (createThreadTimes). */
export function createThreadCpu(): () => ByThread | null {
  const times = createThreadTimes();
  return () => times()?.cpu ?? null;
}
