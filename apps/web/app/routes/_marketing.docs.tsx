import type { MetaFunction } from "@remix-run/node";
import { BookOpen } from "lucide-react";
import { ComingSoon } from "~/components/ComingSoon";

export const meta: MetaFunction = () => [{ title: "Documentation · Autostack" }];

export default function DocsComingSoon() {
  return (
    <ComingSoon
      title="Documentation"
      description="Guides for installing Autostack on your own server, connecting GitHub, configuring builds and running it in production."
      icon={<BookOpen className="h-5 w-5" aria-hidden="true" />}
    />
  );
}
