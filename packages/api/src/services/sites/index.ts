export { contentTypeFor, isHashedAsset } from "./content-types.js";
export { createSiteResolver, resolveSite, type SiteResolver, type SiteTarget } from "./resolve.js";
export { createSiteFileCache, type SiteFile, type SiteFileCache, type SiteFileCacheOptions, type SiteFileMeta } from "./file-cache.js";
export { createSiteHostMatcher, type SiteHostMatcher } from "./hosts.js";
