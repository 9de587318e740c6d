import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The benchmarks (bench/) import the built platform by path. Nothing else
// runs them on every change, so a renamed source file would break them
// silently: every built module they name must have its source.

const root = fileURLToPath(new URL("../../..", import.meta.url));

function benchFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return benchFiles(full);
    return entry.name.endsWith(".mjs") ? [full] : [];
  });
}

/** `packages/x/dist/a/b.js` → `packages/x/src/a/b.ts`. */
const sourceOf = (built: string) => built.replace(/\/dist\//, "/src/").replace(/\.js$/, ".ts");

describe("bench/", () => {
  const named = benchFiles(path.join(root, "bench")).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/"((?:apps|packages)\/[\w-]+\/dist\/[\w/.-]+\.js)"/g)].map((match) => ({ file, built: match[1]! })),
  );

  it("names built modules", () => {
    expect(named.length).toBeGreaterThan(3);
  });

  it("names only built modules whose source exists", () => {
    const missing = named.filter(({ built }) => !existsSync(path.join(root, sourceOf(built))));
    expect(missing.map(({ file, built }) => `${path.relative(root, file)}: ${built}`)).toEqual([]);
  });
});
