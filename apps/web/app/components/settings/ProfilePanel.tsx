import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { updateProfileInput } from "@autostack/api/schemas";
import { Avatar, Button, Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle, Input } from "@autostack/ui";
import { FormAlert } from "~/components/FormAlert";
import { profileFromForm } from "~/lib/form-inputs";
import { fieldMessage, useFormValidation } from "~/lib/forms";
import type { SettingsFailure, SettingsProfile } from "./types";

function previewUrl(value: string): string | null {
  const trimmed = value.trim();
  return /^https?:\/\/\S+$/i.test(trimmed) ? trimmed : null;
}

export function ProfilePanel({ profile, failure }: { profile: SettingsProfile; failure: SettingsFailure | null }) {
  const navigation = useNavigation();
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "profile";
  const { fields, onSubmit, clear } = useFormValidation(updateProfileInput, profileFromForm, failure?.fields);
  const initialName = failure?.values?.name ?? profile.name;
  const initialAvatar = failure?.values?.avatarUrl ?? profile.avatarUrl ?? "";
  const [name, setName] = useState(initialName);
  const [avatar, setAvatar] = useState(initialAvatar);

  return (
    <Card>
      <Form method="post" noValidate onSubmit={onSubmit}>
        <input type="hidden" name="intent" value="profile" />
        <CardHeader>
          <CardTitle>Profile</CardTitle>
          <CardDescription>How you appear across Autostack.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-6">
          {failure?.formError ? <FormAlert>{failure.formError}</FormAlert> : null}
          <div className="flex items-center gap-5">
            <Avatar name={name.trim() || profile.name} src={previewUrl(avatar)} size="xl" />
            <div className="text-sm">
              <p className="font-medium text-zinc-900 dark:text-white">Avatar</p>
              <p className="mt-1 max-w-sm text-zinc-500 dark:text-zinc-400">
                Shown in the navigation and next to your deployments. Without an image, your initials are used.
              </p>
            </div>
          </div>
          <div className="grid gap-5 sm:grid-cols-2">
            <Input
              label="Name"
              name="name"
              autoComplete="name"
              required
              defaultValue={initialName}
              error={fieldMessage("Name", fields.name)}
              onChange={(event) => {
                setName(event.currentTarget.value);
                clear("name");
              }}
            />
            <Input label="Email" type="email" value={profile.email} disabled readOnly hint="Your email address can't be changed." />
          </div>
          <Input
            label="Avatar URL"
            name="avatarUrl"
            type="url"
            inputMode="url"
            placeholder="https://example.com/me.png"
            defaultValue={initialAvatar}
            hint="A link to a square image (http or https). Leave empty to use your initials."
            error={fieldMessage("Avatar URL", fields.avatarUrl)}
            onChange={(event) => {
              setAvatar(event.currentTarget.value);
              clear("avatarUrl");
            }}
          />
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={saving} loadingText="Saving…">
            Save changes
          </Button>
        </CardFooter>
      </Form>
    </Card>
  );
}
