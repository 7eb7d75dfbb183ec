// The console's live channel: /ws/console events, validated, with reconnect. Pages subscribe to the
// topics they show and reload when one changes; a slow poll stays as the safety net, so a console
// behind a proxy that drops WebSockets still works, only slower.
import { ConsoleEventSchema, type ConsoleEvent } from './console.protocol.js';

type Topic = Extract<ConsoleEvent, { type: 'refresh' }>['topic'];
type Job = Extract<ConsoleEvent, { type: 'job-updated' }>['job'];

const topicListeners = new Set<{ topics: readonly Topic[]; run: () => void }>();
const jobListeners = new Set<(job: Job) => void>();
const stateListeners = new Set<(isLive: boolean) => void>();
export let isLive = false;

type AiringEvent = Extract<ConsoleEvent, { type: 'airing' }>;
const airingListeners = new Set<(event: AiringEvent) => void>();

function dispatch(event: ConsoleEvent): void {
  if (event.type === 'refresh') {
    for (const l of topicListeners) if (l.topics.includes(event.topic)) l.run();
  } else if (event.type === 'airing') {
    for (const l of airingListeners) l(event);
  } else {
    for (const l of jobListeners) l(event.job);
  }
}

/** Items going on air at screens, as they start. */
export function onAiring(run: (event: AiringEvent) => void): () => void {
  airingListeners.add(run);
  return () => airingListeners.delete(run);
}

export function onTopics(topics: readonly Topic[], run: () => void): () => void {
  const listener = { topics, run };
  topicListeners.add(listener);
  return () => topicListeners.delete(listener);
}
export function onJob(run: (job: Job) => void): () => void {
  jobListeners.add(run);
  return () => jobListeners.delete(run);
}
export function onLiveState(run: (isLive: boolean) => void): () => void {
  stateListeners.add(run);
  return () => stateListeners.delete(run);
}

/** Opens the socket (after sign-in: it needs the session cookie); returns a stop function. */
export function connectLive(): () => void {
  let socket: WebSocket | null = null;
  let retryMs = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let isStopped = false;
  const setLive = (value: boolean) => {
    isLive = value;
    for (const l of stateListeners) l(value);
  };

  const connect = () => {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/console`);
    socket.onopen = () => {
      retryMs = 1000;
      setLive(true);
      // Anything may have changed while the socket was down.
      for (const l of topicListeners) l.run();
    };
    socket.onmessage = (message) => {
      const parsed = ConsoleEventSchema.safeParse(JSON.parse(String(message.data)));
      if (parsed.success) dispatch(parsed.data);
    };
    socket.onclose = () => {
      setLive(false);
      if (isStopped) return;
      timer = setTimeout(connect, retryMs * (0.5 + Math.random()));
      retryMs = Math.min(retryMs * 2, 30_000);
    };
  };
  connect();
  return () => {
    isStopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}
