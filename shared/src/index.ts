export * from "./contracts.ts";
export * from "./env.ts";
export * from "./errors.ts";
export * from "./money.ts";
