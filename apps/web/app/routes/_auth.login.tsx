import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { loginInput } from "@autostack/api/schemas";
import { Button, Checkbox } from "@autostack/ui";
import { signedOutPageLoader } from "~/lib/auth-page.server";
import { AuthCard } from "~/components/AuthCard";
import { EmailField, PasswordField, SwitchAuthLink } from "~/components/AuthFields";
import { EmailAuthForm } from "~/components/EmailAuthForm";
import { oauthErrorMessage } from "~/components/OAuthButtons";
import { formFailureWithValues } from "~/lib/errors.server";
import { loginFromForm } from "~/lib/form-inputs";
import { fieldMessage, useFormValidation } from "~/lib/forms";
import { safeRedirect } from "~/lib/redirect";
import { usePostSubmitting } from "~/lib/submitting";
import { redirectWithToast } from "~/lib/toast.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Autostack" }];

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  // A failed GitHub/Google sign-in lands here with ?error=oauth_…&provider=….
  return { ...(await signedOutPageLoader(args)), oauthError: oauthErrorMessage(params.get("error"), params.get("provider")) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const input = loginFromForm(form);
  const redirectTo = safeRedirect(form.get("redirectTo") || new URL(request.url).searchParams.get("redirectTo"));
  try {
    const { user } = await context.caller.auth.login(input);
    const firstName = user.name.split(/\s+/)[0] || user.name;
    return redirectWithToast(redirectTo, { variant: "success", title: `Welcome back, ${firstName}` }, context.config);
  } catch (error) {
    return formFailureWithValues(error, { email: input.email, rememberMe: input.rememberMe });
  }
}

export default function Login() {
  const { redirectTo, github, google, oauthError } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = usePostSubmitting("/login");
  const { fields, onSubmit, clear } = useFormValidation(loginInput, loginFromForm, actionData?.fields);

  return (
    <AuthCard
      title="Welcome back"
      description="Sign in to your Autostack account"
      footer={
        <SwitchAuthLink prompt="Don't have an account?" to="/signup" redirectTo={redirectTo}>
          Sign up
        </SwitchAuthLink>
      }
    >
      <EmailAuthForm github={github} google={google} redirectTo={redirectTo} formError={actionData?.formError ?? oauthError} onSubmit={onSubmit}>
        <EmailField autoFocus defaultValue={actionData?.values.email} error={fieldMessage("Email", fields.email)} onChange={() => clear("email")} />
        <PasswordField
          purpose="current"
          error={fieldMessage("Password", fields.password)}
          onChange={() => clear("password")}
          labelAction={
            <Link to="/forgot-password" className="rounded text-[13px] font-medium text-indigo-600 hover:text-indigo-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-400">
              Forgot password?
            </Link>
          }
        />
        <Checkbox name="rememberMe" label="Remember me" defaultChecked={actionData?.values.rememberMe} />
        <Button type="submit" fullWidth loading={submitting} loadingText="Signing in…">
          Sign in
        </Button>
      </EmailAuthForm>
    </AuthCard>
  );
}
