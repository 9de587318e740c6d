import { Link } from "@remix-run/react";
import { ArrowLeft } from "lucide-react";
import type { ReactNode } from "react";
import { Input } from "@autostack/ui";
import { textLink } from "./AuthCard";

// The fields and links the sign-in, sign-up and password pages share, so
// each is spelled (autocomplete hints, placeholder, length rule) once.

interface FieldProps {
  error?: string;
  onChange: () => void;
  autoFocus?: boolean;
}

export function EmailField({ defaultValue, ...props }: FieldProps & { defaultValue?: string }) {
  return (
    <Input
      label="Email"
      name="email"
      type="email"
      autoComplete="email"
      required
      placeholder="you@example.com"
      defaultValue={defaultValue}
      {...props}
    />
  );
}

interface PasswordFieldProps extends FieldProps {
  /** `current` for signing in; `new` asks for 8+ characters and says so. */
  purpose: "current" | "new";
  label?: string;
  name?: string;
  /** Hides the length hint (a confirmation field repeats the password above it). */
  confirmation?: boolean;
  labelAction?: ReactNode;
}

export function PasswordField({ purpose, label = "Password", name = "password", confirmation, ...props }: PasswordFieldProps) {
  const rules = purpose === "new" && !confirmation ? { minLength: 8, hint: "At least 8 characters." } : {};
  return (
    <Input
      label={label}
      name={name}
      type="password"
      autoComplete={purpose === "new" ? "new-password" : "current-password"}
      required
      {...rules}
      {...props}
    />
  );
}

/** The footer link from sign-in to sign-up and back; it keeps the page to go on to afterwards. */
export function SwitchAuthLink({ prompt, to, redirectTo, children }: { prompt: string; to: string; redirectTo: string; children: ReactNode }) {
  return (
    <>
      {prompt}{" "}
      <Link to={redirectTo ? `${to}?redirectTo=${encodeURIComponent(redirectTo)}` : to} className={textLink}>
        {children}
      </Link>
    </>
  );
}

export function BackToLoginLink() {
  return (
    <Link to="/login" className={`${textLink} inline-flex items-center gap-1.5`}>
      <ArrowLeft className="h-4 w-4" aria-hidden="true" />
      Back to login
    </Link>
  );
}
