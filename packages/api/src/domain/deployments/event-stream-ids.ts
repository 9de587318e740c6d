// Ids of a deployment's events (event-stream.ts), which are also its resume
// positions: resuming with any id the stream emitted replays exactly what came
// after that event, once. No runtime imports: the input schemas (shared with
// the browser) validate ids with isDeploymentEventId.
//   "42"               a log line: its seq, as GET /deployments/{id}/logs shows it
//   "42-s0123456789ab" a status: the last line seq delivered before it, and a
//                      digest of the status it showed (so it is not repeated)
//   "42-c0123456789ab" the completion, after the final status with that digest
// A log id tells nothing about which status the client holds, so resuming from
// one sends the current status again (a state: receiving it twice changes
// nothing, while missing it would leave the client showing an old one).

const DEPLOYMENT_EVENT_ID = /^(\d{1,19})(?:-([sc])([0-9a-f]{12}))?$/;

// seq is a PostgreSQL bigint: a larger position cannot exist (and must not reach a query).
const MAX_SEQ = 2n ** 63n - 1n;

export interface EventPosition {
  /** Lines up to this seq were delivered. */
  after: bigint;
  /** Digest of the status delivered last; null: unknown, send the current one. */
  statusDigest: string | null;
  /** The completion was delivered (nothing follows unless the status changes again). */
  completed: boolean;
}

export const START: EventPosition = { after: 0n, statusDigest: null, completed: false };

/** The position an id stands for; null when it is not an id this stream could have emitted. */
export function parseDeploymentEventId(id: string): EventPosition | null {
  const match = DEPLOYMENT_EVENT_ID.exec(id);
  if (!match) return null;
  const after = BigInt(match[1]!);
  if (after > MAX_SEQ) return null;
  return { after, statusDigest: match[3] ?? null, completed: match[2] === "c" };
}

export function isDeploymentEventId(id: string): boolean {
  return parseDeploymentEventId(id) !== null;
}

export const logEventId = (seq: bigint): string => String(seq);
export const statusEventId = (after: bigint, digest: string): string => `${after}-s${digest}`;
export const completeEventId = (after: bigint, digest: string): string => `${after}-c${digest}`;
