// Who is acting, carried through a request's async work (AsyncLocalStorage), so the catalogue store can
// attribute and audit every change without any service passing an actor along.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import type { Role } from './permissions.js';

export interface Actor {
  id: string;
  username: string;
  role: Role;
  township: string | null;
}

export interface RequestContext {
  actor: Actor | null;
  ip: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request this code runs for; undefined in background work (media jobs, timers, players). */
export const currentContext = (): RequestContext | undefined => storage.getStore();

export const runWithContext = <T>(context: RequestContext, fn: () => T): T => storage.run(context, fn);

/**
 * Runs every route handler inside its request's context. Wrapping the handler (after the auth hook has
 * named the user) rather than entering the context in a hook keeps the scope exact: it ends with the handler.
 */
export function installRequestContext(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: unknown, request, reply) {
      const user = request.signedIn?.user;
      const context: RequestContext = {
        actor: user ? { id: user.id, username: user.username, role: user.role, township: user.township } : null,
        ip: request.ip,
      };
      return storage.run(context, () => handler.call(this as never, request, reply));
    };
  });
}
