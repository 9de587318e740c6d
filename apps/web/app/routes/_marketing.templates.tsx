import type { MetaFunction } from "@remix-run/node";
import { LayoutTemplate } from "lucide-react";
import { ComingSoon } from "~/components/ComingSoon";

export const meta: MetaFunction = () => [{ title: "Templates · Autostack" }];

export default function TemplatesComingSoon() {
  return (
    <ComingSoon
      title="Templates"
      description="Ready-to-deploy starters for popular frameworks, so a new project is one click from its first deployment."
      icon={<LayoutTemplate className="h-5 w-5" aria-hidden="true" />}
    />
  );
}
