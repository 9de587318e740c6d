import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate } from "@remix-run/react";
import { Bell, Palette, User } from "lucide-react";
import { TabPanel, Tabs, type TabItem } from "@autostack/ui";
import { PageHeader } from "~/components/app/PageHeader";
import { GitHubIcon } from "~/components/BrandIcons";
import { AppearancePanel } from "~/components/settings/AppearancePanel";
import { DangerZone } from "~/components/settings/DangerZone";
import { GitHubPanel } from "~/components/settings/GitHubPanel";
import { NotificationsPanel } from "~/components/settings/NotificationsPanel";
import { ProfilePanel } from "~/components/settings/ProfilePanel";
import type { SettingsFailure } from "~/components/settings/types";
import { formFailure } from "~/lib/errors.server";
import { notificationsFromForm, profileFromForm } from "~/lib/form-inputs";
import { stringField } from "~/lib/forms";
import { requireAuth } from "~/lib/session.server";
import { redirectWithToast } from "~/lib/toast.server";

export const meta: MetaFunction = () => [{ title: "Settings · Autostack" }];
export const handle = { section: "Settings" };

const TABS = ["profile", "github", "notifications", "appearance"] as const;
type Tab = (typeof TABS)[number];

const tabItems: TabItem[] = [
  { value: "profile", label: "Profile", icon: <User /> },
  { value: "github", label: "GitHub", icon: <GitHubIcon /> },
  { value: "notifications", label: "Notifications", icon: <Bell /> },
  { value: "appearance", label: "Appearance", icon: <Palette /> },
];

function parseTab(value: string | null): Tab {
  return TABS.find((tab) => tab === value) ?? "profile";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const tab = parseTab(params.get("tab"));
  const [profile, preferences, github] = await requireAuth(request, () =>
    Promise.all([context.caller.user.profile(), context.caller.user.preferences(), context.caller.github.connection()]),
  );
  return {
    tab,
    github: { connected: github.connected, username: github.username, account: github.account, available: github.available },
    // What GET /api/github/setup reported back.
    githubNotice: { connected: params.get("github") === "connected", error: params.get("githubError")?.slice(0, 300) ?? null },
    profile: {
      name: profile.name,
      email: profile.email,
      avatarUrl: profile.avatarUrl,
      githubConnected: profile.githubConnected,
      githubUsername: profile.githubUsername,
    },
    preferences,
  };
}

function failed(intent: string, error: unknown, values?: Record<string, string | null>) {
  const failure = formFailure(error);
  const body: SettingsFailure = { intent, formError: failure.formError, fields: failure.fields, values };
  return data(body, { status: failure.status });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = stringField(form, "intent");
  const caller = context.caller;

  if (intent === "profile") {
    const input = profileFromForm(form);
    try {
      await requireAuth(request, () => caller.user.updateProfile(input));
    } catch (error) {
      if (error instanceof Response) throw error;
      return failed(intent, error, { name: input.name, avatarUrl: input.avatarUrl });
    }
    return redirectWithToast("/settings?tab=profile", { variant: "success", title: "Profile updated" }, context.config);
  }

  if (intent === "notifications") {
    try {
      await requireAuth(request, () => caller.user.updatePreferences(notificationsFromForm(form)));
    } catch (error) {
      if (error instanceof Response) throw error;
      return failed(intent, error);
    }
    return redirectWithToast("/settings?tab=notifications", { variant: "success", title: "Notification preferences saved" }, context.config);
  }

  if (intent === "github-connect" || intent === "github-disconnect") {
    try {
      if (intent === "github-connect") {
        const { url } = await requireAuth(request, () => caller.github.connect());
        return redirect(url);
      }
      await requireAuth(request, () => caller.github.disconnect());
    } catch (error) {
      if (error instanceof Response) throw error;
      return failed(intent, error);
    }
    return redirectWithToast("/settings?tab=github", { variant: "success", title: "GitHub disconnected" }, context.config);
  }

  if (intent === "delete-account") {
    const confirmEmail = stringField(form, "confirmEmail").trim();
    // The API accepts a deletion without confirmation (API clients); this form never does.
    if (!confirmEmail) {
      const body: SettingsFailure = { intent, formError: null, fields: { confirmEmail: "Type your email address to confirm" } };
      return data(body, { status: 422 });
    }
    try {
      await requireAuth(request, () => caller.user.deleteAccount({ confirmEmail }));
    } catch (error) {
      if (error instanceof Response) throw error;
      const failure = formFailure(error);
      const fields = failure.fields.confirmEmail ? { confirmEmail: "This does not match your email address" } : failure.fields;
      const body: SettingsFailure = { intent, formError: failure.formError, fields };
      return data(body, { status: failure.status });
    }
    return redirectWithToast(
      "/",
      { variant: "success", title: "Your account has been deleted", description: "Thanks for trying Autostack." },
      context.config,
    );
  }

  return data({ intent, formError: "Unknown action", fields: {} } satisfies SettingsFailure, { status: 400 });
}

export default function Settings() {
  const { tab, profile, preferences, github, githubNotice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigate = useNavigate();
  const failure = (intent: string) => (actionData?.intent === intent ? actionData : null);

  return (
    <div className="space-y-8">
      <PageHeader title="Settings" description="Manage your account, integrations and preferences." />
      {/* A GET form: the tabs switch (and land in the URL) even before JavaScript loads. */}
      <Form method="get" preventScrollReset>
        <Tabs
          idBase="settings"
          label="Settings sections"
          items={tabItems}
          value={tab}
          name="tab"
          onValueChange={(next) => navigate(`?tab=${next}`, { preventScrollReset: true })}
        />
      </Form>
      <TabPanel idBase="settings" value={tab} className="max-w-3xl space-y-8">
        {tab === "profile" ? (
          <>
            <ProfilePanel key={profile.name + (profile.avatarUrl ?? "")} profile={profile} failure={failure("profile")} />
            <DangerZone email={profile.email} failure={failure("delete-account")} />
          </>
        ) : null}
        {tab === "github" ? <GitHubPanel connection={github} notice={githubNotice} failure={failure("github-connect") ?? failure("github-disconnect")} /> : null}
        {tab === "notifications" ? <NotificationsPanel key={JSON.stringify(preferences)} preferences={preferences} failure={failure("notifications")} /> : null}
        {tab === "appearance" ? <AppearancePanel /> : null}
      </TabPanel>
    </div>
  );
}
