import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessibilityProblems } from './accessibility.ts';
import { openApp, saveScreenshot } from './browser.ts';
import type { ReadyApp } from './browser.ts';

// The studio at a laptop's, a desktop's and a phone's size, in the first view, while a video is
// made and when it is done: what must be on screen, touch target sizes, menus that show their
// options whole, and axe in the light and the dark theme. One page is resized rather than one
// opened per size, since every page load runs the GPU self-check again.

const SIZES = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'desktop', width: 1920, height: 1080 },
  { name: 'phone', width: 390, height: 844 },
] as const;
type Size = (typeof SIZES)[number];

const ARTIFACTS = join(process.cwd(), 'test-results', 'e2e');

let app: ReadyApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ viewport: { width: 1280, height: 800 }, afterSelfCheck: false });
  page = app.page;
});

afterAll(() => app?.close());

/** What the screen shows (saveScreenshot keeps the whole page, which is kept too). */
async function saveViews(name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-view.png`) });
  await saveScreenshot(page, `${name}-page`);
}

async function showAt(size: Size): Promise<void> {
  await page.setViewportSize({ width: size.width, height: size.height });
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Why `locator` is not wholly on screen, or null when it is. */
async function offScreen(locator: Locator, what: string, size: Size): Promise<string | null> {
  const box = await locator.boundingBox();
  if (!box) return `${what} is not shown`;
  const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height;
  return inside ? null : `${what} is at ${Math.round(box.x)},${Math.round(box.y)} (${Math.round(box.width)}×${Math.round(box.height)}), outside ${size.width}×${size.height}`;
}

/** axe in both themes, the system's setting followed: dark, then light (whose screen is kept as `<shot>-light-view.png`). */
async function bothThemes(state: string, shot?: string): Promise<string[]> {
  const problems: string[] = [];
  for (const colorScheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme });
    if (shot && colorScheme === 'light') await page.screenshot({ path: join(ARTIFACTS, `${shot}-light-view.png`) });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(colorScheme === 'dark' ? 'rgb(17, 20, 24)' : 'rgb(243, 245, 248)');
    problems.push(...(await accessibilityProblems(page, `${state}, ${colorScheme} theme`)));
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  return problems;
}

/**
 * Every visible button, link, field, menu and summary under 44×44 px (WCAG 2.5.5), with every
 * <details> opened. A checkbox is measured with its label, which is its target; a link inside a
 * sentence is exempt (WCAG 2.5.8's inline exception); a visually hidden input is measured by its label.
 */
function smallTargets(): Promise<string[]> {
  return page.evaluate(() => {
    const closed = [...document.querySelectorAll('details:not([open])')] as HTMLDetailsElement[];
    for (const details of closed) details.open = true;
    const offenders: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('button, a, input, select, summary, textarea, label.button')) {
      if (!element.checkVisibility({ visibilityProperty: true })) continue;
      const boxed = element instanceof HTMLInputElement && (element.type === 'checkbox' || element.type === 'radio') ? (element.closest('label') ?? element) : element;
      const box = boxed.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      if (element.tagName === 'A' && getComputedStyle(element).display === 'inline') continue;
      if (box.width < 44 || box.height < 44) {
        const name = element.getAttribute('data-testid') ?? element.id ?? '';
        offenders.push(`${element.tagName.toLowerCase()}${name ? `#${name}` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    for (const details of closed) details.open = false;
    return offenders;
  });
}

/** Options wider than their menu, which a closed menu would cut off. */
function truncatedMenus(): Promise<string[]> {
  return page.evaluate(() => {
    const context = document.createElement('canvas').getContext('2d')!;
    const cut: string[] = [];
    for (const select of document.querySelectorAll('select')) {
      if (!select.checkVisibility()) continue;
      const style = getComputedStyle(select);
      context.font = style.font;
      // Chromium draws the menu's arrow in about 20 px at the right.
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      for (const option of select.options) {
        const width = context.measureText(option.text).width;
        if (width > room) cut.push(`#${select.id} "${option.text}" needs ${Math.ceil(width)} px, has ${Math.floor(room)}`);
      }
    }
    return cut;
  });
}

/** At a laptop's and a desktop's size, the prompt, Generate and the video are all on the first screen. */
async function studioOnScreen(size: Size, preview: Locator): Promise<(string | null)[]> {
  if (size.name === 'phone') return [];
  return [
    await offScreen(page.getByTestId('prompt'), `${size.name}: the prompt`, size),
    await offScreen(page.getByTestId('generate'), `${size.name}: Generate`, size),
    await offScreen(preview, `${size.name}: the video`, size),
  ];
}

/** A tiny PNG, dropped on the page as a start image. */
const dropImage = (page: Page) =>
  page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
    return transfer;
  }, [...encodePng({ width: 48, height: 32, data: new Uint8Array(48 * 32 * 3).fill(128), channels: 3 })]);

describe('the studio layout', () => {
  test('first view, generating and done at 1280×800, 1920×1080 and 390×844, in both themes', { timeout: 1_200_000 }, async () => {
    const problems: string[] = [];
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(app.url);
    await page.getByTestId('self-check').and(page.locator('[data-status="done"]')).waitFor({ timeout: 240_000 });

    for (const size of SIZES) {
      await showAt(size);
      await saveViews(`layout-${size.name}-1-first-view`);
      problems.push(...(await studioOnScreen(size, page.getByTestId('preview-canvas'))).filter((p) => p !== null));
      problems.push(...(await truncatedMenus()).map((menu) => `${size.name}: menu cut off: ${menu}`));
      if (size.name === 'phone') problems.push(...(await smallTargets()).map((target) => `phone, first view: under 44 px: ${target}`));
      problems.push(...(await bothThemes(`${size.name}, first view`, `layout-${size.name}-1-first-view`)));
    }

    // The theme menu overrides the system's setting, and is kept.
    await showAt(SIZES[0]);
    await page.getByTestId('theme').selectOption('light');
    expect(await page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.documentElement).backgroundColor])).toEqual(['light', 'rgb(243, 245, 248)']);
    expect(await page.evaluate(() => localStorage.getItem('wan-web.theme'))).toContain('"light"');
    await page.getByTestId('theme').selectOption('system');

    // About and help: a dialog, closed with Escape.
    await page.getByTestId('about-open').click();
    expect(await page.getByTestId('about').textContent()).toMatch(/Apache License 2\.0.*Nothing leaves this browser.*Ctrl \+ Enter/s);
    await saveViews('layout-laptop-about');
    problems.push(...(await bothThemes('about open')));
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('about').isVisible()).toBe(false);

    // An image dragged over the page: an overlay covers it, and the dropped file's name shows.
    const transfer = await dropImage(page);
    await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
    const overlay = page.getByTestId('start-image-drop-overlay');
    await overlay.waitFor();
    await saveViews('layout-laptop-drop-overlay');
    await overlay.dispatchEvent('dragover', { dataTransfer: transfer });
    await overlay.dispatchEvent('drop', { dataTransfer: transfer });
    await expect.poll(() => page.getByTestId('start-image-name').textContent(), { timeout: 10_000 }).toBe('dropped.png');
    expect(await overlay.count()).toBe(0);
    await page.getByTestId('start-image-crop').waitFor();
    await page.getByTestId('start-image-remove').click();
    expect(await page.getByTestId('start-image-name').textContent()).toBe('No image chosen');

    const installButton = page.getByTestId('getting-started-self-test');
    await (installButton.or(page.getByTestId('install-self-test'))).first().click();
    await page.locator('[data-testid=install-status][data-status=done]').waitFor({ timeout: 180_000 });
    await page.getByTestId('size').selectOption('64x64');
    await page.getByTestId('frames').fill('5');
    await page.getByTestId('steps').fill('2');
    // This test is about the layout: the fast decoder spares it the full VAE's shaders, which SwiftShader compiles for about 20 s.
    await page.getByTestId('decoder').selectOption('tiny');
    await page.getByTestId('prompt').fill('A paper boat on a rainy street');

    for (const [index, size] of SIZES.entries()) {
      await showAt(size);
      await page.getByTestId('generate').click();
      const running = page.locator('[data-testid=generation-status][data-status=running]');
      await running.waitFor({ timeout: 10_000 });
      const started = Date.now();
      const preview = page.getByTestId('preview-canvas');
      const previewShown = await offScreen(preview, `${size.name}: the video while it is made`, size);
      await saveViews(`layout-${size.name}-2-generating`);
      problems.push(...(previewShown ? [previewShown] : []));
      if (size.name === 'phone') problems.push(...(await smallTargets()).map((target) => `phone, generating: under 44 px: ${target}`));
      problems.push(...(await bothThemes(`${size.name}, generating`, `layout-${size.name}-2-generating`)));
      expect(await running.count(), 'the checks above ran while the video was being made').toBe(1);

      await expect.poll(() => page.getByTestId('history-entry').count(), { timeout: 300_000, interval: 500 }).toBe(index + 1);
      console.log(`${size.name}: the video took ${((Date.now() - started) / 1000).toFixed(1)} s after the checks started`);
      await page.locator('[data-testid=generation-status][data-status=done]').waitFor({ timeout: 30_000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      const video = page.getByTestId('result-video');
      await video.waitFor();
      await saveViews(`layout-${size.name}-3-done`);
      problems.push(...(await studioOnScreen(size, video)).filter((p) => p !== null));
      if (size.name === 'phone') problems.push(...(await smallTargets()).map((target) => `phone, done: under 44 px: ${target}`));
      problems.push(...(await truncatedMenus()).map((menu) => `${size.name}, done: menu cut off: ${menu}`));
      problems.push(...(await bothThemes(`${size.name}, done`, `layout-${size.name}-3-done`)));
    }
    expect(problems).toEqual([]);
  });
});
