import { formatDuration } from '../format-duration.ts';
import type { JobPhase, JobProgress, TimeLeft } from './job-progress.ts';

/** Each stage as the page names it. */
export const PHASE_LABELS: Record<JobPhase, string> = {
  'encoding-text': 'Encoding the prompt',
  'encoding-image': 'Encoding the start image',
  'preparing-preview': 'Preparing the live preview',
  denoising: 'Denoising',
  decoding: 'Decoding frames',
};

/** The short name of the page, after the job's state in the tab title. */
export const SHORT_TITLE = 'wan-web';

/** The running stage and its step, as "Denoising 12/30"; "Starting…" before the first stage. */
export function stageText(progress: JobProgress): string {
  return progress.phase === null ? 'Starting…' : `${PHASE_LABELS[progress.phase]} ${progress.step}/${progress.steps}`;
}

/** The tab title while a job runs: "42% · Denoising 12/30 · wan-web", so a glance at the tab tells where it is. */
export function progressTitle(progress: JobProgress | null, fraction: number, waitingForInstall: boolean): string {
  if (waitingForInstall) return `Waiting for the install · ${SHORT_TITLE}`;
  if (!progress || progress.phase === null) return `Starting… · ${SHORT_TITLE}`;
  // Floored: the tab never says 100% before the video is there.
  return `${Math.floor(fraction * 100)}% · ${stageText(progress)} · ${SHORT_TITLE}`;
}

/** The time left, in words: the stage's, then the whole job's, or what is still unknown. */
export function timeLeftText({ phaseMs, totalMs }: TimeLeft, measured: boolean): string {
  if (phaseMs === null) return 'Time left: known after this stage’s first step.';
  const phase = `about ${formatDuration(phaseMs)} left in this stage`;
  if (totalMs === null) return `${capitalise(phase)}; the stages after it are not measured on this machine yet, so there is no total.`;
  return `About ${formatDuration(totalMs)} left in all (${phase}, ${measured ? 'from this machine’s measurements' : 'from this job’s pace'}).`;
}

/** What a notification says when a job ends while the page is hidden; null when none is due (the user cancelled). */
export function jobEndNotice(outcome: { status: 'done' | 'failed' | 'canceled'; tookMs: number | null; error: string | null; prompt: string }): { title: string; body: string } | null {
  const prompt = outcome.prompt.trim() ? `“${shorten(outcome.prompt.trim(), 80)}”` : 'Your video';
  switch (outcome.status) {
    case 'done':
      return { title: 'Your video is ready', body: `${prompt}${outcome.tookMs !== null ? `, made in ${formatDuration(outcome.tookMs)}` : ''}.` };
    case 'failed':
      return { title: 'The video could not be made', body: outcome.error ?? 'Open the page to see why.' };
    case 'canceled':
      return null;
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const shorten = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/** Each stage's name under the bar, short enough for a phone. */
export const PHASE_SHORT_LABELS: Record<JobPhase, string> = {
  'encoding-text': 'Prompt',
  'encoding-image': 'Image',
  'preparing-preview': 'Preview',
  denoising: 'Denoising',
  decoding: 'Decoding',
};
