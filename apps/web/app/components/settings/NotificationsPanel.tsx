import { Form, useNavigation } from "@remix-run/react";
import { Button, Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle, Switch } from "@autostack/ui";
import { FormAlert } from "~/components/FormAlert";
import type { SettingsFailure, SettingsPreferences } from "./types";

const toggles = [
  {
    name: "emailNotifications",
    label: "Email notifications",
    description: "Receive emails about your account and your deployments.",
  },
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
          <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {toggles.map((toggle) => (
              <Switch
                key={toggle.name}
                name={toggle.name}
                label={toggle.label}
                description={toggle.description}
                defaultChecked={preferences[toggle.name]}
                className="py-4 first:pt-0 last:pb-0"
              />
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
