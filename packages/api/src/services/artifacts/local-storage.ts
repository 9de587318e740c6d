import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
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
import type { ArtifactStorage, ContentEncoding, StoredFile, UploadResult } from "./storage.js";

// Artifacts as plain directories: `${root}/<key>/files/<path>` plus `.br`/`.gz`
// siblings and a manifest.json describing every original file. An upload is
// written to a temporary directory and renamed into place, so readers never
// see a half-written artifact.

const FILES = "files";

export function createLocalArtifactStorage(root: string): ArtifactStorage {
  const base = path.resolve(root);

  return {
    async uploadDirectory(key: string, dir: string): Promise<UploadResult> {
      checkArtifactKey(key);
      await mkdir(base, { recursive: true });
      const tmp = path.join(base, `.tmp-${randomBytes(8).toString("hex")}`);
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
      } catch (error) {
        await rm(tmp, { recursive: true, force: true });
        throw error;
      }
      return uploadSummary(manifest);
    },

    async readFile(key: string, filePath: string, accept: readonly ContentEncoding[]): Promise<StoredFile | null> {
      const relative = artifactFilePath(key, filePath);
      if (!relative) return null;
      let manifest: Manifest;
      try {
        manifest = JSON.parse(await readFile(path.join(base, key, MANIFEST), "utf8")) as Manifest;
      } catch {
        return null;
      }
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
    },
  };
}
