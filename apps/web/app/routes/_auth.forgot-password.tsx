import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ArrowLeft, MailCheck } from "lucide-react";
import { forgotPasswordInput } from "@autostack/api/schemas";
import { Button, buttonClasses } from "@autostack/ui";
import { AuthCard } from "~/components/AuthCard";
import { BackToLoginLink, EmailField } from "~/components/AuthFields";
import { FormAlert } from "~/components/FormAlert";
import { formFailure } from "~/lib/errors.server";
import { forgotPasswordFromForm } from "~/lib/form-inputs";
import { fieldMessage, useFormValidation } from "~/lib/forms";

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
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST";
  const failed = actionData && !actionData.sent ? actionData : null;
  const { fields, onSubmit, clear } = useFormValidation(forgotPasswordInput, forgotPasswordFromForm, failed?.fields);

  if (actionData?.sent) {
    return (
      <AuthCard title="Check your inbox">
        <div className="flex flex-col items-center text-center">
          <span className="flex h-12 w-12 items-center justify-center rounded-full bg-emerald-500/10 text-emerald-600 dark:text-emerald-400">
            <MailCheck className="h-6 w-6" aria-hidden="true" />
          </span>
          <p role="status" className="mt-4 text-sm leading-6 text-zinc-600 dark:text-zinc-400">
            If an account exists for <span className="font-medium text-zinc-900 dark:text-white">{actionData.email}</span>, we&apos;ve
            sent a link to reset your password. It works once, within one hour.
          </p>
        </div>
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
