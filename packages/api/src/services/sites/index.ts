export { contentTypeFor, isHashedAsset } from "./content-types.js";
export { createSiteResolver, resolveSite, type SiteTarget } from "./resolve.js";
