/**
 * Regression trees added to a linear model's score (gradient boosting from the linear model, fitted by
 * bench/gbdt.ts): evaluation on a dense feature vector, validation of the stored form, and per-feature
 * attribution along each decision path, so a tree-ranked result still says why it is where it is.
 *
 * Stored form (weights.json): `{ features: [names], trees: [{ f, t, l, r, v }] }`. Node i of a tree splits on
 * `features[f[i]]` (x ≤ t[i] goes to l[i], else r[i]); f[i] = −1 marks a leaf. v[i] is the node's value: a
 * leaf's output, or for an inner node the output the tree would have given had it stopped there (bench/gbdt.ts:
 * the same Newton step over the node's training rows), which attribution measures each split against.
 */

export interface Tree {
  f: number[];
  t: number[];
  l: number[];
  r: number[];
  v: number[];
}

export interface TreeEnsemble {
  features: string[];
  trees: Tree[];
}

const MAX_DEPTH = 12;

/** Throws unless the ensemble is well formed over `known` features: every path ends at a leaf, values are finite. */
export function validateTrees(e: TreeEnsemble, known: ReadonlySet<string>, where: string): void {
  if (!Array.isArray(e?.features) || !Array.isArray(e.trees)) throw new Error(`weights: ${where}.trees needs "features" and "trees" lists`);
  for (const n of e.features) if (!known.has(n)) throw new Error(`weights: unknown feature "${n}" in ${where}.trees`);
  e.trees.forEach((t, k) => {
    const bad = (why: string) => new Error(`weights: ${where}.trees[${k}] ${why}`);
    const n = t?.f?.length ?? 0;
    if (!n || [t.t, t.l, t.r, t.v].some((a) => !Array.isArray(a) || a.length !== n)) throw bad('needs equal-length f, t, l, r, v lists');
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(t.v[i])) throw bad(`node ${i} has no finite value`);
      if (t.f[i] === -1) continue;
      if (!Number.isInteger(t.f[i]) || t.f[i] < 0 || t.f[i] >= e.features.length) throw bad(`node ${i} splits on no listed feature`);
      if (!Number.isFinite(t.t[i])) throw bad(`node ${i} has no finite threshold`);
      // Children come after their parent: no cycles, every path ends.
      for (const c of [t.l[i], t.r[i]]) if (!Number.isInteger(c) || c <= i || c >= n) throw bad(`node ${i} has a child out of order`);
    }
    // Scoring pads each tree to a complete one (compileTrees): 2^depth slots.
    if (depthOf(t) > MAX_DEPTH) throw bad(`is deeper than ${MAX_DEPTH} levels`);
  });
}

/**
 * An ensemble bound to a feature order (positions in the dense vector), flattened for the hot path: every tree
 * padded to a complete tree of `depth` levels (a shallow leaf becomes splits that always go left, down to copies of
 * its value), so a vector takes `depth` steps per tree with no test for a leaf: slot p's children are 2p + 1 and
 * 2p + 2. Inner slots (2^depth − 1 per tree): `at`, `thr`, `value`, `feature`; leaf slots (2^depth): `leaf`.
 */
export interface CompiledTrees {
  count: number;
  depth: number;
  /** Position in the feature vector a slot splits on (0 for padding, whose threshold sends every vector left). */
  at: Int32Array;
  thr: Float64Array;
  /** The stored node's value (attribution measures each split against it). */
  value: Float64Array;
  /** Index into `names` of the feature a slot splits on; −1 for padding (nothing to credit). */
  feature: Int32Array;
  leaf: Float64Array;
  names: readonly string[];
  /** Where each of `names` sits in the feature vector (−1: not one of its features). */
  position: Int32Array;
}

const cache = new WeakMap<TreeEnsemble, Map<readonly string[], CompiledTrees>>();

/** Deepest path of a stored tree, in splits. */
function depthOf(t: Tree, i = 0): number {
  return t.f[i] < 0 ? 0 : 1 + Math.max(depthOf(t, t.l[i]), depthOf(t, t.r[i]));
}

export function compileTrees(e: TreeEnsemble, names: readonly string[]): CompiledTrees {
  let byNames = cache.get(e);
  if (!byNames) cache.set(e, (byNames = new Map()));
  const hit = byNames.get(names);
  if (hit) return hit;
  const pos = e.features.map((n) => names.indexOf(n));
  const count = e.trees.length;
  const depth = Math.max(0, ...e.trees.map((t) => depthOf(t)));
  const inner = (1 << depth) - 1;
  const c: CompiledTrees = {
    count, depth, at: new Int32Array(count * inner), thr: new Float64Array(count * inner), value: new Float64Array(count * inner),
    feature: new Int32Array(count * inner), leaf: new Float64Array(count * (inner + 1)), names: e.features, position: Int32Array.from(pos),
  };
  e.trees.forEach((t, k) => {
    // Stored node i sits at slot p of level d. A leaf above the last level fills every slot below it.
    const place = (i: number, p: number, d: number) => {
      if (d === depth) return void (c.leaf[k * (inner + 1) + p - inner] = t.v[i]);
      const at = k * inner + p;
      c.value[at] = t.v[i];
      if (t.f[i] < 0) {
        c.feature[at] = -1;
        c.thr[at] = Infinity; // every vector goes left…
        place(i, 2 * p + 1, d + 1);
        place(i, 2 * p + 2, d + 1); // …and the right side holds the same value, never reached
        return;
      }
      const fp = pos[t.f[i]];
      c.feature[at] = t.f[i];
      // A feature this code does not compute reads as 0: the split's outcome is fixed (validation refuses unknown
      // names; this keeps scoring total).
      c.at[at] = fp >= 0 ? fp : 0;
      c.thr[at] = fp >= 0 ? t.t[i] : 0 <= t.t[i] ? Infinity : -Infinity;
      place(t.l[i], 2 * p + 1, d + 1);
      place(t.r[i], 2 * p + 2, d + 1);
    };
    place(0, 0, 0);
  });
  byNames.set(names, c);
  return c;
}

/** Σ over trees of the leaf `x` (the vector starting at `from`) reaches: `depth` steps per tree (see CompiledTrees). */
export function scoreTrees(c: CompiledTrees, x: ArrayLike<number>, from = 0): number {
  if (c.depth === 3) return scoreTrees3(c, x, from);
  let s = 0;
  const { count, depth, at, thr, leaf } = c;
  const inner = (1 << depth) - 1;
  for (let k = 0, base = 0; k < count; k++, base += inner) {
    let p = 0;
    // x ≤ threshold goes left (2p + 1), as in the stored form; a NaN goes right. Written without a branch: a third
    // faster than the conditional, whose outcome a processor cannot predict.
    for (let d = 0; d < depth; d++) p = 2 * p + 2 - +(x[from + at[base + p]] <= thr[base + p]);
    s += leaf[base + k + p - inner];
  }
  return s;
}

/**
 * `scoreTrees` for trees of depth 3 (what bench/fit.ts fits), its three steps written out, each a conditional: 40%
 * faster than the loop over levels at ~900 candidates a query, and the conditional is here faster than the
 * branch-free step the loop needs (bench/RESULTS.md, session 32). The same leaves, added in the same order.
 */
function scoreTrees3(c: CompiledTrees, x: ArrayLike<number>, from: number): number {
  let s = 0;
  const { count, at, thr, leaf } = c;
  for (let k = 0, b = 0, l = 0; k < count; k++, b += 7, l += 8) {
    const p1 = x[from + at[b]] <= thr[b] ? 1 : 2;
    const p2 = x[from + at[b + p1]] <= thr[b + p1] ? 2 * p1 + 1 : 2 * p1 + 2;
    const p3 = x[from + at[b + p2]] <= thr[b + p2] ? 2 * p2 + 1 : 2 * p2 + 2;
    s += leaf[l + p3 - 7];
  }
  return s;
}

/**
 * Each feature's share of the trees' output for `x`: along every decision path, the change in node value at a
 * split is credited to the split's feature (the path attribution of Saabas). The shares sum to the trees' output
 * less the sum of the roots' values. Added into `shares` (by the feature's index in the ensemble's `names`, zeroed by
 * the caller); `order` gets each feature the first time a path splits on it. No map: the rank stage explains ~60
 * hits a query.
 */
export function attributeTreesInto(c: CompiledTrees, x: ArrayLike<number>, from: number, shares: Float64Array, order: number[]): void {
  const { count, depth, at, thr, value, feature, leaf } = c;
  const inner = (1 << depth) - 1;
  const first = order.length;
  for (let k = 0, base = 0; k < count; k++, base += inner) {
    let p = 0;
    for (let d = 0; d < depth; d++) {
      const next = 2 * p + 2 - +(x[from + at[base + p]] <= thr[base + p]);
      const f = feature[base + p];
      if (f >= 0) {
        const v = d + 1 === depth ? leaf[base + k + next - inner] : value[base + next];
        if (shares[f] === 0 && order.indexOf(f, first) < 0) order.push(f);
        shares[f] = shares[f] + v - value[base + p];
      }
      p = next;
    }
  }
}
