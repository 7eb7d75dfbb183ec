// Work that arrives in a heap (thousands of plays frames read in one poll phase, the acks of every batch
// one commit made durable) runs in slices of at most `sliceMs`, in the order it came, the event loop
// turning between slices: heartbeats, small frames and HTTP are answered between them instead of after
// the whole heap. A task that runs past the bound ends its slice; nothing is dropped.

export type SlicedQueue = ReturnType<typeof createSlicedQueue>;

export function createSlicedQueue(sliceMs: number, now: () => number = () => performance.now()) {
  let tasks: (() => void)[] = [];
  let head = 0;
  let isScheduled = false;

  const schedule = () => {
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(slice);
  };

  function slice(): void {
    isScheduled = false;
    const until = now() + sliceMs;
    try {
      while (head < tasks.length) {
        const task = tasks[head]!;
        tasks[head++] = undefined as unknown as () => void;
        task();
        if (now() >= until) break;
      }
    } finally {
      // Compacted now and then, not per task: shift() on a long array is itself linear.
      if (head === tasks.length) (tasks = []), (head = 0);
      else if (head > 1024 && head * 2 > tasks.length) (tasks = tasks.slice(head)), (head = 0);
      if (head < tasks.length) schedule();
    }
  }

  return {
    /** Runs `task` in its turn, in a later slice (never within this call). */
    push(task: () => void): void {
      tasks.push(task);
      schedule();
    },
    /** Tasks waiting their turn. */
    get waiting(): number {
      return tasks.length - head;
    },
  };
}
