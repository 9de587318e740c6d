// The test cluster with graphile-worker's schema in its template (shared with packages/api and apps/web).
export { default } from "@autostack/api/testing/global-setup";
