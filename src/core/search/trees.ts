/**
 * Regression trees added to a linear model's score (gradient boosting from the linear model, fitted by
 * bench/gbdt.ts): evaluation on a dense feature vector, validation of the stored form, and per-feature
 * attribution along each decision path, so a tree-ranked result still says why it is where it is.
 *
 * Stored form (weights.json): `{ features: [names], trees: [{ f, t, l, r, v }] }`. Node i of a tree splits on
 * `features[f[i]]` (x ≤ t[i] goes to l[i], else r[i]); f[i] = −1 marks a leaf. v[i] is the node's value: the
 * leaf's output for a leaf, the mean output of its leaves (weighted by the training data) for an inner node.
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
  });
}

/** An ensemble bound to a feature order (positions in the dense vector), flattened for the hot path. */
export interface CompiledTrees {
  /** Per tree, the offset of its root in the flat arrays. */
  roots: Int32Array;
  /** Position in the feature vector the node splits on, or −1 for a leaf. */
  at: Int32Array;
  thr: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Name of the feature a node splits on (attribution). */
  names: readonly string[];
  nameOf: Int32Array;
}

const cache = new WeakMap<TreeEnsemble, Map<readonly string[], CompiledTrees>>();

export function compileTrees(e: TreeEnsemble, names: readonly string[]): CompiledTrees {
  let byNames = cache.get(e);
  if (!byNames) cache.set(e, (byNames = new Map()));
  const hit = byNames.get(names);
  if (hit) return hit;
  const pos = e.features.map((n) => names.indexOf(n));
  const total = e.trees.reduce((s, t) => s + t.f.length, 0);
  const c: CompiledTrees = {
    roots: new Int32Array(e.trees.length), at: new Int32Array(total), thr: new Float64Array(total), left: new Int32Array(total),
    right: new Int32Array(total), value: new Float64Array(total), names: e.features, nameOf: new Int32Array(total),
  };
  let o = 0;
  e.trees.forEach((t, k) => {
    c.roots[k] = o;
    for (let i = 0; i < t.f.length; i++) {
      const leaf = t.f[i] < 0;
      // A feature this code does not compute reads as 0 (validation refuses unknown names; this keeps scoring total).
      c.at[o + i] = leaf ? -1 : pos[t.f[i]];
      c.nameOf[o + i] = leaf ? -1 : t.f[i];
      c.thr[o + i] = t.t[i];
      c.left[o + i] = leaf ? -1 : o + t.l[i];
      c.right[o + i] = leaf ? -1 : o + t.r[i];
      c.value[o + i] = t.v[i];
    }
    o += t.f.length;
  });
  byNames.set(names, c);
  return c;
}

const read = (x: ArrayLike<number>, from: number, at: number) => (at >= 0 ? x[from + at] : 0);

/** Σ over trees of the leaf `x` (the vector starting at `from`) reaches. */
export function scoreTrees(c: CompiledTrees, x: ArrayLike<number>, from = 0): number {
  let s = 0;
  const { roots, at, thr, left, right, value } = c;
  for (let k = 0; k < roots.length; k++) {
    let i = roots[k];
    while (left[i] !== -1) i = read(x, from, at[i]) <= thr[i] ? left[i] : right[i];
    s += value[i];
  }
  return s;
}

/**
 * Each feature's share of the trees' output for `x`: along every decision path, the change in node value at a
 * split is credited to the split's feature (the path attribution of Saabas). The shares sum to the trees'
 * output less the sum of the roots' values.
 */
export function attributeTrees(c: CompiledTrees, x: ArrayLike<number>, from = 0): Map<string, number> {
  const out = new Map<string, number>();
  const { roots, at, thr, left, right, value } = c;
  for (let k = 0; k < roots.length; k++) {
    let i = roots[k];
    while (left[i] !== -1) {
      const next = read(x, from, at[i]) <= thr[i] ? left[i] : right[i];
      const name = c.names[c.nameOf[i]];
      out.set(name, (out.get(name) ?? 0) + value[next] - value[i]);
      i = next;
    }
  }
  return out;
}
