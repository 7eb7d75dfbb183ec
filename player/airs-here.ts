// What this player airs of a segment. An audio station airs only audio. A screen airs everything,
// except that in an urgent alert with something to show, the spoken clip is left to the
// loudspeakers: the screen keeps the alert's words full-screen instead of an audio card.
import type { PlanSegment } from '../playlists/airing-plan.js';
import type { ManifestItem } from '../playlists/manifest.schema.js';

export function airsHere(mode: 'screen' | 'audio', item: ManifestItem, segment?: Pick<PlanSegment, 'sourceKind' | 'items'>): boolean {
  if (mode === 'audio') return item.type === 'audio';
  if (item.type !== 'audio' || segment?.sourceKind !== 'alert') return true;
  return !segment.items.some((other) => other.type !== 'audio');
}
