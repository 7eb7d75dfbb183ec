// The player's view of a manifest: its timeline as instants, and which item of a segment airs when.
// Pure, shared with the server's tests; the player bundles it and needs nothing else to air offline.
import type { Manifest, ManifestItem } from './manifest.schema.js';
import { segmentAt } from './timeline.js';

export interface PlanSegment {
  start: number;
  end: number;
  /** Equal keys are one airing: the player keeps its place in the loop across segments of one key. */
  key: string;
  sourceKind: string;
  mode: 'loop' | 'once';
  anchor: number | null;
  items: ManifestItem[];
  isQuiet: boolean;
  reason: string;
}

const plans = new WeakMap<Manifest, PlanSegment[]>();

/**
 * The manifest's segments. A manifest without a timeline is one endless loop of its items; past the
 * timeline's end (a player offline for over a week) the last segment goes on, never black.
 */
export function planOf(manifest: Manifest): PlanSegment[] {
  let plan = plans.get(manifest);
  if (plan) return plan;
  const timeline = manifest.timeline;
  if (!timeline) {
    plan = [{ start: -Infinity, end: Infinity, key: 'items', sourceKind: 'schedule', mode: 'loop', anchor: null, items: manifest.items, isQuiet: false, reason: manifest.reason }];
  } else {
    plan = timeline.segments.map((s) => ({
      start: Date.parse(s.start),
      end: Date.parse(s.end),
      key: s.key,
      sourceKind: s.source.kind,
      mode: s.mode,
      anchor: s.anchor === null ? null : Date.parse(s.anchor),
      items: timeline.loops[s.loop] ?? [],
      isQuiet: s.isQuiet,
      reason: s.reason,
    }));
    plan[0]!.start = -Infinity;
    plan[plan.length - 1]!.end = Infinity;
  }
  plans.set(manifest, plan);
  return plan;
}

export function planSegmentAt(manifest: Manifest, t: number): PlanSegment {
  return segmentAt(planOf(manifest), t) ?? planOf(manifest)[0]!;
}

/** For a broadcast resumed after an interruption: the item in progress `offsetMs` after its anchor (-1 when it is over). */
export function onceIndexAt(items: readonly { durationMs: number }[], offsetMs: number): number {
  let elapsed = 0;
  for (let i = 0; i < items.length; i++) {
    elapsed += items[i]!.durationMs;
    if (offsetMs < elapsed) return i;
  }
  return -1;
}
