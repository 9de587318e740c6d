import type { MetaFunction } from "@remix-run/node";
import { Plug } from "lucide-react";
import { ComingSoon } from "~/components/ComingSoon";

export const meta: MetaFunction = () => [{ title: "Integrations · Autostack" }];

export default function IntegrationsComingSoon() {
  return (
    <ComingSoon
      title="Integrations"
      description="Connections to the tools around your deployments: chat notifications, error tracking and more Git providers."
      icon={<Plug className="h-5 w-5" aria-hidden="true" />}
    />
  );
}
