import { Activity, BookOpen, CreditCard, LayoutTemplate, Plug, Users, Workflow, type LucideIcon } from "lucide-react";

// The product areas that are planned but not built yet, all served by one
// route (routes/_marketing.$area.tsx). A page of its own replaces its entry.

export interface ComingSoonArea {
  title: string;
  /** One sentence on what the page will be. */
  description: string;
  icon: LucideIcon;
}

export const COMING_SOON_AREAS = {
  docs: {
    title: "Documentation",
    description: "Guides for installing Autostack on your own server, connecting GitHub, configuring builds and running it in production.",
    icon: BookOpen,
  },
  integrations: {
    title: "Integrations",
    description: "Connections to the tools around your deployments: chat notifications, error tracking and more Git providers.",
    icon: Plug,
  },
  monitoring: {
    title: "Monitoring",
    description: "Uptime checks, response times and alerts for every deployment, in the same place as its build logs.",
    icon: Activity,
  },
  pipelines: {
    title: "Pipelines",
    description: "Build, test and deploy stages you define yourself, with checks that have to pass before a deployment goes live.",
    icon: Workflow,
  },
  pricing: {
    title: "Pricing",
    description: "Simple, transparent plans for teams that would rather have Autostack run for them are on their way.",
    icon: CreditCard,
  },
  team: {
    title: "Teams",
    description: "Invite collaborators, share projects and decide who may deploy to production.",
    icon: Users,
  },
  templates: {
    title: "Templates",
    description: "Ready-to-deploy starters for popular frameworks, so a new project is one click from its first deployment.",
    icon: LayoutTemplate,
  },
} satisfies Record<string, ComingSoonArea>;

export type ComingSoonAreaId = keyof typeof COMING_SOON_AREAS;

export function comingSoonAreaId(value: string | undefined): ComingSoonAreaId | null {
  return value !== undefined && Object.hasOwn(COMING_SOON_AREAS, value) ? (value as ComingSoonAreaId) : null;
}
