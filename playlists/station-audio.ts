// Village broadcast stations air audio only. These questions keep them from falling silent by accident:
// which stations have no audio ahead, and what a rule leaves the stations it reaches. Pure, on the resolver.
import type { Catalogue, Screen } from './catalogue.schema.js';
import { targetsScreen } from './targets.js';
import type { Target } from './schedule.schema.js';
import { resolveTimeline, type ResolveOptions, type Segment } from './timeline.js';

export const isStation = (screen: Pick<Screen, 'mode'>) => screen.mode === 'audio';

/** Whether a station airs any audio in [from, to): quiet hours count as silence. */
export function hasAudioAhead(catalogue: Readonly<Catalogue>, screen: Screen, from: number, to: number, options: ResolveOptions = {}): boolean {
  return resolveTimeline(catalogue, { ...screen, mode: 'audio' }, from, to, options).segments.some((s) => s.items.length > 0);
}

/** Claimed, unrevoked stations with no audio at all in [from, to). */
export function stationsWithoutAudio(catalogue: Readonly<Catalogue>, from: number, to: number, options: ResolveOptions = {}): Screen[] {
  return catalogue.screens.filter((s) => isStation(s) && !s.revokedAt && !hasAudioAhead(catalogue, s, from, to, options));
}

export interface RuleEffect {
  /** Stations where the rule is in force but has no audio: they air the next rule down (the default audio). */
  passedOver: Screen[];
  /** Stations left with nothing at all to air while the rule is in force (outside quiet hours). */
  silent: Screen[];
}

/** What a schedule entry or broadcast (already in `catalogue`) leaves the stations of its target over [from, to). */
export function ruleEffectOnStations(catalogue: Readonly<Catalogue>, rule: { id: string; target: Target }, from: number, to: number, options: ResolveOptions = {}): RuleEffect {
  const effect: RuleEffect = { passedOver: [], silent: [] };
  const isPassed = (s: Segment) => s.passed.some((r) => r.source.id === rule.id);
  for (const screen of catalogue.screens) {
    if (!isStation(screen) || screen.revokedAt || !targetsScreen(rule.target, screen)) continue;
    const passed = resolveTimeline(catalogue, screen, from, to, options).segments.filter((s) => !s.isQuiet && isPassed(s));
    if (passed.some((s) => s.items.length === 0)) effect.silent.push(screen);
    else if (passed.length) effect.passedOver.push(screen);
  }
  return effect;
}
