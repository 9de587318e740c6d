// Summarises V8 CPU profiles (.cpuprofile, from node --cpu-prof): where the
// time went by function (self time) and by package (node_modules/<name>,
// our own code, Node internals, garbage collection, idle).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

function bucketOf(url) {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node internals";
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1];
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (plain) return plain[1];
  const own = /\/(apps\/[^/]+|packages\/[^/]+)\//.exec(url);
  return own ? own[1] : url;
}

export function summarizeProfiles(dir, top = 25) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map();
    const deltas = profile.timeDeltas;
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i];
      self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
    }
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const functions = new Map();
    const buckets = new Map();
    for (const [id, micros] of self) {
      const { callFrame } = byId.get(id);
      const name = `${callFrame.functionName || "(anonymous)"} ${callFrame.url ? `${path.basename(callFrame.url)}:${callFrame.lineNumber + 1}` : ""}`.trim();
      const bucket = ["(idle)", "(garbage collector)", "(program)"].includes(callFrame.functionName) ? callFrame.functionName : bucketOf(callFrame.url);
      functions.set(`${name} [${bucket}]`, (functions.get(`${name} [${bucket}]`) ?? 0) + micros);
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
    }
    // Shares of the time the process was busy (idle excluded).
    const idle = buckets.get("(idle)") ?? 0;
    buckets.delete("(idle)");
    functions.delete("(idle) [(idle)]");
    const busy = total - idle;
    const pct = (micros) => `${((micros / busy) * 100).toFixed(1).padStart(5)}%`;
    console.log(`CPU profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy; shares of the busy time:`);
    console.log("by package (self time):");
    for (const [bucket, micros] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(micros)}  ${bucket}`);
    console.log(`top ${top} functions (self time):`);
    for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(micros)}  ${name}`);
    console.log("");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) summarizeProfiles(process.argv[2] ?? ".");
