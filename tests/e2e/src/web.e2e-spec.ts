import { DATASETS, ROOT, Stack } from '@rag/testing';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';

const BOOK = 'pubmed-abstracts-vol03.pdf';
const question = readFileSync(join(DATASETS, 'pubmedqa-books/queries.dev.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { question: string; filename: string; page: number })
  .find((q) => q.filename === BOOK)!;
const ARTIFACTS = join(ROOT, 'tmp/artifacts');
/** The accessible name of a citation of the gold page. */
const GOLD_CITATION = new RegExp(`^Citation \\d+: ${BOOK.replace(/\./g, '\\.')}, page ${question.page}$`);

/** The web client in Debian's Chromium (playwright-core, no browser download), against all four services. */
describe('web client in headless Chromium', () => {
  const stack = new Stack();
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  });

  it('uploads a batch with a bad file, streams an answer, and opens the cited page highlighted, also after a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.getByLabel('New collection').fill('webtest');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('button', { name: /^Documents/ }).click();
    await page.getByTestId('file-input').setInputFiles([
      { name: BOOK, mimeType: 'application/pdf', buffer: readFileSync(join(DATASETS, 'pubmedqa-books', BOOK)) },
      { name: 'notes.pptx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK not a pdf') },
    ]);
    // The bad file is refused on its own row; the book goes on to SUCCESS.
    await page.getByRole('alert').filter({ hasText: 'notes.pptx' }).waitFor();
    await page.getByText('done: 100 pages', { exact: false }).waitFor({ timeout: 90_000 });
    await page.getByRole('cell', { name: BOOK, exact: true }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'web-documents.png') });

    await page.getByRole('button', { name: 'Chat' }).click();
    await page.getByLabel('Question').fill(question.question);
    await page.getByRole('button', { name: 'Ask' }).click();
    const gold = page.getByRole('button', { name: GOLD_CITATION });
    await gold.first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Ask' }).waitFor();
    // After an answer the question box is still on screen.
    const box = (await page.getByLabel('Question').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    await page.screenshot({ path: join(ARTIFACTS, 'web-chat.png') });

    const openCitation = async (shot: string) => {
      await gold.first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText(`Page ${question.page} of 100`).waitFor({ timeout: 30_000 });
      // The page drawn by pdf.js, the quoted sentences highlighted in its text layer…
      await dialog.locator('.pdf-page canvas').waitFor();
      await dialog.locator('.textLayer span.highlight').first().waitFor({ timeout: 30_000 });
      // And the cited chunk's region of the page, as ingestion kept it, outlined.
      await dialog.locator('.pdf-page .region').first().waitFor();
      expect(
        await dialog.getByRole('link', { name: `Open ${BOOK} at page ${question.page}` }).getAttribute('href'),
      ).toMatch(new RegExp(`^blob:.*#page=${question.page}$`));
      await page.screenshot({ path: join(ARTIFACTS, shot) });
      await dialog.getByRole('button', { name: 'Close' }).click();
    };
    await openCitation('web-citation.png');
    await page.reload();
    await gold.first().waitFor();
    await openCitation('web-citation-after-reload.png');

    // Another device (a fresh browser context, nothing stored): the conversation is listed by the server.
    const device = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    device.on('pageerror', (e) => errors.push(e.message));
    await device.goto(`${base}/`);
    const earlier = device.getByLabel('Earlier conversations');
    await earlier.locator('option', { hasText: question.question.slice(0, 40) }).waitFor({ state: 'attached' });
    await earlier.selectOption({ index: 1 });
    await device.getByRole('button', { name: GOLD_CITATION }).first().click();
    await device.getByRole('dialog').locator('.textLayer span.highlight').first().waitFor({ timeout: 30_000 });
    await device.close();

    // The chunk browser: what was extracted, in order, 50 chunks at a time.
    await page.getByRole('button', { name: /^Documents/ }).click();
    await page.getByRole('button', { name: `Show the chunks of ${BOOK}` }).click();
    const chunks = page.getByRole('list', { name: `Chunks of ${BOOK}` });
    await chunks.getByRole('listitem').nth(49).waitFor();
    expect(await chunks.getByRole('listitem').count()).toBe(50);
    await expect(chunks.getByRole('listitem').first().textContent()).resolves.toMatch(/^#0 · page 1 · text/);
    await page.getByRole('button', { name: 'Load more' }).click();
    await chunks.getByRole('listitem').nth(50).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'web-chunks.png') });
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    expect(errors).toEqual([]);
  });

  it('fits a phone-width screen (dark scheme) without horizontal scrolling, the question box in view', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, colorScheme: 'dark' });
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Collections' }).click();
    await page.getByRole('button', { name: 'webtest', exact: true }).click();
    await page.getByLabel('Question').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = (await page.getByLabel('Question').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    await page.screenshot({ path: join(ARTIFACTS, 'web-phone.png'), fullPage: true });
  });
});
