import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { signupInput } from "@autostack/api/schemas";
import { Button, Input } from "@autostack/ui";
import { signedOutPageLoader } from "~/lib/auth-page.server";
import { AuthCard } from "~/components/AuthCard";
import { EmailField, PasswordField, SwitchAuthLink } from "~/components/AuthFields";
import { EmailAuthForm } from "~/components/EmailAuthForm";
import { formFailureWithValues } from "~/lib/errors.server";
import { signupFromForm } from "~/lib/form-inputs";
import { fieldMessage, useFormValidation } from "~/lib/forms";
import { safeRedirect } from "~/lib/redirect";
import { usePostSubmitting } from "~/lib/submitting";
import { redirectWithToast } from "~/lib/toast.server";

export const meta: MetaFunction = () => [{ title: "Create your account · Autostack" }];

export function loader(args: LoaderFunctionArgs) {
  return signedOutPageLoader(args);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const input = signupFromForm(form);
  const redirectTo = safeRedirect(form.get("redirectTo"));
  try {
    await context.caller.auth.signup(input);
    return redirectWithToast(
      redirectTo,
      { variant: "success", title: "Welcome to Autostack", description: "Your account is ready." },
      context.config,
    );
  } catch (error) {
    return formFailureWithValues(error, { name: input.name, email: input.email });
  }
}

export default function Signup() {
  const { redirectTo, github, google } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = usePostSubmitting("/signup");
  const { fields, onSubmit, clear } = useFormValidation(signupInput, signupFromForm, actionData?.fields);

  return (
    <AuthCard
      title="Create your account"
      description="Start deploying in a few steps"
      footer={
        <SwitchAuthLink prompt="Already have an account?" to="/login" redirectTo={redirectTo}>
          Sign in
        </SwitchAuthLink>
      }
    >
      <EmailAuthForm github={github} google={google} redirectTo={redirectTo} formError={actionData?.formError} onSubmit={onSubmit}>
        <Input
          label="Full name"
          name="name"
          autoComplete="name"
          required
          autoFocus
          placeholder="Ada Lovelace"
          defaultValue={actionData?.values.name}
          error={fieldMessage("Name", fields.name)}
          onChange={() => clear("name")}
        />
        <EmailField defaultValue={actionData?.values.email} error={fieldMessage("Email", fields.email)} onChange={() => clear("email")} />
        <PasswordField purpose="new" error={fieldMessage("Password", fields.password)} onChange={() => clear("password")} />
        <Button type="submit" fullWidth loading={submitting} loadingText="Creating account…">
          Create account
        </Button>
        <p className="text-center text-xs leading-5 text-zinc-500 dark:text-zinc-400">
          By creating an account you agree to the{" "}
          <Link to="/terms" className="underline underline-offset-2 hover:text-zinc-800 dark:hover:text-zinc-200">
            Terms of Service
          </Link>{" "}
          and{" "}
          <Link to="/privacy" className="underline underline-offset-2 hover:text-zinc-800 dark:hover:text-zinc-200">
            Privacy Policy
          </Link>
          .
        </p>
      </EmailAuthForm>
    </AuthCard>
  );
}
