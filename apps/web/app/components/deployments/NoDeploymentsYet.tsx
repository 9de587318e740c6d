import { Layers } from "lucide-react";
import { EmptyState } from "../EmptyState";
import { NewDeploymentLink } from "./NewDeploymentLink";

/** What the dashboard and the deployments list show before the first deployment. */
export function NoDeploymentsYet({ description, className }: { description: string; className?: string }) {
  return (
    <EmptyState
      className={className}
      icon={<Layers className="h-5 w-5" aria-hidden="true" />}
      title="No deployments yet"
      description={description}
      action={<NewDeploymentLink size="sm">Create your first deployment</NewDeploymentLink>}
    />
  );
}
