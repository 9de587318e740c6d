import { Activity, BarChart3, LayoutDashboard, Layers, Rocket, Settings, type LucideIcon } from "lucide-react";

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  /** False while the page is still being built (a later release adds it). */
  available: boolean;
}

export const navItems: NavItem[] = [
  { to: "/dashboard", label: "Dashboard", icon: LayoutDashboard, available: true },
  { to: "/deploy", label: "Deploy", icon: Rocket, available: true },
  { to: "/deployments", label: "Deployments", icon: Layers, available: true },
  { to: "/analytics", label: "Analytics", icon: BarChart3, available: false },
  { to: "/status", label: "Status", icon: Activity, available: false },
  { to: "/settings", label: "Settings", icon: Settings, available: true },
];
