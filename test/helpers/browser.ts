/**
 * Debian's Chromium driven by playwright-core for the browser tests. It runs headless with a fresh
 * profile, and every request to a host other than 127.0.0.1 or localhost is blocked and counted.
 * Also signs in to n8n through its sign-in form and saves screenshots as artefacts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that switch off Chromium's own connections (updates, sync, QUIC, background services), its sandbox and the GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const VIEWPORT = { width: 1440, height: 900 };

/** Folder for the screenshots every run writes (ignored by git). */
export const ARTIFACT_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts', 'browser');

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** URLs of requests that the page tried to send to other hosts, and that were aborted. */
  blockedRequests: string[];
  close(): Promise<void>;
}

/** Returns why the browser tests cannot run here, or undefined when Chromium is installed. */
export function chromiumMissingReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (.ci/run does this) to run the browser tests.`;
}

/** Launches Chromium with a fresh temporary profile, which `close()` removes again. */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'contact-hub-chromium-'));
  // launchPersistentContext passes the folder to Chromium as --user-data-dir.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    serviceWorkers: 'block',
  });

  const blockedRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    const { protocol, hostname } = new URL(url);
    const local = protocol === 'data:' || protocol === 'blob:' || LOCAL_HOSTS.has(hostname);
    if (local) {
      await route.continue();
      return;
    }
    blockedRequests.push(url);
    await route.abort('blockedbyclient');
  });

  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    blockedRequests,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through n8n's sign-in form and waits until the editor has left the sign-in page. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first().fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('[data-test-id="form-submit-button"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/** Closes n8n's toast notifications, so they do not cover the canvas in a screenshot. */
export async function closeToasts(page: Page): Promise<void> {
  const closeButtons = page.locator('.el-notification__closeBtn:visible');
  const deadline = Date.now() + 10_000;
  while ((await closeButtons.count()) > 0 && Date.now() < deadline) {
    try {
      await closeButtons.first().click({ timeout: 2_000 });
    } catch {
      // A toast may close by itself between the count and the click.
    }
    await page.waitForTimeout(200);
  }
}

/** Saves a screenshot of the viewport as `test-artifacts/browser/<name>.png` and returns the path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const file = path.join(ARTIFACT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
