import { Input, type InputProps } from "@autostack/ui";
import type { DeployField, DeployValues } from "./deploy-form";

// One text field of the deploy wizard, bound to its value, setter and error by
// name. Commands and paths are typed code: no spell checking or autofill.

export interface DeployFormBinding {
  values: DeployValues;
  errors: Partial<Record<DeployField, string>>;
  set: (field: DeployField) => (value: string) => void;
}

interface DeployTextFieldProps extends Omit<InputProps, "name" | "value" | "onChange" | "error">, DeployFormBinding {
  field: Exclude<DeployField, "spaFallback">;
  /** Shown in a monospaced face (commands, directories). */
  mono?: boolean;
}

export function DeployTextField({ field, values, errors, set, mono, ...props }: DeployTextFieldProps) {
  return (
    <Input
      name={field}
      value={values[field]}
      onChange={(event) => set(field)(event.currentTarget.value)}
      spellCheck={false}
      autoComplete="off"
      error={errors[field]}
      {...(mono ? { className: "[&_input]:font-mono" } : {})}
      {...props}
    />
  );
}
