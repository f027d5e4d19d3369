export type { AuthOptions, RoutePermission } from './install-auth.js';
export { installAuth, routePermissions } from './install-auth.js';
