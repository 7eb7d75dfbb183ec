// The console's one door to the server: JSON over /api/v1 with the session cookie, the CSRF header on
// every change, and one place that notices a lost session (401) and sends staff back to the login.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
  /** The server has no such route at all (as opposed to "no such screen"): a feature not on this server. */
  get isMissingRoute(): boolean {
    return this.status === 404 && this.reason === 'not-found' && /^未找到 \/ not found: /.test(this.message);
  }
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

const isChange = (method: string) => method !== 'GET' && method !== 'HEAD';

async function errorFrom(status: number, text: string): Promise<ApiError> {
  try {
    const body = JSON.parse(text) as { reason?: string; message?: string };
    return new ApiError(status, body.reason ?? 'http-error', body.message ?? `HTTP ${status}`, body as Record<string, unknown>);
  } catch {
    return new ApiError(status, 'http-error', `HTTP ${status}`);
  }
}

/** Calls `/api/v1${path}`; throws ApiError with the server's reason and (Chinese / English) message. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (isChange(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器 / cannot reach the server');
  }
  const text = await res.text();
  if (!res.ok) {
    const error = await errorFrom(res.status, text);
    // A refused sign-in says when to try again.
    const retryAfter = res.headers.get('retry-after');
    if (retryAfter) error.body.retryAfter = Number(retryAfter);
    if (res.status === 401 && !path.startsWith('/auth/login')) onSignedOut();
    throw error;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** POSTs a text body (an export file to check) and reads the JSON answer, with the same error handling as `api`. */
export async function postText<T>(path: string, text: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'text/plain; charset=utf-8' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, { method: 'POST', headers, credentials: 'same-origin', body: text }).catch(() => {
    throw new ApiError(0, 'network', '无法连接服务器 / cannot reach the server');
  });
  const body = await res.text();
  if (!res.ok) {
    if (res.status === 401) onSignedOut();
    throw await errorFrom(res.status, body);
  }
  return JSON.parse(body) as T;
}

/** Multipart upload with byte progress (fetch cannot report upload progress; XHR can). */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): { done: Promise<{ status: number; body: T }>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ status: number; body: T }>((resolve, reject) => {
    xhr.open('POST', `/api/v1${path}`);
    xhr.setRequestHeader('accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) as T });
      if (xhr.status === 401) onSignedOut();
      reject(await errorFrom(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', '上传中断 / upload interrupted'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', '已取消 / cancelled'));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

