// Timeline preview: what a screen airs over a range and why (which rule won, over what), resolved by
// the same pure function the manifest and the player use.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, IsoTimeSchema, MediaKindSchema } from '../../playlists/catalogue.schema.js';
import { SourceRefSchema } from '../../playlists/manifest.schema.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { describeSegment, resolveTimeline, type SourceRef } from '../../playlists/timeline.js';
import { DAY_MS, formatInZone, HOUR_MS } from '../../playlists/wall-clock.js';
import type { Clock } from '../clock.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import type { ScreensService } from '../services/screens.service.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

const MAX_RANGE_DAYS = 31;

export const TimelineSegmentSchema = z.object({
  start: IsoTimeSchema,
  end: IsoTimeSchema,
  /** The same instants in the screen's zone, for people. */
  startLocal: z.string(),
  endLocal: z.string(),
  source: SourceRefSchema,
  reason: z.string(),
  beat: z.array(SourceRefSchema),
  /** The winning rule's own name (a schedule entry's name, a broadcast's, an alert's title), for people. */
  sourceName: z.string().nullable(),
  /** Names of the rules it beat, in the order of `beat`. */
  beatNames: z.array(z.string().nullable()),
  /** Rules that outranked the winner but had nothing this screen can air (a station: no audio in them). */
  passed: z.array(z.object({ source: SourceRefSchema, name: z.string().nullable(), playlistId: IdSchema, playlistName: z.string() })),
  /** Whether the screen is a broadcast station (airs audio only). */
  isStation: z.boolean(),
  playlistId: IdSchema.nullable(),
  playlistName: z.string().nullable(),
  mode: z.enum(['loop', 'once']),
  anchor: IsoTimeSchema.nullable(),
  isQuiet: z.boolean(),
  items: z.array(z.object({ id: z.string(), mediaId: IdSchema, title: z.string(), type: MediaKindSchema, durationMs: z.number().int() })),
});

export const TimelineResponseSchema = z.object({
  screenId: IdSchema,
  timeZone: z.string(),
  from: IsoTimeSchema,
  to: IsoTimeSchema,
  segments: z.array(TimelineSegmentSchema),
});

/** A rule's name as staff gave it: null for the default campaign, nothing, or an unnamed schedule entry. */
function ruleNames(catalogue: Readonly<Catalogue>): (ref: SourceRef) => string | null {
  return (ref) => {
    switch (ref.kind) {
      case 'schedule':
        return catalogue.schedules.find((r) => r.id === ref.id)?.name ?? null;
      case 'broadcast':
        return catalogue.broadcasts.find((r) => r.id === ref.id)?.name ?? null;
      case 'alert':
        return catalogue.alerts.find((r) => r.id === ref.id)?.title ?? null;
      default:
        return null;
    }
  };
}

export function registerTimelineRoutes(app: FastifyInstance, deps: { catalogue: CatalogueStore; screens: ScreensService; clock: Clock; timeZone: string }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/screens/:id/timeline',
    {
      schema: {
        tags: ['screens'],
        summary: `What the screen airs from \`from\` (default now) to \`to\` (default 24 h later, at most ${MAX_RANGE_DAYS} days), and why`,
        params: z.object({ id: IdSchema }),
        querystring: z.object({ from: IsoTimeSchema.optional(), to: IsoTimeSchema.optional() }),
        response: { 200: TimelineResponseSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    (req) => {
      const screen = deps.screens.get(req.params.id);
      const from = req.query.from ? Date.parse(req.query.from) : deps.clock.now().getTime();
      const to = req.query.to ? Date.parse(req.query.to) : from + 24 * HOUR_MS;
      if (to <= from) throw new AppError(422, 'end-before-start', `结束时间须晚于开始时间 / to must be after from`);
      if (to - from > MAX_RANGE_DAYS * DAY_MS) throw new AppError(422, 'range-too-long', `预览范围最长 ${MAX_RANGE_DAYS} 天 / at most ${MAX_RANGE_DAYS} days per preview`);
      const catalogue = deps.catalogue.read();
      const timeline = resolveTimeline(catalogue, screen, from, to, { timeZone: deps.timeZone });
      const nameOf = ruleNames(catalogue);
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        screenId: screen.id,
        timeZone: timeline.timeZone,
        from: iso(from),
        to: iso(to),
        segments: timeline.segments.map((s) => ({
          start: iso(s.start),
          end: iso(s.end),
          startLocal: formatInZone(s.start, timeline.timeZone),
          endLocal: formatInZone(s.end, timeline.timeZone),
          source: s.source,
          reason: describeSegment(s),
          beat: s.beat,
          sourceName: nameOf(s.source),
          beatNames: s.beat.map(nameOf),
          passed: s.passed.map((r) => ({ ...r, name: nameOf(r.source) })),
          isStation: screen.mode === 'audio',
          playlistId: s.playlistId,
          playlistName: s.playlistName,
          mode: s.mode,
          anchor: s.anchor === null ? null : iso(s.anchor),
          isQuiet: s.isQuiet,
          items: s.items.map((i) => ({ id: i.id, mediaId: i.mediaId, title: i.media.title, type: i.media.kind, durationMs: i.durationMs })),
        })),
      };
    },
  );
}
