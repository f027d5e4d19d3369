import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveArgs } from './build-manifests.js';
import { renderDockerfile, renderDockerignore } from './dockerfile.js';

const render = (over: Partial<Parameters<typeof renderDockerfile>[0]> = {}) =>
  renderDockerfile({ manifest: { modelName: 'churn', version: '3', port: 8080 }, slipwayVersion: '0.1.0', modelSha256: 'f'.repeat(64), hasNpmrc: true, ...over });

/** The JSON array after an instruction (exec form), e.g. `CMD [...]`. */
function execForm(dockerfile: string, instruction: string): string[] {
  const line = dockerfile.split('\n').find((l) => l.startsWith(`${instruction} [`)); // not HEALTHCHECK's indented CMD
  if (!line) throw new Error(`no ${instruction} in exec form`);
  return JSON.parse(line.slice(instruction.length + 1)) as string[];
}

describe('renderDockerfile', () => {
  it('installs the copied Slipway without a registry copy of it, bakes the model in, runs as a numeric non-root user', () => {
    const d = render();
    expect(d).toContain('FROM node:20-bookworm-slim AS install');
    expect(d).toContain('COPY slipway/package.json slipway/package-lock.json slipway/.npmrc ./');
    expect(d).toContain('RUN npm ci --omit=dev --ignore-scripts');
    expect(d).toContain('COPY slipway/bin ./bin');
    expect(d).toContain('COPY slipway/dist ./dist');
    expect(d).toContain('COPY model/model.onnx /models/model.onnx');
    expect(d).toContain('useradd --system --uid 10001');
    expect(d).toMatch(/^USER 10001:10001$/m);
    expect(d).toMatch(/^EXPOSE 8080$/m);
    expect(d).toContain('dev.slipway.model-sha256="ffffffff');
    expect(execForm(d, 'ENTRYPOINT')).toEqual(['slipway']);
    expect(execForm(d, 'CMD')).toEqual(serveArgs({ modelName: 'churn', port: 8080 }));
    expect(render({ hasNpmrc: false })).toContain('COPY slipway/package.json slipway/package-lock.json ./\n');
  });

  it('keeps hostile model names on one line and out of variable expansion', () => {
    const d = render({ manifest: { modelName: 'a"b$HOME\nRUN rm -rf /', version: '1', port: 8080 } });
    expect(d).not.toMatch(/^RUN rm/m);
    expect(d).toContain('org.opencontainers.image.title="a\\"b\\$HOME RUN rm -rf / v1"');
    expect(execForm(d, 'CMD')).toContain('a"b$HOME\nRUN rm -rf /'); // exec form is JSON: no expansion, exact name
  });

  it("skips install scripts only where that is safe: onnxruntime-node's CPU binaries ship in its tarball", () => {
    const ort = resolve(import.meta.dirname, '..', '..', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux');
    for (const arch of ['x64', 'arm64']) {
      expect(existsSync(join(ort, arch, 'onnxruntime_binding.node')), `${arch} binding`).toBe(true);
      expect(existsSync(join(ort, arch, 'libonnxruntime.so.1')), `${arch} runtime`).toBe(true);
    }
  });

  it('has a HEALTHCHECK that passes on a ready server and fails otherwise', async () => {
    let status = 200;
    let path = '';
    const server = createServer((req, res) => {
      path = req.url ?? '';
      res.writeHead(status).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const check = healthcheck(render({ manifest: { modelName: 'm', version: '1', port } }));
    const run = () => new Promise<number | null>((r) => spawn(process.execPath, check.slice(1), { stdio: 'ignore' }).on('exit', r));
    try {
      expect(check[0]).toBe('node');
      expect(await run()).toBe(0);
      expect(path).toBe('/v2/health/ready');
      status = 503;
      expect(await run()).toBe(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

/** The exec form on the line after `HEALTHCHECK ... \`. */
function healthcheck(d: string): string[] {
  const lines = d.split('\n');
  const i = lines.findIndex((l) => l.startsWith('HEALTHCHECK '));
  const next = lines[i + 1]?.trim() ?? '';
  expect(next.startsWith('CMD [')).toBe(true);
  return JSON.parse(next.slice(4)) as string[];
}

describe('renderDockerignore', () => {
  it('sends only the model and the Slipway copy, never a node_modules', () => {
    expect(renderDockerignore().split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['*', '!model/model.onnx', '!slipway/', 'slipway/node_modules/']);
  });
});
