// What the server sends one player, with bounds: a player that reads slowly (or not at all) cannot make
// the server hold more than a few MiB for it. Manifests supersede each other, so while the socket is
// backed up only the newest waits (one per player); anything else over the hard bound ends the
// connection (the player reconnects and is sent what it lacks).
import type { Writable } from 'node:stream';
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

type Socket = Pick<WebSocket, 'send' | 'bufferedAmount' | 'readyState' | 'terminate' | 'OPEN' | 'extensions'>;

/**
 * A text frame as it goes on the wire (RFC 6455 §5.2: FIN, opcode 1, the length, no mask: a server's frames
 * are not masked), so every socket gets the same bytes: made once per shared manifest, not per player.
 */
export function wireTextFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x81;
  if (n < 126) frame[1] = n;
  else if (n < 65536) (frame[1] = 126), frame.writeUInt16BE(n, 2);
  else (frame[1] = 127), frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2), frame.writeUInt32BE(n >>> 0, 6);
  payload.copy(frame, head);
  return frame;
}
/** Ready frames by the manifest they carry (null: sent once so far); they go when it goes. */
const wireFrames = new WeakMap<Buffer, Buffer | null>();
/** The ready frame of a manifest sent before: a frame built for one player (rules that all differ) is not copied. */
function wireFrameOf(payload: Buffer): Buffer | null {
  const frame = wireFrames.get(payload);
  if (frame) return frame;
  const made = frame === undefined ? null : wireTextFrame(payload);
  wireFrames.set(payload, made);
  return made;
}

/**
 * `wire`: the TCP socket under `socket` (the upgrade request's). Given, a manifest (a Buffer) sent to a second
 * player is written to it as one ready frame: one `write` of one buffer instead of ws framing it per player (a
 * header buffer, cork, two chunks, writev); ws's own buffer count (`bufferedAmount`) includes it.
 */
export function createSendQueue(socket: Socket, limits: SendLimits = DEFAULT_SEND_LIMITS, onOverflow?: (bufferedBytes: number) => void, wire?: Pick<Writable, 'write'>) {
  let held: string | Buffer | null = null;
  let heldWritten: (() => void) | undefined;
  let retry: NodeJS.Timeout | null = null;
  const isOpen = () => socket.readyState === socket.OPEN;
  // Only while ws itself would send the bytes as they are: no extension (compression) negotiated.
  const rawWire = socket.extensions === '' ? wire : undefined;

  /** `onWritten` is called once the frame is written to the socket, or at once when it is not sent at all. */
  function send(data: string | Buffer, onWritten?: () => void, bufferedBytes = socket.bufferedAmount): void {
    if (!isOpen()) return onWritten?.();
    if (bufferedBytes > limits.closeAboveBytes) {
      onOverflow?.(bufferedBytes);
      socket.terminate();
      return onWritten?.();
    }
    const frame = rawWire && typeof data !== 'string' ? wireFrameOf(data) : null;
    if (frame) return void rawWire!.write(frame, onWritten);
    // Text frames always: a shared manifest is a Buffer, and browsers would get a Blob for a binary frame.
    socket.send(data, { binary: false }, onWritten);
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
      // Nothing waiting and the socket not backed up (a push to every player): sent now, nothing kept.
      if (!held && !retry && isOpen()) {
        const bufferedBytes = socket.bufferedAmount;
        if (bufferedBytes <= limits.holdAboveBytes) return send(data, onWritten, bufferedBytes);
      }
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
