// Static-site frameworks Autostack recognises, most specific first: Astro,
// SvelteKit and Nuxt build with Vite too, so Vite comes last. Each preset
// says which package.json script builds the site, where the site lands and
// whether it is a single-page app; the notes say what the project itself
// must change when its framework would not produce static files as it is.

export const FRAMEWORK_IDS = ["nextjs", "nuxt", "astro", "sveltekit", "docusaurus", "gatsby", "create-react-app", "vite", "static"] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

/** What presets look at: the project root's entries and its package.json. */
export interface ProjectFacts {
  /** dependencies and devDependencies. */
  dependencies: ReadonlySet<string>;
  scripts: Readonly<Record<string, string>>;
  /** A regular file at the project root (or `public/index.html`). */
  hasFile(name: string): boolean;
  /** The text of a small regular file that detection reads (see FILES_TO_READ), or null. */
  read(name: string): string | null;
}

export interface PresetSettings {
  /** The package.json script that builds the site. */
  buildScript: string;
  /** Relative to the project root. */
  outputDir: string;
  /** Serve index.html for unknown extensionless paths (client-side routing). */
  spaFallback: boolean;
  notes: string[];
}

export interface FrameworkPreset {
  id: FrameworkId;
  name: string;
  /** Without further checks: the preset's usual settings. */
  buildScript: string;
  outputDir: string;
  spaFallback: boolean;
  /** What a user of this framework should know, shown when detection picks it. */
  note: string | null;
  matches(project: ProjectFacts): boolean;
  /** The settings for this project (the defaults above, adjusted to what it contains). */
  settings(project: ProjectFacts): PresetSettings;
}

export const NEXT_CONFIG_FILES = ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"];

/** `output: "export"` (any quotes) in a Next.js config: `next build` then writes a static site to out/. */
const STATIC_EXPORT = /\boutput\s*:\s*["'`]export["'`]/;

/** The runtimes of Vite's single-page-app templates (React, Vue, Svelte, Solid, Preact). */
const SPA_RUNTIMES = ["react", "vue", "svelte", "solid-js", "preact"];

const defaults = (preset: Pick<FrameworkPreset, "buildScript" | "outputDir" | "spaFallback">): PresetSettings => ({
  buildScript: preset.buildScript,
  outputDir: preset.outputDir,
  spaFallback: preset.spaFallback,
  notes: [],
});

const nextjs: FrameworkPreset = {
  id: "nextjs",
  name: "Next.js",
  buildScript: "build",
  outputDir: "out",
  spaFallback: false,
  note: "Autostack serves static files: the project needs output: 'export' in its next.config so that next build writes the site to out/.",
  matches: (project) => project.dependencies.has("next"),
  settings(project) {
    const exported = NEXT_CONFIG_FILES.some((file) => STATIC_EXPORT.test(project.read(file) ?? ""));
    return { ...defaults(nextjs), notes: exported ? [] : [nextjs.note!] };
  },
};

const nuxt: FrameworkPreset = {
  id: "nuxt",
  name: "Nuxt",
  buildScript: "generate",
  outputDir: ".output/public",
  spaFallback: false,
  note: "Autostack serves static files: nuxt generate prerenders the site into .output/public, while nuxt build makes a server. Add a \"generate\": \"nuxt generate\" script.",
  matches: (project) => project.dependencies.has("nuxt"),
  settings(project) {
    if (project.scripts.generate !== undefined) return defaults(nuxt);
    return { ...defaults(nuxt), buildScript: "build", notes: [nuxt.note!] };
  },
};

const astro: FrameworkPreset = {
  id: "astro",
  name: "Astro",
  buildScript: "build",
  outputDir: "dist",
  spaFallback: false,
  note: null,
  matches: (project) => project.dependencies.has("astro"),
  settings: () => defaults(astro),
};

const sveltekit: FrameworkPreset = {
  id: "sveltekit",
  name: "SvelteKit",
  buildScript: "build",
  outputDir: "build",
  spaFallback: false,
  note: "Autostack serves static files: SvelteKit needs @sveltejs/adapter-static (set as the adapter in svelte.config.js) to write the site to build/.",
  matches: (project) => project.dependencies.has("@sveltejs/kit"),
  settings: (project) => ({ ...defaults(sveltekit), notes: project.dependencies.has("@sveltejs/adapter-static") ? [] : [sveltekit.note!] }),
};

const docusaurus: FrameworkPreset = {
  id: "docusaurus",
  name: "Docusaurus",
  buildScript: "build",
  outputDir: "build",
  spaFallback: false,
  note: null,
  matches: (project) => project.dependencies.has("@docusaurus/core"),
  settings: () => defaults(docusaurus),
};

const gatsby: FrameworkPreset = {
  id: "gatsby",
  name: "Gatsby",
  buildScript: "build",
  outputDir: "public",
  spaFallback: false,
  note: null,
  matches: (project) => project.dependencies.has("gatsby"),
  settings: () => defaults(gatsby),
};

const createReactApp: FrameworkPreset = {
  id: "create-react-app",
  name: "Create React App",
  buildScript: "build",
  outputDir: "build",
  spaFallback: true,
  note: null,
  matches: (project) => project.dependencies.has("react-scripts"),
  settings: () => defaults(createReactApp),
};

const vite: FrameworkPreset = {
  id: "vite",
  name: "Vite",
  buildScript: "build",
  outputDir: "dist",
  spaFallback: true,
  note: null,
  matches: (project) => project.dependencies.has("vite"),
  // An index.html at the root and a UI runtime: one of Vite's app templates, routed in the browser.
  settings: (project) => ({
    ...defaults(vite),
    spaFallback: project.hasFile("index.html") && SPA_RUNTIMES.some((runtime) => project.dependencies.has(runtime)),
  }),
};

/** Most specific first; the first that matches wins. */
export const FRAMEWORK_PRESETS: readonly FrameworkPreset[] = [nextjs, nuxt, astro, sveltekit, docusaurus, gatsby, createReactApp, vite];

/** A repository of HTML files served as they are: no package.json, an index.html at the root or in public/. */
export const STATIC_HTML = { id: "static", name: "Static HTML" } as const satisfies { id: FrameworkId; name: string };
