export * from "./auth.js";
export * from "./user.js";
