import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loginInput } from "@autostack/api/schemas";
import { Button, Checkbox } from "@autostack/ui";
import { AuthCard, textLink } from "~/components/AuthCard";
import { EmailField, PasswordField } from "~/components/AuthFields";
import { FormAlert } from "~/components/FormAlert";
import { Divider, OAuthButtons } from "~/components/OAuthButtons";
import { formFailure } from "~/lib/errors.server";
import { loginFromForm } from "~/lib/form-inputs";
import { fieldMessage, useFormValidation } from "~/lib/forms";
import { safeRedirect } from "~/lib/redirect";
import { isSignedIn } from "~/lib/session.server";
import { redirectWithToast } from "~/lib/toast.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Autostack" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = new URL(request.url).searchParams.get("redirectTo");
  if (await isSignedIn(request, context)) throw redirect(safeRedirect(redirectTo));
  return {
    redirectTo: redirectTo && safeRedirect(redirectTo, "") ? redirectTo : "",
    github: context.config.githubOAuthEnabled,
    google: context.config.googleOAuthEnabled,
  };
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
    const failure = formFailure(error);
    return data(
      { formError: failure.formError, fields: failure.fields, values: { email: input.email, rememberMe: input.rememberMe } },
      { status: failure.status },
    );
  }
}

export default function Login() {
  const { redirectTo, github, google } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST" && navigation.formAction?.startsWith("/login");
  const { fields, onSubmit, clear } = useFormValidation(loginInput, loginFromForm, actionData?.fields);
  const signupHref = redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : "/signup";

  return (
    <AuthCard
      title="Welcome back"
      description="Sign in to your Autostack account"
      footer={
        <>
          Don&apos;t have an account?{" "}
          <Link to={signupHref} className={textLink}>
            Sign up
          </Link>
        </>
      }
    >
      <OAuthButtons github={github} google={google} />
      <Divider>or with email</Divider>
      <Form method="post" noValidate onSubmit={onSubmit} className="space-y-5">
        {actionData?.formError ? <FormAlert>{actionData.formError}</FormAlert> : null}
        <input type="hidden" name="redirectTo" value={redirectTo} />
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
      </Form>
    </AuthCard>
  );
}
