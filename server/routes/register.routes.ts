// The register of places (点位登记): /api/v1/register — the tree, each level's create/change/delete,
// the campaign, import and export. Every signed-in role reads; writing needs `register:write`, and the
// service narrows it to admins and a township's own staff.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CampaignSchema, SiteSchema, TownshipSchema, VillageSchema } from '../../playlists/register.schema.js';
import { readSmallFile } from './multipart.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import { COLUMNS, toCsv, toXlsx } from '../register/register.file.js';
import {
  ImportResultSchema,
  NewSiteSchema,
  NewTownshipSchema,
  NewVillageSchema,
  RegisterParamsSchema,
  RegisterTreeSchema,
  SitePatchSchema,
  TownshipPatchSchema,
  VillagePatchSchema,
} from '../register/register.api.js';
import type { RegisterActor } from '../register/register.rules.js';
import type { RegisterService } from '../register/register.service.js';
import type {} from '../auth/auth.hooks.js';

const tags = ['register'];
/** A county's list is a few thousand rows: far below this. */
const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema };

export const actorOf = (req: FastifyRequest): RegisterActor => {
  const user = req.signedIn?.user;
  return { isAdmin: user?.role === 'admin', township: user?.role === 'admin' ? null : (user?.township ?? null) };
};

export function registerRegisterRoutes(app: FastifyInstance, register: RegisterService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/register',
    { schema: { tags, summary: 'The register as a tree (township → village/community → site) with claimed screens and stations counted at each place, and the campaign', response: { 200: RegisterTreeSchema } } },
    () => register.tree(),
  );
  r.get('/api/v1/register/campaign', { schema: { tags, summary: 'The campaign: its dates and milestones', response: { 200: CampaignSchema } } }, () => register.campaign());
  r.put(
    '/api/v1/register/campaign',
    { schema: { tags, summary: 'Replace the campaign\'s name, dates and milestones (county admins)', body: CampaignSchema, response: { 200: CampaignSchema, ...errors } } },
    (req) => register.setCampaign(actorOf(req), req.body),
  );

  r.post(
    '/api/v1/register/import',
    {
      schema: {
        tags,
        summary: 'Import the county\'s list of places (multipart field `file`: CSV in UTF-8 or GBK, or XLSX), merged by names; county admins',
        description: `Columns ${COLUMNS.join(', ')} (English headers township, village, kind, site, site type, address also work); one row per site, or per village without sites. All or nothing: a bad row refuses the whole file (422 \`import-refused\`, every bad line in \`details\`) and nothing changes. The same file twice changes nothing.`,
        consumes: ['multipart/form-data'],
        response: { 200: ImportResultSchema, 413: ErrorBodySchema, 415: ErrorBodySchema, ...errors },
      },
    },
    async (req) => {
      const bytes = await readSmallFile(req, MAX_IMPORT_BYTES, new AppError(400, 'file-required', '请选择要导入的文件 / choose a file to import'));
      return register.importFile(actorOf(req), bytes);
    },
  );
  r.get(
    '/api/v1/register/export.csv',
    { schema: { tags, summary: 'The register as CSV (UTF-8 with BOM, for Excel) in the import\'s columns' } },
    async (_req, reply) =>
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="register.csv"; filename*=UTF-8''${encodeURIComponent('点位登记.csv')}`).send(toCsv(register.exportTable())),
  );
  r.get(
    '/api/v1/register/export.xlsx',
    { schema: { tags, summary: 'The register as XLSX in the import\'s columns' } },
    async (_req, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="register.xlsx"; filename*=UTF-8''${encodeURIComponent('点位登记.xlsx')}`)
        .send(await toXlsx(register.exportTable())),
  );

  // The three levels share one shape of routes: create (201), change (200), delete (204; 409 while in use).
  const levels = [
    { path: 'townships', what: 'a township (乡镇); county admins only', item: TownshipSchema, create: NewTownshipSchema, patch: TownshipPatchSchema, ops: { create: register.createTownship, update: register.updateTownship, remove: register.deleteTownship } },
    { path: 'villages', what: 'a village or community (村/社区) of a township', item: VillageSchema, create: NewVillageSchema, patch: VillagePatchSchema, ops: { create: register.createVillage, update: register.updateVillage, remove: register.deleteVillage } },
    { path: 'sites', what: 'a site (点位) of a village or community', item: SiteSchema, create: NewSiteSchema, patch: SitePatchSchema, ops: { create: register.createSite, update: register.updateSite, remove: register.deleteSite } },
  ] as const;
  for (const level of levels) {
    // One loop for three typed levels: the schemas above check each body and answer, so the types meet here.
    const ops = level.ops as unknown as {
      create: (actor: RegisterActor, input: never) => Promise<never>;
      update: (actor: RegisterActor, id: string, patch: never) => Promise<never>;
      remove: (actor: RegisterActor, id: string) => Promise<void>;
    };
    r.post(
      `/api/v1/register/${level.path}`,
      { schema: { tags, summary: `Add ${level.what}`, body: level.create, response: { 201: level.item, ...errors } } },
      async (req, reply) => reply.code(201).send(await ops.create(actorOf(req), req.body as never)),
    );
    r.patch(
      `/api/v1/register/${level.path}/:id`,
      { schema: { tags, summary: `Change ${level.what}; its screens' township, site and site type follow`, params: RegisterParamsSchema, body: level.patch, response: { 200: level.item, ...errors } } },
      (req) => ops.update(actorOf(req), req.params.id, req.body as never),
    );
    r.delete(
      `/api/v1/register/${level.path}/:id`,
      { schema: { tags, summary: `Delete ${level.what}: 409 place-in-use, naming them, while places or screens are under it`, params: RegisterParamsSchema, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await ops.remove(actorOf(req), req.params.id);
        return reply.code(204).send(null);
      },
    );
  }
}
