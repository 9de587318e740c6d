import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  acceptedVariants,
  artifactFilePath,
  checkArtifactKey,
  ENCODING_SUFFIX,
  MANIFEST,
  manifestEntry,
  prepareFiles,
  uploadSummary,
  type Manifest,
} from "./artifact-files.js";
import { removeUnneededUploads } from "./pending-uploads.js";
import type { ArtifactStorage, ContentEncoding, PendingUpload, StoredFile, UploadResult } from "./storage.js";
import { WeightedLru } from "./weighted-lru.js";

// Artifacts as plain directories: `${root}/<key>/files/<path>` plus `.br`/`.gz`
// siblings and a manifest.json describing every original file. An upload is
// written to a temporary directory and renamed into place, so readers never
// see a half-written artifact. The temporary directory is named
// `.tmp-<key>-<random>`, so the worker's sweep can tell whose upload a leftover
// of a crashed worker was (removeLeftoverUploads; the rules are in
// apps/worker/src/builder/leftovers.ts).
//
// Parsed manifests are kept (bounded, least recently used first), so a read
// costs a stat of manifest.json, not a parse of it: a big site's manifest runs
// to megabytes, and every request the site file cache does not answer (large
// files, first requests, a thrashing cache) would parse it again. The stat
// notices a manifest that another process replaced or removed: an upload
// renames a whole new directory into place, so its manifest is a new inode.

const FILES = "files";
/** Prefix of an upload's temporary directory; never a valid artifact key (a key cannot start with "."). */
const TMP_PREFIX = ".tmp-";
const NAMED_UPLOAD = /^\.tmp-([A-Za-z0-9_-][A-Za-z0-9._-]{0,127})-[0-9a-f]{16}$/;
/** Named before it carried its key. */
const UNNAMED_UPLOAD = /^\.tmp-[0-9a-f]{16}$/;

export interface LocalArtifactStorageOptions {
  /** Upper bound of the cached manifests' JSON size, in bytes (the most recent one is always kept). */
  manifestCacheBytes?: number;
}

/** The temporary upload directories under `base`, dated by their own mtime; symlinks and files are never ones. */
async function temporaryUploads(base: string): Promise<PendingUpload[]> {
  const entries = await readdir(base, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const uploads: PendingUpload[] = [];
  for (const entry of entries) {
    const key = NAMED_UPLOAD.exec(entry.name)?.[1] ?? (UNNAMED_UPLOAD.test(entry.name) ? null : undefined);
    if (key === undefined || !entry.isDirectory()) continue;
    const location = path.join(base, entry.name);
    const info = await lstat(location).catch(() => null); // removed meanwhile
    if (info?.isDirectory()) uploads.push({ key, location, modifiedAt: info.mtime });
  }
  return uploads;
}

interface ParsedManifest {
  manifest: Manifest;
  /** manifest.json's identity when it was read (device, inode, mtime, size). */
  version: string;
  /** Length of the manifest's JSON: its weight in the cache. */
  weight: number;
}

export function createLocalArtifactStorage(root: string, options: LocalArtifactStorageOptions = {}): ArtifactStorage {
  const base = path.resolve(root);
  const cache = new WeightedLru<ParsedManifest>(options.manifestCacheBytes ?? 32 * 1024 * 1024);
  const loading = new Map<string, Promise<ParsedManifest | null>>();

  /** The artifact's manifest: parsed once per version of manifest.json, however many readers ask at the same time. */
  async function loadManifest(key: string): Promise<Manifest | null> {
    const file = path.join(base, key, MANIFEST);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      cache.delete(key);
      return null;
    }
    const version = `${info.dev}:${info.ino}:${info.mtimeMs}:${info.size}`;
    const cached = cache.get(key);
    if (cached?.version === version) return cached.manifest;
    const id = `${key}\0${version}`;
    let pending = loading.get(id);
    if (!pending) {
      pending = readFile(file, "utf8")
        .then((text) => {
          const parsed = { manifest: JSON.parse(text) as Manifest, version, weight: text.length };
          cache.set(key, parsed);
          return parsed;
        })
        .catch(() => null) // removed meanwhile, or not a manifest: no artifact
        .finally(() => loading.delete(id));
      loading.set(id, pending);
    }
    return (await pending)?.manifest ?? null;
  }

  return {
    async uploadDirectory(key: string, dir: string): Promise<UploadResult> {
      checkArtifactKey(key);
      await mkdir(base, { recursive: true });
      const tmp = path.join(base, `${TMP_PREFIX}${key}-${randomBytes(8).toString("hex")}`);
      const manifest: Manifest = {};
      try {
        await mkdir(path.join(tmp, FILES), { recursive: true });
        for await (const file of prepareFiles(dir)) {
          const target = path.join(tmp, FILES, file.relative);
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, file.content);
          for (const variant of file.variants) await writeFile(target + ENCODING_SUFFIX[variant.encoding], variant.body);
          manifest[file.relative] = file.entry;
        }
        await writeFile(path.join(tmp, MANIFEST), JSON.stringify(manifest));
        const destination = path.join(base, key);
        await rm(destination, { recursive: true, force: true });
        await rename(tmp, destination);
        cache.delete(key);
      } catch (error) {
        await rm(tmp, { recursive: true, force: true });
        throw error;
      }
      return uploadSummary(manifest);
    },

    async readFile(key: string, filePath: string, accept: readonly ContentEncoding[]): Promise<StoredFile | null> {
      const relative = artifactFilePath(key, filePath);
      if (!relative) return null;
      const manifest = await loadManifest(key);
      if (!manifest) return null;
      const entry = manifestEntry(manifest, relative);
      if (!entry) return null;
      const original = path.join(base, key, FILES, relative);
      for (const encoding of acceptedVariants(entry, accept)) {
        const variant = original + ENCODING_SUFFIX[encoding];
        const info = await stat(variant).catch(() => null);
        if (info?.isFile()) return { body: createReadStream(variant), size: info.size, etag: entry.etag, encoding };
      }
      const info = await lstat(original).catch(() => null);
      if (!info?.isFile()) return null;
      return { body: createReadStream(original), size: info.size, etag: entry.etag };
    },

    async remove(key: string): Promise<void> {
      checkArtifactKey(key);
      await rm(path.join(base, key), { recursive: true, force: true });
      cache.delete(key);
    },

    async removeLeftoverUploads(sweep) {
      // One directory listing: no bound needed.
      return removeUnneededUploads(await temporaryUploads(base), sweep, async (upload) => {
        await rm(upload.location, { recursive: true, force: true });
        return true;
      });
    },
  };
}
