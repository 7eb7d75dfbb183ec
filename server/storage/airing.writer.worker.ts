// The airing log's writer thread: owns the connection that writes (WAL, fsync'd commits) and the
// chain heads, so commits never hold up the server's event loop. Ops arrive as messages; those of
// one tick are applied together, and their outcomes go back in one message (airing.writer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { announceThread } from '../ops/thread-cpu.js';
import { niceThisThread } from '../ops/thread-priority.js';
import { createLocalDayOf } from './local-day.js';
import {
  createAiringWrites, createTickQueue, openWriteConnection, serialiseError,
  type Settled, type WriteOp, type WriterReply, type WriterRequest, type WriterStart,
} from './airing.writes.js';

const { file, timeZone, nice, opened, port: startPort } = workerData as WriterStart;
/** Tells the starting thread (waiting on `opened`) whether the database is open. */
const started = (outcome: { ok: true } | { ok: false; error: unknown }) => {
  startPort.postMessage(outcome);
  startPort.close();
  Atomics.store(opened, 0, outcome.ok ? 1 : 2);
  Atomics.notify(opened, 0);
};
let db: ReturnType<typeof openWriteConnection>;
try {
  db = openWriteConnection(file);
} catch (error) {
  started({ ok: false, error: serialiseError(error) });
  throw error;
}
const queue = createTickQueue(createAiringWrites(db, createLocalDayOf(timeZone)).apply);
const port = parentPort!;
started({ ok: true });
announceThread('writer');
// CRIER_WRITER_NICE above 0: commits yield to the main thread (and to every other busy process).
niceThisThread(nice);

let replies: NonNullable<WriterReply['settled']> = [];
const reply = (id: number, settled: Settled) => {
  // One message carries every outcome of a commit.
  if (replies.push([id, settled.ok ? settled : { ok: false, error: serialiseError(settled.error) }]) === 1) {
    queueMicrotask(() => {
      port.postMessage({ settled: replies } satisfies WriterReply);
      replies = [];
    });
  }
};

port.on('message', (request: WriterRequest) => {
  if (request.op === 'close') {
    // After everything handed over before it, and after their outcomes are posted (a microtask queued earlier).
    queue.submit({ kind: 'sync' }, () =>
      queueMicrotask(() => {
        db.close();
        port.postMessage({ closed: true } satisfies WriterReply);
        port.close();
      }),
    );
    return;
  }
  for (const [id, op] of JSON.parse(request.json) as [number, WriteOp][]) queue.submit(op, (settled) => reply(id, settled));
});
