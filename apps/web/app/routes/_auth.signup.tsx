import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { signupInput } from "@autostack/api/schemas";
import { Button, Input } from "@autostack/ui";
import { AuthCard, textLink } from "~/components/AuthCard";
import { EmailField, PasswordField } from "~/components/AuthFields";
import { FormAlert } from "~/components/FormAlert";
import { Divider, OAuthButtons } from "~/components/OAuthButtons";
import { formFailure } from "~/lib/errors.server";
import { signupFromForm } from "~/lib/form-inputs";
import { fieldMessage, useFormValidation } from "~/lib/forms";
import { safeRedirect } from "~/lib/redirect";
import { isSignedIn } from "~/lib/session.server";
import { redirectWithToast } from "~/lib/toast.server";

export const meta: MetaFunction = () => [{ title: "Create your account · Autostack" }];

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
    const failure = formFailure(error);
    return data(
      { formError: failure.formError, fields: failure.fields, values: { name: input.name, email: input.email } },
      { status: failure.status },
    );
  }
}

export default function Signup() {
  const { redirectTo, github, google } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST" && navigation.formAction?.startsWith("/signup");
  const { fields, onSubmit, clear } = useFormValidation(signupInput, signupFromForm, actionData?.fields);
  const loginHref = redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : "/login";
  const formError = actionData?.formError;

  return (
    <AuthCard
      title="Create your account"
      description="Start deploying in a few steps"
      footer={
        <>
          Already have an account?{" "}
          <Link to={loginHref} className={textLink}>
            Sign in
          </Link>
        </>
      }
    >
      <OAuthButtons github={github} google={google} />
      <Divider>or with email</Divider>
      <Form method="post" noValidate onSubmit={onSubmit} className="space-y-5">
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        <input type="hidden" name="redirectTo" value={redirectTo} />
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
      </Form>
    </AuthCard>
  );
}
