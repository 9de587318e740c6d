import type { MetaFunction } from "@remix-run/node";
import { Workflow } from "lucide-react";
import { ComingSoon } from "~/components/ComingSoon";

export const meta: MetaFunction = () => [{ title: "Pipelines · Autostack" }];

export default function PipelinesComingSoon() {
  return (
    <ComingSoon
      title="Pipelines"
      description="Build, test and deploy stages you define yourself, with checks that have to pass before a deployment goes live."
      icon={<Workflow className="h-5 w-5" aria-hidden="true" />}
    />
  );
}
