export type { ServerAppOptions } from './app.js';
export { createServerApp } from './app.js';
export type { AuthOptions } from './auth/index.js';
export type { Permission, Principal, Role, ServerContext } from './types.js';
export { ROLES } from './types.js';
