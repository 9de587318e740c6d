import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, mkdir, opendir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import type { ArtifactStorage, ContentEncoding, StoredFile, UploadResult } from "./storage.js";

// Artifacts as plain directories: `${root}/<key>/<path>` plus `.br`/`.gz`
// siblings and a manifest.json describing every original file. An upload is
// written to a temporary directory and renamed into place, so readers never
// see a half-written artifact.

export interface ManifestEntry {
  size: number;
  etag: string;
  encodings: ContentEncoding[];
}

export type Manifest = Record<string, ManifestEntry>;

const MANIFEST = "manifest.json";
const FILES = "files";
const COMPRESSIBLE = new Set([".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".map"]);
const MIN_COMPRESS_BYTES = 1024;
const SUFFIX: Record<ContentEncoding, string> = { br: ".br", gzip: ".gz" };
const KEY_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

function checkKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key === "." || key === "..") throw new Error(`invalid artifact key: ${JSON.stringify(key)}`);
}

/** The artifact-relative path, or null when it is empty or escapes the artifact. */
export function normaliseArtifactPath(input: string): string | null {
  if (input.includes("\0") || input.includes("\\")) return null;
  const normalised = path.posix.normalize(`/${input}`).slice(1);
  if (!normalised || normalised.endsWith("/")) return null;
  if (normalised.split("/").some((part) => part === ".." || part === "")) return null;
  return normalised;
}

async function* regularFiles(dir: string, prefix = ""): AsyncGenerator<[string, string]> {
  for await (const entry of await opendir(dir)) {
    const full = path.join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) yield* regularFiles(full, relative);
    else if (entry.isFile()) yield [full, relative];
  }
}

export function createLocalArtifactStorage(root: string): ArtifactStorage {
  const base = path.resolve(root);

  return {
    async uploadDirectory(key: string, dir: string): Promise<UploadResult> {
      checkKey(key);
      await mkdir(base, { recursive: true });
      const tmp = path.join(base, `.tmp-${randomBytes(8).toString("hex")}`);
      const manifest: Manifest = {};
      let bytes = 0;
      let files = 0;
      try {
        await mkdir(path.join(tmp, FILES), { recursive: true });
        for await (const [source, relative] of regularFiles(path.resolve(dir))) {
          const content = await readFile(source);
          const target = path.join(tmp, FILES, relative);
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, content);
          const encodings: ContentEncoding[] = [];
          if (content.length >= MIN_COMPRESS_BYTES && COMPRESSIBLE.has(path.extname(relative).toLowerCase())) {
            const br = brotliCompressSync(content, {
              params: {
                [zlibConstants.BROTLI_PARAM_QUALITY]: content.length > 1024 * 1024 ? 9 : 11,
                [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
              },
            });
            if (br.length < content.length) {
              await writeFile(target + SUFFIX.br, br);
              encodings.push("br");
            }
            const gz = gzipSync(content, { level: 9 });
            if (gz.length < content.length) {
              await writeFile(target + SUFFIX.gzip, gz);
              encodings.push("gzip");
            }
          }
          manifest[relative] = { size: content.length, etag: createHash("sha256").update(content).digest("hex"), encodings };
          bytes += content.length;
          files += 1;
        }
        await writeFile(path.join(tmp, MANIFEST), JSON.stringify(manifest));
        const destination = path.join(base, key);
        await rm(destination, { recursive: true, force: true });
        await rename(tmp, destination);
      } catch (error) {
        await rm(tmp, { recursive: true, force: true });
        throw error;
      }
      return { bytes, files };
    },

    async readFile(key: string, filePath: string, accept: readonly ContentEncoding[]): Promise<StoredFile | null> {
      if (!KEY_PATTERN.test(key)) return null;
      const relative = normaliseArtifactPath(filePath);
      if (!relative) return null;
      let manifest: Manifest;
      try {
        manifest = JSON.parse(await readFile(path.join(base, key, MANIFEST), "utf8")) as Manifest;
      } catch {
        return null;
      }
      const entry = Object.hasOwn(manifest, relative) ? manifest[relative] : undefined;
      if (!entry) return null;
      const original = path.join(base, key, FILES, relative);
      for (const encoding of accept) {
        if (!entry.encodings.includes(encoding)) continue;
        const variant = original + SUFFIX[encoding];
        const info = await stat(variant).catch(() => null);
        if (info?.isFile()) return { body: createReadStream(variant), size: info.size, etag: entry.etag, encoding };
      }
      const info = await lstat(original).catch(() => null);
      if (!info?.isFile()) return null;
      return { body: createReadStream(original), size: info.size, etag: entry.etag };
    },

    async remove(key: string): Promise<void> {
      checkKey(key);
      await rm(path.join(base, key), { recursive: true, force: true });
    },
  };
}
