// Police figures: entered week by week in a form or imported from a file, always inside the user's
// township scope and against the register's townships; every change is audited.
import type { Catalogue } from '../../../playlists/catalogue.schema.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { AuditService } from '../../services/audit.service.js';
import type { ReportsStore } from '../../storage/reports.store.js';
import { placesOf } from '../places.js';
import { parsePoliceFile } from './police.import.js';
import type { PoliceFigure, PoliceWeekInput } from './police.schema.js';

export interface Actor { username: string; township: string | null }

export type PoliceService = ReturnType<typeof createPoliceService>;

export function createPoliceService(deps: { store: ReportsStore; catalogue: () => Readonly<Catalogue>; clock: Clock; audit: AuditService }) {
  const { store, clock, audit } = deps;
  /** May this actor enter figures for the township? County staff: any; township staff: their own. */
  const mayEnter = (actor: Actor, townshipId: string) => placesOf(deps.catalogue()).isInScope(townshipId, actor.township);
  const record = (actor: Actor, action: string, figures: Omit<PoliceFigure, 'enteredAt'>[], summary: string) =>
    audit.record({
      actor: null,
      action,
      entity: 'police-figures',
      entityId: [...new Set(figures.map((f) => f.week))].join(',').slice(0, 200),
      summary: `${summary}（${actor.username}）`,
      before: null,
      after: figures.map(({ townshipId, week, fraudType, cases, lossYuan }) => ({ townshipId, week, fraudType, cases, lossYuan })),
    });

  return {
    async list(fromWeek: string, toWeek: string, scope: string | null): Promise<PoliceFigure[]> {
      const places = placesOf(deps.catalogue());
      return (await store.figures(fromWeek, toWeek)).filter((f) => places.isInScope(f.townshipId, scope));
    },
    /** One township's week from the console form. */
    async enterWeek(input: PoliceWeekInput, actor: Actor): Promise<number> {
      const townshipId = placesOf(deps.catalogue()).townshipOf(input.townshipId);
      if (!townshipId) throw new AppError(422, 'unknown-township', `未登记的乡镇 / unknown township: ${input.townshipId}`);
      if (!mayEnter(actor, townshipId)) throw new AppError(403, 'out-of-scope', `超出本乡镇（${actor.township}）的范围 / outside your township (${actor.township})`);
      const types = input.figures.map((f) => f.fraudType);
      if (new Set(types).size !== types.length) throw new AppError(422, 'duplicate-fraud-type', '同一案件类型填写了两次 / a fraud type appears twice');
      const figures = input.figures.map((f) => ({ ...f, townshipId, week: input.week, enteredBy: actor.username }));
      await store.putFigures(figures, clock.now());
      record(actor, 'update', figures, `录入 ${townshipId} ${input.week} 案情 ${figures.length} 项 / entered police figures`);
      return figures.length;
    },
    /** A CSV or XLSX file: every row checked before any is stored. */
    async importFile(bytes: Buffer, actor: Actor): Promise<PoliceFigure[]> {
      const places = placesOf(deps.catalogue());
      const figures = await parsePoliceFile(bytes, { townshipOf: places.townshipOf, mayEnter: (id) => mayEnter(actor, id), enteredBy: actor.username });
      const at = clock.now();
      await store.putFigures(figures, at);
      record(actor, 'import', figures, `导入案情 ${figures.length} 行 / imported ${figures.length} police figure rows`);
      return figures.map((f) => ({ ...f, enteredAt: at.toISOString() }));
    },
  };
}
