/**
 * A small glob matcher for `list_files`: `**` any number of path segments, `*` within one segment, `?` one
 * character, `{a,b}` alternatives, `[abc]` classes. A pattern without `/` matches the file name at any
 * depth (`*.ts`); a pattern naming a directory (`src`, `src/`) matches everything below it.
 */
function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
}

function compile(p: string): string {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const end = p.indexOf('}', i);
      if (end < 0) {
        re += '\\{';
        continue;
      }
      re += '(?:' + p.slice(i + 1, end).split(',').map(compile).join('|') + ')';
      i = end;
    } else if (ch === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      const body = p.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += escapeRe(ch);
  }
  return re;
}

/** A predicate over workspace-relative `/`-separated paths. Throws on an unusable pattern. */
export function globMatcher(glob: string): (path: string) => boolean {
  let g = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (!g || g === '.' || g === '*' || g === '**' || g === '**/*') return () => true;
  g = g.replace(/^\/+/, '');
  const hasMeta = /[*?[{]/.test(g);
  if (!hasMeta) {
    const dir = g.replace(/\/+$/, '');
    return (p) => p === dir || p.startsWith(dir + '/') || (!dir.includes('/') && (p.endsWith('/' + dir)));
  }
  if (g.endsWith('/')) g += '**';
  const re = g.includes('/') ? new RegExp('^' + compile(g) + '$') : new RegExp('(?:^|/)' + compile(g) + '$');
  return (p) => re.test(p);
}
