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

const PROVIDER_NAMES: Record<string, string> = { github: "GitHub", google: "Google" };

// What /login?error=oauth_<code>&provider=<name> (set by the sign-in
// callback, services/auth/oauth) says. Only known codes and names are shown;
// nothing from the URL is reflected.
const OAUTH_ERRORS: Record<string, (provider: string) => string> = {
  oauth_not_configured: (p) => `Sign-in with ${p} is not configured on this server.`,
  oauth_state: (p) => `Sign-in with ${p} could not be verified (it expired or did not start here). Please try again.`,
  oauth_denied: (p) => `Sign-in with ${p} was cancelled.`,
  oauth_code: (p) => `${p} did not accept the sign-in (the code was invalid or expired). Please try again.`,
  oauth_email: (p) => `Your ${p} account has no verified email address. Verify one at ${p}, or sign up with email.`,
  oauth_provider: (p) => `${p} could not be reached or sent an unexpected answer. Please try again later.`,
  oauth_rate_limited: () => "Too many sign-in attempts. Please wait a minute and try again.",
};

/** The sentence for an OAuth sign-in error code, or null for anything else. */
export function oauthErrorMessage(code: string | null, provider: string | null): string | null {
  const message = code ? OAUTH_ERRORS[code] : undefined;
  return message ? message(PROVIDER_NAMES[provider ?? ""] ?? "this provider") : null;
}

function startUrl(provider: string, redirectTo: string): string {
  return redirectTo ? `/api/auth/${provider}?redirectTo=${encodeURIComponent(redirectTo)}` : `/api/auth/${provider}`;
}

export function OAuthButtons({ github, google, redirectTo = "" }: { github: boolean; google: boolean; redirectTo?: string }) {
  return (
    <div>
      <div className="grid grid-cols-2 gap-3">
        <Provider name="GitHub" href={startUrl("github", redirectTo)} enabled={github} icon={<GitHubIcon />} />
        <Provider name="Google" href={startUrl("google", redirectTo)} enabled={google} icon={<GoogleIcon />} />
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
