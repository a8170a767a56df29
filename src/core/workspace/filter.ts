/**
 * What in a workspace is indexable, decided by name and size (never by content):
 *
 * Rules come in layers, highest precedence first: the root `.pinpointignore`, the `excludeGlobs` setting,
 * `.gitignore` files (deepest directory first, patterns relative to their directory, as git does),
 * `.git/info/exclude`, then the built-ins (rules.ts). For a path, the highest layer with a rule matching
 * the path itself decides (within a layer the last matching rule wins); no match means included.
 * As in git, an excluded directory excludes everything below it, with one exception: a `.pinpointignore`
 * negation that names a path (`!dist/keep.js`, `!/dist/**\/*.d.ts`) re-includes it, and the walk descends
 * into an excluded directory only when such a negation could match below it. A negation without a `/`
 * (`!*.min.js`, `!vendor/`) re-includes matching paths wherever their parent directories are included.
 * Secrets (secrets.ts) are excluded before any of this, and nothing re-includes them.
 */
import ignore from 'ignore';
import type { FileStat, Host } from '../host';
import type { SkipReason, SkippedFile } from '../types';
import { BUILTIN_RULES, BUILTIN_VCS, anchoredNegation, couldMatchBelow, formatBytes, parseIgnoreFile, type SegmentPattern } from './rules';
import { matchSecretPattern, secretDetail } from './secrets';

type Ignore = ignore.Ignore;
/** A rule as handed to `ignore`; `mark` is the line number (built-ins: the skip reason; settings: the index). */
type Rule = { pattern: string; mark: string };
type LayerKind = 'pinpointignore' | 'settings' | 'gitignore' | 'exclude' | 'builtin';

interface Layer {
  kind: LayerKind;
  /** Where the rules come from, for details: `.pinpointignore`, `src/.gitignore`, … */
  source: string;
  /** Directory the patterns are relative to ('' = workspace root). */
  base: string;
  ignoreCase: boolean;
}

/** A layer as seen from one directory: when an ancestor was excluded by this layer but re-included by a
 *  higher one, the rules excluding that ancestor are dropped, so the layer can still judge what is below. */
interface View {
  layer: Layer;
  rules: Rule[];
  ig: Ignore;
}

interface Exclusion {
  reason: SkipReason;
  detail: string;
}

/** The rules in force inside one directory. Opaque outside this module and walk.ts. */
export interface DirState {
  readonly path: string;
  /** @internal */ readonly views: View[];
  /** Set when the directory is excluded but walked for .pinpointignore re-includes. */
  readonly excludedBy?: Exclusion & { kind: LayerKind };
}

export type Verdict =
  | { include: true; /** re-included by a .pinpointignore negation naming the path itself */ forced: boolean }
  | { include: false; reason: SkipReason; detail: string; /** excluded only because an ancestor is */ inherited: boolean; kind: LayerKind };

export interface FilterOptions {
  /** Files larger than this are skipped as `too-large`. Default 1,000,000. */
  maxFileBytes?: number;
  /** Extra gitignore-syntax patterns, e.g. from editor settings. */
  excludeGlobs?: string[];
  /** Case-insensitive matching of user rules. Default: true on Windows and macOS, false elsewhere. */
  ignoreCase?: boolean;
  /** Apply the built-in excludes. Default true; `.git`, `.hg` and `.svn` are excluded regardless. */
  builtins?: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 1_000_000;

const PRECEDENCE: Record<LayerKind, number> = { pinpointignore: 0, settings: 1, gitignore: 2, exclude: 3, builtin: 4 };

function defaultIgnoreCase(): boolean {
  const platform = typeof process !== 'undefined' ? process.platform : '';
  return platform === 'win32' || platform === 'darwin';
}

function normalise(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
}

function relTo(base: string, path: string): string {
  return base ? path.slice(base.length + 1) : path;
}

const isNegation = (r: Rule): boolean => r.pattern.startsWith('!');
const decoder = new TextDecoder();

export class WorkspaceFilter {
  readonly maxFileBytes: number;
  private readonly ignoreCase: boolean;
  /** Views of the root-level layers (everything but .gitignore files), highest precedence first. */
  private readonly baseViews: View[];
  private readonly pinNegations: SegmentPattern[][];
  private readonly pin?: View;
  /** Directory states, and the exclusions of directories not descended into; '' is the root. */
  private readonly states = new Map<string, DirState | Exclusion>();
  private readonly singleRule = new Map<string, Ignore>();

  private constructor(readonly host: Host, opts: FilterOptions, files: { pin?: string; exclude?: string }) {
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.ignoreCase = opts.ignoreCase ?? defaultIgnoreCase();
    const user = (kind: LayerKind, source: string): Layer => ({ kind, source, base: '', ignoreCase: this.ignoreCase });
    const fromFile = (text: string | undefined): Rule[] => (text ? parseIgnoreFile(text).map((l) => ({ pattern: l.pattern, mark: String(l.line) })) : []);
    const pinRules = fromFile(files.pin);
    const views = [
      this.view(user('pinpointignore', '.pinpointignore'), pinRules),
      this.view(user('settings', 'exclude setting'), (opts.excludeGlobs ?? []).map((pattern, i) => ({ pattern: pattern.trim(), mark: String(i) })).filter((r) => r.pattern)),
      this.view(user('exclude', '.git/info/exclude'), fromFile(files.exclude)),
      this.view({ kind: 'builtin', source: 'built-in', base: '', ignoreCase: true },
        (opts.builtins === false ? BUILTIN_VCS.map((pattern) => ({ pattern, reason: 'ignored' })) : BUILTIN_RULES)
          .map((r) => ({ pattern: r.pattern, mark: r.reason }))),
    ];
    this.baseViews = views.filter((v) => v.rules.length > 0);
    this.pin = this.baseViews.find((v) => v.layer.kind === 'pinpointignore');
    this.pinNegations = pinRules.map((r) => anchoredNegation(r.pattern, this.ignoreCase)).filter((p) => p !== undefined);
  }

  /** Reads the root-level rule files (`.pinpointignore`, `.git/info/exclude`, `.gitignore`). */
  static async load(host: Host, opts: FilterOptions = {}): Promise<WorkspaceFilter> {
    const read = async (rel: string): Promise<string | undefined> => {
      try {
        return decoder.decode(await host.readFile(rel));
      } catch {
        return undefined;
      }
    };
    const [pin, exclude] = await Promise.all([read('.pinpointignore'), read('.git/info/exclude')]);
    const filter = new WorkspaceFilter(host, opts, { pin, exclude });
    await filter.rootState();
    return filter;
  }

  /** `root` when a change to `relPath` needs `WorkspaceFilter.load` again; `gitignore` when `invalidate(dir)` will do. */
  static ruleFileKind(relPath: string): 'root' | 'gitignore' | undefined {
    const p = normalise(relPath);
    if (p === '.pinpointignore' || p === '.git/info/exclude') return 'root';
    if (p === '.gitignore' || p.endsWith('/.gitignore')) return 'gitignore';
    return undefined;
  }

  /** Forgets what was learnt about `dir` and below (all when omitted): call after a `.gitignore` there changed. */
  invalidate(dir = ''): void {
    const d = normalise(dir);
    for (const key of [...this.states.keys()]) if (!d || key === d || key.startsWith(d + '/')) this.states.delete(key);
  }

  /** True when a `.pinpointignore` negation names `relPath` itself: content checks (minified) should not apply. */
  forceIncluded(relPath: string): boolean {
    return !!this.pin?.ig.test(normalise(relPath)).unignored;
  }

  /**
   * Is this single path (e.g. from a file watcher event) indexable? Undefined when it is; otherwise why not.
   * Reads `.gitignore` files of its directories the first time they are needed. Pass the path's stat when
   * you have it (lstat semantics); otherwise it is fetched.
   */
  async check(relPath: string, stat?: FileStat): Promise<SkippedFile | undefined> {
    const path = normalise(relPath);
    const slash = path.lastIndexOf('/');
    const state = await this.stateFor(slash < 0 ? '' : path.slice(0, slash));
    if (!('path' in state)) return { path, reason: state.reason, detail: state.detail };
    const st = stat ?? (await this.host.stat(path));
    if (st?.isDirectory && !st.isSymbolicLink) {
      const v = this.classify(state, path, true);
      return v.include ? undefined : { path: path + '/', reason: v.reason, detail: v.detail };
    }
    const v = this.classifyFile(state, path);
    if (!v.include) return { path, reason: v.reason, detail: v.detail };
    if (!st) return { path, reason: 'unreadable', detail: 'does not exist (deleted?)' };
    return this.statCheck(path, st);
  }

  /** @internal The state of directory `dir`, or why it is not walked (detail names the excluded directory). */
  async stateFor(dir: string): Promise<DirState | Exclusion> {
    let state = await this.rootState();
    if (!dir) return state;
    const segs = dir.split('/');
    for (let i = 1; i <= segs.length; i++) {
      const sub = segs.slice(0, i).join('/');
      const known = this.states.get(sub);
      if (known) {
        if (!('path' in known)) return known;
        state = known;
        continue;
      }
      if ((await this.host.stat(sub))?.isSymbolicLink) {
        const ex: Exclusion = { reason: 'ignored', detail: `inside ${sub} (symlink, not followed)` };
        this.states.set(sub, ex);
        return ex;
      }
      const v = this.classify(state, sub, true);
      const next = await this.enter(state, sub, v);
      if (!next) return this.states.get(sub) as Exclusion;
      state = next;
    }
    return state;
  }

  /** @internal */
  async rootState(): Promise<DirState> {
    const known = this.states.get('');
    if (known && 'path' in known) return known;
    const views = [...this.baseViews];
    const text = await this.readGitignore('');
    if (text !== undefined) this.addGitignore(views, '', text);
    const state: DirState = { path: '', views };
    this.states.set('', state);
    return state;
  }

  /**
   * @internal Enters directory `dir` (a child of `parent`) judged `verdict`: its state, or undefined when
   * it must not be walked. `hasGitignore` saves a failed read when the caller has listed the directory.
   */
  async enter(parent: DirState, dir: string, verdict: Verdict, hasGitignore?: boolean): Promise<DirState | undefined> {
    if (!verdict.include) {
      if (!this.mayReincludeBelow(dir, verdict)) {
        const detail = verdict.inherited ? verdict.detail : `inside ${dir}/ (${verdict.detail})`;
        this.states.set(dir, { reason: verdict.reason, detail });
        return undefined;
      }
      const state: DirState = {
        path: dir,
        views: parent.views,
        excludedBy: parent.excludedBy ?? { reason: verdict.reason, detail: `inside ${dir}/ (${verdict.detail})`, kind: verdict.kind },
      };
      this.states.set(dir, state);
      return state;
    }
    const views = parent.views.map((v) => {
      const rel = relTo(v.layer.base, dir) + '/';
      return v.ig.test(rel).ignored ? this.derive(v, rel) : v;
    });
    const text = hasGitignore === false ? undefined : await this.readGitignore(dir);
    if (text !== undefined) this.addGitignore(views, dir, text);
    const state: DirState = { path: dir, views };
    this.states.set(dir, state);
    return state;
  }

  /** @internal Whether excluded directory `dir` must still be walked: a .pinpointignore negation naming a path
   *  could match below it (never for exclusions by .pinpointignore itself, as in git). */
  mayReincludeBelow(dir: string, verdict: Verdict): boolean {
    if (verdict.include) return true;
    if (verdict.kind === 'pinpointignore' || !this.pinNegations.length) return false;
    const segs = dir.split('/');
    return this.pinNegations.some((p) => couldMatchBelow(p, segs));
  }

  /** @internal Judges a child of `state` by the rules alone. */
  classify(state: DirState, relPath: string, isDir: boolean): Verdict {
    let own: { negative: boolean; view: View; rule?: ignore.IgnoreRule } | undefined;
    for (const view of state.views) {
      const r = view.ig.test(relTo(view.layer.base, relPath) + (isDir ? '/' : ''));
      if (r.ignored || r.unignored) {
        own = { negative: !r.ignored, view, rule: r.rule };
        break;
      }
    }
    const byPin = !!own && own.negative && own.view.layer.kind === 'pinpointignore';
    if (state.excludedBy) {
      if (byPin) return { include: true, forced: true };
      return { include: false, ...state.excludedBy, inherited: true };
    }
    if (own && !own.negative && own.rule) {
      const { layer } = own.view;
      const { pattern, mark = '' } = own.rule;
      const detail =
        layer.kind === 'builtin' ? `built-in "${pattern}"`
          : layer.kind === 'settings' ? `exclude setting "${pattern}"`
            : `${layer.source}:${mark} "${pattern}"`;
      const reason = layer.kind === 'builtin' ? (mark as SkipReason) : 'ignored';
      return { include: false, reason, detail, inherited: false, kind: layer.kind };
    }
    return { include: true, forced: byPin };
  }

  /** @internal Judges a file (or symlink) by name: secrets first, then the rules. */
  classifyFile(state: DirState, relPath: string): Verdict {
    const v = this.classify(state, relPath, false);
    if (v.include || !v.inherited) {
      const secret = matchSecretPattern(relPath);
      if (secret) return { include: false, reason: 'secret', detail: secretDetail(secret), inherited: false, kind: 'builtin' };
    }
    return v;
  }

  /** @internal Judges a file by its (lstat) stat: symlinks, non-regular files, size. */
  statCheck(relPath: string, st: FileStat, maxFileBytes = this.maxFileBytes): SkippedFile | undefined {
    if (st.isSymbolicLink) return { path: relPath, reason: 'ignored', detail: 'symlink (not followed)' };
    if (!st.isFile) return { path: relPath, reason: 'ignored', detail: 'not a regular file' };
    if (st.size > maxFileBytes) return { path: relPath, reason: 'too-large', detail: `${formatBytes(st.size)} > max ${formatBytes(maxFileBytes)}` };
    return undefined;
  }

  private view(layer: Layer, rules: Rule[]): View {
    return { layer, rules, ig: ignore({ ignorecase: layer.ignoreCase }).add(rules) };
  }

  /** `view` without the rules that exclude `dirRel` (relative to the layer, trailing `/`) or an ancestor. */
  private derive(view: View, dirRel: string): View {
    const keep = view.rules.filter((r) => {
      if (isNegation(r)) return true;
      const key = `${view.layer.ignoreCase ? 'i' : 'c'}${r.pattern}`;
      let one = this.singleRule.get(key);
      if (!one) this.singleRule.set(key, (one = ignore({ ignorecase: view.layer.ignoreCase }).add(r.pattern)));
      return !one.test(dirRel).ignored;
    });
    return this.view(view.layer, keep);
  }

  private async readGitignore(dir: string): Promise<string | undefined> {
    const rel = dir ? `${dir}/.gitignore` : '.gitignore';
    try {
      return decoder.decode(await this.host.readFile(rel));
    } catch {
      return undefined;
    }
  }

  private addGitignore(views: View[], dir: string, text: string): void {
    const rules = parseIgnoreFile(text).map((l) => ({ pattern: l.pattern, mark: String(l.line) }));
    if (!rules.length) return;
    const v = this.view({ kind: 'gitignore', source: dir ? `${dir}/.gitignore` : '.gitignore', base: dir, ignoreCase: this.ignoreCase }, rules);
    // After pinpointignore and settings, before shallower .gitignore files.
    const at = views.findIndex((x) => PRECEDENCE[x.layer.kind] >= PRECEDENCE.gitignore);
    views.splice(at < 0 ? views.length : at, 0, v);
  }
}
