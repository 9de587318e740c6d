import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ComingSoon } from "~/components/ComingSoon";
import { COMING_SOON_AREAS, comingSoonAreaId } from "~/components/coming-soon-areas";

// /docs, /pricing, /team …: every planned area's page. Any other single-segment
// path is the same 404 as the catch-all route's (the root ErrorBoundary).
export function loader({ params }: LoaderFunctionArgs) {
  const area = comingSoonAreaId(params.area);
  if (!area) throw new Response("Not Found", { status: 404, statusText: "Not Found" });
  return { area };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: `${COMING_SOON_AREAS[data.area].title} · Autostack` }] : []);

export default function ComingSoonPage() {
  const { area } = useLoaderData<typeof loader>();
  const { title, description, icon: Icon } = COMING_SOON_AREAS[area];
  return <ComingSoon title={title} description={description} icon={<Icon className="h-5 w-5" aria-hidden="true" />} />;
}
