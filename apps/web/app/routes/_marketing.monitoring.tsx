import type { MetaFunction } from "@remix-run/node";
import { Activity } from "lucide-react";
import { ComingSoon } from "~/components/ComingSoon";

export const meta: MetaFunction = () => [{ title: "Monitoring · Autostack" }];

export default function MonitoringComingSoon() {
  return (
    <ComingSoon
      title="Monitoring"
      description="Uptime checks, response times and alerts for every deployment, in the same place as its build logs."
      icon={<Activity className="h-5 w-5" aria-hidden="true" />}
    />
  );
}
