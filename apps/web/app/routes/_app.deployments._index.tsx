import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Await, Form, Link, useLoaderData, useLocation, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { Layers, Search, SearchX } from "lucide-react";
import { Suspense, useCallback, useEffect, useMemo, useRef } from "react";
import { buttonClasses, Card, cx, focusRing, inputClasses } from "@autostack/ui";
import { PageHeader } from "~/components/app/PageHeader";
import { DeploymentsTable, DeploymentsTableSkeleton, type DeploymentRow } from "~/components/deployments/DeploymentsTable";
import { useLiveStatuses, usePolling } from "~/components/deployments/live";
import { isFiltered, listHref, PAGE_SIZES, parseListQuery, type ListQuery } from "~/components/deployments/list-query";
import { NewDeploymentLink } from "~/components/deployments/NewDeploymentLink";
import { NoDeploymentsYet } from "~/components/deployments/NoDeploymentsYet";
import { Pagination } from "~/components/deployments/Pagination";
import { isActiveStatus, STATUS_FILTERS } from "~/components/deployments/status";
import { ServerNowProvider } from "~/components/deployments/time";
import { EmptyState } from "~/components/EmptyState";
import { FormAlert } from "~/components/FormAlert";
import { requireAuth } from "~/lib/session.server";

export const meta: MetaFunction = () => [{ title: "Deployments · Autostack" }];
export const handle = { section: "Deployments" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = parseListQuery(new URL(request.url).searchParams);
  // Not awaited: the page (filters, skeleton rows) renders at once and the
  // rows stream in. The layout's loader has already checked the session.
  const list = requireAuth(request, () => context.caller.deployment.list(query));
  list.catch(() => undefined); // rendered by <Await errorElement>; not an unhandled rejection
  return { query, now: Date.now(), list };
}

type ListResult = Awaited<ReturnType<typeof useLoaderData<typeof loader>>["list"]>;

function StatusFilterLinks({ query }: { query: ListQuery }) {
  return (
    <div role="group" aria-label="Filter by status" className="inline-flex rounded-lg border border-zinc-200 bg-white p-0.5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      {STATUS_FILTERS.map((filter) => {
        const active = query.status === filter.value;
        return (
          <Link
            key={filter.value}
            to={listHref(query, { status: filter.value, page: 1 })}
            preventScrollReset
            aria-current={active ? "true" : undefined}
            className={cx(
              "rounded-md px-3 py-1.5 text-[13px] font-medium transition-colors",
              focusRing,
              "focus-visible:ring-offset-0",
              active
                ? "bg-zinc-900 text-white shadow-sm dark:bg-white dark:text-zinc-900"
                : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white",
            )}
          >
            {filter.label}
          </Link>
        );
      })}
    </div>
  );
}

function Filters({ query }: { query: ListQuery }) {
  const submit = useSubmit();
  const timer = useRef<number>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  // The URL changed without typing ("Clear filters", back button): show its search, unless the user is typing.
  useEffect(() => {
    const element = input.current;
    if (element && element !== document.activeElement && element.value !== query.search) element.value = query.search;
  }, [query.search]);

  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
      <Form method="get" action="/deployments" role="search" className="relative w-full sm:max-w-xs" preventScrollReset>
        <label htmlFor="deployments-search" className="sr-only">
          Search by repository
        </label>
        <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
        <input
          ref={input}
          id="deployments-search"
          type="search"
          name="search"
          defaultValue={query.search}
          placeholder="Search repositories…"
          autoComplete="off"
          className={cx(inputClasses, "h-9 border-zinc-300 pl-9 dark:border-zinc-700")}
          onChange={(event) => {
            const form = event.currentTarget.form;
            window.clearTimeout(timer.current);
            timer.current = window.setTimeout(() => {
              if (form) submit(form, { replace: true, preventScrollReset: true });
            }, 300);
          }}
        />
        {query.status !== "all" ? <input type="hidden" name="status" value={query.status} /> : null}
        {query.limit !== 10 ? <input type="hidden" name="limit" value={query.limit} /> : null}
      </Form>
      <StatusFilterLinks query={query} />
    </div>
  );
}

function PageSize({ query }: { query: ListQuery }) {
  const submit = useSubmit();
  return (
    <Form method="get" action="/deployments" className="flex items-center gap-2 text-sm text-zinc-500 dark:text-zinc-400" preventScrollReset>
      {query.search ? <input type="hidden" name="search" value={query.search} /> : null}
      {query.status !== "all" ? <input type="hidden" name="status" value={query.status} /> : null}
      <label htmlFor="deployments-limit">Rows per page</label>
      <select
        key={query.limit}
        id="deployments-limit"
        name="limit"
        defaultValue={String(query.limit)}
        onChange={(event) => submit(event.currentTarget.form, { preventScrollReset: true })}
        className={cx("h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100", focusRing)}
      >
        {PAGE_SIZES.map((size) => (
          <option key={size} value={size}>
            {size}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="underline">
          Apply
        </button>
      </noscript>
    </Form>
  );
}

/** The rows, with statuses of running deployments kept current over the WebSocket (polling as a fallback). */
function LiveDeployments({ result, query }: { result: ListResult; query: ListQuery }) {
  const revalidator = useRevalidator();
  const active = useMemo(() => result.deployments.filter((d) => isActiveStatus(d.status)), [result.deployments]);
  const pending = useRef<number>();
  const refresh = useCallback(() => {
    // Several rows may change at once: one reload for all of them.
    window.clearTimeout(pending.current);
    pending.current = window.setTimeout(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 400);
  }, [revalidator]);
  useEffect(() => () => window.clearTimeout(pending.current), []);
  const { snapshots, unavailable } = useLiveStatuses(active, { onChange: refresh });
  usePolling(unavailable && active.length > 0, 5_000, refresh);

  const rows: DeploymentRow[] = result.deployments.map((row) => {
    const live = snapshots.get(row.id);
    return live ? { ...row, status: live.status, duration: live.duration ?? row.duration, url: live.url ?? row.url } : row;
  });

  if (rows.length === 0) {
    return isFiltered(query) ? (
      <EmptyState
        icon={<SearchX className="h-5 w-5" aria-hidden="true" />}
        title="No matching deployments"
        description={query.search ? `Nothing matches “${query.search}” with this filter.` : "No deployments have this status."}
        action={
          <Link to="/deployments" className={buttonClasses({ variant: "secondary", size: "sm" })}>
            Clear filters
          </Link>
        }
      />
    ) : query.page > 1 ? (
      <EmptyState
        icon={<Layers className="h-5 w-5" aria-hidden="true" />}
        title="This page is empty"
        description="There are fewer deployments than this page number suggests."
        action={
          <Link to={listHref(query, { page: 1 })} className={buttonClasses({ variant: "secondary", size: "sm" })}>
            Go to the first page
          </Link>
        }
      />
    ) : (
      <NoDeploymentsYet description="Deploy a Git repository and its builds, statuses and logs will show up here." />
    );
  }

  return (
    <>
      <DeploymentsTable deployments={rows} caption="Deployments" />
      <div className="flex flex-col gap-3 border-t border-zinc-200 px-4 py-3 lg:flex-row lg:items-center dark:border-zinc-800">
        <div className="flex-1">
          <Pagination
            page={result.pagination.currentPage}
            totalPages={result.pagination.totalPages}
            totalItems={result.pagination.totalItems}
            limit={query.limit}
            hrefFor={(page) => listHref(query, { page })}
          />
        </div>
        <PageSize query={query} />
      </div>
    </>
  );
}

export default function Deployments() {
  const { query, now, list } = useLoaderData<typeof loader>();
  const location = useLocation();
  const navigation = useNavigation();
  const searching = navigation.state === "loading" && navigation.location.pathname === "/deployments";

  return (
    <ServerNowProvider now={now}>
      <div className="space-y-6">
        <PageHeader
          title="Deployments"
          description="Every build of your repositories, newest first."
          actions={<NewDeploymentLink />}
        />
        <Filters query={query} />
        <Card className={cx("overflow-hidden transition-opacity", searching && "opacity-70")}>
          {/* A new query mounts a new boundary (skeleton rows); a live reload keeps the rows. */}
          <Suspense key={location.search} fallback={<DeploymentsTableSkeleton rows={Math.min(query.limit, 8)} />}>
            <Await
              resolve={list}
              errorElement={
                <div className="p-6">
                  <FormAlert>The deployments could not be loaded. Reload the page to try again.</FormAlert>
                </div>
              }
            >
              {(result) => <LiveDeployments result={result} query={query} />}
            </Await>
          </Suspense>
        </Card>
      </div>
    </ServerNowProvider>
  );
}
