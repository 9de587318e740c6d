import { Form } from "@remix-run/react";
import type { FormEvent, ReactNode } from "react";
import { FormAlert } from "./FormAlert";
import { Divider, OAuthButtons } from "./OAuthButtons";

// The body of the sign-in and sign-up cards: OAuth buttons, then the email
// form with its form-level error and the page to go on to afterwards.

export function EmailAuthForm({
  github,
  google,
  redirectTo,
  formError,
  onSubmit,
  children,
}: {
  github: boolean;
  google: boolean;
  redirectTo: string;
  formError?: string | null;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
}) {
  return (
    <>
      <OAuthButtons github={github} google={google} redirectTo={redirectTo} />
      <Divider>or with email</Divider>
      <Form method="post" noValidate onSubmit={onSubmit} className="space-y-5">
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {children}
      </Form>
    </>
  );
}
