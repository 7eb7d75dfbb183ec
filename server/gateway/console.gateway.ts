// /ws/console: forwards domain events (job progress, screen and catalogue changes) to every open
// console. One explicit hub rather than a generic bus, so a send is always traceable to its cause.
// A larger deployment can put a broker behind `broadcast`.
import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
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

export function registerConsoleGateway(app: FastifyInstance, hub: ConsoleHub): void {
  app.get('/ws/console', { websocket: true, schema: { hide: true } }, (socket: WebSocket) => {
    hub.add(socket);
    // Consoles only listen; anything they send is ignored rather than trusted.
    socket.on('message', () => undefined);
  });
}
