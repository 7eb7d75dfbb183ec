// A worker thread's own scheduling priority. On Linux each thread is a task with a nice value of its own
// (set on its task id, read from /proc/thread-self), so a background thread (the manifest builds, the airing
// writer) can yield to the main thread, which answers heartbeats and the API. It yields to every other busy
// process on the machine too, which is why each is 0 (the process's own) unless configured.
import { setPriority } from 'node:os';
import { ownTaskId } from './thread-cpu.js';

/** Puts the calling thread at `nice` (above 0: yields); 0 or none, or not allowed, or not Linux: the process's priority. */
export function niceThisThread(nice: number | undefined): void {
  if (!nice) return;
  const taskId = ownTaskId();
  if (taskId === null) return;
  try {
    setPriority(taskId, nice);
  } catch {
    // Not allowed: the thread keeps the process's priority.
  }
}
