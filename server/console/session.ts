// Who is signed in and what they may do. Pages ask `can(...)` to hide or disable what the role does not
// allow; the server refuses such changes anyway, this only keeps the page honest.
import { api, ApiError, setCsrfToken } from './api.js';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: 'admin' | 'editor' | 'approver' | 'viewer' | 'police';
  township: string | null;
  mustChangePassword: boolean;
  disabled: boolean;
}

export interface Session {
  user: User;
  permissions: string[];
  /** False on a server without accounts (before they existed): everything is open, as it was. */
  hasAccounts: boolean;
}

interface MeAnswer {
  user: User & { permissions?: string[] };
  csrfToken: string;
  permissions?: string[];
}

let current: Session | null = null;

export const currentSession = () => current;
export const can = (permission: string) => !!current && current.permissions.includes(permission);

const OPEN_SESSION: Session = {
  user: { id: 'open', username: 'admin', displayName: '—', role: 'admin', township: null, mustChangePassword: false, disabled: false },
  permissions: ['media:write', 'media:approve', 'playlists:write', 'schedules:write', 'alerts:write', 'screens:write', 'screens:command', 'register:write', 'users:admin', 'audit:read'],
  hasAccounts: false,
};

function adopt(answer: MeAnswer): Session {
  setCsrfToken(answer.csrfToken);
  current = { user: answer.user, permissions: answer.permissions ?? answer.user.permissions ?? [], hasAccounts: true };
  return current;
}

/** The session the cookie carries, or null when nobody is signed in. */
export async function loadSession(): Promise<Session | null> {
  try {
    return adopt(await api<MeAnswer>('GET', '/auth/me'));
  } catch (error) {
    if (error instanceof ApiError && error.isMissingRoute) return (current = OPEN_SESSION);
    if (error instanceof ApiError && error.status === 401) return (current = null);
    throw error;
  }
}

export async function logIn(username: string, password: string): Promise<Session> {
  adopt(await api<MeAnswer>('POST', '/auth/login', { username, password }));
  // /auth/me is the one answer that carries the permissions.
  return (await loadSession()) ?? Promise.reject(new ApiError(401, 'not-signed-in', '登录失败 / sign-in failed'));
}

export async function logOut(): Promise<void> {
  await api('POST', '/auth/logout').catch(() => undefined);
  setCsrfToken(null);
  current = null;
}

export function signedOut(): void {
  setCsrfToken(null);
  current = null;
}
