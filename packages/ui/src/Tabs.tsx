import { useRef, type HTMLAttributes, type KeyboardEvent, type MouseEvent, type ReactNode } from "react";
import { cx, focusRing } from "./cx.js";

export interface TabItem {
  value: string;
  label: ReactNode;
  icon?: ReactNode;
}

export interface TabsProps {
  /** Prefix of the tab and panel element ids; unique on the page. */
  idBase: string;
  /** Accessible name of the tab list. */
  label: string;
  items: TabItem[];
  value: string;
  onValueChange?: (value: string) => void;
  /**
   * When set, every tab is a submit button with this name and its value, so
   * inside a GET form the tabs work before (or without) JavaScript.
   */
  name?: string;
  className?: string;
}

export function tabIds(idBase: string, value: string): { tab: string; panel: string } {
  return { tab: `${idBase}-tab-${value}`, panel: `${idBase}-panel-${value}` };
}

/** WAI-ARIA tabs with automatic activation: arrows, Home and End move and select. */
export function Tabs({ idBase, label, items, value, onValueChange, name, className }: TabsProps) {
  const list = useRef<HTMLDivElement>(null);

  function select(next: string, event?: MouseEvent<HTMLButtonElement>) {
    if (!onValueChange) return;
    event?.preventDefault();
    if (next !== value) onValueChange(next);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = items.findIndex((item) => item.value === value);
    let next: number;
    if (event.key === "ArrowRight") next = (index + 1) % items.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + items.length) % items.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = items.length - 1;
    else return;
    event.preventDefault();
    const item = items[next]!;
    const button = list.current?.querySelector<HTMLButtonElement>(`#${CSS.escape(tabIds(idBase, item.value).tab)}`);
    button?.focus();
    if (onValueChange) select(item.value);
    else button?.click();
  }

  // Phones: no icons and less padding keep the tabs on one line; where they
  // still do not fit they wrap: a tab scrolled out of sight is a tab missed.
  return (
    <div
      ref={list}
      role="tablist"
      aria-label={label}
      onKeyDown={onKeyDown}
      className={cx("flex flex-wrap gap-x-1 border-b border-zinc-200 dark:border-zinc-800", className)}
    >
      {items.map((item) => {
        const selected = item.value === value;
        const ids = tabIds(idBase, item.value);
        return (
          <button
            key={item.value}
            id={ids.tab}
            role="tab"
            type={name ? "submit" : "button"}
            name={name}
            value={name ? item.value : undefined}
            aria-selected={selected}
            aria-controls={ids.panel}
            tabIndex={selected ? 0 : -1}
            onClick={(event) => select(item.value, event)}
            className={cx(
              "relative -mb-px inline-flex shrink-0 items-center gap-2 whitespace-nowrap rounded-t-md border-b-2 px-2.5 pb-3 pt-2 text-sm font-medium transition-colors sm:px-3",
              focusRing,
              "focus-visible:ring-offset-0",
              selected
                ? "border-zinc-900 text-zinc-900 dark:border-white dark:text-white"
                : "border-transparent text-zinc-500 hover:border-zinc-300 hover:text-zinc-800 dark:text-zinc-400 dark:hover:border-zinc-700 dark:hover:text-zinc-200",
            )}
          >
            {item.icon ? <span aria-hidden="true" className="hidden sm:inline [&>svg]:h-4 [&>svg]:w-4">{item.icon}</span> : null}
            {item.label}
          </button>
        );
      })}
    </div>
  );
}

export interface TabPanelProps extends HTMLAttributes<HTMLDivElement> {
  idBase: string;
  value: string;
  children: ReactNode;
}

export function TabPanel({ idBase, value, className, children, ...props }: TabPanelProps) {
  const ids = tabIds(idBase, value);
  return (
    <div role="tabpanel" id={ids.panel} aria-labelledby={ids.tab} tabIndex={0} className={cx("focus:outline-none", className)} {...props}>
      {children}
    </div>
  );
}
