// Where the airing log's writes run: in a writer thread by default (a commit's fsync, chain hashing
// and rollups never stall the event loop, so heartbeats, pushes and /healthz stay answered while
// plays are committed), or inline on the main thread (the benchmark's comparison). Either way a
// write resolves only once committed, and ops keep the order they were handed over in.
import type Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { packBatch } from './airing.ingest.js';
import { createLocalDayOf } from './local-day.js';
import {
  createAiringWrites, createTickQueue, deserialiseError,
  type WriteOp, type WriterData, type WriterStart, type WriterReply, type WriterRequest, type WriteValue,
} from './airing.writes.js';

export type WriterMode = 'thread' | 'inline';

export interface AiringWriter {
  /** Resolves with the op's value once it is committed. */
  submit(op: WriteOp): Promise<WriteValue>;
  /** After everything handed over so far. */
  close(): Promise<void>;
}

const HERE = fileURLToPath(import.meta.url);
const ENTRY = path.join(path.dirname(HERE), `airing.writer.worker${path.extname(HERE)}`);

/**
 * The thread's code: its entry bundled once per process (esbuild, a dependency already), so a thread
 * starts in about a tenth of the time a TypeScript loader takes to register in it. better-sqlite3 is
 * required from here. A thread that fails before its entry runs says so the way the entry does
 * (opened = 2), or the starter would wait in vain.
 */
let source: string | null = null;
const threadSource = () =>
  (source ??= `const { workerData } = require('node:worker_threads');
try {
  (function (require) {\n${bundleEntry()}\n})(require('node:module').createRequire(${JSON.stringify(HERE)}));
} catch (error) {
  workerData.port.postMessage({ ok: false, error: { message: String((error && error.stack) || error) } });
  Atomics.store(workerData.opened, 0, 2);
  Atomics.notify(workerData.opened, 0);
}`);
const bundleEntry = () =>
  buildSync({ entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['better-sqlite3'], write: false, logLevel: 'error' })
    .outputFiles[0]!.text;
/** How long a start may take at most (loading the sources, opening the database). */
const OPEN_TIMEOUT_MS = 60_000;

export function startAiringWriter(mode: WriterMode, db: Database.Database, data: WriterData): AiringWriter {
  return mode === 'inline' ? inlineWriter(db, data.timeZone) : threadWriter(data);
}

function inlineWriter(db: Database.Database, timeZone: string): AiringWriter {
  const queue = createTickQueue(createAiringWrites(db, createLocalDayOf(timeZone)).apply);
  const submit = (op: WriteOp) =>
    new Promise<WriteValue>((resolve, reject) => queue.submit(op, (s) => (s.ok ? resolve(s.value) : reject(s.error))));
  return { submit, close: async () => void (await submit({ kind: 'sync' })) };
}

function threadWriter(data: WriterData): AiringWriter {
  const waiting = new Map<number, { resolve: (v: WriteValue) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let worker: Worker | null = null;
  let isClosed = false;

  const failAll = (error: unknown) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  const spawn = () => {
    // The start waits until the thread has the database open: opening fails here, as it did on this
    // thread, and a data dir removed later (a test's teardown) cannot make the thread fail to open.
    const opened = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const thread = new Worker(threadSource(), { eval: true, workerData: { ...data, opened, port: port2 } satisfies WriterStart, transferList: [port2] });
    Atomics.wait(opened, 0, 0, OPEN_TIMEOUT_MS);
    const started = receiveMessageOnPort(port1)?.message as { ok: boolean; error?: unknown } | undefined;
    port1.close();
    if (!started?.ok) {
      void thread.terminate();
      throw started ? deserialiseError(started.error) : new Error(`播出记录写入线程未能启动 / the airing log's writer thread did not start within ${OPEN_TIMEOUT_MS} ms`);
    }
    thread.on('message', (reply: WriterReply) => {
      for (const [id, settled] of reply.settled ?? []) {
        const w = waiting.get(id);
        if (!w) continue;
        waiting.delete(id);
        if (settled.ok) w.resolve(settled.value);
        else w.reject(deserialiseError(settled.error));
      }
      // An idle writer does not keep the process alive; one with writes in hand does.
      if (waiting.size === 0) thread.unref();
      if (reply.closed) void thread.terminate();
    });
    // A thread that dies takes its uncommitted writes with it (nothing was acknowledged); the next write starts another.
    thread.on('error', failAll);
    thread.on('exit', (code) => {
      if (worker === thread) worker = null;
      failAll(new Error(`播出记录写入线程已退出 / the airing log's writer thread exited (${code})`));
    });
    thread.unref();
    return thread;
  };
  // Started at once, so it opens the database while the server starts, not at the first play.
  worker = spawn();

  // The ops of one tick cross in one message, as one JSON text: cheaper for the event loop than a
  // message per batch or cloning the records' objects (about a third of the cost, measured); plays
  // records as positional arrays, which write and parse faster than objects (packBatch).
  let outgoing: [id: number, op: WriteOp][] = [];
  const send = () => {
    if (outgoing.length === 0) return;
    const ops = outgoing;
    outgoing = [];
    try {
      const thread = (worker ??= spawn());
      thread.ref();
      thread.postMessage({ json: JSON.stringify(ops.map(([id, op]) => [id, op.kind === 'plays' ? { kind: 'packed-plays', batch: packBatch(op.batch) } : op])) } satisfies WriterRequest);
    } catch (error) {
      for (const [id] of ops) waiting.get(id)?.reject(error), waiting.delete(id);
    }
  };

  return {
    submit(op) {
      if (isClosed) return Promise.reject(new Error('播出记录已关闭 / the airing log is closed'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        if (outgoing.push([id, op]) === 1) setImmediate(send);
      });
    },
    async close() {
      isClosed = true;
      send();
      const thread = worker;
      if (!thread) return;
      thread.ref();
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage({ op: 'close' } satisfies WriterRequest);
      await exited;
    },
  };
}
