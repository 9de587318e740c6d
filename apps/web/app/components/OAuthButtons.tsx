import type { ReactNode } from "react";
import { buttonClasses } from "@autostack/ui";
import { GitHubIcon, GoogleIcon } from "./BrandIcons";

const NOT_CONFIGURED = "Not configured on this server";

function Provider({ name, href, enabled, icon }: { name: string; href: string; enabled: boolean; icon: ReactNode }) {
  const classes = buttonClasses({ variant: "secondary", fullWidth: true });
  // A full page load: the server answers with a redirect to the provider.
  if (enabled) {
    return (
      <a href={href} className={classes}>
        {icon}
        {name}
      </a>
    );
  }
  return (
    <span title={NOT_CONFIGURED} className="block cursor-not-allowed">
      <button type="button" disabled className={classes} aria-label={`${name} (${NOT_CONFIGURED.toLowerCase()})`}>
        {icon}
        {name}
      </button>
    </span>
  );
}

export function OAuthButtons({ github, google }: { github: boolean; google: boolean }) {
  return (
    <div>
      <div className="grid grid-cols-2 gap-3">
        <Provider name="GitHub" href="/api/auth/github" enabled={github} icon={<GitHubIcon />} />
        <Provider name="Google" href="/api/auth/google" enabled={google} icon={<GoogleIcon />} />
      </div>
      {!github && !google ? (
        <p className="mt-2 text-center text-xs text-zinc-500 dark:text-zinc-500">GitHub and Google sign-in are not configured on this server.</p>
      ) : null}
    </div>
  );
}

export function Divider({ children }: { children: ReactNode }) {
  return (
    <div className="relative my-6 flex items-center">
      <div className="flex-1 border-t border-zinc-200 dark:border-zinc-800" />
      <span className="px-3 text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-500">{children}</span>
      <div className="flex-1 border-t border-zinc-200 dark:border-zinc-800" />
    </div>
  );
}
