// Shared driver of the robustness checks (kill, fuzz, access, XSS): how long each runs, the figures it
// prints, the routes it walks (taken from the app itself, so a new route cannot be forgotten) and a
// snapshot of what a refused request must leave unchanged.
// `npm test` runs each check short (a few seconds); `npm run robustness` runs them long
// (CRIER_ROBUSTNESS=long) and prints their figures (test/robustness/run.ts).
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import type { Test } from 'tap';
import type { CrierApp } from '../../server/app.js';
import { sleep } from '../helper.js';
import { nodeCommand } from '../node-command.js';

export const isLong = process.env.CRIER_ROBUSTNESS === 'long';

/** The short figure in CI, the long one under `npm run robustness`. */
export const size = (short: number, long: number): number => (isLong ? long : short);

/** A fixed seed in CI (a failure reproduces), a fresh one in long runs (printed, so it can be replayed). */
export const seed = Number(process.env.CRIER_ROBUSTNESS_SEED ?? (isLong ? Date.now() % 2 ** 31 : 20261130));

/** Prints one measured figure; run.ts collects the lines that start with FIGURE for its closing summary. */
export const FIGURE = '▸ figure:';
export function figure(t: Test, text: string): void {
  t.comment(`${FIGURE} ${text}`);
}

/** Draws `count` values of an arbitrary from the run's seed (each check its own stream via `salt`). */
export function draw<T>(arbitrary: fc.Arbitrary<T>, count: number, salt: number): T[] {
  return fc.sample(arbitrary, { seed: seed + salt, numRuns: count });
}

export interface RouteEntry {
  method: string;
  /** Fastify's pattern: `/api/v1/media/:id`, `/media/*`. */
  url: string;
}

/**
 * Every route the app serves (HEAD aside: fastify adds one per GET), from fastify's own onRoute record,
 * and the same check the other way: each operation the OpenAPI document lists is among them.
 */
export async function appRoutes(app: CrierApp): Promise<RouteEntry[]> {
  const routes = app.crier.routes.filter((r) => r.method !== 'HEAD');
  const spec = JSON.parse((await app.inject({ url: '/docs/json' })).body) as { paths: Record<string, Record<string, unknown>> };
  const known = new Set(routes.map((r) => `${r.method} ${r.url}`));
  const documented = Object.entries(spec.paths).flatMap(([p, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`),
  );
  const unknown = documented.filter((op) => !known.has(op));
  if (unknown.length) throw new Error(`the OpenAPI document lists routes fastify did not record: ${unknown.join(', ')}`);
  return routes;
}

/** Percent-encodes every byte outside the unreserved set (a lone surrogate travels as U+FFFD, as a browser sends it). */
const encodeSegment = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

/** Puts ids (or fuzz strings) into a route pattern's parameters. */
export function fillParams(url: string, value: (name: string) => string): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeSegment(value(name))).replace(/\*$/, () => encodeSegment(value('*')));
}

/** What a refused request must leave as it was: the catalogue, the accounts, the audit trail, the plays. */
export async function stateOf(app: CrierApp): Promise<string> {
  const { catalogue, accounts, audit, airingLog } = app.crier;
  return JSON.stringify([catalogue.read(), await accounts.list(), await audit.query({ limit: 1 }), await airingLog.countPlays({})]);
}

/** Strings that break naive code: traversal, prototype keys, control and odd Unicode, huge, injection. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..%2F..%2Fcatalogue.json',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '\u0000',
  '\u202e\u0644\u0627',
  '𠜎𠜱𠝹',
  '\ud800',
  'NaN',
  '-1',
  '1e309',
  '9'.repeat(400),
  'x'.repeat(10_000),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${7*7}{{7*7}}',
  '%00%ff%fe',
  'CON',
  '\r\nSet-Cookie: a=b',
];

/** Runs a writer fixture (`ok N` per confirmed write) until it has confirmed some, kills it at a random moment after, and returns what it confirmed. */
export function writeAndKill(fixture: string, dataDir: string, first: number, maxDelayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(...nodeCommand(['--import', 'tsx', fixture, dataDir, String(first)]), { stdio: ['ignore', 'pipe', 'pipe'] });
    const confirmed: number[] = [];
    let stderr = '';
    let text = '';
    let killing = false;
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines) if (line.startsWith('ok ')) confirmed.push(Number(line.slice(3)));
      if (!killing && confirmed.length >= 3) {
        killing = true;
        void sleep(Math.random() * maxDelayMs).then(() => child.kill('SIGKILL'));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(confirmed) : reject(new Error(`the writer exited (${code}): ${stderr}`))));
  });
}
