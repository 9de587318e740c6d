/**
 * Aho–Corasick over a fixed set of strings (UTF-16 code units): one pass over
 * a line finds every occurrence of every string, in time linear in the line
 * plus the matches, whatever the strings share or how they overlap. Searching
 * each string with indexOf costs the line length times the number of strings,
 * and a secret like "aaab" against a line of "aaaa…" makes indexOf itself
 * slow.
 *
 * The result is the union of the occurrences as disjoint ranges: occurrences
 * that overlap or touch make one range, so masking a range leaves nothing of
 * any of them.
 */
export class SecretMatcher {
  // Node 0 is the root. Its transitions are a table (most characters of a
  // line lead nowhere, and this is the hot path); other nodes have few.
  readonly #rootNext = new Int32Array(0x10000);
  readonly #next: (Map<number, number> | undefined)[] = [undefined];
  readonly #fail: number[] = [0];
  /** Length of the longest string that ends at this node (itself or a suffix of it), 0 for none. */
  readonly #longest: number[] = [0];
  readonly empty: boolean;

  constructor(values: Iterable<string>) {
    let count = 0;
    for (const value of values) {
      if (value.length === 0) continue;
      this.#add(value);
      count++;
    }
    this.empty = count === 0;
    this.#link();
  }

  /**
   * Disjoint, sorted [start, end) ranges covering every occurrence, or null when
   * there is none. `cost.steps` grows by the automaton moves made (at most twice
   * the line length): for tests that prove the work is linear.
   */
  ranges(line: string, cost?: { steps: number }): number[] | null {
    if (this.empty) return null;
    const rootNext = this.#rootNext;
    const next = this.#next;
    const fail = this.#fail;
    const longest = this.#longest;
    let ranges: number[] | null = null; // flat pairs: start0, end0, start1, end1, …
    let steps = 0;
    let state = 0;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      // Follow failure links until a transition exists (the root always has one: to itself).
      for (;;) {
        steps++;
        if (state === 0) {
          state = rootNext[code]!;
          break;
        }
        const to = next[state]?.get(code);
        if (to !== undefined) {
          state = to;
          break;
        }
        state = fail[state]!;
      }
      const length = longest[state]!;
      if (length === 0) continue;
      ranges ??= [];
      let start = i + 1 - length;
      // Ranges end in order, so only the last ones can overlap or touch this occurrence.
      while (ranges.length > 0 && ranges[ranges.length - 1]! >= start) {
        ranges.pop();
        start = Math.min(start, ranges.pop()!);
      }
      ranges.push(start, i + 1);
    }
    if (cost) cost.steps += steps;
    return ranges;
  }

  #add(value: string): void {
    let state = 0;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      let to = state === 0 ? this.#rootNext[code]! : this.#next[state]?.get(code);
      if (!to) {
        to = this.#fail.length;
        this.#next.push(undefined);
        this.#fail.push(0);
        this.#longest.push(0);
        if (state === 0) this.#rootNext[code] = to;
        else (this.#next[state] ??= new Map()).set(code, to);
      }
      state = to;
    }
    this.#longest[state] = Math.max(this.#longest[state]!, value.length);
  }

  /** Failure links breadth-first; each node's longest match also counts the strings that end in its suffixes. */
  #link(): void {
    const queue: number[] = [];
    for (let code = 0; code < this.#rootNext.length; code++) {
      const child = this.#rootNext[code]!;
      if (child !== 0) queue.push(child); // failure link: the root
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [code, child] of this.#next[node] ?? []) {
        let fallback = this.#fail[node]!;
        while (fallback !== 0 && this.#next[fallback]?.get(code) === undefined) fallback = this.#fail[fallback]!;
        const target = fallback === 0 ? this.#rootNext[code]! : this.#next[fallback]!.get(code)!;
        this.#fail[child] = target;
        this.#longest[child] = Math.max(this.#longest[child]!, this.#longest[target]!);
        queue.push(child);
      }
    }
  }
}
