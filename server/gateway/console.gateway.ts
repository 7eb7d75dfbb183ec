// /ws/console: forwards domain events (job progress, screen and catalogue changes) to every open
// console. One explicit hub rather than a generic bus, so a send is always traceable to its cause.
// A larger deployment can put a broker behind `broadcast`.
import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ConsoleEvent } from '../console/console.protocol.js';

export type ConsoleHub = ReturnType<typeof createConsoleHub>;

export function createConsoleHub() {
  const sockets = new Set<WebSocket>();
  // Refresh hints are coalesced: a burst of heartbeats or edits costs each console one reload.
  const pendingTopics = new Set<Extract<ConsoleEvent, { type: 'refresh' }>['topic']>();
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const pendingAiring = new Map<string, Extract<ConsoleEvent, { type: 'airing' }>>();
  let airingTimer: ReturnType<typeof setTimeout> | undefined;

  function broadcast(event: ConsoleEvent): void {
    const frame = JSON.stringify(event);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(frame);
  }

  return {
    add(socket: WebSocket): void {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    },
    get size(): number {
      return sockets.size;
    },
    broadcast,
    refresh(topic: Extract<ConsoleEvent, { type: 'refresh' }>['topic']): void {
      if (sockets.size === 0) return;
      pendingTopics.add(topic);
      refreshTimer ??= setTimeout(() => {
        refreshTimer = undefined;
        for (const t of pendingTopics) broadcast({ type: 'refresh', topic: t });
        pendingTopics.clear();
      }, 250);
    },
    /** Now airing at a screen: only the latest per screen is sent, at most every 250 ms. */
    airing(event: Omit<Extract<ConsoleEvent, { type: 'airing' }>, 'type'>): void {
      if (sockets.size === 0) return;
      pendingAiring.set(event.screenId, { type: 'airing', ...event });
      airingTimer ??= setTimeout(() => {
        airingTimer = undefined;
        for (const e of pendingAiring.values()) broadcast(e);
        pendingAiring.clear();
      }, 250);
    },
    close(): void {
      clearTimeout(refreshTimer);
      clearTimeout(airingTimer);
      for (const socket of sockets) socket.close(1001, 'server shutting down');
    },
  };
}

/**
 * A browser always sends Origin with a WebSocket: one from another site's page (riding on the staff
 * cookie, cross-site WebSocket hijacking) is refused. Clients that send none are not browsers.
 */
export function isSameOrigin(origin: string | undefined, host: string): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function registerConsoleGateway(app: FastifyInstance, hub: ConsoleHub): void {
  const checkOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isSameOrigin(request.headers.origin, request.host)) {
      return reply.code(403).send({ statusCode: 403, reason: 'cross-origin', message: '不允许跨站连接 / cross-origin connection refused' });
    }
  };
  app.get('/ws/console', { websocket: true, schema: { hide: true }, preValidation: checkOrigin }, (socket: WebSocket) => {
    hub.add(socket);
    // Consoles only listen; anything they send is ignored rather than trusted.
    socket.on('message', () => undefined);
  });
}
