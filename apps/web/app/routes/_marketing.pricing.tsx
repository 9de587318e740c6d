import type { MetaFunction } from "@remix-run/node";
import { CreditCard } from "lucide-react";
import { ComingSoon } from "~/components/ComingSoon";

export const meta: MetaFunction = () => [{ title: "Pricing · Autostack" }];

export default function PricingComingSoon() {
  return (
    <ComingSoon
      title="Pricing"
      description="Simple, transparent plans for teams that would rather have Autostack run for them are on their way."
      icon={<CreditCard className="h-5 w-5" aria-hidden="true" />}
    />
  );
}
