import { lstat, opendir } from "node:fs/promises";
import path from "node:path";

// What a build's output directory may hold before anything of it is uploaded:
// MAX_BUILD_SIZE (MB of regular files) and MAX_BUILD_FILES (their number, each
// becoming an object or file of the artifact and a manifest entry). Counted
// as the upload would see the directory: regular files only, symlinks neither
// followed nor counted.

export interface OutputLimits {
  maxBytes: number;
  maxFiles: number;
}

export interface OutputMeasure {
  bytes: number;
  files: number;
  /** Which limit the directory passed (the walk stopped there); null when within both. */
  over: "bytes" | "files" | null;
}

export async function measureOutput(dir: string, limits: OutputLimits): Promise<OutputMeasure> {
  let bytes = 0;
  let files = 0;
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for await (const entry of await opendir(current)) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) {
        files += 1;
        bytes += (await lstat(full)).size;
        if (files > limits.maxFiles) return { bytes, files, over: "files" };
        if (bytes > limits.maxBytes) return { bytes, files, over: "bytes" };
      }
    }
  }
  return { bytes, files, over: null };
}
