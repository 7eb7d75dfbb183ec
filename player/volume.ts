// The volume the player airs at: the manifest's volume segments (schedule, quiet hours) at the
// server-corrected time, switched at each boundary by a timer — offline too — and a volume command
// that holds until the schedule next changes the volume. Quiet hours win over the command.
// DOM-free: main.ts applies the level to the media elements, tests drive it in Node.
import type { Manifest } from '../playlists/manifest.schema.js';
import { segmentAt } from '../playlists/timeline.js';
import type { VolumeState } from './protocol.js';

export interface VolumeSpan {
  start: number;
  end: number;
  volume: number;
  isQuiet: boolean;
}

/** Re-checked at least this often, so a clock corrected by the server moves the next switch too. */
const MAX_WAIT_MS = 30_000;
const spansByManifest = new WeakMap<Manifest, VolumeSpan[]>();

/** The manifest's volume as spans from -∞ to +∞ (before and after its window the edge ones go on, as the timeline does). */
export function volumeSpansOf(manifest: Manifest | null): VolumeSpan[] {
  if (!manifest?.timeline?.volumes?.length) return [{ start: -Infinity, end: Infinity, volume: 100, isQuiet: false }];
  let spans = spansByManifest.get(manifest);
  if (!spans) {
    spans = manifest.timeline.volumes.map((v) => ({ start: Date.parse(v.start), end: Date.parse(v.end), volume: v.volume, isQuiet: v.source.kind === 'quiet' }));
    spans[0]!.start = -Infinity;
    spans[spans.length - 1]!.end = Infinity;
    spansByManifest.set(manifest, spans);
  }
  return spans;
}

/** When the scheduled volume next changes after `t` (quiet hours starting or ending count as a change). */
export function nextVolumeChange(spans: readonly VolumeSpan[], t: number): number {
  let i = spans.findIndex((s) => s.start <= t && t < s.end);
  if (i < 0) return Infinity;
  const here = spans[i]!;
  while (i + 1 < spans.length && spans[i + 1]!.volume === here.volume && spans[i + 1]!.isQuiet === here.isQuiet) i++;
  return spans[i]!.end;
}

export function createVolumeControl(env: { now: () => Date; apply: (volume: number, state: VolumeState) => void }) {
  let manifest: Manifest | null = null;
  let override: { volume: number; until: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: VolumeState | null = null;

  function state(): VolumeState {
    const t = env.now().getTime();
    const spans = volumeSpansOf(manifest);
    const span = segmentAt(spans, t) ?? spans[0]!;
    const change = nextVolumeChange(spans, t);
    const until = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    if (override && t >= override.until) override = null;
    if (span.isQuiet) return { volume: 0, source: 'quiet', until: until(change) };
    if (override) return { volume: override.volume, source: 'command', until: until(override.until) };
    return { volume: span.volume, source: 'schedule', until: until(change) };
  }

  function update(): void {
    clearTimeout(timer);
    const next = state();
    if (!last || last.volume !== next.volume || last.source !== next.source || last.until !== next.until) {
      last = next;
      env.apply(next.volume, next);
    }
    const wait = next.until ? Date.parse(next.until) - env.now().getTime() : Infinity;
    // A few ms late rather than early: the state is read again when the timer fires.
    timer = setTimeout(update, Math.min(MAX_WAIT_MS, Math.max(0, wait) + 5));
  }

  return {
    /** The newest manifest received (even before the loop airs it): volume follows the schedule at once. */
    setManifest(next: Manifest): void {
      manifest = next;
      // A command holds until the schedule changes the volume: by the new schedule, if that comes sooner.
      if (override) override.until = Math.min(override.until, nextVolumeChange(volumeSpansOf(manifest), env.now().getTime()));
      update();
    },
    /** A volume command: this level until the schedule next changes the volume. */
    command(volume: number): void {
      const t = env.now().getTime();
      override = { volume, until: nextVolumeChange(volumeSpansOf(manifest), t) };
      update();
    },
    start: update,
    stop(): void {
      clearTimeout(timer);
    },
    get state(): VolumeState {
      return last ?? state();
    },
  };
}
export type VolumeControl = ReturnType<typeof createVolumeControl>;
