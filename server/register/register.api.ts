// Shapes of the register's HTTP API: what staff send to create and change places, and the tree they read.
import { z } from 'zod';
import { IdSchema } from '../../playlists/primitives.schema.js';
import { CampaignSchema, SiteSchema, TownshipSchema, VillageSchema } from '../../playlists/register.schema.js';

export const NewTownshipSchema = TownshipSchema.omit({ id: true });
export const TownshipPatchSchema = NewTownshipSchema.partial();
export const NewVillageSchema = VillageSchema.omit({ id: true });
export const VillagePatchSchema = NewVillageSchema.partial();
export const NewSiteSchema = SiteSchema.omit({ id: true });
export const SitePatchSchema = NewSiteSchema.partial();
export type NewTownship = z.infer<typeof NewTownshipSchema>;
export type TownshipPatch = z.infer<typeof TownshipPatchSchema>;
export type NewVillage = z.infer<typeof NewVillageSchema>;
export type VillagePatch = z.infer<typeof VillagePatchSchema>;
export type NewSite = z.infer<typeof NewSiteSchema>;
export type SitePatch = z.infer<typeof SitePatchSchema>;

/** Claimed screens at a place: `stations` are those whose player runs in audio mode (village loudspeakers). */
const Counts = { screens: z.number().int().nonnegative(), stations: z.number().int().nonnegative() };

export const RegisterSiteNodeSchema = SiteSchema.extend(Counts);
export const RegisterVillageNodeSchema = VillageSchema.extend({ ...Counts, sites: z.array(RegisterSiteNodeSchema) });
export const RegisterTownshipNodeSchema = TownshipSchema.extend({ ...Counts, villages: z.array(RegisterVillageNodeSchema) });
export const RegisterTreeSchema = z.object({
  townships: z.array(RegisterTownshipNodeSchema),
  campaign: CampaignSchema,
  totals: z.object({
    townships: z.number().int(),
    villages: z.number().int(),
    sites: z.number().int(),
    ...Counts,
    /** Villages and communities with no claimed screen or station at any of their sites. */
    villagesWithout: z.number().int(),
    /** Claimed screens not attached to any site yet. */
    unplaced: z.number().int(),
  }),
});
export type RegisterTree = z.infer<typeof RegisterTreeSchema>;

export const RegisterParamsSchema = z.object({ id: IdSchema });

/** What an import did (nothing when the file matched the register already). */
export const ImportResultSchema = z.object({
  rows: z.number().int(),
  created: z.object({ townships: z.number().int(), villages: z.number().int(), sites: z.number().int() }),
  updated: z.number().int(),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** A refused import: every bad line with its number and reason. */
export const ImportProblemSchema = z.object({ line: z.number().int(), message: z.string() });
export type ImportProblem = z.infer<typeof ImportProblemSchema>;

/**
 * Screens are placed by `siteId` from the register: free-text township, site and site type (which let
 * typos split a township in two) are refused with a message that says what to send instead.
 */
export const FREE_TEXT_PLACE_FIELDS = ['township', 'site', 'siteType'] as const;
export const freeTextPlaceFields = {
  township: z.unknown().optional().describe('no longer accepted: send siteId'),
  site: z.unknown().optional().describe('no longer accepted: send siteId'),
  siteType: z.unknown().optional().describe('no longer accepted: send siteId'),
};
export function refuseFreeTextPlace(value: Partial<Record<(typeof FREE_TEXT_PLACE_FIELDS)[number], unknown>>, ctx: z.RefinementCtx): void {
  for (const field of FREE_TEXT_PLACE_FIELDS) {
    if (value[field] === undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `不再接受自由填写的乡镇/点位/场所类型，请从点位登记中选择点位并发送 siteId（GET /api/v1/register）/ free-text ${field} is no longer accepted: pick a site from the register and send siteId (GET /api/v1/register)`,
    });
  }
}
