import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createLocalArtifactStorage } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { removeLeftoverCheckouts, UNNAMED_UPLOAD_MAX_AGE_MS, unneededUploads } from "./leftovers.js";

// What crashed builds leave on disk, in a real temporary DATA_DIR against the
// test database: checkouts and temporary upload directories of deleted or
// long-finished deployments go; nothing of an active deployment, of one that
// has just finished, or that is not ours goes. Uploads are found by the local
// artifact store and judged by these rules (the S3 store's part is tested in
// packages/api/src/services/artifacts/s3-leftovers.test.ts), as the sweep does.

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const DELETED = "22222222-2222-4222-8222-222222222222";

let database: TestDatabase;
let dataDir: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase(inject("adminUrl"));
  const db = database.db;
  const user = await db.user.create({ data: { name: "Owner", email: "leftovers@example.com" } });
  const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: "leftovers" } });
  const rows: [string, string, Date | null][] = [
    ["queued", "queued", null],
    ["building", "building", null],
    ["deploying", "deploying", null],
    ["failedLongAgo", "failed", minutesAgo(10)],
    ["succeededLongAgo", "success", minutesAgo(10)],
    ["cancelledJustNow", "cancelled", minutesAgo(0.5)],
  ];
  for (const [name, status, completedAt] of rows) {
    const row = await db.deployment.create({
      data: { userId: user.id, projectId: project.id, slug: `leftovers-${name.toLowerCase()}`, repository: project.repository, buildCommand: "true", outputDir: ".", status, completedAt },
    });
    ids[name] = row.id;
  }
});
afterAll(() => database?.drop());

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "autostack-leftovers-"));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** A directory with a file in it, last changed `minutes` ago (the age a crashed build's leftover has). */
async function leftover(dir: string, minutes: number): Promise<void> {
  await mkdir(path.join(dir, "repo"), { recursive: true });
  await writeFile(path.join(dir, "repo", "package.json"), "{}");
  await utimes(dir, minutesAgo(minutes), minutesAgo(minutes));
}

describe("leftover checkouts", () => {
  it("are removed for deleted and long-finished deployments, never for active or just-finished ones", async () => {
    const builds = path.join(dataDir, "builds");
    const all = { ...ids, deleted: DELETED };
    for (const id of Object.values(all)) await leftover(path.join(builds, id), 10);
    await leftover(path.join(builds, "33333333-3333-4333-8333-333333333333"), 0); // row deleted a moment ago
    await leftover(path.join(builds, "not-a-deployment"), 10);
    await writeFile(path.join(builds, "44444444-4444-4444-8444-444444444444"), "a file, not a checkout");

    const removed = await removeLeftoverCheckouts(database.db, builds);

    expect(removed.map((r) => r.deploymentId).sort()).toEqual([DELETED, ids.failedLongAgo, ids.succeededLongAgo].sort());
    expect(removed.every((r) => r.kind === "checkout" && r.path === path.join(builds, r.deploymentId!))).toBe(true);
    expect((await readdir(builds)).sort()).toEqual(
      [ids.queued, ids.building, ids.deploying, ids.cancelledJustNow, "33333333-3333-4333-8333-333333333333", "not-a-deployment", "44444444-4444-4444-8444-444444444444"].sort(),
    );
  });

  it("are nothing to do when DATA_DIR/builds does not exist", async () => {
    expect(await removeLeftoverCheckouts(database.db, path.join(dataDir, "builds"))).toEqual([]);
  });
});

describe("leftover artifact upload directories", () => {
  it("are removed when their deployment is deleted or long finished, never while it is queued, building or deploying", async () => {
    const artifacts = path.join(dataDir, "artifacts");
    const upload = (id: string) => path.join(artifacts, `.tmp-${id}-0123456789abcdef`);
    for (const id of [...Object.values(ids), DELETED]) await leftover(upload(id), 10);
    await leftover(upload("55555555-5555-4555-8555-555555555555"), 0); // just started, row not visible yet
    // Committed artifacts and other names are not the sweep's.
    await leftover(path.join(artifacts, ids.succeededLongAgo!), 10);
    await leftover(path.join(artifacts, ".tmp-something-else"), 10);

    const removed = await createLocalArtifactStorage(artifacts).removeLeftoverUploads(unneededUploads(database.db));

    expect(removed.map((r) => r.key).sort()).toEqual([DELETED, ids.failedLongAgo, ids.succeededLongAgo].sort());
    expect(removed.every((r) => r.location === upload(r.key!))).toBe(true);
    expect((await readdir(artifacts)).sort()).toEqual(
      [
        ...[ids.queued!, ids.building!, ids.deploying!, ids.cancelledJustNow!, "55555555-5555-4555-8555-555555555555"].map((id) => path.basename(upload(id))),
        ids.succeededLongAgo,
        ".tmp-something-else",
      ].sort(),
    );
  });

  it("named before they carried their key are removed only once older than a day", async () => {
    const artifacts = path.join(dataDir, "artifacts");
    const old = path.join(artifacts, ".tmp-aaaaaaaaaaaaaaaa");
    const recent = path.join(artifacts, ".tmp-bbbbbbbbbbbbbbbb");
    await leftover(old, UNNAMED_UPLOAD_MAX_AGE_MS / 60_000 + 1);
    await leftover(recent, 60);

    const removed = await createLocalArtifactStorage(artifacts).removeLeftoverUploads(unneededUploads(database.db));

    expect(removed).toEqual([{ key: null, location: old, modifiedAt: expect.any(Date) }]);
    expect(await readdir(artifacts)).toEqual([".tmp-bbbbbbbbbbbbbbbb"]);
  });
});
