/** The share of the denoising time that tiny-decoder previews may take. */
export const PREVIEW_TIME_SHARE = 0.1;

/**
 * Keeps previews a small part of denoising: a step gets one only while the previews so far
 * took at most `share` of the steps' own time (the very first step always does). Where a preview
 * costs more than that (a slow GPU, a short step), previews thin out instead of slowing the job.
 * A pipeline keeps one budget across its jobs, so what the first job learnt holds for the next.
 */
export class PreviewBudget {
  private stepMs = 0;
  private previewMs = 0;
  private previews = 0;

  constructor(private readonly share = PREVIEW_TIME_SHARE) {}

  /** A denoising step took `ms`, previews not included. */
  stepTook(ms: number): void {
    this.stepMs += ms;
  }

  /** Whether the coming step may be previewed. */
  allows(): boolean {
    return this.previews === 0 || this.previewMs <= this.share * this.stepMs;
  }

  previewTook(ms: number): void {
    this.previewMs += ms;
    this.previews++;
  }
}
