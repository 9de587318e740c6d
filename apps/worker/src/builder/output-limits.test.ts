import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { measureOutput } from "./output-limits.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "autostack-output-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An output directory with `count` small files spread over a few subdirectories. */
function outputWith(count: number): string {
  const dir = tempDir();
  for (let i = 0; i < count; i += 1) {
    const sub = path.join(dir, `d${i % 4}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `f${i}.html`), "<p>x</p>");
  }
  return dir;
}

describe("measureOutput", () => {
  it("passes an output with exactly as many files as allowed", async () => {
    expect(await measureOutput(outputWith(100), { maxBytes: Infinity, maxFiles: 100 })).toEqual({ bytes: 800, files: 100, over: null });
  });

  it("stops at the first file over MAX_BUILD_FILES", async () => {
    const result = await measureOutput(outputWith(250), { maxBytes: Infinity, maxFiles: 100 });
    expect(result).toEqual({ bytes: 808, files: 101, over: "files" });
  });

  it("stops once the bytes pass MAX_BUILD_SIZE", async () => {
    const dir = tempDir();
    for (let i = 0; i < 10; i += 1) writeFileSync(path.join(dir, `chunk${i}`), Buffer.alloc(1000, 1));
    expect(await measureOutput(dir, { maxBytes: 2500, maxFiles: 100 })).toEqual({ bytes: 3000, files: 3, over: "bytes" });
  });

  it("counts regular files only, as the upload does: symlinks are neither followed nor counted", async () => {
    const host = outputWith(200);
    const dir = outputWith(3);
    symlinkSync(host, path.join(dir, "link-to-dir"));
    symlinkSync(path.join(host, "d0", "f0.html"), path.join(dir, "link-to-file"));
    expect(await measureOutput(dir, { maxBytes: Infinity, maxFiles: 100 })).toEqual({ bytes: 24, files: 3, over: null });
  });
});
