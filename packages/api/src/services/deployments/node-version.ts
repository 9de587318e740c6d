import intersects from "semver/ranges/intersects.js";
import validRange from "semver/ranges/valid.js";
import { DEFAULT_NODE_MAJOR, isNodeMajor, NODE_MAJORS, type NodeMajor } from "../../domain/deployments/node-majors.js";

// Which Node.js major a build runs on. Pure and browser-safe (no Node APIs):
// detection shows what "Automatic" will pick, and the worker applies the same
// rule to the checkout it builds.

export { DEFAULT_NODE_MAJOR, isNodeMajor, NODE_MAJORS, type NodeMajor };

export interface NodeMajorChoice {
  major: NodeMajor;
  /** Why, worded to follow "Node.js 22 ": "from engines.node (>=18)", "from the project settings", "by default (…)". */
  reason: string;
}

/** Newest first: engines.node gets the newest supported major it allows. */
const NEWEST_FIRST = [...NODE_MAJORS].sort((a, b) => Number(b) - Number(a));

/** Longer "ranges" are not worth parsing (package.json is the repository's, i.e. anyone's, input). */
const RANGE_MAX = 256;

function allows(range: string, major: NodeMajor): boolean {
  try {
    return intersects(range, `${major}.x`);
  } catch {
    return false;
  }
}

/**
 * The project's setting wins; without one, the newest supported major that
 * package.json's `engines.node` range allows; else the default. A range that
 * is not valid semver, or allows none of the supported majors, is ignored and
 * the reason says so.
 */
export function resolveNodeMajor(setting: string | null, enginesNode: string | undefined): NodeMajorChoice {
  if (isNodeMajor(setting)) return { major: setting, reason: "from the project settings" };
  const range = enginesNode?.trim();
  if (!range) return { major: DEFAULT_NODE_MAJOR, reason: "by default (package.json has no engines.node)" };
  const shown = range.length > 60 ? `${range.slice(0, 57)}…` : range;
  if (range.length > RANGE_MAX || validRange(range) === null) {
    return { major: DEFAULT_NODE_MAJOR, reason: `by default (engines.node "${shown}" is not a valid version range, so it was ignored)` };
  }
  const major = NEWEST_FIRST.find((candidate) => allows(range, candidate));
  if (major) return { major, reason: `from engines.node (${shown})` };
  return { major: DEFAULT_NODE_MAJOR, reason: `by default (engines.node "${shown}" allows none of ${NODE_MAJORS.join(", ")}, so it was ignored)` };
}
