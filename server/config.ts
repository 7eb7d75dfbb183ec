// Configuration from the environment, validated at start-up: a bad value fails fast with one clear line.
import { z } from 'zod';
import { X264_PRESETS, type X264Preset } from '../media/x264.js';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SCRYPT_LOG_N } from './auth/passwords.js';
import { vitsModelFiles } from '../media/speech/sherpa.engine.js';
import { STORES } from './storage/data-dir.js';
import type { PlayLimitSettings } from './gateway/play-limits.js';
import { DEFAULT_PLAYS_ADMISSION, type PlaysAdmissionLimits } from './gateway/plays-admission.js';
import { DEFAULT_SPREAD_MS_PER_PLAYER } from './gateway/applied-spread.js';

const isValidTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const isPostgresUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && (url.hostname !== '' || url.searchParams.has('host'));
  } catch {
    return false;
  }
};
const POSTGRES_URL_HINT =
  '应为 postgres:// 或 postgresql:// 开头的数据库地址，例如 postgres://crier:密码@127.0.0.1:5432/crier / ' +
  'a postgres:// or postgresql:// URL, e.g. postgres://crier:secret@127.0.0.1:5432/crier';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  CRIER_DATA_DIR: z.string().min(1).default('./data'),
  CRIER_TIME_ZONE: z.string().refine(isValidTimeZone, 'not an IANA time zone').default('Asia/Shanghai'),
  CRIER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  CRIER_APPLIED_SPREAD_MS_PER_PLAYER: z.coerce.number().min(0).max(100).default(DEFAULT_SPREAD_MS_PER_PLAYER),
  CRIER_OFFLINE_AFTER_SECONDS: z.coerce.number().int().min(5).max(86_400).default(90),
  CRIER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CRIER_MAX_IMAGE_MB: z.coerce.number().positive().max(10_000).default(50),
  CRIER_MAX_AUDIO_MB: z.coerce.number().positive().max(100_000).default(200),
  CRIER_MAX_VIDEO_MB: z.coerce.number().positive().max(100_000).default(2048),
  CRIER_MAX_VIDEO_SECONDS: z.coerce.number().positive().max(86_400).default(1800),
  CRIER_MAX_AUDIO_SECONDS: z.coerce.number().positive().max(86_400).default(3600),
  CRIER_MAX_IMAGE_MEGAPIXELS: z.coerce.number().positive().max(1000).default(100),
  CRIER_VIDEO_MAX_HEIGHT: z.coerce.number().int().min(144).max(2160).default(1080),
  CRIER_VIDEO_PRESET: z.enum(X264_PRESETS).default('veryfast'),
  CRIER_LED_SIZES: z
    .string()
    .regex(/^(\s*\d{2,5}x\d{2,5}\s*(,\s*\d{2,5}x\d{2,5}\s*)*)?$/, 'a comma-separated list of WIDTHxHEIGHT, e.g. 960x480,512x128')
    .default('960x480,512x128'),
  CRIER_LOUDNESS_LUFS: z.coerce.number().min(-40).max(-5).default(-16),
  CRIER_TRUE_PEAK_DBTP: z.coerce.number().min(-9).max(0).default(-1.5),
  CRIER_FFMPEG_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  CRIER_ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').max(200).optional(),
  CRIER_APPROVAL: z.enum(['required', 'off']).default('required'),
  CRIER_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(240),
  CRIER_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(90 * 24).default(168),
  CRIER_SECURE_COOKIES: z.enum(['auto', 'always']).default('auto'),
  CRIER_UNCLAIMED_DISPLAY: z.enum(['campaign', 'code-only']).default('campaign'),
  CRIER_BUILD_WORKER: z.enum(['on', 'off']).default('on'),
  CRIER_BUILD_THREADS: z.coerce.number().int().min(1).max(16).default(1),
  // The build threads' nice value: by default the process's own, so builds get a fair share of the CPU. At 10
  // (the eighth session's choice, so the main thread came first) a thread has a tenth of the weight of any thread
  // at 0, and anything else busy on the machine held the builds back: beside two busy processes a push to 10,000
  // screens whose rules all differ took 21.9-23.2 s at 10 against 4.4-6.2 s at 0 (`CRIER_BENCH_BUSY=2 npm run bench
  // -- publish:distinct`); the load test, whose players share the cores: docs/scaling.md, sixteenth session.
  CRIER_BUILD_NICE: z.coerce.number().int().min(0).max(19).default(0),
  // The airing writer thread's nice value (embedded store; PostgreSQL commits in its own server). The same choice
  // as the builds': by default the process's own, since at 10 any other busy process on the machine would hold
  // the plays' acknowledgements back. On a server whose cores are Crier's alone, 10 lets the main thread go first in
  // a plays burst: in the load test with its players idle, heartbeats p99 94 ms at the median of six runs against
  // 126 ms of nine at 0 (docs/scaling.md, twenty-third session).
  CRIER_WRITER_NICE: z.coerce.number().int().min(0).max(19).default(0),
  CRIER_NEW_SCREENS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  CRIER_MAX_UNCLAIMED_SCREENS: z.coerce.number().int().min(1).max(1_000_000).default(500),
  // Speech: an operator's sherpa-onnx VITS Mandarin model directory (media/speech/sherpa.engine.ts).
  CRIER_TTS_VITS_DIR: z.string().min(1).optional().superRefine((dir, ctx) => {
    if (!dir) return;
    try {
      vitsModelFiles(dir);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  CRIER_RECREATE_STORES: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((names) => names.every((n) => STORES.some((s) => s.name === n)), `a comma-separated list of store names: ${STORES.map((s) => s.name).join(', ')}`),
  // Stations (issue 12.2): the quiet hours a catalogue gets once, `off` for none.
  CRIER_STATION_QUIET_HOURS: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM-HH:MM (e.g. 22:00-06:30) or off')
    .refine((v) => v === 'off' || v.slice(0, 5) !== v.slice(6), 'start and end must differ')
    .default('22:00-06:30'),
  // Proof of airing (proof): raw plays and heartbeat intervals older than this are pruned daily; rollups and chain anchors stay.
  CRIER_RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  // Player limits (websec, issue 13.1): what one screen may store.
  CRIER_PLAYS_PER_MINUTE: z.coerce.number().positive().max(10_000).default(20),
  CRIER_UNCLAIMED_PLAYS_PER_SCREEN: z.coerce.number().int().min(0).max(100_000_000).default(5_000),
  CRIER_UNCLAIMED_PLAYS_TOTAL: z.coerce.number().int().min(0).max(1_000_000_000).default(100_000),
  // HTTP hardening (websec, issue 13.7/13.9): slow clients dropped within seconds; the proxy in front trusted.
  CRIER_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(10),
  CRIER_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(30),
  CRIER_KEEP_ALIVE_SECONDS: z.coerce.number().positive().max(600).default(5),
  CRIER_TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^(|false|true|\d{1,2}|[0-9A-Fa-f:./]+(\s*,\s*[0-9A-Fa-f:./]+)*)$/, 'false, true, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs')
    .default('false'),
  CRIER_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').max(200).optional(),
  // Load shedding (fleet, issue 14): new player connections wait while the event loop stalled this long
  // in the last seconds (0: never); plays past the pending bound are answered busy (resend later).
  CRIER_SHED_LAG_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  CRIER_MAX_PENDING_PLAYS: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_PLAYS_ADMISSION.maxPending),
  CRIER_PLAYS_PER_COMMIT: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_PLAYS_ADMISSION.perCommit),
  CRIER_PLAYS_MAX_WAIT_MS: z.coerce.number().int().min(1).max(600_000).default(DEFAULT_PLAYS_ADMISSION.maxWaitMs),
  // Plays a second the admission assumes the store takes at least (the floor of what it measures; issue 14, drain).
  CRIER_PLAYS_MIN_RATE: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_PLAYS_ADMISSION.minRate!),
  // PostgreSQL (issue 15): set, every store but the media files lives in this database; unset (or empty), the embedded files.
  CRIER_DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isPostgresUrl, POSTGRES_URL_HINT).optional()),
  // Several nodes as one Crier (server/cluster/, docs/scaling.md): Redis for fan-out, presence, limits and locks.
  CRIER_REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0').optional(),
  CRIER_REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/, 'letters, digits and _ : . - (at most 64)').default('crier:'),
  CRIER_NODE_ID: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits and _ . - (at most 64)').optional(),
  CRIER_MEDIA_DIR: z.string().min(1).optional(),
  CRIER_ORIGINALS_DIR: z.string().min(1).optional(),
});

const MB = 1024 * 1024;
const parseSizes = (list: string) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [width, height] = s.split('x').map(Number) as [number, number];
      return { width, height };
    });

export interface Config {
  port: number;
  host: string;
  /** Absolute path; the catalogue, airing log and media live under it. */
  dataDir: string;
  /** Embedded catalogue: compact its journal into a new snapshot past this many bytes (default: the snapshot's size, ≥ 1 MiB). Tests set it low. */
  catalogueJournalBytes?: number;
  timeZone: string;
  heartbeatIntervalMs: number;
  /** How often a silent player connection is pinged (default 30 s; a frame since the last tick spares the ping). Tests set it low. */
  pingIntervalMs?: number;
  /** Players spread their answers to a push over this many ms per connected player (gateway/applied-spread.ts); 0: they answer at once. */
  appliedSpreadMsPerPlayer?: number;
  /** A screen without a heartbeat for this long counts as offline even if its socket looks open. */
  offlineAfterMs: number;
  logLevel: z.infer<typeof EnvSchema>['CRIER_LOG_LEVEL'];
  /** Large passes' manifest builds in a worker thread (manifest.build-worker.ts); false: all on the main thread. */
  buildWorker: boolean;
  /** Build threads a large pass is dealt out to (manifest.build-pool.ts). */
  buildThreads: number;
  /** The build threads' nice value on Linux (0: the process's own). */
  buildNice: number;
  /** The airing writer thread's nice value on Linux (0: the process's own). */
  writerNice: number;
  /** The ring each build thread writes its frames into (frame-arena.ts; default 32 MiB); tests set it small to make it wrap. */
  buildArenaBytes?: number;
  /** Upload limits in bytes, per kind (the kind is known from the first bytes). */
  maxImageBytes: number;
  maxAudioBytes: number;
  maxVideoBytes: number;
  maxVideoMs: number;
  maxAudioMs: number;
  /** Decompression-bomb guard: images whose header claims more pixels are refused before decoding. */
  maxImagePixels: number;
  /** Video renditions are at most this tall (landscape) or wide (portrait). */
  videoMaxHeight: number;
  /** x264 speed/size trade-off for video renditions; faster presets make larger files. */
  videoPreset: X264Preset;
  /** Extra image renditions for LED modules, beside the 1080p, portrait and 4K profiles. */
  ledSizes: { width: number; height: number }[];
  loudness: { integratedLufs: number; truePeakDbtp: number };
  /** How many ffmpeg jobs run at once. */
  ffmpegConcurrency: number;
  /** The first admin's password, used only when no account exists yet; else a one-time one is generated and logged. */
  adminPassword: string | undefined;
  /** `required`: media an editor uploads airs only once an approver approves it. */
  approval: 'required' | 'off';
  /** A session unused for this long, or older than sessionMaxMs, is over. */
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** `always`: session cookies are Secure even when the request looks like plain HTTP (TLS ended by a proxy). */
  secureCookies: 'auto' | 'always';
  /** scrypt cost (log2 N) for new password hashes; tests lower it. */
  scryptLogN: number;
  /** What unclaimed players show: the default campaign with the code in a corner, or only the code. */
  unclaimedDisplay: 'campaign' | 'code-only';
  /** New unclaimed screens one IP address may create per minute (abuse guard). */
  newScreensPerIpPerMinute: number;
  /** Cap on unclaimed screens; the oldest offline ones are dropped to make room. */
  maxUnclaimedScreens: number;
  /** A sherpa-onnx VITS Mandarin model directory; absent: espeak-ng speaks. */
  ttsVitsDir: string | undefined;
  /** Stores the operator chose to start empty although the data dir held them (server/storage/data-dir.ts). */
  recreateStores: string[];
  /** Quiet hours every catalogue gets once (seeded, then staff's to edit or delete); null: none. */
  stationQuietHours: { start: string; end: string } | null;
  /** Days raw plays and online intervals are kept (a campaign year by default); rollups are kept for ever. */
  rawRetentionDays: number;
  /** Play records one screen may store: a rate, and caps for unclaimed screens (server/gateway/play-limits.ts). */
  playLimits: PlayLimitSettings;
  /** Slow or idle HTTP clients: headers must arrive within headersMs, no byte for idleMs drops a request, idle keep-alive sockets close after keepAliveMs (player WebSockets are exempt). */
  httpTimeouts: { headersMs: number; idleMs: number; keepAliveMs: number };
  /** Fastify's trustProxy: whose X-Forwarded-For to believe (rate limits and logs see the real address behind nginx). */
  trustProxy: boolean | number | string[];
  /** Bearer token a Prometheus scraper sends to GET /metrics (else only a signed-in admin may read it). */
  metricsToken: string | undefined;
  /** When the server is behind: new player connections are refused (503) after a stall of lagMs (0: never); plays are bounded (server/gateway/plays-admission.ts). */
  shedding: { lagMs: number; plays: PlaysAdmissionLimits };
  /** PostgreSQL for every store (server/storage/stores.ts); undefined: the embedded files in the data dir. */
  databaseUrl?: string | undefined;
  /** Redis shared by the nodes of one Crier; absent: one process, everything in memory (server/cluster/). */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so several Criers (or tests) can share one Redis. */
  redisPrefix: string;
  /** This node's name in presence and locks: CRIER_NODE_ID, else hostname-pid. */
  nodeId: string;
  /** Renditions players fetch by immutable URL; shared by every node of a cluster. Absent: <data dir>/media (mediaDirs()). */
  mediaDir: string | undefined;
  /** Uploaded originals kept to re-render from; shared too, so another node can finish a dead node's job. Absent: <data dir>/originals. */
  originalsDir: string | undefined;
}

/** CRIER_TRUST_PROXY: false | true | hops | a list of proxy addresses or CIDRs. */
function parseTrustProxy(value: string): Config['trustProxy'] {
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim());
}

/** Where renditions and originals live: the shared directories when set, else inside the data dir as always. */
export const mediaDirs = (config: Pick<Config, 'dataDir' | 'mediaDir' | 'originalsDir'>) => ({
  media: config.mediaDir ?? path.join(config.dataDir, 'media'),
  originals: config.originalsDir ?? path.join(config.dataDir, 'originals'),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // A secret is never echoed, not even a wrong one.
    const shown = /PASSWORD|TOKEN|DATABASE_URL/.test(name) ? '(hidden)' : JSON.stringify(env[name] ?? '');
    throw new ConfigError(`配置错误 / invalid configuration: ${name}=${shown}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CRIER_DATA_DIR),
    timeZone: e.CRIER_TIME_ZONE,
    heartbeatIntervalMs: e.CRIER_HEARTBEAT_SECONDS * 1000,
    appliedSpreadMsPerPlayer: e.CRIER_APPLIED_SPREAD_MS_PER_PLAYER,
    offlineAfterMs: e.CRIER_OFFLINE_AFTER_SECONDS * 1000,
    logLevel: e.CRIER_LOG_LEVEL,
    buildWorker: e.CRIER_BUILD_WORKER === 'on',
    buildThreads: e.CRIER_BUILD_THREADS,
    buildNice: e.CRIER_BUILD_NICE,
    writerNice: e.CRIER_WRITER_NICE,
    maxImageBytes: Math.round(e.CRIER_MAX_IMAGE_MB * MB),
    maxAudioBytes: Math.round(e.CRIER_MAX_AUDIO_MB * MB),
    maxVideoBytes: Math.round(e.CRIER_MAX_VIDEO_MB * MB),
    maxVideoMs: Math.round(e.CRIER_MAX_VIDEO_SECONDS * 1000),
    maxAudioMs: Math.round(e.CRIER_MAX_AUDIO_SECONDS * 1000),
    maxImagePixels: Math.round(e.CRIER_MAX_IMAGE_MEGAPIXELS * 1_000_000),
    videoMaxHeight: e.CRIER_VIDEO_MAX_HEIGHT,
    videoPreset: e.CRIER_VIDEO_PRESET,
    ledSizes: parseSizes(e.CRIER_LED_SIZES),
    loudness: { integratedLufs: e.CRIER_LOUDNESS_LUFS, truePeakDbtp: e.CRIER_TRUE_PEAK_DBTP },
    ffmpegConcurrency: e.CRIER_FFMPEG_CONCURRENCY,
    adminPassword: e.CRIER_ADMIN_PASSWORD,
    approval: e.CRIER_APPROVAL,
    sessionIdleMs: e.CRIER_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.CRIER_SESSION_MAX_HOURS * 3_600_000,
    secureCookies: e.CRIER_SECURE_COOKIES,
    scryptLogN: DEFAULT_SCRYPT_LOG_N,
    unclaimedDisplay: e.CRIER_UNCLAIMED_DISPLAY,
    newScreensPerIpPerMinute: e.CRIER_NEW_SCREENS_PER_IP_PER_MINUTE,
    maxUnclaimedScreens: e.CRIER_MAX_UNCLAIMED_SCREENS,
    ttsVitsDir: e.CRIER_TTS_VITS_DIR ? path.resolve(e.CRIER_TTS_VITS_DIR) : undefined,
    recreateStores: e.CRIER_RECREATE_STORES,
    stationQuietHours: e.CRIER_STATION_QUIET_HOURS === 'off' ? null : { start: e.CRIER_STATION_QUIET_HOURS.slice(0, 5), end: e.CRIER_STATION_QUIET_HOURS.slice(6) },
    rawRetentionDays: e.CRIER_RAW_RETENTION_DAYS,
    httpTimeouts: {
      headersMs: e.CRIER_HEADERS_TIMEOUT_SECONDS * 1000,
      idleMs: e.CRIER_IDLE_TIMEOUT_SECONDS * 1000,
      keepAliveMs: e.CRIER_KEEP_ALIVE_SECONDS * 1000,
    },
    trustProxy: parseTrustProxy(e.CRIER_TRUST_PROXY),
    metricsToken: e.CRIER_METRICS_TOKEN,
    shedding: { lagMs: e.CRIER_SHED_LAG_MS, plays: { perCommit: e.CRIER_PLAYS_PER_COMMIT, maxPending: e.CRIER_MAX_PENDING_PLAYS, maxWaitMs: e.CRIER_PLAYS_MAX_WAIT_MS, minRate: e.CRIER_PLAYS_MIN_RATE } },
    databaseUrl: e.CRIER_DATABASE_URL,
    redisUrl: e.CRIER_REDIS_URL,
    redisPrefix: e.CRIER_REDIS_PREFIX,
    nodeId: e.CRIER_NODE_ID ?? `${os.hostname()}-${process.pid}`,
    mediaDir: e.CRIER_MEDIA_DIR ? path.resolve(e.CRIER_MEDIA_DIR) : undefined,
    originalsDir: e.CRIER_ORIGINALS_DIR ? path.resolve(e.CRIER_ORIGINALS_DIR) : undefined,
    playLimits: {
      playsPerMinute: e.CRIER_PLAYS_PER_MINUTE,
      unclaimedPlaysPerScreen: e.CRIER_UNCLAIMED_PLAYS_PER_SCREEN,
      unclaimedPlaysTotal: e.CRIER_UNCLAIMED_PLAYS_TOTAL,
    },
  };
}
