import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ArrowLeft, MailCheck } from "lucide-react";
import { forgotPasswordInput } from "@autostack/api/schemas";
import { Button, buttonClasses } from "@autostack/ui";
import { AuthCard } from "~/components/AuthCard";
import { BackToLoginLink, EmailField } from "~/components/AuthFields";
import { AuthNotice } from "~/components/AuthNotice";
import { FormAlert } from "~/components/FormAlert";
import { formFailure } from "~/lib/errors.server";
import { forgotPasswordFromForm } from "~/lib/form-inputs";
import { fieldMessage, useFormValidation } from "~/lib/forms";
import { usePostSubmitting } from "~/lib/submitting";

export const meta: MetaFunction = () => [{ title: "Reset your password · Autostack" }];

export function loader({ context }: LoaderFunctionArgs) {
  return { devMailbox: context.config.devMailboxEnabled };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const input = forgotPasswordFromForm(await request.formData());
  try {
    await context.caller.auth.forgotPassword(input);
    return { sent: true as const, email: input.email.trim() };
  } catch (error) {
    const failure = formFailure(error);
    return data({ sent: false as const, formError: failure.formError, fields: failure.fields, email: input.email }, { status: failure.status });
  }
}

function DevMailboxHint() {
  return (
    <FormAlert variant="info">
      This server keeps mail instead of sending it (no SMTP configured). Open the{" "}
      <Link to="/dev/mailbox" className="font-medium underline underline-offset-2">
        dev mailbox
      </Link>{" "}
      to find the link.
    </FormAlert>
  );
}

export default function ForgotPassword() {
  const { devMailbox } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = usePostSubmitting();
  const failed = actionData && !actionData.sent ? actionData : null;
  const { fields, onSubmit, clear } = useFormValidation(forgotPasswordInput, forgotPasswordFromForm, failed?.fields);

  if (actionData?.sent) {
    return (
      <AuthCard title="Check your inbox">
        <AuthNotice tone="success" icon={<MailCheck className="h-6 w-6" aria-hidden="true" />}>
          If an account exists for <span className="font-medium text-zinc-900 dark:text-white">{actionData.email}</span>, we&apos;ve
          sent a link to reset your password. It works once, within one hour.
        </AuthNotice>
        {devMailbox ? <div className="mt-6"><DevMailboxHint /></div> : null}
        <Link to="/login" className={buttonClasses({ variant: "secondary", fullWidth: true, className: "mt-6" })}>
          <ArrowLeft className="h-4 w-4" aria-hidden="true" />
          Back to login
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter your email and we'll send you a link to choose a new one."
      footer={<BackToLoginLink />}
    >
      <Form method="post" noValidate onSubmit={onSubmit} className="space-y-5">
        {failed?.formError ? <FormAlert>{failed.formError}</FormAlert> : null}
        <EmailField autoFocus defaultValue={failed?.email} error={fieldMessage("Email", fields.email)} onChange={() => clear("email")} />
        <Button type="submit" fullWidth loading={submitting} loadingText="Sending…">
          Send reset link
        </Button>
        {devMailbox ? <DevMailboxHint /> : null}
      </Form>
    </AuthCard>
  );
}
