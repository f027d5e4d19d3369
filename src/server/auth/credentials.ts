import { looksLikeToken } from '../../auth/index.js';

/** What an `Authorization` header carries, before the token is checked. */
export type Credentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'token'; readonly scheme: 'bearer' | 'basic'; readonly secret: string };

/**
 * Reads the header MLflow's client sends: `Bearer <token>` (MLFLOW_TRACKING_TOKEN) or
 * `Basic base64(user:password)` (MLFLOW_TRACKING_USERNAME / _PASSWORD). With basic auth the token is the
 * password and the user name is ignored: the token alone says who the caller is, so a client whose user
 * name is fixed (or wrong) still works and cannot claim another identity. Tools that put the token in
 * the user name with an empty password (as git credential helpers do) are understood too.
 */
export function readCredentials(header: string | undefined): Credentials {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return { kind: 'malformed', detail: "expected 'Bearer <token>' or 'Basic <base64 user:token>'" };
  const scheme = (match[1] ?? '').toLowerCase();
  const value = match[2] ?? '';
  if (scheme === 'bearer') return { kind: 'token', scheme: 'bearer', secret: value };
  if (scheme !== 'basic') return { kind: 'malformed', detail: `unsupported scheme '${match[1]}': use Bearer or Basic` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return { kind: 'malformed', detail: 'basic credentials are not base64' };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return { kind: 'malformed', detail: "basic credentials lack the ':' between user and password" };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const secret = password === '' && looksLikeToken(user) ? user : password;
  return { kind: 'token', scheme: 'basic', secret };
}
