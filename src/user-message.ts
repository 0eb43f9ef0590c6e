import { WanError } from './errors.ts';

const NETWORK_FAILURE = /failed to fetch|networkerror|network error|load failed|internet_disconnected|err_network/i;

/**
 * What a person is told about a failure. Our own errors already say what happened and what to
 * do; anything else is a network failure or a bug in wan-web, and is named as such rather than
 * shown bare (a `TypeError: …` is not a message a user can act on).
 */
export function userMessage(error: unknown): string {
  if (error instanceof WanError && error.code !== 'unknown') return error.message;
  const name = error instanceof Error ? error.name : 'Error';
  const text = error instanceof Error ? error.message : String(error);
  if (NETWORK_FAILURE.test(text)) {
    return `The network connection failed (${text}). Check the connection and try again; a model installed in this browser needs no network.`;
  }
  return `Something went wrong that wan-web did not expect (${name}: ${text}). This is a bug: try again, and if it happens again, please report this message.`;
}
