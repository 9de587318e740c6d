// Content types of files a static site is made of; anything else is served
// as application/octet-stream (and, with nosniff, never guessed as HTML).

const types: Record<string, string> = {
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  webmanifest: "application/manifest+json; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  svg: "image/svg+xml; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  wasm: "application/wasm",
  pdf: "application/pdf",
  mp4: "video/mp4",
  webm: "video/webm",
  mp3: "audio/mpeg",
};

export function contentTypeFor(path: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (extension && types[extension]) || "application/octet-stream";
}

/** Build tools name long-lived assets by content hash (app-3f9c2a1b.js): cache those for a year. */
export function isHashedAsset(path: string): boolean {
  return /[.-][A-Za-z0-9_]{8,}\.(?:js|mjs|css|woff2?|png|jpe?g|gif|webp|avif|svg|wasm)$/.test(path) && /[0-9]/.test(path.split("/").pop()!);
}
