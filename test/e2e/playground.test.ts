import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_KEYS } from '../../src/apikeys/demo-keys';
import { Role } from '../../src/auth/principal';
import { maskEmail } from '../../src/auth/masking';
import { buildPlayground } from '../../src/playground/build';
import { readExamples } from '../../src/playground/examples';
import { packageRoot } from '../../src/playground/paths';
import { createCustomers, unique } from '../integration/support/factories';
import { startTestPulse, type TestPulse } from '../integration/support/start-pulse';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SKIP = process.env.PULSE_TEST_SKIP_BROWSER === '1';
// This machine's network may be closed; without these switches Chromium calls Google hosts
// (updates, sync, field trials) on start and can hang waiting for them.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.join(__dirname, 'playground.png');
const PARTNER_KEY = DEMO_KEYS.find((key) => key.role === Role.PARTNER)!;
const PEOPLE = [
  { externalId: 'crm-1001', name: 'Jane Doe', email: 'jane.doe@example.com' },
  { externalId: 'crm-1002', name: 'Omar Haddad', email: 'omar.haddad@mailbox.org' },
  { externalId: 'crm-1003', name: 'Li Wei', email: 'li.wei@example.net' },
];

if (SKIP) {
  process.stderr.write(
    '\n\n*** BROWSER TEST SKIPPED: PULSE_TEST_SKIP_BROWSER=1. The playground was not tested. ***\n\n',
  );
}

(SKIP ? describe.skip : describe)('playground in headless Chromium', () => {
  let pulse: TestPulse;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const requested: string[] = [];
  const consoleErrors: string[] = [];
  let customers: Array<{ id: string; externalId: string }>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) ` +
          'or set CHROMIUM_PATH; PULSE_TEST_SKIP_BROWSER=1 skips this test.',
      );
    }
    // The page is served from the bundle: build it from the current sources.
    await buildPlayground();
    pulse = await startTestPulse('sqlite');
    customers = await createCustomers(pulse, PEOPLE.length, (i) => PEOPLE[i]);
    // The README's demo partner key: the screenshot shows what a reader of the README types.
    await pulse.app.services.apiKeys.ensure(PARTNER_KEY.key, Role.PARTNER, PARTNER_KEY.name);
    profileDir = mkdtempSync(path.join(os.tmpdir(), 'pulse-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requested.push(request.url()));
    page.on('websocket', (socket) => requested.push(socket.url()));
    // Content-Security-Policy violations and script errors land here.
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      }
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pulse.url);
    await page.locator('.graphiql-tab').first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await pulse?.stop();
    if (profileDir) {
      rmSync(profileDir, { recursive: true, force: true });
    }
  });

  it('opens every example operation as a tab', async () => {
    const titles = await page.locator('.graphiql-tab').allInnerTexts();
    const names = readExamples(packageRoot(__dirname)).map((example) => example.name);
    expect(titles.map((title) => title.trim())).toEqual(names);
  });

  it('lists the root types in the documentation explorer, from introspection', async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const explorer = page.locator('.graphiql-doc-explorer');
    await explorer.getByText('Root Types').waitFor();
    expect(await explorer.innerText()).toMatch(
      /query: Query[\s\S]*mutation: Mutation[\s\S]*subscription: Subscription/,
    );
    expect(await page.locator('.pulse-notice').count()).toBe(0);
    await page.getByRole('button', { name: 'Hide Documentation Explorer' }).click();
  });

  it('shows partners masked emails, never the real ones, when run with a PARTNER key', async () => {
    await selectTab(page, 'FindCustomers');
    await setEditor(page, 'headers', bearer(PARTNER_KEY.key));
    await page.locator('.graphiql-execute-button').click();
    const result = await waitForResult(page, '"totalCount"');
    for (const person of PEOPLE) {
      expect(result).toContain(`"email": "${maskEmail(person.email)}"`);
      expect(result).not.toContain(person.email);
      expect(result).not.toContain(person.name);
    }
    expect(maskEmail(PEOPLE[0].email)).toBe('j***@e***.com');
    await page.screenshot({ path: SCREENSHOT });
  });

  it('receives interactionRecorded events over WebSocket with an ANALYST key', async () => {
    const [followed] = customers;
    await selectTab(page, 'InteractionRecorded');
    await setEditor(page, 'headers', bearer(pulse.keys[Role.ANALYST]));
    await setEditor(page, 'variables', JSON.stringify({ customerIds: [followed.id] }));
    await page.locator('.graphiql-execute-button').click();
    const clientEventId = unique('browser');
    let attempt = 0;
    // The playground shows no "subscribed" signal and the subscription registers a moment
    // after the click, so an interaction is ingested before each look until one arrives.
    const result = await waitForResult(page, '"interactionRecorded"', async () => {
      attempt += 1;
      const ingest = await pulse.query(INGEST, {
        input: {
          interactions: [
            {
              customerId: followed.id,
              channel: 'WEB',
              type: 'page_view',
              occurredAt: '2026-01-15T09:30:00Z',
              clientEventId: `${clientEventId}-${attempt}`,
              value: 42,
            },
          ],
        },
      });
      expect(ingest.errors).toBeUndefined();
    });
    expect(result).toContain(`"externalId": "${followed.externalId}"`);
    expect(result).toContain('"value": 42');
  });

  // README: headers are not kept in localStorage unless the user turns that on. GraphiQL's
  // history saves each run operation with its tab's headers, so a key could land there too.
  it('keeps no API key typed into the headers in localStorage after running operations', async () => {
    const stored = await page.evaluate(() =>
      Object.keys(localStorage).map((name) => `${name}=${localStorage.getItem(name)}`),
    );
    expect(stored.some((entry) => entry.startsWith('graphiql:queries='))).toBe(true);
    for (const key of [PARTNER_KEY.key, pulse.keys[Role.ANALYST]]) {
      expect(stored.filter((entry) => entry.includes(key))).toEqual([]);
    }
  });

  it('says the documentation explorer needs introspection when the server has it off', async () => {
    const closed = await startTestPulse('sqlite', { introspection: false });
    const other = await context.newPage();
    try {
      await other.goto(closed.url);
      await other.locator('.pulse-notice').waitFor();
      expect(await other.locator('.pulse-notice').innerText()).toBe(
        'Introspection is turned off on this server (PULSE_INTROSPECTION=false): the ' +
          'documentation explorer and autocompletion need it. Queries still run.',
      );
    } finally {
      await other.close();
      await closed.stop();
    }
  });

  it('made every request of the page to the Pulse server itself', () => {
    const origin = new URL(pulse.url);
    const foreign = requested.filter((url) => {
      const parsed = new URL(url);

      // data: URLs are GraphiQL's inlined fonts and icons: no request leaves the browser.
      return parsed.protocol !== 'data:' && parsed.host !== origin.host;
    });
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.some((url) => url.startsWith('ws:'))).toBe(true);
    expect(foreign).toEqual([]);
  });

  it('logged no script error or Content-Security-Policy violation', () => {
    expect(consoleErrors).toEqual([]);
  });
});

const INGEST = `mutation($input: IngestInteractionsInput!) {
  ingestInteractions(input: $input) { accepted }
}`;

function bearer(key: string): string {
  return JSON.stringify({ Authorization: `Bearer ${key}` }, null, 2);
}

async function selectTab(page: Page, title: string): Promise<void> {
  await page.locator('.graphiql-tab', { hasText: title }).click();
}

type Editor = 'headers' | 'variables' | 'response';

const EDITOR_SELECTORS: Record<Editor, string> = {
  headers: '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror',
  variables: '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror',
  response: '.result-window .CodeMirror',
};

// Replaces an editor's text the way a user does: open its pane, click into it, select all,
// type. insertText types without key events, so CodeMirror does not auto-close brackets.
async function setEditor(page: Page, editor: 'headers' | 'variables', text: string) {
  await page
    .locator('.graphiql-editor-tools button', {
      hasText: editor === 'headers' ? 'Headers' : 'Variables',
    })
    .click();
  await page.locator(EDITOR_SELECTORS[editor]).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

// CodeMirror renders only the visible lines; its instance on the wrapper has the whole text.
function editorValue(page: Page, editor: Editor): Promise<string> {
  return page
    .locator(EDITOR_SELECTORS[editor])
    .evaluate((element) =>
      (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
    );
}

// Polls the response pane until it shows `text`, calling `nudge` before each look.
async function waitForResult(
  page: Page,
  text: string,
  nudge: () => Promise<void> = async () => undefined,
): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await nudge();
    const value = await editorValue(page, 'response');
    if (value.includes(text)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`the result pane never showed ${text}; it shows: ${value}`);
    }
    await page.waitForTimeout(200);
  }
}
