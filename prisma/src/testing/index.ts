export * from "./services.ts";
export * from "./tcp-proxy.ts";
export * from "./tenants.ts";
