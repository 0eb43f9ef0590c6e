/** What the model builder reports as it goes: shown by the Models panel and the CLI. */
export interface ConvertProgress {
  /** What is being built, e.g. "dit" or "text embedding table". */
  readonly phase: string;
  readonly sourceBytesRead: number;
  readonly sourceBytesTotal: number;
}
