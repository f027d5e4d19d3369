import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { trackingTargetFromEnv } from './tracking-target.js';

const refused = (env: NodeJS.ProcessEnv) => {
  try {
    trackingTargetFromEnv(env);
  } catch (err) {
    if (err instanceof SlipwayError) return [err.code, err.message];
    throw err;
  }
  throw new Error('accepted');
};
const USE = 'Set it to a Slipway server such as http://127.0.0.1:5000 (see `slipway server`), or unset it to track in the local store.';

describe('SLIPWAY_TRACKING_URI', () => {
  it('unset or empty means the local store', () => {
    expect(trackingTargetFromEnv({})).toEqual({ kind: 'local' });
    expect(trackingTargetFromEnv({ SLIPWAY_TRACKING_URI: '  ', SLIPWAY_TRACKING_TOKEN: 't' })).toEqual({ kind: 'local' });
  });

  it('an http(s) URL is a server, its trailing slash dropped and a path prefix kept', () => {
    expect(trackingTargetFromEnv({ SLIPWAY_TRACKING_URI: 'http://127.0.0.1:5000/' })).toEqual({ kind: 'remote', url: 'http://127.0.0.1:5000' });
    expect(trackingTargetFromEnv({ SLIPWAY_TRACKING_URI: 'https://ml.example.com/slipway//' })).toEqual({ kind: 'remote', url: 'https://ml.example.com/slipway' });
  });

  it('takes the token from SLIPWAY_TRACKING_TOKEN, else MLflow\'s MLFLOW_TRACKING_TOKEN', () => {
    const uri = 'http://h:1';
    expect(trackingTargetFromEnv({ SLIPWAY_TRACKING_URI: uri, SLIPWAY_TRACKING_TOKEN: 'a', MLFLOW_TRACKING_TOKEN: 'b' })).toEqual({ kind: 'remote', url: uri, token: 'a' });
    expect(trackingTargetFromEnv({ SLIPWAY_TRACKING_URI: uri, MLFLOW_TRACKING_TOKEN: 'b' })).toEqual({ kind: 'remote', url: uri, token: 'b' });
    expect(trackingTargetFromEnv({ SLIPWAY_TRACKING_URI: uri, SLIPWAY_TRACKING_TOKEN: '' })).toEqual({ kind: 'remote', url: uri });
  });

  it('refuses anything else with what to set instead', () => {
    expect(refused({ SLIPWAY_TRACKING_URI: 'sqlite:/tmp/x.db' })).toEqual(['INVALID_PARAMETER_VALUE', `SLIPWAY_TRACKING_URI 'sqlite:/tmp/x.db' is not a server URL (scheme 'sqlite'; expected http or https). ${USE}`]);
    expect(refused({ SLIPWAY_TRACKING_URI: 'postgres://u@h/db' })[1]).toContain("(scheme 'postgres'; expected http or https)");
    expect(refused({ SLIPWAY_TRACKING_URI: 'localhost:5000' })[1]).toContain("(scheme 'localhost'; expected http or https)");
    expect(refused({ SLIPWAY_TRACKING_URI: './mlruns' })).toEqual(['INVALID_PARAMETER_VALUE', `SLIPWAY_TRACKING_URI './mlruns' is not a URL. ${USE}`]);
    expect(refused({ SLIPWAY_TRACKING_URI: 'http://u:p@h:1' })).toEqual(['INVALID_PARAMETER_VALUE', 'SLIPWAY_TRACKING_URI must not carry credentials: put the token in SLIPWAY_TRACKING_TOKEN, which is sent as a bearer token.']);
    expect(refused({ SLIPWAY_TRACKING_URI: 'http://h:1/?x=1' })).toEqual(['INVALID_PARAMETER_VALUE', `SLIPWAY_TRACKING_URI 'http://h:1/?x=1' has a query or fragment; give the server's base URL only. ${USE}`]);
  });
});
