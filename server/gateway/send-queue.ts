// What the server sends one player, with bounds: a player that reads slowly (or not at all) cannot make
// the server hold more than a few MiB for it. Manifests supersede each other, so while the socket is
// backed up only the newest waits (one per player); anything else over the hard bound ends the
// connection (the player reconnects and is sent what it lacks).
import type { WebSocket } from 'ws';

export interface SendLimits {
  /** Above this many buffered bytes a manifest waits (the newest only) until the socket drains. */
  holdAboveBytes: number;
  /** Above this many buffered bytes the connection is ended: the player is not reading. */
  closeAboveBytes: number;
  /** How often a held manifest checks whether the socket drained. */
  retryMs: number;
}

export const DEFAULT_SEND_LIMITS: SendLimits = { holdAboveBytes: 1 << 20, closeAboveBytes: 4 << 20, retryMs: 500 };

type Socket = Pick<WebSocket, 'send' | 'bufferedAmount' | 'readyState' | 'terminate' | 'OPEN'>;

export function createSendQueue(socket: Socket, limits: SendLimits = DEFAULT_SEND_LIMITS, onOverflow?: (bufferedBytes: number) => void) {
  let held: string | Buffer | null = null;
  let heldWritten: (() => void) | undefined;
  let retry: NodeJS.Timeout | null = null;
  const isOpen = () => socket.readyState === socket.OPEN;

  /** `onWritten` is called once the frame is written to the socket, or at once when it is not sent at all. */
  function send(data: string | Buffer, onWritten?: () => void): void {
    if (!isOpen()) return onWritten?.();
    if (socket.bufferedAmount > limits.closeAboveBytes) {
      onOverflow?.(socket.bufferedAmount);
      socket.terminate();
      return onWritten?.();
    }
    // Text frames always: a shared manifest is a Buffer, and browsers would get a Blob for a binary frame.
    socket.send(data, { binary: false }, onWritten && (() => onWritten()));
  }

  /** The waiting manifest and its callback, no longer waiting. */
  function takeHeld(): { data: string | Buffer | null; written: (() => void) | undefined } {
    const taken = { data: held, written: heldWritten };
    held = null;
    heldWritten = undefined;
    return taken;
  }

  function flushHeld(): void {
    retry = null;
    if (!held) return;
    // Closed: nothing will be written; the waiting manifest is dropped (and said done with).
    if (!isOpen()) return takeHeld().written?.();
    if (socket.bufferedAmount > limits.holdAboveBytes) {
      retry = setTimeout(flushHeld, limits.retryMs);
      return;
    }
    const { data, written } = takeHeld();
    send(data!, written);
  }

  return {
    send,
    /** Sends now, or keeps it as the one waiting manifest (replacing an older one) while the socket is backed up. */
    sendLatest(data: string | Buffer, onWritten?: () => void): void {
      // A manifest replaced while it waited is done with: it will never be written.
      heldWritten?.();
      held = data;
      heldWritten = onWritten;
      if (!retry) flushHeld();
    },
    /** Bytes held back for this player (the waiting manifest), beside ws's own buffer. */
    get heldBytes(): number {
      return held ? (typeof held === 'string' ? Buffer.byteLength(held) : held.length) : 0;
    },
    close(): void {
      if (retry) clearTimeout(retry);
      retry = null;
      takeHeld().written?.();
    },
  };
}
