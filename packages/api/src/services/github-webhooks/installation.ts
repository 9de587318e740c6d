import { z } from "zod";
import type { Tx } from "../deployments/build-job.js";
import { removeConnections } from "../github/connection.js";

// `installation` and `installation_repositories` deliveries keep the users'
// connections current. Uninstalling the App disconnects every user connected
// through it (their projects stay; builds then fail to clone with "GitHub is
// not connected"); a suspended installation keeps its connections, marked,
// and deploys nothing until it is unsuspended; a change of the installation's
// repositories or permissions bumps repos_version, which the web processes'
// cached repository lists are keyed by (repository-cache.ts). Connections
// are made through the Setup URL only, so `created` creates none.
// Runs inside the transaction that marks the delivery processed.

export const INSTALLATION_EVENTS: ReadonlySet<string> = new Set(["installation", "installation_repositories"]);

const installationPayload = z.object({
  action: z.string().max(64),
  installation: z.object({ id: z.number().int().positive(), suspended_at: z.string().datetime({ offset: true }).nullish() }),
});

export async function actOnInstallation(tx: Tx, event: string, payload: unknown): Promise<string> {
  const parsed = installationPayload.safeParse(payload);
  if (!parsed.success) return `ignored: malformed ${event} payload`;
  const { action, installation } = parsed.data;
  const where = { installationId: BigInt(installation.id) };
  if ((await tx.githubConnection.count({ where })) === 0) return `ignored: no connection uses installation ${installation.id}`;
  const refresh = async (what: string) => {
    const { count } = await tx.githubConnection.updateMany({ where, data: { reposVersion: { increment: 1 } } });
    return `${what}: repository lists of ${count} connection(s) refreshed`;
  };
  if (event === "installation_repositories") {
    return action === "added" || action === "removed" ? refresh(`repositories ${action}`) : `ignored: installation_repositories ${action}`;
  }
  switch (action) {
    case "deleted":
      return `uninstalled: ${(await removeConnections(tx, where)).length} connection(s) removed`;
    case "suspend": {
      const suspendedAt = installation.suspended_at ? new Date(installation.suspended_at) : new Date();
      const { count } = await tx.githubConnection.updateMany({ where: { ...where, suspendedAt: null }, data: { suspendedAt } });
      return `suspended: ${count} connection(s) marked`;
    }
    case "unsuspend": {
      const { count } = await tx.githubConnection.updateMany({ where: { ...where, suspendedAt: { not: null } }, data: { suspendedAt: null } });
      return `unsuspended: ${count} connection(s) cleared`;
    }
    case "created":
    case "new_permissions_accepted":
      return refresh(action);
    default:
      return `ignored: installation ${action}`;
  }
}
