import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { LinkIcon } from "lucide-react";
import { Button, buttonClasses } from "@autostack/ui";
import { AuthCard } from "~/components/AuthCard";
import { BackToLoginLink, PasswordField } from "~/components/AuthFields";
import { AuthNotice } from "~/components/AuthNotice";
import { FormAlert } from "~/components/FormAlert";
import { formFailure } from "~/lib/errors.server";
import { resetPasswordForm, resetPasswordFromForm } from "~/lib/form-inputs";
import { fieldMessage, issuesToFields, useFormValidation } from "~/lib/forms";
import { usePostSubmitting } from "~/lib/submitting";
import { redirectWithToast } from "~/lib/toast.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Autostack" }];

export function loader({ request }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get("token")?.trim() ?? "" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const input = resetPasswordFromForm(await request.formData());
  // The confirmation is this form's own rule; the API takes the password once.
  const parsed = resetPasswordForm.safeParse(input);
  if (!parsed.success) {
    return data({ tokenInvalid: false, formError: null, fields: issuesToFields(parsed.error.issues) }, { status: 422 });
  }
  try {
    await context.caller.auth.resetPassword({ token: input.token, password: input.password });
  } catch (error) {
    const failure = formFailure(error);
    return data({ tokenInvalid: "token" in failure.fields, formError: failure.formError, fields: failure.fields }, { status: failure.status });
  }
  return redirectWithToast(
    "/login",
    { variant: "success", title: "Password changed", description: "Sign in with your new password." },
    context.config,
  );
}

function InvalidLink({ message }: { message: string }) {
  return (
    <AuthCard title="Reset link not valid">
      <AuthNotice tone="error" icon={<LinkIcon className="h-6 w-6" aria-hidden="true" />}>
        {message} Reset links work once and expire after an hour.
      </AuthNotice>
      <Link to="/forgot-password" className={buttonClasses({ fullWidth: true, className: "mt-6" })}>
        Request a new link
      </Link>
      <Link to="/login" className={buttonClasses({ variant: "ghost", fullWidth: true, className: "mt-2" })}>
        Back to login
      </Link>
    </AuthCard>
  );
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = usePostSubmitting();
  const { fields, onSubmit, clear } = useFormValidation(resetPasswordForm, resetPasswordFromForm, actionData?.fields);

  if (!token) return <InvalidLink message="This reset link is incomplete." />;
  if (actionData?.tokenInvalid || fields.token) return <InvalidLink message="This reset link is invalid or has expired." />;

  return (
    <AuthCard
      title="Choose a new password"
      description="You'll be signed out everywhere else once it's changed."
      footer={<BackToLoginLink />}
    >
      <Form method="post" noValidate onSubmit={onSubmit} className="space-y-5">
        {actionData?.formError ? <FormAlert>{actionData.formError}</FormAlert> : null}
        <input type="hidden" name="token" value={token} />
        <PasswordField purpose="new" label="New password" autoFocus error={fieldMessage("Password", fields.password)} onChange={() => clear("password")} />
        <PasswordField
          purpose="new"
          confirmation
          label="Confirm new password"
          name="confirmPassword"
          error={fieldMessage("Confirmation", fields.confirmPassword)}
          onChange={() => clear("confirmPassword")}
        />
        <Button type="submit" fullWidth loading={submitting} loadingText="Saving…">
          Change password
        </Button>
      </Form>
    </AuthCard>
  );
}
