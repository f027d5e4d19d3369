/**
 * Distinct keys → dense slot numbers (0, 1, 2, … in order of first appearance), the core of the
 * uniqueness checks. Numeric keys (numbers, timestamps, booleans) use an open-addressing hash table on
 * typed arrays: about 24 bytes per distinct value and several times faster than a Map at a million
 * keys; other keys (strings, tuples) use a Map.
 */

export interface SlotTable {
  readonly size: number;
  /** The key's slot, adding it as slot `size` when new (so a result equal to the old size means new). */
  slot(key: unknown): number;
  entries(): Iterable<[unknown, number]>;
}

export class MapSlots implements SlotTable {
  private readonly map = new Map<unknown, number>();
  get size(): number {
    return this.map.size;
  }
  slot(key: unknown): number {
    const s = this.map.get(key);
    if (s !== undefined) return s;
    const n = this.map.size;
    this.map.set(key, n);
    return n;
  }
  entries(): Iterable<[unknown, number]> {
    return this.map.entries();
  }
}

const scratch = new Float64Array(1);
const bits = new Uint32Array(scratch.buffer);

export class Float64Slots implements SlotTable {
  size = 0;
  private mask = 1023;
  private keys = new Float64Array(1024);
  private slots = new Int32Array(1024).fill(-1);
  private order = new Float64Array(512);

  private hash(k: number): number {
    let h: number;
    if ((k | 0) === k)
      h = k; // 32-bit integers (ids, counts) skip the float-bits read
    else {
      scratch[0] = k;
      h = (bits[0] as number) ^ (bits[1] as number);
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  slot(key: unknown): number {
    return this.slotOf(key as number);
  }

  /** `slot` for a number, without boxing it on the hot path. */
  slotOf(key: number): number {
    const k = key === 0 ? 0 : key; // -0 and 0 are one value
    const keys = this.keys;
    const slots = this.slots;
    const mask = this.mask;
    let h: number;
    if ((k | 0) === k) h = k;
    else {
      scratch[0] = k;
      h = (bits[0] as number) ^ (bits[1] as number);
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    let i = (h ^ (h >>> 16)) & mask;
    let s = slots[i] as number;
    while (s !== -1) {
      if (keys[i] === k) return s;
      i = (i + 1) & mask;
      s = slots[i] as number;
    }
    s = this.size++;
    keys[i] = k;
    slots[i] = s;
    if (s === this.order.length) {
      const o = new Float64Array(this.order.length * 2);
      o.set(this.order);
      this.order = o;
    }
    this.order[s] = k;
    if (this.size * 2 > mask) this.grow();
    return s;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.mask = this.mask * 2 + 1;
    this.keys = new Float64Array(this.mask + 1);
    this.slots = new Int32Array(this.mask + 1).fill(-1);
    for (let j = 0; j < oldSlots.length; j++) {
      const s = oldSlots[j] as number;
      if (s === -1) continue;
      const k = oldKeys[j] as number;
      let i = this.hash(k) & this.mask;
      while (this.slots[i] !== -1) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.slots[i] = s;
    }
  }

  *entries(): Iterable<[unknown, number]> {
    for (let s = 0; s < this.size; s++) yield [this.order[s], s];
  }
}
