// What the browser reads from a failed tRPC call: the spec's error envelope,
// which the server's error formatter puts into every error's `data.envelope`.

interface EnvelopeError {
  code: string;
  details?: { retryAfter?: unknown };
}

function envelopeOf(error: unknown): EnvelopeError | null {
  const data = (error as { data?: { envelope?: { error?: EnvelopeError } } } | null)?.data;
  return data?.envelope?.error ?? null;
}

/** Seconds a rate-limited call (RATE_LIMIT_EXCEEDED) asks to wait before the next try; null for any other failure. */
export function retryAfterSeconds(error: unknown): number | null {
  const envelope = envelopeOf(error);
  if (envelope?.code !== "RATE_LIMIT_EXCEEDED") return null;
  const seconds = Number(envelope.details?.retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1;
}
