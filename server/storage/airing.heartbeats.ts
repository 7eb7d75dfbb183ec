// Heartbeats kept as online intervals: a heartbeat within `gapMs` of the screen's last one extends
// its open interval, a later one starts a new interval. Millions of heartbeats a day become a few
// rows per screen-day; the health report is stored only when it says something new.
import type Database from 'better-sqlite3';
import type { Heartbeat } from '../../player/protocol.js';

/** The last heartbeat of a screen as the console shows it (live status). */
export interface StoredHeartbeat {
  receivedAt: string;
  heartbeat: Heartbeat;
}

interface OpenInterval {
  start: number;
  end: number;
  beats: number;
  isDirty: boolean;
}

type Health = Omit<Heartbeat, 'type' | 'sentAt' | 'uptimeMs' | 'airing'>;

/** A closed or extended interval, or a new health report, waiting to be written. */
export interface HeartbeatChanges {
  intervals: [screenId: string, start: number, end: number, beats: number][];
  health: { screen_id: string; received_at: number; sent_at: number; manifest_version: string | null; uptime_ms: number; details: string }[];
}

/**
 * The store-independent half: which interval a heartbeat extends or opens, and whether its health
 * report is news. `seed` gives each screen's latest stored interval (a restart within the gap
 * continues it); `drain` hands over what changed since the last drain.
 */
export function createHeartbeatTracker(gapMs: number, seed: Iterable<{ screen_id: string; start_at: number; end_at: number; beats: number }>) {
  // Each screen's latest interval, so a restart within the gap continues it rather than opening another.
  const open = new Map<string, OpenInterval>();
  for (const r of seed) open.set(r.screen_id, { start: r.start_at, end: r.end_at, beats: r.beats, isDirty: false });
  const lastHealthKey = new Map<string, string>();
  // What drifts every beat (clock offset, round trip, a record or two in flight) is not news.
  const healthKey = (health: Health) =>
    JSON.stringify({ ...health, clockOffsetMs: undefined, roundTripMs: undefined, pendingPlays: undefined, storage: health.storage && Math.round(health.storage.usage / 2 ** 20) });
  let pendingHealth: HeartbeatChanges['health'] = [];
  // Intervals a gap closed before their last extension was written.
  let closed: [string, OpenInterval][] = [];
  // Screens whose open interval changed since the last drain: a flush looks at these, not at the whole fleet.
  const dirty = new Set<string>();

  return {
    record(screenId: string, heartbeat: Heartbeat, receivedAt: Date): void {
      const at = receivedAt.getTime();
      const current = open.get(screenId);
      if (current && at >= current.end && at - current.end <= gapMs) (current.end = at), current.beats++, (current.isDirty = true);
      else if (!current || at > current.end) {
        if (current?.isDirty) closed.push([screenId, current]);
        open.set(screenId, { start: at, end: at, beats: 1, isDirty: true });
      }
      else current.beats++, (current.isDirty = true); // a late or equal timestamp: counted, the interval stays
      dirty.add(screenId);
      if (heartbeat.playerVersion === undefined) return;
      const { type: _t, sentAt: _s, uptimeMs: _u, airing: _a, ...health } = heartbeat;
      const key = healthKey(health);
      if (lastHealthKey.get(screenId) === key) return;
      lastHealthKey.set(screenId, key);
      pendingHealth.push({
        screen_id: screenId, received_at: at, sent_at: Date.parse(heartbeat.sentAt), manifest_version: heartbeat.manifestVersion,
        uptime_ms: heartbeat.uptimeMs, details: JSON.stringify(health),
      });
    },
    hasChanges(): boolean {
      return closed.length > 0 || pendingHealth.length > 0 || dirty.size > 0;
    },
    /** What to write now; a failed write hands it back with `restore`. */
    drain(): HeartbeatChanges {
      const intervals: HeartbeatChanges['intervals'] = closed.map(([screenId, i]) => [screenId, i.start, i.end, i.beats]);
      closed = [];
      for (const screenId of dirty) {
        const i = open.get(screenId);
        if (i?.isDirty) intervals.push([screenId, i.start, i.end, i.beats]), (i.isDirty = false);
      }
      dirty.clear();
      const health = pendingHealth;
      pendingHealth = [];
      return { intervals, health };
    },
    restore(changes: HeartbeatChanges): void {
      for (const [screenId, start, end, beats] of changes.intervals) {
        const i = open.get(screenId);
        if (i && i.start === start) (i.isDirty = true), dirty.add(screenId);
        else closed.push([screenId, { start, end, beats, isDirty: true }]);
      }
      pendingHealth = [...changes.health, ...pendingHealth];
    },
    /** Latest heartbeat time per screen (ISO). */
    lastHeartbeats(): Map<string, string> {
      return new Map([...open].map(([screenId, i]) => [screenId, new Date(i.end).toISOString()]));
    },
    /** After retention pruned old intervals: forget open ones that are gone. */
    forgetBefore(cutoff: number): void {
      for (const [screenId, i] of open) if (i.end < cutoff && !i.isDirty) open.delete(screenId);
    },
  };
}

/** A stored health report as the console shows it; null when the row is damaged (it costs one screen's last report). */
export function storedHeartbeatOf(r: { at: number; sent_at: number; manifest_version: string | null; uptime_ms: number; details: string }): StoredHeartbeat | null {
  try {
    const health = JSON.parse(r.details) as Health;
    const heartbeat: Heartbeat = { ...health, type: 'heartbeat', sentAt: new Date(r.sent_at).toISOString(), airing: null, manifestVersion: r.manifest_version, uptimeMs: r.uptime_ms };
    return { receivedAt: new Date(r.at).toISOString(), heartbeat };
  } catch {
    return null;
  }
}

/** Writes drained changes in one transaction, on the connection that writes (the writer thread). */
export function createHeartbeatWrites(db: Database.Database): (changes: HeartbeatChanges) => void {
  const upsertInterval = db.prepare(`INSERT INTO online_intervals (screen_id, start_at, end_at, beats) VALUES (?, ?, ?, ?)
    ON CONFLICT (screen_id, start_at) DO UPDATE SET end_at = excluded.end_at, beats = excluded.beats`);
  const insertHealth = db.prepare(`INSERT INTO heartbeat_health (screen_id, received_at, sent_at, manifest_version, uptime_ms, details)
    VALUES (@screen_id, @received_at, @sent_at, @manifest_version, @uptime_ms, @details)`);
  return db.transaction((changes: HeartbeatChanges) => {
    for (const i of changes.intervals) upsertInterval.run(...i);
    for (const row of changes.health) insertHealth.run(row);
  });
}

/** Heartbeats tracked in memory and handed to `write` (the writer thread); reads on `db` wait for what is handed over. */
export function createHeartbeatIntervals(db: Database.Database, gapMs: number, write: (changes: HeartbeatChanges) => Promise<void>) {
  const tracker = createHeartbeatTracker(
    gapMs,
    db.prepare(`SELECT screen_id, max(start_at) AS start_at, end_at, beats FROM online_intervals GROUP BY screen_id`).all() as {
      screen_id: string; start_at: number; end_at: number; beats: number;
    }[],
  );

  // The last hand-over: a read waits for it even when there is nothing new to hand over.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (tracker.hasChanges()) {
      const changes = tracker.drain();
      writing = write(changes).catch((error: unknown) => {
        tracker.restore(changes);
        throw error;
      });
    }
    await writing;
  };

  return {
    record: tracker.record,
    flush,
    lastHeartbeats: tracker.lastHeartbeats,
    async count(screenId?: string): Promise<number> {
      await flush();
      const row = screenId
        ? db.prepare('SELECT coalesce(sum(beats), 0) AS n FROM online_intervals WHERE screen_id = ?').get(screenId)
        : db.prepare('SELECT coalesce(sum(beats), 0) AS n FROM online_intervals').get();
      return (row as { n: number }).n;
    },
    async latestHealth(): Promise<Map<string, StoredHeartbeat>> {
      await flush();
      // One row per screen: its latest report (SQLite returns the bare columns of the max() row).
      const rows = db
        .prepare(`SELECT screen_id, max(received_at) AS at, sent_at, manifest_version, uptime_ms, details FROM heartbeat_health GROUP BY screen_id`)
        .all() as { screen_id: string; at: number; sent_at: number; manifest_version: string | null; uptime_ms: number; details: string }[];
      const latestHealth = new Map<string, StoredHeartbeat>();
      for (const r of rows) {
        const stored = storedHeartbeatOf(r);
        if (stored) latestHealth.set(r.screen_id, stored);
      }
      return latestHealth;
    },
    forgetBefore: tracker.forgetBefore,
  };
}
