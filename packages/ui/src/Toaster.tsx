import { useEffect, useState } from "react";
import { Toast } from "./Toast.js";
import { useToast, type ToastMessage } from "./ToastProvider.js";

const DEFAULT_DURATION = { success: 5000, info: 5000, error: 8000 } as const;

function ToastItem({ toast, onDismiss }: { toast: ToastMessage; onDismiss: (id: string) => void }) {
  // The countdown pauses while the pointer or keyboard focus is on the toast.
  const [paused, setPaused] = useState(false);
  const duration = toast.duration ?? DEFAULT_DURATION[toast.variant];

  useEffect(() => {
    if (paused || duration <= 0) return;
    const timer = setTimeout(() => onDismiss(toast.id), duration);
    return () => clearTimeout(timer);
  }, [paused, duration, toast.id, onDismiss]);

  return (
    <li
      role={toast.variant === "error" ? "alert" : "status"}
      className="animate-toast-in"
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <Toast variant={toast.variant} title={toast.title} description={toast.description} onDismiss={() => onDismiss(toast.id)} />
    </li>
  );
}

/** The live region where toasts appear; render it once, inside ToastProvider. */
export function Toaster() {
  const { toasts, dismiss } = useToast();
  return (
    <section aria-label="Notifications" className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex justify-center p-4 sm:inset-x-auto sm:right-0 sm:justify-end sm:p-6">
      <ol aria-live="polite" className="flex w-full max-w-sm flex-col gap-2">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} onDismiss={dismiss} />
        ))}
      </ol>
    </section>
  );
}
