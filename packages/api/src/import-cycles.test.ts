import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// No module of this package imports itself back, even through type-only
// imports: a cycle (context.ts ⇄ services/auth/authenticate.ts was the last)
// means two layers know each other and neither can move alone. TypeScript's
// own import scanner reads the files; only relative imports can form a cycle.

const srcDir = fileURLToPath(new URL(".", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [file] : [];
  });
}

function importsOf(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, "utf8"), true, true)
    .importedFiles.filter(({ fileName }) => fileName.startsWith("."))
    .map(({ fileName }) => path.resolve(path.dirname(file), fileName).replace(/\.js$/, ""))
    .map((base) => [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find((candidate) => existsSync(candidate)))
    .filter((resolved): resolved is string => resolved !== undefined);
}

/** Every cycle met by a depth-first walk, as the files along it. */
function findCycles(files: string[]): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (file: string) => {
    onPath.push(file);
    for (const next of importsOf(file)) {
      if (onPath.includes(next)) cycles.push([...onPath.slice(onPath.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    onPath.pop();
    done.add(file);
  };
  for (const file of files) if (!done.has(file)) visit(file);
  return cycles;
}

describe("packages/api module graph", () => {
  it("has no import cycles", () => {
    const cycles = findCycles(sourceFiles(srcDir)).map((cycle) => cycle.map((file) => path.relative(srcDir, file)).join(" → "));
    expect(cycles).toEqual([]);
  });
});
