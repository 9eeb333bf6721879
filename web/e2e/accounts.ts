// The privileged accounts global-setup.ts makes with `jogtrack user create`.
export const ADMIN = { username: 'e2e-admin', password: 'admin password for the e2e suite' };
export const MANAGER = { username: 'e2e-manager', password: 'manager password for the e2e suite' };
export const SHORT_TTL_SECONDS = 3;
