// The deployed site that bench/serve.mjs serves: an index.html and a ~50 KB
// content-hashed JS bundle of generated (but realistically compressible)
// code, stored exactly as the worker stores a build's output (files plus
// .br/.gz variants) and recorded as a project's production deployment.
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { onCleanup } from "../lib.mjs";

/** Deterministic pseudo-random text, so that compression ratios look like real code. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state;
  };
  const words = ["const", "let", "return", "function", "if", "else", "for", "await", "async", "new", "this", "null", "true", "false", "export", "import"];
  const ident = () => `${"abcdefghijklmnopqrstuvwxyz"[next() % 26]}${(next() % 4096).toString(36)}`;
  return { next, ident, word: () => words[next() % words.length] };
}

function javascriptBundle(bytes) {
  const g = generator(42);
  let out = "";
  while (out.length < bytes) {
    const name = g.ident();
    out += `function ${name}(${g.ident()},${g.ident()}){${g.word()} ${g.ident()}=${g.ident()}.${g.ident()}(${g.next() % 1000},"${g.ident()}");${g.word()} ${g.ident()}&&${g.ident()}(${g.ident()})}`;
    if (g.next() % 5 === 0) out += `\nexport{${name}};`;
  }
  return out.slice(0, bytes);
}

function indexHtml(bundle) {
  const g = generator(7);
  const paragraphs = Array.from({ length: 40 }, () => `<p class="${g.ident()}">${Array.from({ length: 18 }, () => g.ident()).join(" ")}.</p>`).join("\n    ");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Autostack benchmark site</title>
    <script type="module" src="/assets/${bundle}"></script>
  </head>
  <body>
    <main>
    ${paragraphs}
    </main>
  </body>
</html>
`;
}

/**
 * Writes the site under `work/site`, stores it with the platform's artifact
 * storage as the production deployment of a new project `slug`, and makes
 * the stored files readable to nginx's unprivileged worker.
 * Returns the expected bodies and where the stored files are.
 */
export async function deploySite({ work, dataDir, databaseUrl, env, slug, createDatabase, services }) {
  const hash = createHash("sha256").update("bench").digest("hex").slice(0, 8);
  const bundle = `app-${hash}.js`;
  const site = path.join(work, "site");
  await mkdir(path.join(site, "assets"), { recursive: true });
  const js = javascriptBundle(50 * 1024);
  const html = indexHtml(bundle);
  await writeFile(path.join(site, "index.html"), html);
  await writeFile(path.join(site, "assets", bundle), js);
  await writeFile(path.join(site, "404.html"), "<!doctype html><title>Not found</title><h1>Not found</h1>\n");
  const db = createDatabase(databaseUrl);
  onCleanup(() => db.$disconnect());
  const user = await db.user.create({ data: { name: "Bench", email: `bench-${randomBytes(4).toString("hex")}@example.com` } });
  const project = await db.project.create({ data: { userId: user.id, name: "site", repository: "https://git.example.com/bench/site.git", slug } });
  const deployment = await db.deployment.create({
    data: { userId: user.id, projectId: project.id, slug: `${slug}-0001`, repository: project.repository, buildCommand: "", outputDir: ".", status: "success" },
  });
  const storage = services.createArtifactStorage(env);
  const uploaded = await storage.uploadDirectory(deployment.id, site);
  await db.deployment.update({ where: { id: deployment.id }, data: { artifactKey: deployment.id, artifactFiles: uploaded.files, artifactBytes: BigInt(uploaded.bytes) } });
  await db.project.update({ where: { id: project.id }, data: { productionDeploymentId: deployment.id } });
  const filesDir = path.join(dataDir, "artifacts", deployment.id, "files");
  if (!existsSync(path.join(filesDir, "index.html.gz"))) throw new Error(`unexpected artifact layout: no ${filesDir}/index.html.gz`);
  for (const dir of [dataDir, path.join(dataDir, "artifacts"), path.join(dataDir, "artifacts", deployment.id)]) chmodSync(dir, 0o755);
  return { html, js, bundle, filesDir, deploymentId: deployment.id };
}
