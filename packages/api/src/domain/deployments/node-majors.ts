// The Node.js majors builds run on. No imports: the deploy form's schema
// uses these in the browser without pulling in the range rule (semver).

export const NODE_MAJORS = ["18", "20", "22"] as const;
export type NodeMajor = (typeof NODE_MAJORS)[number];
export const DEFAULT_NODE_MAJOR: NodeMajor = "20";

export function isNodeMajor(value: unknown): value is NodeMajor {
  return typeof value === "string" && (NODE_MAJORS as readonly string[]).includes(value);
}
