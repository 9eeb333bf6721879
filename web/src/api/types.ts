// Shapes of the API's JSON (data/openapi.json).

export type Role = 'user' | 'manager' | 'admin';

export interface Me {
  user_id: number;
  username: string;
  name: string | null;
  email: string | null;
  scopes: Role[];
  created_at: string;
}

export interface User extends Me {
  role: Role;
  updated_at?: string | null;
}

export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
}

export interface Condition {
  provider?: string;
  summary?: string;
  weather_code?: number | null;
  temperature_max?: number | null;
  temperature_min?: number | null;
  precipitation_sum?: number | null;
  wind_speed_max?: number | null;
}

export interface Run {
  result_id: number;
  user_id: number;
  date: string;
  distance: number;
  time: number;
  location: string;
  speed: number;
  condition: Condition | null;
  created_at: string;
  updated_at: string;
}

export interface WeekSummary {
  year: number;
  week: number;
  week_start: string;
  runs: number;
  total_distance: number;
  total_time: number;
  average_speed: number;
  average_distance: number;
}

export function highestRole(scopes: readonly string[]): Role {
  if (scopes.includes('admin')) return 'admin';
  if (scopes.includes('manager')) return 'manager';
  return 'user';
}

/** What PATCH /users/{id}/scopes takes for each role: every role includes the ones below it. */
export function scopesForRole(role: Role): Role[] {
  if (role === 'admin') return ['user', 'manager', 'admin'];
  if (role === 'manager') return ['user', 'manager'];
  return ['user'];
}
