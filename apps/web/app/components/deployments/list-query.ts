import { parseStatusFilter, type StatusFilter } from "./status";

// The Deployments page's state lives in its URL (?search=&status=&page=&limit=),
// so a filtered page can be shared and reloaded. Bad values fall back to the
// defaults instead of failing the page.

export interface ListQuery {
  search: string;
  status: StatusFilter;
  page: number;
  limit: number;
}

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_LIMIT = 10;

function positiveInt(value: string | null, fallback: number, max: number): number {
  if (value === null || !/^\d{1,6}$/.test(value)) return fallback;
  const number = Number(value);
  return number >= 1 && number <= max ? number : fallback;
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  return {
    search: (params.get("search") ?? "").trim().slice(0, 255),
    status: parseStatusFilter(params.get("status")),
    page: positiveInt(params.get("page"), 1, 100_000),
    limit: positiveInt(params.get("limit"), DEFAULT_LIMIT, 100),
  };
}

/** The URL of the list with some of the query changed; defaults are left out. */
export function listHref(query: ListQuery, changes: Partial<ListQuery> = {}): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.search) params.set("search", next.search);
  if (next.status !== "all") params.set("status", next.status);
  if (next.page !== 1) params.set("page", String(next.page));
  if (next.limit !== DEFAULT_LIMIT) params.set("limit", String(next.limit));
  const search = params.toString();
  return search ? `/deployments?${search}` : "/deployments";
}

export function isFiltered(query: ListQuery): boolean {
  return query.search !== "" || query.status !== "all";
}
