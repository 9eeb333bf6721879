// Authenticated API calls. A 401 means the access token ran out or was
// revoked: refresh once and retry; if that fails too, the session is over.

import { ApiError, request, type ApiResponse, type RequestOptions } from './http';
import { session } from './session';

export async function api<T>(
  method: string,
  path: string,
  opts: Omit<RequestOptions, 'token'> = {},
): Promise<ApiResponse<T>> {
  try {
    return await request<T>(method, path, { ...opts, token: session.accessToken });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
  }
  let renewed = false;
  try {
    renewed = await session.refresh();
  } catch {
    renewed = false;
  }
  if (renewed) {
    try {
      return await request<T>(method, path, { ...opts, token: session.accessToken });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
    }
  }
  session.expire();
  throw new ApiError(401, 'Your session has ended. Please sign in again.');
}
