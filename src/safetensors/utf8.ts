// TextEncoder/TextDecoder exist in every browser, worker and Node, but the core tsconfig has no DOM
// lib to declare them, so they are reached through a typed view of globalThis.
interface Utf8Globals {
  readonly TextEncoder: new () => { encode(text: string): Uint8Array };
  readonly TextDecoder: new (
    label: string,
    options: { fatal: boolean },
  ) => { decode(bytes: Uint8Array): string };
}

const globals = globalThis as unknown as Utf8Globals;

/** UTF-8 bytes of a string. */
export function encodeUtf8(text: string): Uint8Array {
  return new globals.TextEncoder().encode(text);
}

/** Decodes UTF-8; throws a TypeError on invalid byte sequences. */
export function decodeUtf8(bytes: Uint8Array): string {
  return new globals.TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
