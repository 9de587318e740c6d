import { Trash2 } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@autostack/ui";

/** "Delete" opens a modal confirmation (native <dialog>: focus trap and Escape for free). */
export function DeleteDeploymentButton({ repo, busy, onConfirm }: { repo: string; busy: boolean; onConfirm: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  return (
    <>
      <Button variant="ghost" className="text-red-600 hover:bg-red-50 hover:text-red-700 dark:text-red-400 dark:hover:bg-red-500/10" onClick={() => setOpen(true)}>
        <Trash2 className="h-4 w-4" aria-hidden="true" />
        Delete
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        onClose={() => setOpen(false)}
        onClick={(event) => {
          if (event.target === event.currentTarget) setOpen(false);
        }}
        className="w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40 backdrop:backdrop-blur-sm dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <div className="p-6">
          <h2 id={titleId} className="text-base font-semibold">
            Delete this deployment?
          </h2>
          <p id={descriptionId} className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            The deployment of <span className="font-medium text-zinc-900 dark:text-white">{repo}</span>, its build logs and its files are removed
            for good; its URL stops working. A running build is cancelled first.
          </p>
        </div>
        <div className="flex justify-end gap-3 rounded-b-xl border-t border-zinc-200 bg-zinc-50/80 px-6 py-3 dark:border-zinc-800 dark:bg-zinc-900/80">
          <Button variant="secondary" onClick={() => setOpen(false)} autoFocus>
            Keep it
          </Button>
          <Button
            variant="danger"
            loading={busy}
            loadingText="Deleting…"
            onClick={() => {
              onConfirm();
            }}
          >
            Delete deployment
          </Button>
        </div>
      </dialog>
    </>
  );
}
