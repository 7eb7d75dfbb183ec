// The admin's side of the load test: sign in once, then JSON calls with the session cookie and CSRF token.
export interface Http {
  waitUp(ms: number): Promise<boolean>;
  login(username: string, password: string): Promise<void>;
  get(url: string): Promise<unknown>;
  post(url: string, body: unknown): Promise<unknown>;
}

export function createHttp(base: string): Http {
  let headers: Record<string, string> = {};
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(base + url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : null;
  };
  return {
    async waitUp(ms) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        try {
          if ((await fetch(`${base}/healthz`)).ok) return true;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      return false;
    },
    async login(username, password) {
      const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('crier_session='))!.split(';')[0]!;
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      headers = { cookie, 'x-csrf-token': csrfToken };
    },
    get: (url) => call('GET', url),
    post: (url, body) => call('POST', url, body),
  };
}
