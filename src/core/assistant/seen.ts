/** Line ranges of each file the model has seen in this turn (context pack, tool results). */
export class SeenLines {
  private readonly byFile = new Map<string, [number, number][]>();

  add(path: string, start: number, end: number): void {
    if (!(end >= start) || start < 1) return;
    const list = this.byFile.get(path) ?? [];
    list.push([start, end]);
    list.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of list) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    this.byFile.set(path, merged);
  }

  /** True when every line of [start, end] was seen. */
  covers(path: string, start: number, end: number): boolean {
    return (this.byFile.get(path) ?? []).some(([a, b]) => a <= start && end <= b);
  }

  ranges(path: string): readonly [number, number][] {
    return this.byFile.get(path) ?? [];
  }

  files(): string[] {
    return [...this.byFile.keys()];
  }
}
