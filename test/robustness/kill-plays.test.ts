// SIGKILL during heavy play ingest (issue 13): the real server (server/main.ts) in a child process takes
// batches of play records from several real WebSocket players and is killed mid-flood, again and again.
// Players keep what was not acknowledged and resend it after each restart, as the real player does.
// At the end every acknowledged record is in the airing log exactly once, the daily rollups count each
// once, the hash chains verify, and every restart came up by itself.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import WebSocket from 'ws';
import { MAX_PLAYS_PER_BATCH } from '../../player/protocol.js';
import { FRAME_BURST } from '../../server/gateway/connection-limits.js';
import { runServer, type RunningChild } from '../fixtures/child-server.js';
import { helloMessage, sleep } from '../helper.js';
import { nodeCommand } from '../node-command.js';
import { figure, isLong, size } from './driver.js';

const PLAYERS = size(4, 8);
/** Lifted so the flood is limited by the server's write path, not by the per-screen rate a real player needs. */
const ENV = {
  CRIER_PLAYS_PER_MINUTE: '10000',
  CRIER_UNCLAIMED_PLAYS_PER_SCREEN: '100000000',
  CRIER_UNCLAIMED_PLAYS_TOTAL: '1000000000',
};

interface Player {
  screenId: string | undefined;
  /** Sent, not yet acknowledged: resent after a restart. */
  pending: Map<string, object>;
}

const record = () => {
  const startedAt = Date.now() - 60_000;
  return { id: randomUUID(), itemId: 'item-1', mediaId: 'media-1', hash: 'a'.repeat(64), manifestVersion: 'v1', startedAt: new Date(startedAt).toISOString(), endedAt: new Date(startedAt + 8000).toISOString(), completed: true };
};

/**
 * One player's connection for one round: hello, then batches (pending ones first) until the socket dies,
 * or only the pending ones when draining. Resolves with the Retry-After (ms) of a refused connection.
 */
function flood(wsUrl: string, player: Player, acked: Set<string>, draining = false): Promise<number | undefined> {
  return new Promise((resolve) => {
    let retryAfterMs: number | undefined;
    const socket = new WebSocket(wsUrl);
    let frames = 1;
    const sendBatch = () => {
      // Stay inside the connection's frame burst: a real player never sends this fast anyway.
      if (frames >= FRAME_BURST - 5 || (draining && player.pending.size === 0)) return socket.close();
      const batch = [...player.pending.values()].slice(0, MAX_PLAYS_PER_BATCH);
      while (!draining && batch.length < MAX_PLAYS_PER_BATCH) {
        const r = record();
        player.pending.set(r.id, r);
        batch.push(r);
      }
      frames++;
      socket.send(JSON.stringify({ type: 'plays', records: batch }));
    };
    socket.on('open', () => socket.send(JSON.stringify(helloMessage(player.screenId ? { screenId: player.screenId } : {}))));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; screenId?: string; ids?: string[]; busy?: true; retryAfterMs?: number };
      if (message.type === 'welcome') {
        player.screenId = message.screenId;
        sendBatch();
      } else if (message.type === 'plays-ack') {
        for (const id of message.ids!) {
          acked.add(id);
          player.pending.delete(id);
        }
        // A server behind answers busy: the batch is kept and resent when it says, as the real player does.
        if (message.busy) setTimeout(sendBatch, message.retryAfterMs);
        else sendBatch();
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      retryAfterMs = Number(response.headers['retry-after'] ?? 1) * 1000;
      socket.terminate();
    });
    socket.on('close', () => resolve(retryAfterMs));
    socket.on('error', () => undefined);
  });
}

async function start(dataDir: string): Promise<{ child: RunningChild; ms: number }> {
  const began = Date.now();
  const outcome = await runServer(dataDir, ENV);
  if (!outcome.child) throw new Error(`restart failed (exit ${outcome.code}): ${outcome.stderr || outcome.stdout}`);
  return { child: outcome.child, ms: Date.now() - began };
}

const wsOf = (child: RunningChild) => `${child.baseUrl.replace('http', 'ws')}/ws/player`;

t.test('killed mid-flood again and again, the server loses and duplicates no acknowledged play record', async (t) => {
  const dataDir = path.join(t.testdir(), 'data');
  const kills = size(1, 20);
  const players: Player[] = Array.from({ length: PLAYERS }, () => ({ screenId: undefined, pending: new Map() }));
  const acked = new Set<string>();
  const restarts: number[] = [];
  let running = (await start(dataDir)).child;
  for (let round = 0; round < kills; round++) {
    const rounds = players.map((p) => flood(wsOf(running), p, acked));
    // Kill while batches are in flight: after some acknowledgements, at a moment that varies per round.
    const ackedBefore = acked.size;
    while (acked.size < ackedBefore + 2 * MAX_PLAYS_PER_BATCH) await sleep(20);
    await sleep(Math.random() * (isLong ? 1500 : 300));
    running.process.kill('SIGKILL');
    await Promise.all(rounds);
    const next = await start(dataDir);
    restarts.push(next.ms);
    running = next.child;
  }
  // A last round resends everything still pending, as players do after a restart, then a clean stop. A
  // server that just came up under load may refuse a connection (503) or a batch (busy) for a while:
  // players come back as they are told, a bounded number of times.
  for (let attempt = 0; attempt < 10 && players.some((p) => p.pending.size > 0); attempt++) {
    const waits = await Promise.all(players.filter((p) => p.pending.size > 0).map((p) => flood(wsOf(running), p, acked, true)));
    if (players.some((p) => p.pending.size > 0)) await sleep(Math.max(1000, ...waits.map((w) => w ?? 0)));
  }
  t.same(players.map((p) => p.pending.size), players.map(() => 0), 'every record sent has been acknowledged in the end');
  t.equal(await running.stop(), 0, 'a clean stop at the end');

  const db = new Database(path.join(dataDir, 'airing.sqlite3'), { readonly: true });
  t.teardown(() => db.close());
  const stored = new Set((db.prepare('SELECT id FROM plays').pluck().all() as string[]));
  const missing = [...acked].filter((id) => !stored.has(id));
  t.same(missing.slice(0, 5), [], `every acknowledged record is stored (${missing.length} missing of ${acked.size})`);
  t.equal(stored.size, acked.size, 'and nothing else: each record the players made is stored once');
  const rows = db.prepare('SELECT count(*) FROM plays').pluck().get() as number;
  t.equal(rows, stored.size, 'no record stored twice');
  const counted = db.prepare('SELECT coalesce(sum(plays), 0) FROM rollups').pluck().get() as number;
  t.equal(counted, rows, 'the daily rollups count each stored record once (resends after a kill included)');
  const verify = await promisify(execFile)(...nodeCommand(['--import', 'tsx', 'server/proof/verify.cli.ts', '--data-dir', dataDir])).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  t.equal(verify.code, 0, `the hash chains verify: ${verify.out.trim().split('\n').at(-1)}`);
  const sorted = [...restarts].sort((a, b) => a - b);
  figure(
    t,
    `SIGKILL during play ingest: ${kills} kills, ${acked.size} records acknowledged, ${missing.length} lost, ${rows - stored.size} duplicated, ${rows} stored; ` +
      `restart to listening: median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s, max ${(sorted.at(-1)! / 1000).toFixed(1)} s`,
  );
});
