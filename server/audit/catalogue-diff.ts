// What a catalogue change changed, item by item: compared by id per collection, so one diff covers every
// service (and every collection added later) without any of them reporting its own edits.
import { itemById } from '../../playlists/catalogue.index.js';
import { CATALOGUE_ITEM_SCHEMAS, type Catalogue } from '../../playlists/catalogue.schema.js';
import { isItemList as isIdList } from '../storage/catalogue.share.js';

export interface ItemChange {
  action: 'create' | 'update' | 'delete' | 'approve' | 'reject';
  entity: string;
  entityId: string;
  summary: string;
  before: unknown;
  after: unknown;
}

const ENTITY: Record<string, [en: string, zh: string]> = {
  media: ['media', '媒体'],
  playlists: ['playlist', '播放列表'],
  schedules: ['schedule', '排播'],
  screens: ['screen', '屏幕'],
  broadcasts: ['broadcast', '定时广播'],
  alerts: ['alert', '紧急插播'],
  quietHours: ['quiet-hours', '静音时段'],
  volumeSchedules: ['volume-schedule', '音量计划'],
  townships: ['township', '乡镇'],
  villages: ['village', '村/社区'],
  sites: ['site', '点位'],
};
/** Settings of the catalogue that are not lists of items, by name in both languages. */
const SETTINGS: Record<string, [zh: string, en: string]> = {
  defaultPlaylistId: ['默认宣传播放列表', 'default campaign playlist'],
  siteTypeSound: ['各场所类型的视频声音', 'video sound per site type'],
  seededDefaults: ['已添加的默认设置', 'defaults already added'],
  campaign: ['宣传活动', 'campaign'],
  schemaVersion: ['数据格式版本', 'schema version'],
};
const VERB: Record<ItemChange['action'], [en: string, zh: string]> = {
  create: ['created', '新建'],
  update: ['changed', '修改'],
  delete: ['deleted', '删除'],
  approve: ['approved', '审核通过'],
  reject: ['rejected', '驳回'],
};

type Item = { id: string; title?: unknown; name?: unknown; approval?: { state?: string } };
const isItemList = (value: unknown): value is Item[] => isIdList(value);
const labelOf = (item: Item) => String(item.title ?? item.name ?? item.id);

export function describeChange(action: ItemChange['action'], entityKey: string, label: string): string {
  const [en, zh] = ENTITY[entityKey] ?? [entityKey, entityKey];
  return `${VERB[action][1]}${zh}「${label}」 / ${VERB[action][0]} ${en} "${label}"`;
}

/** Serialised items of the previous catalogue, kept so each commit serialises only what is new. */
const serialised = new WeakMap<object, string>();
const json = (item: object) => {
  let text = serialised.get(item);
  if (text === undefined) serialised.set(item, (text = JSON.stringify(item)));
  return text;
};

/** The catalogue's lists are lists of items by their schema: no pass over 10,000 screens to tell. */
const isListOf = (key: string, value: unknown): value is Item[] => (key in CATALOGUE_ITEM_SCHEMAS ? Array.isArray(value) : isItemList(value));

/**
 * One list's changes, walking it by identity: an item that is still the very object it was is skipped,
 * and a changed one is compared with its prior found by id (playlists/catalogue.index.ts), so a claim's
 * diff at 10,000 screens looks at one screen. Deletions are looked for only when the list lost a place.
 */
function listChanges(key: string, was: readonly Item[], now: readonly Item[]): ItemChange[] {
  const changes: ItemChange[] = [];
  const entity = ENTITY[key]?.[0] ?? key;
  let isExtension = now.length >= was.length;
  for (let i = 0; i < now.length; i++) {
    const item = now[i]!;
    if (item === was[i]) continue;
    if (i < was.length && was[i]!.id !== item.id) isExtension = false;
    const prior = was[i]?.id === item.id ? was[i] : itemById(was, item.id);
    if (!prior) {
      changes.push({ action: 'create', entity, entityId: item.id, summary: describeChange('create', key, labelOf(item)), before: null, after: item });
    } else if (prior !== item && json(prior) !== json(item)) {
      const state = item.approval?.state;
      const action = state !== prior.approval?.state && (state === 'approved' || state === 'rejected') ? (state === 'approved' ? 'approve' : 'reject') : 'update';
      changes.push({ action, entity, entityId: item.id, summary: describeChange(action, key, labelOf(item)), before: prior, after: item });
    }
  }
  if (isExtension) return changes;
  for (const item of was) {
    if (itemById(now, item.id) === undefined) changes.push({ action: 'delete', entity, entityId: item.id, summary: describeChange('delete', key, labelOf(item)), before: item, after: null });
  }
  return changes;
}

export function diffCatalogues(before: Readonly<Catalogue>, after: Readonly<Catalogue>): ItemChange[] {
  const changes: ItemChange[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const was = (before as Record<string, unknown>)[key];
    const now = (after as Record<string, unknown>)[key];
    // The store shares what did not change (server/storage/catalogue.delta.ts): the same list, nothing to compare.
    if (was === now) continue;
    if (isListOf(key, was) || isListOf(key, now)) {
      changes.push(...listChanges(key, isListOf(key, was) ? was : [], isListOf(key, now) ? now : []));
    } else if (JSON.stringify(was) !== JSON.stringify(now)) {
      const [zh, en] = SETTINGS[key] ?? [key, key];
      changes.push({ action: 'update', entity: 'catalogue', entityId: key, summary: `修改设置「${zh}」 / changed setting “${en}”`, before: was ?? null, after: now ?? null });
    }
  }
  return changes;
}
