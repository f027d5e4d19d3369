import type { Role } from '../auth/index.js';
import type { AliasPolicy } from '../registry/index.js';
import type { JsonLogger } from '../serve/index.js';
import type { Store } from '../store/index.js';

// Roles belong to the tokens that carry them (src/auth); the server re-exports them for its routes.
export type { Role };
export { ROLES } from '../auth/index.js';

/** The least role a route needs. */
export type Permission = 'read' | 'edit' | 'admin';

/** Who made a request: a token's owner, a basic-auth user, or the local user when auth is off. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** Token id when authenticated by a token. */
  readonly tokenId?: string;
}

/** Everything a route handler needs besides the request. */
export interface ServerContext {
  readonly store: Store;
  readonly log: JsonLogger;
  /** The store as `principal` acts on it (runs, versions and audit entries are recorded under their name). */
  storeFor(principal: Principal): Store;
  /** What moving `alias` demands (slipway.yaml `registry.aliases`); an alias with no entry still needs a passed gate only when promoted. */
  aliasPolicy(alias: string): AliasPolicy;
  /** Whether an alias is protected: moving it needs an approver (see `canApprove`) and goes through its policy. */
  isProtectedAlias(alias: string): boolean;
  /** Whether `principal` may approve versions and move protected aliases (admins, or the configured approver roles). */
  canApprove(principal: Principal): boolean;
}

export const roleAllows = (role: Role, permission: Permission): boolean =>
  permission === 'read' || (permission === 'edit' && role !== 'viewer') || (permission === 'admin' && role === 'admin');

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook before any handler runs. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The least role the route needs; routes without one are public (health, version, metrics). */
    permission?: Permission;
  }
}
