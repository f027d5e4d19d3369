import { describe, expect, it } from 'vitest';
import { readCredentials } from './credentials.js';

const TOKEN = `slw_${'a'.repeat(43)}`;
const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('readCredentials', () => {
  it('finds no credentials in a missing or blank header', () => {
    expect(readCredentials(undefined)).toEqual({ kind: 'none' });
    expect(readCredentials('  ')).toEqual({ kind: 'none' });
  });

  it('reads a bearer token, scheme in any case (MLFLOW_TRACKING_TOKEN)', () => {
    expect(readCredentials(`Bearer ${TOKEN}`)).toEqual({ kind: 'token', scheme: 'bearer', secret: TOKEN });
    expect(readCredentials(`bearer ${TOKEN} `)).toEqual({ kind: 'token', scheme: 'bearer', secret: TOKEN });
  });

  it('takes the password of basic auth as the token, whatever the user name (MLFLOW_TRACKING_USERNAME/PASSWORD)', () => {
    expect(readCredentials(basic(`alice:${TOKEN}`))).toEqual({ kind: 'token', scheme: 'basic', secret: TOKEN });
    expect(readCredentials(basic(`:${TOKEN}`))).toEqual({ kind: 'token', scheme: 'basic', secret: TOKEN });
    // A password may itself hold ':'; only the first one separates it from the user.
    expect(readCredentials(basic('bob:pa:ss'))).toEqual({ kind: 'token', scheme: 'basic', secret: 'pa:ss' });
  });

  it('takes the user name as the token when the password is empty and the name has the token shape', () => {
    expect(readCredentials(basic(`${TOKEN}:`))).toEqual({ kind: 'token', scheme: 'basic', secret: TOKEN });
    expect(readCredentials(basic('alice:'))).toEqual({ kind: 'token', scheme: 'basic', secret: '' });
  });

  it('calls anything else malformed, saying why', () => {
    expect(readCredentials(TOKEN)).toEqual({ kind: 'malformed', detail: "expected 'Bearer <token>' or 'Basic <base64 user:token>'" });
    expect(readCredentials('Bearer a b')).toEqual({ kind: 'malformed', detail: "expected 'Bearer <token>' or 'Basic <base64 user:token>'" });
    expect(readCredentials('Digest abc')).toEqual({ kind: 'malformed', detail: "unsupported scheme 'Digest': use Bearer or Basic" });
    expect(readCredentials('Basic @@@')).toEqual({ kind: 'malformed', detail: 'basic credentials are not base64' });
    expect(readCredentials(basic('no-colon'))).toEqual({ kind: 'malformed', detail: "basic credentials lack the ':' between user and password" });
  });
});
