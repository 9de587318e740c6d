import { useCallback, useState, type FormEvent } from "react";

// Client-side validation with the very schemas the server parses its input
// with (@autostack/api/schemas), so a form shows the messages the server would
// send, before a round trip. The server stays authoritative.

export type FieldErrors = Record<string, string>;

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** The minimal shape of a zod schema used here (keeps zod's generics out of the hooks). */
export interface Validator {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: Issue[] } };
}

/** Field path → first message; the same mapping the server uses (zodIssuesToFields). */
export function issuesToFields(issues: Issue[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "body";
    fields[key] ??= issue.message;
  }
  return fields;
}

/**
 * Zod messages are sentences ("Email is required"); domain errors name only
 * what is wrong ("is already registered"). The latter get the field's label.
 */
export function fieldMessage(label: string, message: string | undefined | null): string | undefined {
  if (!message) return undefined;
  return /^[a-z]/.test(message) ? `${label} ${message}` : message;
}

export function stringField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export function checkboxField(form: FormData, name: string): boolean {
  const value = form.get(name);
  return value === "on" || value === "true";
}

/**
 * Validates a form on submit. Invalid: the submission is stopped, messages are
 * shown and the first invalid field is focused. Valid: the form submits as
 * usual (a Remix <Form>, so it also works without JavaScript).
 */
export function useFormValidation(schema: Validator, toInput: (form: FormData) => unknown, serverFields?: FieldErrors | null) {
  const [clientFields, setClientFields] = useState<FieldErrors | null>(null);

  const onSubmit = useCallback(
    (event: FormEvent<HTMLFormElement>) => {
      const form = event.currentTarget;
      const result = schema.safeParse(toInput(new FormData(form)));
      if (result.success) {
        setClientFields(null);
        return;
      }
      event.preventDefault();
      const fields = issuesToFields(result.error.issues);
      setClientFields(fields);
      const first = Object.keys(fields)[0];
      if (first) form.querySelector<HTMLElement>(`[name="${CSS.escape(first)}"]`)?.focus();
    },
    [schema, toInput],
  );

  /** Forget a field's client-side message once the user edits it. */
  const clear = useCallback((name: string) => {
    setClientFields((current) => {
      if (!current || !(name in current)) return current;
      const { [name]: _removed, ...rest } = current;
      return rest;
    });
  }, []);

  return { fields: clientFields ?? serverFields ?? {}, onSubmit, clear };
}
