// The register of places (点位登记): county → township (乡镇) → community or village (社区/村) → site (点位),
// and the campaign's dates and milestones. Pure zod, shared by server, console and reports.
import * as z from 'zod';
import { IdSchema } from './primitives.schema.js';
import { LocalDateSchema } from './schedule.schema.js';

/**
 * Site types of the county plan's section 五 (社区(村)、居民小区、党政机关、企事业单位、车站、码头、商场、广场、
 * 写字楼、单位食堂、中小学校, 街面, 村组 loudspeakers). The values are what targets by site type match.
 */
export const SITE_TYPES = ['社区/村', '居民小区', '村组', '机关', '企业', '车站', '码头', '商场', '广场', '写字楼', '食堂', '学校', '街面', '其他'] as const;
export const SiteTypeSchema = z.enum(SITE_TYPES);
export type SiteType = z.infer<typeof SiteTypeSchema>;

export const SITE_TYPE_LABELS_EN: Record<SiteType, string> = {
  '社区/村': 'community / village committee',
  居民小区: 'residential compound',
  村组: 'village group (loudspeaker)',
  机关: 'government office',
  企业: 'company or institution',
  车站: 'station',
  码头: 'dock',
  商场: 'mall',
  广场: 'square',
  写字楼: 'office tower',
  食堂: 'canteen',
  学校: 'school',
  街面: 'street',
  其他: 'other',
};

/**
 * One spelling per name: Unicode NFKC (full-width letters and brackets), no whitespace next to a Han
 * character, other runs of whitespace as one space. So "城关镇", "城关镇 " and "城关 镇" are one township.
 */
export function normalisePlaceName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .replace(/ (?=\p{Script=Han})|(?<=\p{Script=Han}) /gu, '')
    .trim();
}

// A codec, not a transform: API answers are encoded through the same schema, and names are already normal there.
const PlaceNameSchema = (max: number) =>
  z.codec(z.string(), z.string().min(1, '名称不能为空 / the name must not be empty').max(max), { decode: normalisePlaceName, encode: (name) => name });

/** A short official code (行政区划代码 or the county's own), optional. */
const CodeSchema = z.string().trim().min(1).max(20).regex(/^[0-9A-Za-z-]+$/, '代码只能含字母、数字和“-” / code: letters, digits and "-" only');

export const TownshipSchema = z.object({
  id: IdSchema,
  name: PlaceNameSchema(60),
  code: CodeSchema.optional(),
});
export type Township = z.infer<typeof TownshipSchema>;

export const VillageKindSchema = z.enum(['community', 'village']);
export type VillageKind = z.infer<typeof VillageKindSchema>;
export const VILLAGE_KIND_LABELS: Record<VillageKind, { zh: string; en: string }> = {
  community: { zh: '社区', en: 'community' },
  village: { zh: '村', en: 'village' },
};

export const VillageSchema = z.object({
  id: IdSchema,
  townshipId: IdSchema,
  name: PlaceNameSchema(60),
  kind: VillageKindSchema,
  code: CodeSchema.optional(),
});
export type Village = z.infer<typeof VillageSchema>;

export const SiteSchema = z.object({
  id: IdSchema,
  villageId: IdSchema,
  name: PlaceNameSchema(120),
  type: SiteTypeSchema,
  address: z.string().trim().max(200).optional(),
  /** What migration or import could not place elsewhere (e.g. a free-text site type it did not know). */
  note: z.string().trim().max(200).optional(),
});
export type Site = z.infer<typeof SiteSchema>;

export const MilestoneKindSchema = z.enum(['coverage', 'other']);
export const MilestoneSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  dueDate: LocalDateSchema,
  kind: MilestoneKindSchema,
  /** For coverage: the share of villages/communities (0–100 %) that must have a working screen or loudspeaker. */
  target: z.number().min(0).max(100).optional(),
});
export type Milestone = z.infer<typeof MilestoneSchema>;

export const CampaignSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    startDate: LocalDateSchema,
    endDate: LocalDateSchema,
    milestones: z.array(MilestoneSchema).max(50).default([]),
  })
  .refine((c) => c.startDate <= c.endDate, { message: '结束日期不能早于开始日期 / the end date must not be before the start date', path: ['endDate'] })
  .refine((c) => new Set(c.milestones.map((m) => m.id)).size === c.milestones.length, { message: '里程碑编号重复 / duplicate milestone id', path: ['milestones'] });
export type Campaign = z.infer<typeof CampaignSchema>;

/** The county plan's campaign (seed, section 二 and 五), moved to the coming season. */
export const defaultCampaign = (): Campaign => ({
  name: '打击治理电信网络诈骗集中宣传活动',
  startDate: '2027-01-10',
  endDate: '2027-03-31',
  milestones: [
    { id: 'coverage', name: '社会面宣传全覆盖', dueDate: '2027-01-31', kind: 'coverage', target: 100 },
    { id: 'wechat-groups', name: '反诈微信群构建及首次宣传', dueDate: '2027-02-28', kind: 'other' },
    { id: 'door-to-door', name: '首次上门入户宣传', dueDate: '2027-03-31', kind: 'other' },
  ],
});

/** Where a screen stands in the register (reports group by it; an edit of the register re-groups history). */
export interface Place {
  townshipId: string;
  townshipName: string;
  villageId: string;
  villageName: string;
  villageKind: VillageKind;
  siteId: string;
  siteName: string;
  siteType: SiteType;
}

export { placeOf, registerIndex, type RegisterIndex } from './register.index.js';
