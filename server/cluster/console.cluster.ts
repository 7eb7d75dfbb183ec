// Console live events across nodes: a console is connected to one node, but what it shows (jobs,
// screens coming and going, what is on air) happens on any. Each event goes to this node's consoles
// and, coalesced like the hub's own hints, to the other nodes, which hand it to their consoles.
import type { ConsoleHub } from '../gateway/console.gateway.js';
import type { ConsoleEvent } from '../console/console.protocol.js';
import type { ClusterBus } from './cluster.bus.js';

/** Hints and airing frames leave a node at most this often (job events go at once). */
const RELAY_MS = 250;

type RefreshTopic = Extract<ConsoleEvent, { type: 'refresh' }>['topic'];
type AiringEvent = Extract<ConsoleEvent, { type: 'airing' }>;

export function relayConsoleHub(local: ConsoleHub, bus: ClusterBus): ConsoleHub {
  const topics = new Set<RefreshTopic>();
  const airing = new Map<string, AiringEvent>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      for (const topic of topics) bus.publish({ type: 'console', event: { type: 'refresh', topic } });
      for (const event of airing.values()) bus.publish({ type: 'console', event });
      topics.clear();
      airing.clear();
    }, RELAY_MS);
  };

  bus.on('console', ({ event }) => {
    if (event.type === 'refresh') local.refresh(event.topic);
    else if (event.type === 'airing') local.airing(event);
    else local.broadcast(event);
  });

  return {
    add: (socket) => local.add(socket),
    get size() {
      return local.size;
    },
    broadcast(event) {
      local.broadcast(event);
      bus.publish({ type: 'console', event });
    },
    refresh(topic) {
      local.refresh(topic);
      topics.add(topic);
      later();
    },
    airing(event) {
      local.airing(event);
      airing.set(event.screenId, { type: 'airing', ...event });
      later();
    },
    close() {
      clearTimeout(timer);
      local.close();
    },
  };
}
