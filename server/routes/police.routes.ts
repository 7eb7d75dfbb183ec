// Police case figures (公安每周案情): read by every signed-in user in their scope; entered and imported
// with `police:write` (server/auth/permissions.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localDayAt } from '../../playlists/wall-clock.js';
import { scopedTownship } from '../auth/township-scope.js';
import type { Clock } from '../clock.js';
import { readSmallFile } from './multipart.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import { IsoWeekSchema, weekOfDay } from '../reports/iso-week.js';
import type { PoliceService } from '../reports/police/police.service.js';
import { PoliceFigureSchema, PoliceWeekInputSchema } from '../reports/police/police.schema.js';

const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export function registerPoliceRoutes(app: FastifyInstance, deps: { police: PoliceService; clock: Clock; timeZone: string }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['police figures'];
  const actor = (req: FastifyRequest) => ({ username: req.signedIn?.user.username ?? '?', township: scopedTownship(req) });

  r.get(
    '/api/v1/police-figures',
    {
      schema: {
        tags,
        summary: 'Police case figures per township, ISO week and fraud type (default: the last 12 weeks); township staff see their township',
        querystring: z.object({ fromWeek: IsoWeekSchema.optional(), toWeek: IsoWeekSchema.optional() }),
        response: { 200: z.object({ figures: z.array(PoliceFigureSchema) }), 400: ErrorBodySchema },
      },
    },
    async (req) => {
      const today = localDayAt(deps.clock.now().getTime(), deps.timeZone).day;
      const toWeek = req.query.toWeek ?? weekOfDay(today);
      const fromWeek = req.query.fromWeek ?? weekOfDay(today - 7 * 11);
      return { figures: await deps.police.list(fromWeek, toWeek, scopedTownship(req)) };
    },
  );

  r.put(
    '/api/v1/police-figures',
    {
      schema: {
        tags,
        summary: "One township's week from the form: each given fraud type's case count and loss (元) replaces what was there",
        body: PoliceWeekInputSchema,
        response: { 200: z.object({ stored: z.number().int() }), 400: ErrorBodySchema, 403: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req) => ({ stored: await deps.police.enterWeek(req.body, actor(req)) }),
  );

  r.post(
    '/api/v1/police-figures/import',
    {
      schema: {
        tags,
        summary: 'Import a CSV (UTF-8) or XLSX file (multipart, field "file"): columns 乡镇, 周 (2027-W03 or a date), 案件类型, 案件数, 损失（元）. All or nothing: a bad row is refused with its line number',
        response: { 200: z.object({ imported: z.number().int(), figures: z.array(PoliceFigureSchema) }), 403: ErrorBodySchema, 413: ErrorBodySchema, 415: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req) => {
      const bytes = await readSmallFile(req, MAX_IMPORT_BYTES, new AppError(422, 'empty-file', '没有收到文件 / no file received'));
      const figures = await deps.police.importFile(bytes, actor(req));
      return { imported: figures.length, figures };
    },
  );
}
