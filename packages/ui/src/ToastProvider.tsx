import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { ToastVariant } from "./Toast.js";

export interface ToastMessage {
  /** Toasts with the same id are shown once (e.g. a server flash seen again on hydration). */
  id: string;
  variant: ToastVariant;
  title: string;
  description?: string;
  /** Milliseconds before it leaves on its own; 0 keeps it until dismissed. */
  duration?: number;
}

export type ToastInput = Omit<ToastMessage, "id"> & { id?: string };

interface ToastContextValue {
  toasts: ToastMessage[];
  toast(input: ToastInput): string;
  dismiss(id: string): void;
}

const ToastContext = createContext<ToastContextValue | null>(null);

const MAX_TOASTS = 4;
let counter = 0;

export interface ToastProviderProps {
  children: ReactNode;
  /** Toasts to render from the first (server) render on. */
  initial?: ToastMessage[];
}

export function ToastProvider({ children, initial = [] }: ToastProviderProps) {
  const [toasts, setToasts] = useState<ToastMessage[]>(initial);

  const dismiss = useCallback((id: string) => {
    setToasts((current) => current.filter((t) => t.id !== id));
  }, []);

  const toast = useCallback((input: ToastInput) => {
    const id = input.id ?? `toast-${Date.now()}-${++counter}`;
    setToasts((current) => (current.some((t) => t.id === id) ? current : [...current, { ...input, id }].slice(-MAX_TOASTS)));
    return id;
  }, []);

  const value = useMemo(() => ({ toasts, toast, dismiss }), [toasts, toast, dismiss]);
  return <ToastContext.Provider value={value}>{children}</ToastContext.Provider>;
}

export function useToast(): ToastContextValue {
  const context = useContext(ToastContext);
  if (!context) throw new Error("useToast must be used inside <ToastProvider>");
  return context;
}
