// Create, read, update and delete for the scheduling rules kept in the catalogue (schedule entries,
// broadcasts, quiet hours): one implementation, each kind bringing its own checks. A rule that fails
// a check is refused with nothing written; every change is pushed to the players it affects.
import { randomUUID } from 'node:crypto';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import { draftItem, removeFromDraft, replaceInDraft } from '../storage/catalogue.draft.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

type Collection = 'schedules' | 'broadcasts' | 'quietHours' | 'volumeSchedules';
type RuleOf<K extends Collection> = Catalogue[K][number];
type Stamped = { id: string; createdAt: string; updatedAt?: string | undefined };

export interface RuleServiceOptions<K extends Collection> {
  catalogue: CatalogueStore;
  clock: Clock;
  onChange: () => void;
  collection: K;
  idPrefix: string;
  /** For messages: "排期 schedule". */
  label: string;
  /** Throws an AppError when the rule may not be stored as it is; runs on the draft, so the catalogue is untouched. */
  check: (draft: Catalogue, rule: RuleOf<K>, now: Date) => void;
}

export function createRuleService<K extends Collection, Input extends object>(options: RuleServiceOptions<K>) {
  const { catalogue, clock, onChange, collection, idPrefix, label, check } = options;
  const rules = (c: Readonly<Catalogue>) => c[collection] as RuleOf<K>[];

  return {
    list: (): RuleOf<K>[] => rules(catalogue.read()),
    get(id: string): RuleOf<K> {
      const rule = rules(catalogue.read()).find((r) => (r as Stamped).id === id);
      if (!rule) throw notFound(label, id);
      return rule;
    },
    async create(input: Input): Promise<RuleOf<K>> {
      const rule = await catalogue.update((draft) => {
        const now = clock.now();
        const created = { id: `${idPrefix}-${randomUUID().slice(0, 8)}`, ...input, createdAt: now.toISOString() } as unknown as RuleOf<K>;
        check(draft, created, now);
        rules(draft).push(created);
        return created;
      });
      onChange();
      return rule;
    },
    async update(id: string, input: Input): Promise<RuleOf<K>> {
      const rule = await catalogue.update((draft) => {
        const list = rules(draft) as (RuleOf<K> & Stamped)[];
        const existing = draftItem(list, id);
        if (!existing) throw notFound(label, id);
        const now = clock.now();
        const updated = { ...input, id, createdAt: existing.createdAt, updatedAt: now.toISOString() } as unknown as RuleOf<K> & Stamped;
        check(draft, updated, now);
        replaceInDraft(list, updated);
        return updated;
      });
      onChange();
      return rule;
    },
    async remove(id: string): Promise<void> {
      await catalogue.update((draft) => {
        const list = rules(draft) as (RuleOf<K> & Stamped)[];
        if (!draftItem(list, id)) throw notFound(label, id);
        removeFromDraft(list, [id]);
      });
      onChange();
    },
  };
}
