// Globals the k6 runtime provides that @types/k6 does not declare. The TypeScript "DOM" lib
// is left out on purpose: k6 has no window, document or fetch, and the checker should say so.
export {};

declare global {
  interface Console {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
    debug(...data: unknown[]): void;
  }

  var console: Console;
}
