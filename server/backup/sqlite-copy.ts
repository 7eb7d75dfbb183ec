// A consistent copy of a live SQLite database with SQLite's online backup API, in a worker thread: the
// whole copy is one backup step (one read snapshot, so writes from the server's own connection during
// the copy cannot make it restart forever), and the server's event loop keeps serving meanwhile (WAL
// lets its writes go on beside the reader).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

// Plain CommonJS, so the worker needs no TypeScript loader.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.source, { fileMustExist: true });
db.pragma('busy_timeout = 10000');
db.backup(workerData.target, { progress: () => 0x7fffffff }).then(
  (progress) => { db.close(); parentPort.postMessage({ pages: progress.totalPages }); },
  (error) => { db.close(); parentPort.postMessage({ error: String(error && error.message || error) }); },
);
`;

/** Copies the database at `source` into a new file `target` (which must not exist yet). */
export function copySqlite(source: string, target: string): Promise<{ pages: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module: betterSqlite3, source, target } });
    worker.once('message', (m: { pages?: number; error?: string }) => (m.error ? reject(new Error(`${source}: ${m.error}`)) : resolve({ pages: m.pages ?? 0 })));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`${source}: backup worker exited with ${code}`)));
  });
}
