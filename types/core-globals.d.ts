// Web-standard globals that browsers and Node 20 both provide. Declared here, for the
// platform-neutral core only, so it compiles without the DOM or Node typings and any
// other platform API is a compile error.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const performance: { now(): number };
declare const console: {
  log(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
