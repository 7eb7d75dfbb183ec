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
export function createSendQueue(socket: Socket, limits: SendLimits = DEFAULT_SEND_LIMITS, onOverflow?: (bufferedBytes: number) => void, wire?: Pick<Writable, 'write'>): SendQueue {
  return new SendQueue(socket, limits, onOverflow, wire);
}

/**
 * One per connection, so a class: its functions are shared, where closures made per connection cost ~250 B
 * each under tsx (esbuild's `keepNames` gives every named one a property dictionary; docs/scaling.md).
 */
export class SendQueue {
  private held: string | Buffer | null = null;
  private heldWritten: (() => void) | undefined = undefined;
  private retry: NodeJS.Timeout | null = null;
  /** Only while ws itself would send the bytes as they are: no extension (compression) negotiated. */
  private readonly rawWire: Pick<Writable, 'write'> | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly limits: SendLimits,
    private readonly onOverflow: ((bufferedBytes: number) => void) | undefined,
    wire: Pick<Writable, 'write'> | undefined,
  ) {
    this.rawWire = socket.extensions === '' ? wire : undefined;
  }

  private get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** `onWritten` is called once the frame is written to the socket, or at once when it is not sent at all. */
  send(data: string | Buffer, onWritten?: () => void, bufferedBytes = this.socket.bufferedAmount): void {
    if (!this.isOpen) return onWritten?.();
    if (bufferedBytes > this.limits.closeAboveBytes) {
      this.onOverflow?.(bufferedBytes);
      this.socket.terminate();
      return onWritten?.();
    }
    const frame = this.rawWire && typeof data !== 'string' ? wireFrameOf(data) : null;
    if (frame) return void this.rawWire!.write(frame, onWritten);
    // Text frames always: a shared manifest is a Buffer, and browsers would get a Blob for a binary frame.
    this.socket.send(data, { binary: false }, onWritten);
  }

  /** Sends now, or keeps it as the one waiting manifest (replacing an older one) while the socket is backed up. */
  sendLatest(data: string | Buffer, onWritten?: () => void): void {
    // Nothing waiting and the socket not backed up (a push to every player): sent now, nothing kept.
    if (!this.held && !this.retry && this.isOpen) {
      const bufferedBytes = this.socket.bufferedAmount;
      if (bufferedBytes <= this.limits.holdAboveBytes) return this.send(data, onWritten, bufferedBytes);
    }
    // A manifest replaced while it waited is done with: it will never be written.
    this.heldWritten?.();
    this.held = data;
    this.heldWritten = onWritten;
    if (!this.retry) this.flushHeld();
  }

  /** Bytes held back for this player (the waiting manifest), beside ws's own buffer. */
  get heldBytes(): number {
    const { held } = this;
    return held ? (typeof held === 'string' ? Buffer.byteLength(held) : held.length) : 0;
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.takeHeld().written?.();
  }

  /** The waiting manifest and its callback, no longer waiting. */
  private takeHeld(): { data: string | Buffer | null; written: (() => void) | undefined } {
    const taken = { data: this.held, written: this.heldWritten };
    this.held = null;
    this.heldWritten = undefined;
    return taken;
  }

  private flushHeld(): void {
    this.retry = null;
    if (!this.held) return;
    // Closed: nothing will be written; the waiting manifest is dropped (and said done with).
    if (!this.isOpen) return this.takeHeld().written?.();
    if (this.socket.bufferedAmount > this.limits.holdAboveBytes) {
      this.retry = setTimeout(() => this.flushHeld(), this.limits.retryMs);
      return;
    }
    const { data, written } = this.takeHeld();
    this.send(data!, written);
  }
}
