// Village broadcast stations kept from silence: which stations have no audio in the next 24 hours, and
// what a schedule entry or broadcast being edited would leave the stations it reaches (asked before saving).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Catalogue, Screen } from '../../playlists/catalogue.schema.js';
import { IdSchema } from '../../playlists/catalogue.schema.js';
import { ruleEffectOnStations, stationsWithoutAudio } from '../../playlists/station-audio.js';
import { DAY_MS, HOUR_MS } from '../../playlists/wall-clock.js';
import type { Clock } from '../clock.js';
import { ErrorBodySchema } from '../errors.js';
import { BroadcastInputSchema, ScheduleInputSchema } from '../services/schedules.service.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

const StationRowSchema = z.object({ screenId: IdSchema, name: z.string(), township: z.string().nullable() });
const row = (s: Screen) => ({ screenId: s.id, name: s.name, township: s.township ?? null });

export const StationCheckSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('schedule'), id: IdSchema.optional(), rule: ScheduleInputSchema }),
  z.object({ kind: z.literal('broadcast'), id: IdSchema.optional(), rule: BroadcastInputSchema }),
]);

/** How far ahead the check looks: the week a manifest carries. */
const CHECK_DAYS = 7;
const DRAFT_ID = 'draft-rule';

const SoundSettingSchema = z.enum(['on', 'off']);
export const SiteTypeSoundBodySchema = z.object({
  siteType: z.string().trim().min(1).max(60),
  /** auto: no setting for the site type (stations on, screens off, unless a screen says otherwise). */
  sound: z.enum(['on', 'off', 'auto']),
});

export function registerStationRoutes(app: FastifyInstance, deps: { catalogue: CatalogueStore; clock: Clock; timeZone: string; onChange: () => void }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const options = { timeZone: deps.timeZone };
  const SiteTypeSound = z.record(z.string(), SoundSettingSchema);
  // County-wide (the admin's): video sound per site type; a screen's own setting wins over it.
  r.get(
    '/api/v1/site-type-sound',
    { schema: { tags: ['screens'], summary: 'Video sound per site type (a screen\'s own setting wins; default on for stations, off for screens)', response: { 200: SiteTypeSound } } },
    () => deps.catalogue.read().siteTypeSound,
  );
  r.put(
    '/api/v1/site-type-sound',
    { schema: { tags: ['screens'], summary: 'Set (or with auto, clear) the video sound of one site type; screens of that type get new manifests', body: SiteTypeSoundBodySchema, response: { 200: SiteTypeSound, 400: ErrorBodySchema } } },
    async (req) => {
      const { siteType, sound } = req.body;
      const next = await deps.catalogue.update((draft) => {
        if (sound === 'auto') delete draft.siteTypeSound[siteType];
        else draft.siteTypeSound[siteType] = sound;
        return draft.siteTypeSound;
      });
      deps.onChange();
      return next;
    },
  );
  r.get(
    '/api/v1/screens/stations-without-audio',
    {
      schema: {
        tags: ['screens'],
        summary: 'Broadcast stations with no audio to air in the next 24 hours (quiet hours count as silence)',
        response: { 200: z.array(StationRowSchema) },
      },
    },
    () => {
      const now = deps.clock.now().getTime();
      return stationsWithoutAudio(deps.catalogue.read(), now, now + 24 * HOUR_MS, options).map(row);
    },
  );
  r.post(
    '/api/v1/schedules/station-check',
    {
      schema: {
        tags: ['schedules'],
        summary: `Before saving a schedule entry or broadcast: the stations it reaches that it would pass over (no audio in its playlist) or leave silent, over the next ${CHECK_DAYS} days`,
        body: StationCheckSchema,
        response: { 200: z.object({ passedOver: z.array(StationRowSchema), silent: z.array(StationRowSchema) }), 400: ErrorBodySchema },
      },
    },
    (req) => {
      const now = deps.clock.now();
      const current = deps.catalogue.read();
      const id = req.body.id ?? DRAFT_ID;
      const stamped = { ...req.body.rule, id, createdAt: now.toISOString() };
      // The rule as it would be stored, in a copy of the catalogue: nothing is written.
      const draft: Catalogue =
        req.body.kind === 'schedule'
          ? { ...current, schedules: [...current.schedules.filter((s) => s.id !== id), { ...stamped, priority: req.body.rule.priority ?? 0 } as Catalogue['schedules'][number]] }
          : { ...current, broadcasts: [...current.broadcasts.filter((b) => b.id !== id), { ...stamped, priority: req.body.rule.priority ?? 0 } as Catalogue['broadcasts'][number]] };
      const effect = ruleEffectOnStations(draft, { id, target: req.body.rule.target }, now.getTime(), now.getTime() + CHECK_DAYS * DAY_MS, options);
      return { passedOver: effect.passedOver.map(row), silent: effect.silent.map(row) };
    },
  );
}
