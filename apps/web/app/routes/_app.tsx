import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/app/AppShell";
import { requireAuth } from "~/lib/session.server";

// Every page under this layout needs a signed-in user.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireAuth(request, () => context.caller.auth.session());
  return { user: { name: user.name, email: user.email, avatarUrl: user.avatarUrl } };
}

export default function AppLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user}>
      <Outlet />
    </AppShell>
  );
}
