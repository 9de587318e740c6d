import { Link } from "@remix-run/react";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { buttonClasses, cx } from "@autostack/ui";

/** Previous / next: a link, or a disabled look-alike at either end. */
function PageArrow({ direction, href, className }: { direction: "prev" | "next"; href: string | null; className: string }) {
  const Icon = direction === "prev" ? ChevronLeft : ChevronRight;
  const content = (
    <>
      <Icon className="h-4 w-4" aria-hidden="true" />
      <span className="sr-only">{direction === "prev" ? "Previous page" : "Next page"}</span>
    </>
  );
  return href === null ? (
    <span className={className} aria-disabled="true">
      {content}
    </span>
  ) : (
    <Link to={href} className={className} rel={direction} preventScrollReset>
      {content}
    </Link>
  );
}

/** Page numbers to show around the current one: 1 … 4 5 [6] 7 8 … 20. */
export function pageWindow(current: number, total: number, width = 1): (number | "gap")[] {
  if (total <= 1) return [1];
  const pages = new Set<number>([1, total]);
  for (let page = current - width; page <= current + width; page++) if (page >= 1 && page <= total) pages.add(page);
  const sorted = [...pages].sort((a, b) => a - b);
  const result: (number | "gap")[] = [];
  for (const page of sorted) {
    const previous = result.at(-1);
    if (typeof previous === "number" && page - previous === 2) result.push(previous + 1);
    else if (typeof previous === "number" && page - previous > 2) result.push("gap");
    result.push(page);
  }
  return result;
}

export function Pagination({
  page,
  totalPages,
  totalItems,
  limit,
  hrefFor,
}: {
  page: number;
  totalPages: number;
  totalItems: number;
  limit: number;
  hrefFor: (page: number) => string;
}) {
  const first = totalItems === 0 ? 0 : (page - 1) * limit + 1;
  const last = Math.min(totalItems, page * limit);
  const arrow = buttonClasses({ variant: "secondary", size: "sm", className: "px-2" });
  return (
    <nav aria-label="Pagination" className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        {totalItems === 0 ? (
          "No deployments"
        ) : (
          <>
            Showing <span className="font-medium text-zinc-700 tabular-nums dark:text-zinc-200">{first}</span>–
            <span className="font-medium text-zinc-700 tabular-nums dark:text-zinc-200">{last}</span> of{" "}
            <span className="font-medium text-zinc-700 tabular-nums dark:text-zinc-200">{totalItems}</span>
          </>
        )}
      </p>
      {totalPages > 1 ? (
        <ul className="flex items-center gap-1">
          <li>
            <PageArrow direction="prev" href={page > 1 ? hrefFor(page - 1) : null} className={arrow} />
          </li>
          {pageWindow(page, totalPages).map((item, index) =>
            item === "gap" ? (
              <li key={`gap-${index}`} aria-hidden="true" className="px-1 text-sm text-zinc-400">
                …
              </li>
            ) : (
              <li key={item}>
                <Link
                  to={hrefFor(item)}
                  preventScrollReset
                  aria-current={item === page ? "page" : undefined}
                  aria-label={`Page ${item}`}
                  className={buttonClasses({
                    variant: item === page ? "primary" : "ghost",
                    size: "sm",
                    className: cx("min-w-8 px-2 tabular-nums"),
                  })}
                >
                  {item}
                </Link>
              </li>
            ),
          )}
          <li>
            <PageArrow direction="next" href={page < totalPages ? hrefFor(page + 1) : null} className={arrow} />
          </li>
        </ul>
      ) : null}
    </nav>
  );
}
