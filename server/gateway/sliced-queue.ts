// Work that arrives in a heap (thousands of plays frames read in one poll phase, the acks of every batch
// one commit made durable) runs in slices of at most `sliceMs`, in the order it came, the event loop
// turning between slices: heartbeats, small frames and HTTP are answered between them instead of after
// the whole heap. A task that runs past the bound ends its slice; nothing is dropped. Urgent tasks (acks:
// they finish work already taken) run before the others (frames: they bring new work) in the same slice.

export type SlicedQueue = ReturnType<typeof createSlicedQueue>;

export function createSlicedQueue(sliceMs: number, now: () => number = () => performance.now()) {
  const lanes = [{ tasks: [] as (() => void)[], head: 0 }, { tasks: [] as (() => void)[], head: 0 }];
  const [urgent, normal] = lanes as [(typeof lanes)[number], (typeof lanes)[number]];
  let isScheduled = false;
  const waiting = () => urgent.tasks.length - urgent.head + normal.tasks.length - normal.head;

  const schedule = () => {
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(slice);
  };

  function slice(): void {
    isScheduled = false;
    const until = now() + sliceMs;
    try {
      for (let lane = urgent.head < urgent.tasks.length ? urgent : normal; lane.head < lane.tasks.length; lane = urgent.head < urgent.tasks.length ? urgent : normal) {
        const task = lane.tasks[lane.head]!;
        lane.tasks[lane.head++] = undefined as unknown as () => void;
        task();
        if (now() >= until) break;
      }
    } finally {
      // Compacted now and then, not per task: shift() on a long array is itself linear.
      for (const lane of lanes) {
        if (lane.head === lane.tasks.length) (lane.tasks = []), (lane.head = 0);
        else if (lane.head > 1024 && lane.head * 2 > lane.tasks.length) (lane.tasks = lane.tasks.slice(lane.head)), (lane.head = 0);
      }
      if (waiting() > 0) schedule();
    }
  }

  return {
    /** Runs `task` in its turn, in a later slice (never within this call); an urgent one before every task that is not. */
    push(task: () => void, isUrgent = false): void {
      (isUrgent ? urgent : normal).tasks.push(task);
      schedule();
    },
    /** Tasks waiting their turn. */
    get waiting(): number {
      return waiting();
    },
  };
}
