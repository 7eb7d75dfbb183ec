// Faults of a client (an oversized or malformed WebSocket frame, a broken upload) are the client's
// business, not the server's: one low-level line per connection and kind, never a stack trace per
// frame, so nobody can flood the log by sending garbage.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';

/** `ws` names every framing fault it refuses (too large, bad UTF-8, bad opcode …) with a WS_ERR_ code. */
export const isFrameFault = (error: unknown): error is Error & { code: string } => {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('WS_ERR_');
};

/** Logs each kind of fault once for the logger it was made for (one per connection). */
export function createFaultLog(log: FastifyBaseLogger) {
  const seen = new Set<string>();
  return (kind: string, details: Record<string, unknown> = {}): void => {
    if (seen.has(kind)) return;
    seen.add(kind);
    log.info({ fault: kind, ...details }, 'client fault (logged once per connection)');
  };
}

/** @fastify/websocket's errorHandler: framing faults are the client's (ws has already closed with 1009/1002/1007). */
export function webSocketErrorHandler(error: Error, socket: WebSocket, request: FastifyRequest): void {
  if (isFrameFault(error)) request.log.info({ fault: error.code, message: error.message }, 'client fault: websocket frame refused');
  else request.log.error({ err: error }, 'websocket failed');
  socket.terminate();
}
