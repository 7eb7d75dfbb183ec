// The running server's control socket: a Unix socket beside the data dir (mode 0600), so only whoever
// may read the data dir anyway can ask the server for a backup; no HTTP route, no password in a cron
// job. Its answering also tells restore that a server is running on that data dir.
import { createHash } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Unix socket paths are limited to about 107 bytes: a long data dir path gets one in the temp folder. */
export function controlSocketPath(dataDir: string): string {
  const beside = path.join(dataDir, 'crier.sock');
  if (Buffer.byteLength(beside) <= 100) return beside;
  return path.join(os.tmpdir(), `crier-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}.sock`);
}

const RequestSchema = z.discriminatedUnion('op', [z.object({ op: z.literal('ping') }), z.object({ op: z.literal('backup'), target: z.string().min(1) })]);
export type ControlRequest = z.infer<typeof RequestSchema>;
export type ControlAnswer = { ok: true; result?: unknown } | { ok: false; message: string };

export interface ControlHandlers {
  backup(target: string): Promise<unknown>;
}

/** Sends one request; null when no server listens (not running). */
export function askServer(dataDir: string, request: ControlRequest): Promise<ControlAnswer | null> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(controlSocketPath(dataDir));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as ControlAnswer);
      } catch {
        reject(new Error(`unreadable answer from the server: ${text.slice(0, 200)}`));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (['ENOENT', 'ECONNREFUSED'].includes(error.code ?? '') ? resolve(null) : reject(error)));
  });
}

/** Listens on the data dir's control socket; refuses when another server answers on it. Handlers may be set later. */
export async function openControlSocket(dataDir: string) {
  const file = controlSocketPath(dataDir);
  if (await askServer(dataDir, { op: 'ping' }).catch(() => null)) {
    throw new Error(`另一个 Crier 服务器正在使用数据目录 ${dataDir} / another Crier server is using the data dir ${dataDir}`);
  }
  await mkdir(path.dirname(file), { recursive: true });
  await rm(file, { force: true }); // left by a server that died
  let handlers: ControlHandlers | null = null;
  const server = net.createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes('\n')) return;
      void answer(text.slice(0, text.indexOf('\n'))).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    });
  });
  const answer = async (line: string): Promise<ControlAnswer> => {
    const parsed = RequestSchema.safeParse((() => { try { return JSON.parse(line); } catch { return null; } })());
    if (!parsed.success) return { ok: false, message: 'bad request' };
    if (parsed.data.op === 'ping') return { ok: true };
    if (!handlers) return { ok: false, message: '服务器仍在启动 / the server is still starting' };
    try {
      return { ok: true, result: await handlers.backup(parsed.data.target) };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  };
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(file, resolve));
  await chmod(file, 0o600);
  return {
    serve(h: ControlHandlers) {
      handlers = h;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
