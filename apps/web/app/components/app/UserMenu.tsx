import { Form, Link } from "@remix-run/react";
import { ChevronDown, LogOut, Settings } from "lucide-react";
import { Avatar, cx, focusRing } from "@autostack/ui";
import { useDetailsDismiss } from "./useDetailsDismiss";

export interface SessionUser {
  name: string;
  email: string;
  avatarUrl: string | null;
}

const itemClasses = cx(
  "flex w-full items-center gap-2.5 rounded-md px-2.5 py-2 text-left text-sm text-zinc-700 transition-colors hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-white",
  focusRing,
  "focus-visible:ring-offset-0",
);

export function UserMenu({ user }: { user: SessionUser }) {
  const ref = useDetailsDismiss();
  return (
    <details ref={ref} className="group relative">
      <summary
        className={cx(
          "flex cursor-pointer list-none items-center gap-2 rounded-full py-1 pl-1 pr-2 transition-colors hover:bg-zinc-100 dark:hover:bg-zinc-800 [&::-webkit-details-marker]:hidden",
          focusRing,
        )}
      >
        <Avatar name={user.name} src={user.avatarUrl} size="sm" />
        <span className="hidden max-w-[10rem] truncate text-sm font-medium text-zinc-800 sm:block dark:text-zinc-200">{user.name}</span>
        <ChevronDown className="h-4 w-4 text-zinc-400 transition-transform group-open:rotate-180" aria-hidden="true" />
        <span className="sr-only">Account menu</span>
      </summary>
      <div className="absolute right-0 z-50 mt-2 w-64 origin-top-right animate-fade-in rounded-xl border border-zinc-200 bg-white p-1.5 shadow-lg shadow-zinc-900/10 dark:border-zinc-800 dark:bg-zinc-900 dark:shadow-black/40">
        <div className="flex items-center gap-3 px-2.5 py-2.5">
          <Avatar name={user.name} src={user.avatarUrl} size="md" />
          <div className="min-w-0">
            <p className="truncate text-sm font-medium text-zinc-900 dark:text-white">{user.name}</p>
            <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</p>
          </div>
        </div>
        <div className="my-1 border-t border-zinc-100 dark:border-zinc-800" />
        <Link to="/settings" className={itemClasses}>
          <Settings className="h-4 w-4 text-zinc-400" aria-hidden="true" />
          Settings
        </Link>
        <Form method="post" action="/logout">
          <button type="submit" className={itemClasses}>
            <LogOut className="h-4 w-4 text-zinc-400" aria-hidden="true" />
            Sign out
          </button>
        </Form>
      </div>
    </details>
  );
}
