import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Button, Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle, Switch } from "@autostack/ui";
import { FormAlert } from "~/components/FormAlert";
import type { SettingsFailure, SettingsPreferences } from "./types";

type NotificationName = "emailNotifications" | "deploymentSuccessNotifications" | "deploymentFailureNotifications";

/** The kinds of mail that "Email notifications" switches on and off as a whole. */
const deploymentToggles = [
  {
    name: "deploymentSuccessNotifications",
    label: "Deployment succeeded",
    description: "Tell me when a deployment is live.",
  },
  {
    name: "deploymentFailureNotifications",
    label: "Deployment failed",
    description: "Tell me when a build or a deployment fails.",
  },
] as const;

export function NotificationsPanel({ preferences, failure }: { preferences: SettingsPreferences; failure: SettingsFailure | null }) {
  const navigation = useNavigation();
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "notifications";
  const [checked, setChecked] = useState<Record<NotificationName, boolean>>(preferences);
  const toggle = (name: NotificationName) => (event: { currentTarget: HTMLInputElement }) => {
    const next = event.currentTarget.checked;
    setChecked((current) => ({ ...current, [name]: next }));
  };
  const emailOff = !checked.emailNotifications;

  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="notifications" />
        <CardHeader>
          <CardTitle>Notifications</CardTitle>
          <CardDescription>Choose what Autostack emails you about.</CardDescription>
        </CardHeader>
        <CardContent>
          {failure?.formError ? <FormAlert className="mb-4">{failure.formError}</FormAlert> : null}
          <Switch
            name="emailNotifications"
            label="Email notifications"
            description="Receive emails about your account and your deployments."
            checked={checked.emailNotifications}
            onChange={toggle("emailNotifications")}
          />
          <div className="mt-4 divide-y divide-zinc-100 border-l-2 border-zinc-100 pl-4 dark:divide-zinc-800 dark:border-zinc-800">
            {deploymentToggles.map((item) => (
              <div key={item.name} className="py-4 first:pt-0 last:pb-0">
                <Switch {...item} checked={checked[item.name]} onChange={toggle(item.name)} disabled={emailOff} />
                {/* A disabled switch is not submitted: its choice is kept for when mail is turned on again. */}
                {emailOff && checked[item.name] ? <input type="hidden" name={item.name} value="on" /> : null}
              </div>
            ))}
          </div>
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={saving} loadingText="Saving…">
            Save preferences
          </Button>
        </CardFooter>
      </Form>
    </Card>
  );
}
