// The little of jsdom's API dom.ts uses (the package ships no types; @types/jsdom is not a
// dependency of the workspace).
declare module "jsdom" {
  export class JSDOM {
    constructor(html: string, options?: { url?: string; pretendToBeVisual?: boolean });
    readonly window: Window & typeof globalThis;
  }
}
