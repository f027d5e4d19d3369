import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { createRun, listAllArtifacts } from '../../tracking/index.js';
import { profileTable, serializeProfile } from '../profile/index.js';
import { readChunks, readTable } from '../readers/index.js';
import { type Table, columnLength, tableFromColumns, valueAt } from '../table.js';
import { buildReference, buildReferenceFromChunks } from './build-reference.js';
import { reservoirSample } from './reservoir-sampler.js';
import { readReference, REFERENCE_PROFILE_ARTIFACT, REFERENCE_SAMPLE_ARTIFACT, writeReference } from './stored-reference.js';

const values = (t: Table) => Object.fromEntries(t.columns.map((c) => [c.name, Array.from({ length: columnLength(c) }, (_, i) => valueAt(c, i))]));
const shape = (t: Table) => t.columns.map((c) => `${c.name}:${c.type}`);

const N = 1200;
const data = tableFromColumns({
  age: Array.from({ length: N }, (_, i) => (i % 50 === 0 ? null : 18 + (i % 60))),
  hours: Array.from({ length: N }, (_, i) => (i * 7) % 97 + 0.5),
  job: Array.from({ length: N }, (_, i) => ['clerk', 'nurse', 'pilot', 'chef'][i % 4] as string),
  married: Array.from({ length: N }, (_, i) => i % 3 === 0),
  id: Array.from({ length: N }, (_, i) => `row-${i}`),
  income: Array.from({ length: N }, (_, i) => (i % 5 === 0 ? '>50K' : '<=50K')),
});

describe('buildReference', () => {
  it('profiles every row and samples at most maxRows, of the named columns only', () => {
    const ref = buildReference(data, { seed: 4, maxRows: 100, columns: ['age', 'job', 'income', 'married', 'hours'] });
    // Columns keep the data's order whatever order they are named in.
    expect(shape(ref.sample)).toEqual(['age:integer', 'hours:float', 'job:string', 'married:boolean', 'income:string']);
    const kept = { ...data, columns: data.columns.filter((c) => c.name !== 'id') };
    expect(serializeProfile(ref.profile)).toBe(serializeProfile(profileTable(kept)));
    expect(ref.profile.rowCount).toBe(N);
    expect(ref.sample.rowCount).toBe(100);
    expect(values(ref.sample)).toEqual(values(reservoirSample(kept, { seed: 4, maxRows: 100 })));
  });

  it('names the columns it cannot find', () => {
    expect(() => buildReference(data, { seed: 0, columns: ['age', 'salary', 'zip'] })).toThrow(/reference columns 'salary', 'zip' not in the data \(columns: age, hours, job, married, id, income\)/);
  });

  it('streams a file in chunks to the same sample and the same exact counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-ref-'));
    try {
      const lines = ['age,hours,job,income'];
      for (let i = 0; i < N; i++) lines.push(`${i % 50 === 0 ? '' : 18 + (i % 60)},${((i * 7) % 97) + 0.5},${['clerk', 'nurse', 'pilot'][i % 3]},${i % 5 === 0 ? '>50K' : '<=50K'}`);
      const file = join(dir, 'train.csv');
      await writeFile(file, `${lines.join('\n')}\n`);
      const whole = buildReference(await readTable(file), { seed: 8, maxRows: 150 });
      const streamed = await buildReferenceFromChunks(readChunks(file, { chunkRows: 97 }), { seed: 8, maxRows: 150 });
      expect(values(streamed.sample)).toEqual(values(whole.sample));
      expect(shape(streamed.sample)).toEqual(shape(whole.sample));
      expect(streamed.profile.rowCount).toBe(N);
      const counts = (r: typeof whole) => r.profile.columns.map((c) => [c.name, c.count, c.nulls]);
      expect(counts(streamed)).toEqual(counts(whole));
      const empty = await buildReferenceFromChunks([], { seed: 0 });
      expect([empty.profile.rowCount, empty.sample.rowCount]).toEqual([0, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`stored reference: ${backend.name}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(backend);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('round-trips through a run: same profile text, same sample values and types', async () => {
      const run = await createRun(t.store);
      const ref = buildReference(data, { seed: 1, maxRows: 300 });
      await writeReference(t.store, run.info.run_id, ref);
      expect((await listAllArtifacts(t.store, run.info.run_id)).map((a) => a.path)).toEqual([REFERENCE_PROFILE_ARTIFACT, REFERENCE_SAMPLE_ARTIFACT]);
      const back = await readReference(t.store, run.info.run_id);
      if (!back) throw new Error('no reference read back');
      expect(serializeProfile(back.profile)).toBe(serializeProfile(ref.profile));
      expect(shape(back.sample)).toEqual(shape(ref.sample));
      expect(values(back.sample)).toEqual(values(ref.sample));
    });

    it('reads nothing from a run without a reference', async () => {
      const run = await createRun(t.store);
      expect(await readReference(t.store, run.info.run_id)).toBeUndefined();
    });
  });
}
