export * from "./contracts.ts";
export * from "./env.ts";
export * from "./errors.ts";
export * from "./levels.ts";
export * from "./loyalty-contracts.ts";
export * from "./money.ts";
export * from "./phone.ts";
export * from "./time.ts";
