// Tells this node when another committed the catalogue: LISTEN on the channel every PG commit
// NOTIFYs (catalogue.pg.ts). A lost connection is reopened, and since notifications sent meanwhile
// are gone, the caller is then told to check (version Infinity).
import pg from 'pg';
import { CATALOGUE_CHANNEL } from './catalogue.pg.js';

const RETRY_MS = 1000;

/** `ready` resolves once the first LISTEN is in place (or its connection failed and retries). */
export function listenForCommits(url: string, onCommit: (version: number) => void, warn: (message: string) => void): { ready: Promise<void>; close(): Promise<void> } {
  let client: pg.Client | null = null;
  let isClosed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (isReconnect: boolean) => {
    const next = new pg.Client({ connectionString: url, application_name: 'crier-listen' });
    next.on('notification', (message) => onCommit(Number(message.payload)));
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('connection ended')));
    try {
      await next.connect();
      await next.query(`LISTEN ${CATALOGUE_CHANNEL}`);
    } catch (error) {
      lost(next, error as Error);
      return;
    }
    if (isClosed) return void next.end().catch(() => undefined);
    client = next;
    if (isReconnect) onCommit(Number.POSITIVE_INFINITY);
  };

  const lost = (which: pg.Client, error: Error) => {
    if (isClosed || (client !== null && client !== which) || retry) return;
    client = null;
    which.end().catch(() => undefined);
    warn(`目录变更通知连接中断，${RETRY_MS} 毫秒后重连（${error.message}）/ catalogue change listener lost its connection, reconnecting in ${RETRY_MS} ms: ${error.message}`);
    retry = setTimeout(() => {
      retry = undefined;
      void connect(true);
    }, RETRY_MS);
    retry.unref();
  };

  const ready = connect(false);
  return {
    ready,
    async close() {
      isClosed = true;
      clearTimeout(retry);
      await ready;
      await client?.end().catch(() => undefined);
    },
  };
}
