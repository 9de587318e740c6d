import { ValidationError } from "../../errors.js";
import type { Deps } from "../deps.js";
import type { RequestInfo } from "../http-request.js";
import { normalizeEmail } from "./accounts.js";
import { hashPassword } from "./passwords.js";
import { revokeAllRefreshTokens } from "./refresh-tokens.js";
import { revokeAccessTokens } from "./access-tokens.js";
import { invalidateAllSessions } from "./sessions.js";
import { generateToken, hashToken } from "./tokens.js";
import { escapeHtml } from "../mail/escape-html.js";

export const RESET_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Mails a single-use reset link when the address has an account. The answer
 * is the same either way, so the form does not reveal who has an account.
 */
export async function requestPasswordReset(
  deps: Pick<Deps, "db" | "env" | "log" | "jobs">,
  req: Pick<RequestInfo, "requestId">,
  input: { email: string },
): Promise<void> {
  const email = normalizeEmail(input.email);
  const user = await deps.db.user.findUnique({ where: { email }, select: { id: true, name: true, email: true } });
  if (!user) {
    deps.log.info({ requestId: req.requestId }, "password reset requested for unknown address");
    return;
  }
  const token = generateToken(32);
  await deps.db.passwordResetToken.create({
    data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + RESET_TOKEN_LIFETIME_MS) },
  });
  const link = `${deps.env.FRONTEND_URL}/reset-password?token=${encodeURIComponent(token)}`;
  await deps.jobs.add("send-email", {
    to: user.email,
    subject: "Reset your Autostack password",
    text: [
      `Hi ${user.name},`,
      "",
      "Someone (hopefully you) asked to reset the password of your Autostack account.",
      `Open this link within one hour to choose a new password:`,
      "",
      link,
      "",
      "If you did not ask for this, ignore this mail: your password stays as it is.",
    ].join("\n"),
    html: `<p>Hi ${escapeHtml(user.name)},</p><p>Someone (hopefully you) asked to reset the password of your Autostack account.</p><p><a href="${escapeHtml(link)}">Choose a new password</a> (the link works once, within one hour).</p><p>If you did not ask for this, ignore this mail: your password stays as it is.</p>`,
  });
  deps.log.info({ requestId: req.requestId, userId: user.id }, "password reset mail queued");
}

/** Sets a new password with a valid token and ends every session of the user. */
export async function resetPassword(
  deps: Pick<Deps, "db" | "log">,
  req: Pick<RequestInfo, "requestId">,
  input: { token: string; password: string },
): Promise<void> {
  const tokenHash = hashToken(input.token);
  const passwordHash = await hashPassword(input.password);
  const userId = await deps.db.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findUnique({ where: { tokenHash } });
    const invalid = new ValidationError("This reset link is invalid or has expired", { token: "is invalid or expired" });
    if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw invalid;
    const claimed = await tx.passwordResetToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
    if (claimed.count === 0) throw invalid;
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    await tx.passwordResetToken.deleteMany({ where: { userId: row.userId, usedAt: null } });
    return row.userId;
  });
  await invalidateAllSessions(deps.db, userId);
  await revokeAllRefreshTokens(deps.db, userId);
  await revokeAccessTokens(deps.db, userId);
  deps.log.info({ requestId: req.requestId, userId }, "password reset");
}
