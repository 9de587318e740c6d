import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { redirectWithToast } from "~/lib/toast.server";

// Sign out is a POST (a form in the user menu); a GET here changes nothing.
export function loader() {
  return redirect("/");
}

export async function action({ context }: ActionFunctionArgs) {
  try {
    await context.caller.auth.logout({});
  } catch {
    // Already signed out (expired session): the outcome is the same.
  }
  return redirectWithToast("/login", { variant: "success", title: "Signed out", description: "See you soon." }, context.config);
}
