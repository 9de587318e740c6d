// What the browser reads from a failed tRPC call: the spec's error envelope,
// which the server's error formatter puts into every error's `data.envelope`.
// (No imports: the server's tests load this file as it is.)

/** The `error` of the spec's envelope {"error":{"code","message","statusCode","details"}}. */
export interface EnvelopeError {
  code: string;
  message: string;
  statusCode: number;
  details?: Record<string, unknown>;
}

/** The envelope of a failed tRPC call; null for anything else (a closed socket, an abort). */
export function envelopeOf(error: unknown): EnvelopeError | null {
  const envelope = (error as { data?: { envelope?: { error?: Partial<EnvelopeError> } } } | null)?.data?.envelope?.error;
  if (typeof envelope?.code !== "string" || typeof envelope.message !== "string") return null;
  return { code: envelope.code, message: envelope.message, statusCode: Number(envelope.statusCode) || 0, details: envelope.details ?? {} };
}

/** Seconds a rate-limited call (RATE_LIMIT_EXCEEDED) asks to wait before the next try; null for any other failure. */
export function retryAfterSeconds(error: unknown): number | null {
  const envelope = envelopeOf(error);
  if (envelope?.code !== "RATE_LIMIT_EXCEEDED") return null;
  const seconds = Number(envelope.details?.retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1;
}
