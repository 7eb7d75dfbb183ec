// The console's live channel: /ws/console events, validated, with reconnect. Polling stays as the
// safety net, so a console behind a proxy that drops WebSockets still works, only slower.
import { ConsoleEventSchema, type ConsoleEvent } from './console.protocol.js';

export function subscribeConsoleEvents(onEvent: (event: ConsoleEvent) => void): () => void {
  let socket: WebSocket | null = null;
  let retryMs = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let isStopped = false;

  const connect = () => {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/console`);
    socket.onopen = () => (retryMs = 1000);
    socket.onmessage = (message) => {
      const parsed = ConsoleEventSchema.safeParse(JSON.parse(String(message.data)));
      if (parsed.success) onEvent(parsed.data);
    };
    socket.onclose = () => {
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
