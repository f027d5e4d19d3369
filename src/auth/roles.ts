/** What a caller may do. Viewers read; editors log, register and deploy; admins also approve and move protected aliases. */
export type Role = 'viewer' | 'editor' | 'admin';

/** Every role, least powerful first. */
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
