// Staff accounts, managed by the county admin: /api/v1/users.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ErrorBodySchema } from '../errors.js';
import { UserInputSchema, UserPatchSchema, UserSchema, type AccountsService } from '../services/accounts.service.js';

const tags = ['accounts'];
const Params = z.object({ id: z.string().max(64) });

export function registerUserRoutes(app: FastifyInstance, accounts: AccountsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
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
    async (req, reply) => reply.code(201).send(await accounts.create(req.body)),
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
    (req) => accounts.update(req.params.id, req.body),
  );
  r.delete(
    '/api/v1/users/:id',
    { schema: { tags, summary: 'Delete a staff account', params: Params, response: { 204: z.null(), 404: ErrorBodySchema, 422: ErrorBodySchema } } },
    async (req, reply) => {
      if (req.signedIn?.user.id === req.params.id) throw new AppError(422, 'cannot-delete-self', '不能删除自己的账号 / you cannot delete your own account');
      await accounts.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );
}
