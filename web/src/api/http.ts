// The one place that talks HTTP: JSON bodies in and out, and RFC 9457
// problem+json answers turned into an ApiError people can be shown.

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  token?: string | null;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
  status: number;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      // The refresh cookie (Path=/auth) is same-origin only, which is all we need.
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Could not reach the jogtrack server. Check your connection and try again.');
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) throw problemToError(res, json);
  return { data: json as T, headers: res.headers, status: res.status };
}

function problemToError(res: Response, json: unknown): ApiError {
  const p = (json && typeof json === 'object' ? json : {}) as {
    detail?: unknown;
    title?: unknown;
    errors?: unknown;
  };
  const errors = Array.isArray(p.errors)
    ? p.errors.filter((e): e is FieldError => !!e && typeof e.field === 'string' && typeof e.message === 'string')
    : [];
  let message =
    typeof p.detail === 'string' && p.detail ? p.detail : typeof p.title === 'string' && p.title ? p.title : fallback(res.status);
  const retry = res.headers.get('Retry-After');
  if ((res.status === 429 || res.status === 503) && retry && /^\d+$/.test(retry)) {
    message += ` Try again in ${retry} seconds.`;
  }
  // A server fault is ours to fix: give people the id the access log has.
  const id = res.headers.get('X-Request-Id');
  if (res.status >= 500 && res.status !== 503 && id) message += ` (Reference: ${id})`;
  return new ApiError(res.status, message, errors);
}

function fallback(status: number): string {
  if (status === 401) return 'Please sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'That no longer exists.';
  if (status >= 500) return 'The server had a problem. Please try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}
