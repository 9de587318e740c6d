import { useId, type ReactNode } from "react";
import { cx, focusRing } from "./cx.js";

// What Checkbox and Switch share: both are a native checkbox restyled (so they
// work in forms without JavaScript), with a label and an optional description.

export interface ToggleLabelProps {
  label: ReactNode;
  description?: ReactNode;
}

/** Focus ring and disabled look of the restyled input itself. */
export const toggleInputStates = cx(focusRing, "disabled:cursor-not-allowed disabled:opacity-50");

/** The input's id (the caller's, else a generated one) and its description's id, for aria-describedby. */
export function useToggleIds(id: string | undefined, description: ReactNode) {
  const generated = useId();
  const inputId = id ?? generated;
  const descriptionId = description ? `${inputId}-description` : undefined;
  return { inputId, descriptionId };
}
