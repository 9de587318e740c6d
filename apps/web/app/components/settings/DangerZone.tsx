import { Form, useNavigation } from "@remix-run/react";
import { useMemo, useState } from "react";
import { Button, Card, CardContent, CardDescription, CardHeader, CardTitle, Input } from "@autostack/ui";
import { FormAlert } from "~/components/FormAlert";
import { deleteAccountForm } from "~/lib/form-inputs";
import { stringField, useFormValidation } from "~/lib/forms";
import { useHydrated } from "~/lib/hydrated";
import type { SettingsFailure } from "./types";

const confirmInput = (form: FormData) => ({ confirmEmail: stringField(form, "confirmEmail") });

export function DangerZone({ email, failure }: { email: string; failure: SettingsFailure | null }) {
  const navigation = useNavigation();
  const hydrated = useHydrated();
  const deleting = navigation.state !== "idle" && navigation.formData?.get("intent") === "delete-account";
  const schema = useMemo(() => deleteAccountForm(email), [email]);
  const { fields, onSubmit, clear } = useFormValidation(schema, confirmInput, failure?.fields);
  const [typed, setTyped] = useState("");
  const matches = typed.trim().toLowerCase() === email.toLowerCase();

  return (
    <Card tone="danger">
      <CardHeader>
        <CardTitle>
          <span className="text-red-700 dark:text-red-400">Delete account</span>
        </CardTitle>
        <CardDescription>
          Permanently delete your account with its projects, deployments and sessions. This cannot be undone.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Form method="post" noValidate onSubmit={onSubmit} className="space-y-4">
          <input type="hidden" name="intent" value="delete-account" />
          {failure?.formError ? <FormAlert>{failure.formError}</FormAlert> : null}
          <Input
            label={
              <>
                Type <span className="font-semibold">{email}</span> to confirm
              </>
            }
            name="confirmEmail"
            type="email"
            autoComplete="off"
            spellCheck={false}
            error={fields.confirmEmail}
            onChange={(event) => {
              setTyped(event.currentTarget.value);
              clear("confirmEmail");
            }}
          />
          <Button type="submit" variant="danger" loading={deleting} loadingText="Deleting…" disabled={hydrated && !matches}>
            Delete my account
          </Button>
        </Form>
      </CardContent>
    </Card>
  );
}
