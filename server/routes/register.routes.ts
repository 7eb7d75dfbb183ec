// The register of places (点位登记): /api/v1/register — the tree, each level's create/change/delete,
// the campaign, import and export. Every signed-in role reads; writing needs `register:write`, and the
// service narrows it to admins and a township's own staff.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CampaignSchema, SiteSchema, TownshipSchema, VillageSchema } from '../../playlists/register.schema.js';
import { ErrorBodySchema } from '../errors.js';
import {
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
