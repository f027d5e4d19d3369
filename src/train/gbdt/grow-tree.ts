/**
 * Leaf-wise (best-first) growth of one regression tree on binned data, as LightGBM and scikit-learn's
 * HistGradientBoosting: repeatedly split the leaf with the largest gain until max_leaf_nodes leaves,
 * max_depth, min_samples_leaf or no positive gain stops it. Rows live in one index array, each node
 * owning a contiguous range that a split partitions in place (stable). Only the smaller child's
 * histogram is built; the larger one's is the parent's minus it.
 */
import type { Tree } from '../model-types.js';
import { type Binned, MISSING_BIN } from './binning.js';
import { buildHistogram, histogramLength, subtractHistogram } from './histogram.js';
import { findBestSplit, type Split, type SplitParams } from './split.js';

export interface GrowParams extends SplitParams {
  readonly maxLeafNodes: number;
  /** Infinity for no limit; the root is at depth 0. */
  readonly maxDepth: number;
  readonly learningRate: number;
}

/** A tree in the contract's form plus the split bins, to route binned (validation) rows. */
export interface GrownTree {
  readonly tree: Tree;
  readonly bin: readonly number[];
}

interface Node {
  start: number;
  end: number;
  g: number;
  h: number;
  depth: number;
  hist: Float64Array | undefined;
  split: Split | undefined;
}

export class TreeGrower {
  private readonly idx: Uint32Array;
  private readonly tmp: Uint32Array;
  private readonly goesLeft = new Uint8Array(256);
  private readonly pool: Float64Array[] = [];

  constructor(
    private readonly binned: Binned,
    private readonly nBins: Uint16Array,
    private readonly edges: readonly Float64Array[],
    private readonly p: GrowParams,
  ) {
    const n = binned.rows;
    this.idx = new Uint32Array(n);
    this.tmp = new Uint32Array(n);
  }

  /**
   * Grows a tree on gradients g and hessians h (undefined: all 1) and adds its leaf values to
   * raw[row·stride + offset] for every training row.
   */
  grow(g: Float64Array, h: Float64Array | undefined, raw: Float64Array, stride: number, offset: number): GrownTree {
    const n = this.binned.rows;
    for (let i = 0; i < n; i++) this.idx[i] = i;
    let sumG = 0;
    let sumH = 0;
    for (let i = 0; i < n; i++) sumG += g[i] as number;
    if (h) for (let i = 0; i < n; i++) sumH += h[i] as number;
    else sumH = n;

    const nodes: Node[] = [{ start: 0, end: n, g: sumG, h: sumH, depth: 0, hist: undefined, split: undefined }];
    const feature: number[] = [-1];
    const bin: number[] = [-1];
    const missingLeft: boolean[] = [false];
    const left: number[] = [-1];
    const right: number[] = [-1];
    let leaves = 1;
    if (this.splittable(nodes[0] as Node, leaves)) {
      const root = nodes[0] as Node;
      root.hist = this.take();
      buildHistogram(root.hist, this.binned, this.nBins, this.idx, 0, n, true, g, h);
      root.split = findBestSplit(root.hist, this.nBins, root.g, root.h, n, this.p);
    }
    const open = [0];
    while (leaves < this.p.maxLeafNodes) {
      let bestAt = -1;
      for (let k = 0; k < open.length; k++) {
        const s = (nodes[open[k] as number] as Node).split;
        const b = bestAt < 0 ? undefined : (nodes[open[bestAt] as number] as Node).split;
        if (s && (!b || s.gain > b.gain)) bestAt = k;
      }
      if (bestAt < 0) break;
      const id = open[bestAt] as number;
      open.splice(bestAt, 1);
      const parent = nodes[id] as Node;
      const s = parent.split as Split;
      const mid = this.partition(parent, s);
      const l: Node = {
        start: parent.start,
        end: mid,
        g: s.leftG,
        h: s.leftH,
        depth: parent.depth + 1,
        hist: undefined,
        split: undefined,
      };
      const r: Node = {
        start: mid,
        end: parent.end,
        g: s.rightG,
        h: s.rightH,
        depth: parent.depth + 1,
        hist: undefined,
        split: undefined,
      };
      const lId = nodes.push(l) - 1;
      const rId = nodes.push(r) - 1;
      for (const arr of [feature, bin, left, right]) arr.push(-1, -1);
      missingLeft.push(false, false);
      feature[id] = s.feature;
      bin[id] = s.bin;
      missingLeft[id] = s.missingLeft;
      left[id] = lId;
      right[id] = rId;
      leaves++;
      open.push(lId, rId);
      this.childHistograms(parent, l, r, g, h, leaves);
    }

    const threshold: number[] = [];
    const value: number[] = [];
    const { l2, learningRate } = this.p;
    nodes.forEach((node, i) => {
      if (left[i] !== -1) {
        const b = bin[i] as number;
        const e = this.edges[feature[i] as number] as Float64Array;
        // The "present left, missing right" split has no upper edge: every finite value goes left.
        threshold.push(b < e.length ? (e[b] as number) : Number.MAX_VALUE);
        value.push(0);
        return;
      }
      if (node.hist) this.pool.push(node.hist);
      // A zero hessian sum (every row's probability saturated at 0 or 1) has no Newton step: leave it at 0.
      const v = node.h + l2 > 0 ? (-learningRate * node.g) / (node.h + l2) : 0;
      threshold.push(0);
      value.push(v);
      for (let k = node.start; k < node.end; k++) {
        const at = (this.idx[k] as number) * stride + offset;
        raw[at] = (raw[at] as number) + v;
      }
    });
    return { tree: { feature, threshold, missingLeft, left, right, value }, bin };
  }

  private splittable(node: Node, leaves: number): boolean {
    return leaves < this.p.maxLeafNodes && node.depth < this.p.maxDepth && node.end - node.start >= 2 * this.p.minSamplesLeaf;
  }

  /** Histograms and best splits of two new children: the smaller built, the larger by subtraction. */
  private childHistograms(parent: Node, l: Node, r: Node, g: Float64Array, h: Float64Array | undefined, leaves: number): void {
    const parentHist = parent.hist as Float64Array;
    parent.hist = undefined;
    const needL = this.splittable(l, leaves);
    const needR = this.splittable(r, leaves);
    if (!needL && !needR) {
      this.pool.push(parentHist);
      return;
    }
    const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
    small.hist = this.take();
    buildHistogram(small.hist, this.binned, this.nBins, this.idx, small.start, small.end, false, g, h);
    subtractHistogram(parentHist, small.hist, this.nBins);
    large.hist = parentHist;
    for (const [child, need] of [
      [l, needL],
      [r, needR],
    ] as const) {
      if (need)
        child.split = findBestSplit(child.hist as Float64Array, this.nBins, child.g, child.h, child.end - child.start, this.p);
      else {
        this.pool.push(child.hist as Float64Array);
        child.hist = undefined;
      }
    }
  }

  /** Stable partition of the node's rows by the split: left rows first; returns the boundary. */
  private partition(node: Node, s: Split): number {
    const { goesLeft } = this;
    for (let b = 0; b < MISSING_BIN; b++) goesLeft[b] = b <= s.bin ? 1 : 0;
    goesLeft[MISSING_BIN] = s.missingLeft ? 1 : 0;
    return partitionRows(this.idx, this.tmp, goesLeft, this.binned.bins, this.binned.features, s.feature, node.start, node.end);
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(histogramLength(this.binned.features));
  }
}

/**
 * Branch-free stable partition (a per-bin direction table; each row is written to both sides and only
 * one cursor advances): the direction is data-dependent, so a branch on it mispredicts about half the
 * time. A standalone function so V8 optimises this loop on its own.
 */
function partitionRows(
  idx: Uint32Array,
  tmp: Uint32Array,
  goesLeft: Uint8Array,
  bins: Uint8Array,
  nf: number,
  f: number,
  start: number,
  end: number,
): number {
  let l = start;
  let rc = 0;
  for (let i = start; i < end; i++) {
    const row = idx[i] as number;
    const left = goesLeft[bins[row * nf + f] as number] as number;
    idx[l] = row;
    tmp[rc] = row;
    l += left;
    rc += 1 - left;
  }
  idx.set(tmp.subarray(0, rc), l);
  return l;
}
