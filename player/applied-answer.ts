// When to answer `manifest-applied`. An alert for every screen reaches 10,000 players within half a second,
// and each applies it at once and answers: 10,000 answers land on the server while it is still writing the
// alert to the rest. A server with a large fleet asks its players (`appliedSpreadMs` in `welcome` and
// `heartbeat-ack`, protocol v1.5) to wait a random 0 … that many ms first, so the answers come spread over
// a second or two, after the wave, instead of inside it. Only the newest manifest's answer is ever sent.

export interface AppliedAnswerDeps {
  send(version: string): void;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export function createAppliedAnswer(deps: AppliedAnswerDeps) {
  const random = deps.random ?? Math.random;
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  let spreadMs = 0;
  let waiting: unknown = null;

  const cancel = () => {
    if (waiting !== null) clearTimer(waiting);
    waiting = null;
  };

  return {
    /** What the server asked (absent in `welcome`: answer at once; absent in `heartbeat-ack`: unchanged). */
    told(ms: number | undefined, isWelcome = false): void {
      if (ms !== undefined) spreadMs = ms;
      else if (isWelcome) spreadMs = 0;
    },
    /** A manifest started airing: its answer now or after the spread; an answer still waiting for an older one is dropped. */
    applied(version: string): void {
      cancel();
      const wait = Math.floor(random() * spreadMs);
      if (wait <= 0) return deps.send(version);
      waiting = setTimer(() => {
        waiting = null;
        deps.send(version);
      }, wait);
    },
    /** The connection closed: nothing waits (the next `hello` says which version airs). */
    reset: cancel,
    get spreadMs(): number {
      return spreadMs;
    },
  };
}
