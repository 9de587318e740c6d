import { useEffect, useLayoutEffect } from "react";
import { useFetchers } from "@remix-run/react";
import type { Theme } from "@autostack/api/schemas";

export const THEME_ACTION = "/resources/theme";

/**
 * Runs in <head> before the first paint. For "system" the server cannot know
 * the colour scheme, so this sets the class from prefers-color-scheme and
 * follows later changes of it (only while the page's theme is "system").
 */
export const themeScript = `(function(){try{var d=document.documentElement,m=window.matchMedia("(prefers-color-scheme: dark)");function a(){if(d.dataset.theme==="system")d.classList.toggle("dark",m.matches)}a();m.addEventListener("change",a)}catch(e){}})();`;

const useIsomorphicLayoutEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

/** Re-applies the system scheme after React re-renders <html> (the class prop then drops "dark"). */
export function useSystemThemeClass(theme: Theme): void {
  useIsomorphicLayoutEffect(() => {
    if (theme !== "system") return;
    document.documentElement.classList.toggle("dark", window.matchMedia("(prefers-color-scheme: dark)").matches);
  }, [theme]);
}

/** A theme being saved right now, so the page switches before the server answers. */
export function useOptimisticTheme(): Theme | null {
  const fetchers = useFetchers();
  for (const fetcher of fetchers) {
    if (fetcher.formAction !== THEME_ACTION || !fetcher.formData) continue;
    const theme = fetcher.formData.get("theme");
    if (theme === "light" || theme === "dark" || theme === "system") return theme;
  }
  return null;
}
