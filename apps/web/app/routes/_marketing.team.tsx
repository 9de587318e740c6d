import type { MetaFunction } from "@remix-run/node";
import { Users } from "lucide-react";
import { ComingSoon } from "~/components/ComingSoon";

export const meta: MetaFunction = () => [{ title: "Teams · Autostack" }];

export default function TeamComingSoon() {
  return (
    <ComingSoon
      title="Teams"
      description="Invite collaborators, share projects and decide who may deploy to production."
      icon={<Users className="h-5 w-5" aria-hidden="true" />}
    />
  );
}
