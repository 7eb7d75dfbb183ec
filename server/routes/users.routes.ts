// Staff accounts, managed by the county admin: /api/v1/users.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ErrorBodySchema } from '../errors.js';
import { UserInputSchema, UserPatchSchema, UserSchema, type AccountsService, type User } from '../services/accounts.service.js';
import type { AuditService } from '../services/audit.service.js';

const tags = ['accounts'];
const Params = z.object({ id: z.string().max(64) });

export function registerUserRoutes(app: FastifyInstance, deps: { accounts: AccountsService; audit: AuditService }): void {
  const { accounts, audit } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Account changes are logged by hand (they live outside the catalogue); never with a password or hash.
  const record = (req: FastifyRequest, action: 'create' | 'update' | 'delete', before: User | null, after: (User & { passwordChanged?: true }) | null) => {
    const actor = req.signedIn?.user;
    const target = (after ?? before)!;
    const verb = { create: ['新建', 'created'], update: ['修改', 'changed'], delete: ['删除', 'deleted'] }[action];
    audit.record({
      actor: actor ? { id: actor.id, username: actor.username } : null,
      action,
      entity: 'user',
      entityId: target.id,
      summary: `${verb[0]}账号「${target.username}」 / ${verb[1]} account "${target.username}"`,
      before,
      after,
    });
  };
  r.get('/api/v1/users', { schema: { tags, summary: 'List staff accounts', response: { 200: z.array(UserSchema) } } }, () => accounts.list());
  r.get('/api/v1/users/:id', { schema: { tags, summary: 'One staff account', params: Params, response: { 200: UserSchema, 404: ErrorBodySchema } } }, (req) =>
    accounts.get(req.params.id),
  );
  r.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Create a staff account (its owner must change the password at first sign-in)',
        body: UserInputSchema,
        response: { 201: UserSchema, 400: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const user = await accounts.create(req.body);
      record(req, 'create', null, user);
      return reply.code(201).send(user);
    },
  );
  r.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Change name, role, township, password or disable; the account\'s sessions end when its rights change',
        params: Params,
        body: UserPatchSchema,
        response: { 200: UserSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req) => {
      const before = await accounts.get(req.params.id);
      const after = await accounts.update(req.params.id, req.body);
      record(req, 'update', before, req.body.password ? { ...after, passwordChanged: true } : after);
      return after;
    },
  );
  r.delete(
    '/api/v1/users/:id',
    { schema: { tags, summary: 'Delete a staff account', params: Params, response: { 204: z.null(), 404: ErrorBodySchema, 422: ErrorBodySchema } } },
    async (req, reply) => {
      if (req.signedIn?.user.id === req.params.id) throw new AppError(422, 'cannot-delete-self', '不能删除自己的账号 / you cannot delete your own account');
      const removed = await accounts.remove(req.params.id);
      record(req, 'delete', removed, null);
      return reply.code(204).send(null);
    },
  );
}
