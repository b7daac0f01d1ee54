export * from "./fake-telegram.ts";
export * from "./update-builders.ts";
