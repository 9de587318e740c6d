import { Link } from "@remix-run/react";
import { Plus } from "lucide-react";
import type { ReactNode } from "react";
import { buttonClasses, type ButtonSize } from "@autostack/ui";

/** The button to the deploy wizard, in page headers and empty states. */
export function NewDeploymentLink({ size, children = "New deployment" }: { size?: ButtonSize; children?: ReactNode }) {
  return (
    <Link to="/deploy" className={buttonClasses({ size })}>
      <Plus className="h-4 w-4" aria-hidden="true" />
      {children}
    </Link>
  );
}
