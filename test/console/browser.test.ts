import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserProblem, CHROMIUM, CHROMIUM_ARGS, expectAccessible, expectReachableByKeyboard } from '../helpers/browser.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { ROOT, SERVICE_ENV, startServer, type Running } from '../helpers/process.js';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core), against the service
 * running as its own process on SQLite, driven as a person with a screen reader would drive it: by
 * roles and accessible names. One browser for the file; each user has a context of their own.
 */

const ACCESS_KEY = 'junction.access_token';
const REFRESH_KEY = 'junction.refresh_token';
const DOCS = path.join(ROOT, 'docs');
const VIEWPORT = { width: 1280, height: 800 };
const KIB = 1024;

const problem = browserProblem();

/** Waits for what the page shows to settle (a shared machine can be slow to answer). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

describe.skipIf(problem !== undefined)('the web console in Chromium', () => {
  let testDatabase: TestDatabase;
  let server: Running;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** What went wrong inside a page: script errors, and anything the Content-Security-Policy refused. */
  const pageProblems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist/console/index.html'))) throw new Error('The console is not built: run `npm run build`.');
    testDatabase = await createTestDatabase('sqlite');
    [server, browser] = await Promise.all([
      startServer({ DATABASE_URL: testDatabase.url, AUTH_RATE_LIMIT: '1000' }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    mkdirSync(DOCS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await testDatabase?.drop();
  });
  afterEach(() => {
    expect(pageProblems.splice(0)).toEqual([]);
  });

  /** Requests each page has under way. */
  const inFlight = new Map<Page, number>();
  /**
   * Waits until the page has had no request under way for a while, so that a test that changes the
   * stored tokens does not race a refresh the page has already sent.
   */
  const quiet = (page: Page) =>
    eventually(async () => {
      if (inFlight.get(page) !== 0) return false;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return inFlight.get(page) === 0;
    }).toBe(true);

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    inFlight.set(page, 0);
    page.on('request', () => inFlight.set(page, inFlight.get(page)! + 1));
    const settled = () => inFlight.set(page, inFlight.get(page)! - 1);
    page.on('requestfinished', settled);
    page.on('requestfailed', settled);
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) pageProblems.push(`console: ${message.text()}`);
    });
    return page;
  }

  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { name, level: 1 });
  /** The lines of the one alert in `scope` (a page, or a region of it). */
  const alertOf = (scope: Page | Locator) => () => scope.getByRole('alert').locator('p').allInnerTexts();
  const tokenOf = (page: Page, key: string) => page.evaluate((k) => localStorage.getItem(k), key);

  async function api(method: string, url: string, token?: string, body?: unknown) {
    const response = await fetch(`${server.url}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { id: number } };
  }
  const login = async (username: string, password: string) =>
    (await api('POST', '/login', undefined, { username, password })).body as unknown as { access_token: string; refresh_token: string };

  /** An access token of `userId` signed with the service's key that expired a minute ago. */
  const expiredAccessToken = (userId: number) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ type: 'access', fresh: true, is_admin: false })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(userId))
      .setJti(`expired-${now}-${userId}`)
      .setIssuedAt(now - 1000)
      .setNotBefore(now - 1000)
      .setExpirationTime(now - 60)
      .sign(new TextEncoder().encode(SERVICE_ENV.JWT_SECRET));
  };

  /** A picture of the page for the README, as a visitor first sees it: reloaded, nothing focused or hovered. */
  async function picture(page: Page, file: string, ready: Locator) {
    await page.mouse.move(1, 1);
    await page.reload({ waitUntil: 'networkidle' });
    await eventually(() => ready.isVisible()).toBe(true);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.screenshot({ path: path.join(DOCS, file), fullPage: true });
  }

  async function signUp(page: Page, username: string, password: string) {
    await page.goto(server.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await eventually(() => page.getByText(`Signed in as ${username}`).isVisible()).toBe(true);
  }

  let ana: Page;
  let bob: Page;
  let anaId: number;
  let storeId: number;
  const ANA_PASSWORD = 'ana has a long password';
  const itemIds: Record<string, number> = {};
  const tagIds: Record<string, number> = {};

  it('serves its first page from Junction alone, under 150 KB of gzipped JavaScript, with hashed assets cached for good', async () => {
    const page = await newPage();
    const finished: Promise<{ url: string; type: string; encodedBytes: number; cacheControl?: string }>[] = [];
    page.on('requestfinished', (request) =>
      finished.push(
        Promise.all([request.response(), request.sizes()]).then(([response, sizes]) => ({
          url: request.url(),
          type: request.resourceType(),
          encodedBytes: sizes.responseBodySize,
          cacheControl: response?.headers()['cache-control'],
        })),
      ),
    );
    await page.goto(server.url, { waitUntil: 'networkidle' });
    await eventually(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    const loaded = await Promise.all(finished);

    expect(
      loaded.filter((resource) => !resource.url.startsWith(server.url)),
      'no CDN',
    ).toEqual([]);
    const scripts = loaded.filter((resource) => resource.type === 'script');
    expect(scripts.length).toBeGreaterThan(0);
    const scriptBytes = scripts.reduce((sum, script) => sum + script.encodedBytes, 0);
    process.stdout.write(`console: first page JavaScript ${(scriptBytes / KIB).toFixed(1)} KiB gzipped\n`);
    expect(scriptBytes).toBeLessThan(150 * KIB);
    for (const asset of loaded.filter((resource) => resource.url.includes('/assets/'))) {
      expect(asset.cacheControl, asset.url).toBe('public, max-age=31536000, immutable');
      expect(asset.url).toMatch(/\/assets\/[\w-]+-[\w-]{8}\.\w+$/);
    }
    // The page itself is asked for again each time, and answered 304 while it has not changed.
    const first = await fetch(server.url);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const again = await fetch(server.url, { headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
    // The API keeps its paths: an unknown one is still a 404 in the envelope.
    const unknown = await fetch(`${server.url}/stores`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { code: 404, status: 'Not Found', message: 'No route GET /stores.' }]);
    await page.close();
  });

  it('signs in and creates accounts, saying why when it refuses, and is accessible and keyboard-reachable', async () => {
    ana = await newPage();
    await ana.goto(server.url);
    await expectAccessible(ana, 'the sign-in page');
    await expectReachableByKeyboard(ana, 'the sign-in page');
    await picture(ana, 'console-sign-in.png', ana.getByRole('button', { name: 'Sign in' }));

    await ana.getByRole('button', { name: 'Sign in' }).click();
    await eventually(async () => (await alertOf(ana)()).join('\n')).toContain('Username:');
    await ana.getByLabel('Username').fill('ana');
    await ana.getByLabel('Password').fill('not yet a user');
    await ana.getByRole('button', { name: 'Sign in' }).click();
    await eventually(alertOf(ana)).toEqual(['Invalid credentials.']);

    await signUp(ana, 'ana', ANA_PASSWORD);
    anaId = (await api('GET', '/me', (await tokenOf(ana, ACCESS_KEY)) ?? '')).body.id;
    expect(anaId).toEqual(expect.any(Number));

    const other = await newPage();
    await signUp(other, 'ana-twin', 'pw');
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.getByLabel('Username').fill('ana');
    await other.getByLabel('Password').fill('another password');
    await other.getByRole('button', { name: 'Create account' }).click();
    await eventually(alertOf(other)).toEqual(['A user with that username already exists.']);
    await other.close();
  });

  it('stays signed in across a reload', async () => {
    await ana.reload();
    await eventually(() => heading(ana, 'Stores').isVisible()).toBe(true);
    expect(await ana.getByText('Signed in as ana', { exact: false }).innerText()).toContain('ana');
  });

  it('creates a store the user owns, opens it from the list, and refuses a taken name', async () => {
    await expectAccessible(ana, 'the stores page');
    await ana.getByLabel('Store name').fill("Ana's Corner");
    await ana.getByRole('button', { name: 'Create store' }).click();
    await eventually(() => heading(ana, "Ana's Corner").isVisible()).toBe(true);
    storeId = Number(/#\/stores\/(\d+)$/.exec(ana.url())?.[1]);
    expect((await api('GET', `/store?owner_id=${anaId}`)).body).toEqual([{ id: storeId, name: "Ana's Corner", items: [], tags: [] }]);

    await ana.getByRole('link', { name: 'Stores' }).click();
    await ana.getByLabel('Store name').fill("Ana's Corner");
    await ana.getByRole('button', { name: 'Create store' }).click();
    await eventually(alertOf(ana)).toEqual(['A store with that name already exists.']);
    await ana.getByLabel('Store name').fill('Second Shop');
    await ana.getByRole('button', { name: 'Create store' }).click();
    await eventually(() => heading(ana, 'Second Shop').isVisible()).toBe(true);

    await ana.getByRole('link', { name: 'Stores' }).click();
    await eventually(() => ana.getByRole('link', { name: 'Second Shop' }).isVisible()).toBe(true);
    await expectReachableByKeyboard(ana, 'the stores page');
    await ana.getByRole('link', { name: "Ana's Corner" }).click();
    await eventually(() => heading(ana, "Ana's Corner").isVisible()).toBe(true);
  });

  it('adds tags and items, and shows each refusal in words where it happened', async () => {
    for (const name of ['furniture', 'wood', 'sale']) {
      await ana.getByLabel('Tag name').fill(name);
      await ana.getByRole('button', { name: 'Add tag' }).click();
      await eventually(() => ana.getByRole('group', { name: 'Filter by tags' }).getByLabel(name).isVisible()).toBe(true);
    }
    await ana.getByLabel('Tag name').fill('wood');
    await ana.getByRole('button', { name: 'Add tag' }).click();
    await eventually(alertOf(ana.getByRole('region', { name: 'New tag' }))).toEqual(['A tag with that name already exists in that store.']);
    const itemAlert = alertOf(ana.getByRole('region', { name: 'New item' }));

    for (const [name, price] of [
      ['Chair', '20'],
      ['Table', '99.50'],
      ['Lamp', '15'],
    ] as const) {
      await ana.getByLabel('Item name').fill(name);
      await ana.getByLabel('Price').fill(price);
      await ana.getByRole('button', { name: 'Add item' }).click();
      await eventually(() => ana.getByRole('table', { name: 'Items' }).getByRole('rowheader', { name }).isVisible()).toBe(true);
    }
    await ana.getByLabel('Item name').fill('Sofa');
    await ana.getByLabel('Price').fill('cheap');
    await ana.getByRole('button', { name: 'Add item' }).click();
    await eventually(itemAlert).toEqual(['Price: Not a valid number.']);
    await ana.getByLabel('Item name').fill('');
    await ana.getByLabel('Price').fill('12');
    await ana.getByRole('button', { name: 'Add item' }).click();
    await eventually(itemAlert).toEqual(['Item name: Length must be between 1 and 80.']);

    const store = (await api('GET', `/store/${storeId}`)).body as unknown as {
      items: { id: number; name: string; price: number }[];
      tags: { id: number; name: string }[];
    };
    expect(store.items.map(({ name, price }) => [name, price])).toEqual([
      ['Chair', 20],
      ['Table', 99.5],
      ['Lamp', 15],
    ]);
    for (const item of store.items) itemIds[item.name] = item.id;
    for (const tag of store.tags) tagIds[tag.name] = tag.id;
  });

  it("links a tag from an item's picker, by pointer and by keyboard, and unlinks it by removing its chip", async () => {
    await ana.getByRole('combobox', { name: 'Add tag to Chair' }).fill('fur');
    await ana.getByRole('option', { name: 'furniture' }).click();
    await eventually(() => ana.getByRole('button', { name: 'Remove furniture from Chair' }).isVisible()).toBe(true);

    for (const item of ['Chair', 'Table']) {
      const picker = ana.getByRole('combobox', { name: `Add tag to ${item}` });
      await picker.focus();
      await ana.keyboard.type('wo');
      await ana.keyboard.press('ArrowDown');
      expect(await picker.getAttribute('aria-expanded')).toBe('true');
      await ana.keyboard.press('Enter');
      await eventually(() => ana.getByRole('button', { name: `Remove wood from ${item}` }).isVisible()).toBe(true);
    }
    const tagsOf = async (item: string) =>
      ((await api('GET', `/item/${itemIds[item]}`)).body.tags as { name: string }[]).map((tag) => tag.name);
    expect(await tagsOf('Chair')).toEqual(['furniture', 'wood']);
    expect(await tagsOf('Table')).toEqual(['wood']);

    await ana.getByRole('button', { name: 'Remove wood from Table' }).click();
    await eventually(() => ana.getByRole('button', { name: 'Remove wood from Table' }).count()).toBe(0);
    expect(await tagsOf('Table')).toEqual([]);
    // The focus is not lost with the chip: it goes to the item's picker.
    expect(await ana.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Add tag to Table');
  });

  it("sets an item's whole tag set in one request", async () => {
    await ana.getByRole('button', { name: 'Edit all tags of Lamp' }).click();
    const editor = ana.getByRole('group', { name: 'Choose the tags of Lamp' });
    await editor.getByLabel('furniture').check();
    await editor.getByLabel('sale').check();
    const put = ana.waitForRequest((request) => request.method() === 'PUT' && request.url().endsWith(`/item/${itemIds.Lamp}/tag`));
    await editor.getByRole('button', { name: 'Save tags' }).click();
    await put;
    await eventually(() => ana.getByRole('button', { name: 'Remove sale from Lamp' }).isVisible()).toBe(true);
    expect(((await api('GET', `/item/${itemIds.Lamp}`)).body.tags as { id: number }[]).map((tag) => tag.id)).toEqual([
      tagIds.furniture,
      tagIds.sale,
    ]);
    expect(await ana.getByRole('group', { name: 'Choose the tags of Lamp' }).count()).toBe(0);

    await expectAccessible(ana, "the owner's store page");
    await expectReachableByKeyboard(ana, "the owner's store page");
    await picture(ana, 'console-store.png', ana.getByRole('button', { name: 'Remove sale from Lamp' }));
  });

  it('filters the items by tags (tags_all) and by name, and pages through them', async () => {
    const table = ana.getByRole('table', { name: 'Items' });
    const rows = () => table.getByRole('rowheader').allInnerTexts();
    const filter = ana.getByRole('group', { name: 'Filter by tags' });

    await filter.getByLabel('furniture').check();
    await eventually(rows).toEqual(['Chair', 'Lamp']);
    const both = ana.waitForRequest((request) => request.url().includes('tags_all='));
    await filter.getByLabel('wood').check();
    expect(new URL((await both).url()).searchParams.get('tags_all')).toBe(`${tagIds.furniture},${tagIds.wood}`);
    await eventually(rows).toEqual(['Chair']);
    await filter.getByLabel('furniture').uncheck();
    await filter.getByLabel('wood').uncheck();
    await eventually(rows).toEqual(['Chair', 'Table', 'Lamp']);

    await ana.getByRole('searchbox', { name: 'Search items' }).fill('AMP');
    await eventually(rows).toEqual(['Lamp']);
    await ana.getByRole('searchbox', { name: 'Search items' }).fill('');
    await eventually(rows).toEqual(['Chair', 'Table', 'Lamp']);

    const { access_token: fresh } = await login('ana', ANA_PASSWORD);
    const more = ['Bench', 'Cabinet', 'Desk', 'Easel', 'Futon', 'Gazebo', 'Hammock', 'Ironing board', 'Jar'];
    for (const name of more) expect((await api('POST', '/item', fresh, { name, price: 5, store_id: storeId })).status).toBe(201);
    await ana.reload();
    await eventually(rows).toEqual(['Chair', 'Table', 'Lamp', ...more.slice(0, 7)]);
    await eventually(() => ana.getByText('Page 1 of 2').isVisible()).toBe(true);
    expect(await ana.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    await ana.getByRole('button', { name: 'Next page' }).click();
    await eventually(rows).toEqual(more.slice(7));
    expect(await ana.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await ana.getByRole('button', { name: 'Previous page' }).click();
    await eventually(rows).toEqual(['Chair', 'Table', 'Lamp', ...more.slice(0, 7)]);
  });

  it('makes heroes and teams, and membership and training through the grid; filters by team and training', async () => {
    await ana.getByRole('link', { name: 'Heroes & teams' }).click();
    await eventually(() => heading(ana, 'Heroes & teams').isVisible()).toBe(true);
    for (const [name, headquarters] of [
      ['Preventers', 'Sharp Tower'],
      ['Z-Force', "Sister Margaret's Bar"],
    ]) {
      await ana.getByLabel('Team name').fill(name!);
      await ana.getByLabel('Headquarters').fill(headquarters!);
      await ana.getByRole('button', { name: 'Add team' }).click();
      await eventually(() => ana.getByRole('columnheader', { name: new RegExp(`^${name}`) }).isVisible()).toBe(true);
    }
    for (const [name, secret, age] of [
      ['Deadpond', 'Dive Wilson', ''],
      ['Rusty-Man', 'Tommy Sharp', '48'],
      ['Spider-Boy', 'Pedro Parqueador', ''],
    ]) {
      await ana.getByLabel('Hero name').fill(name!);
      await ana.getByLabel('Secret name').fill(secret!);
      await ana.getByLabel('Age', { exact: true }).fill(age!);
      await ana.getByRole('button', { name: 'Add hero' }).click();
      await eventually(() => ana.getByRole('checkbox', { name: `${name} in Preventers` }).isVisible()).toBe(true);
    }
    await ana.getByLabel('Hero name').fill('Nobody');
    await ana.getByLabel('Secret name').fill('');
    await ana.getByLabel('Age', { exact: true }).fill('old');
    await ana.getByRole('button', { name: 'Add hero' }).click();
    await eventually(alertOf(ana.getByRole('region', { name: 'New hero' }))).toEqual([
      'Secret name: Length must be between 1 and 255.',
      'Age: Not a valid integer.',
    ]);

    const grid = ana.getByRole('table', { name: 'Membership' });
    await grid.getByRole('checkbox', { name: 'Deadpond in Z-Force' }).check();
    const training = grid.getByRole('switch', { name: 'Deadpond training in Z-Force' });
    await eventually(() => training.isVisible()).toBe(true);
    expect(await training.isChecked()).toBe(false);
    // By keyboard: Space on the cell's box, then on its switch.
    await grid.getByRole('checkbox', { name: 'Rusty-Man in Preventers' }).focus();
    await ana.keyboard.press('Space');
    await eventually(() => grid.getByRole('switch', { name: 'Rusty-Man training in Preventers' }).isVisible()).toBe(true);
    await grid.getByRole('switch', { name: 'Rusty-Man training in Preventers' }).focus();
    await ana.keyboard.press('Space');
    await eventually(() => grid.getByRole('switch', { name: 'Rusty-Man training in Preventers' }).isChecked()).toBe(true);
    await grid.getByRole('checkbox', { name: 'Spider-Boy in Preventers' }).check();
    await eventually(() => grid.getByRole('switch', { name: 'Spider-Boy training in Preventers' }).isVisible()).toBe(true);

    const heroes = (await api('GET', '/heroes')).body as unknown as { id: number; name: string }[];
    const idOf = (name: string) => heroes.find((hero) => hero.name === name)!.id;
    const teams = (await api('GET', '/teams')).body as unknown as { id: number; name: string }[];
    const teamId = (name: string) => teams.find((team) => team.name === name)!.id;
    expect((await api('GET', `/heroes/${idOf('Rusty-Man')}/teams/${teamId('Preventers')}`)).body).toEqual({
      hero_id: idOf('Rusty-Man'),
      team_id: teamId('Preventers'),
      is_training: true,
    });
    expect((await api('GET', `/heroes/${idOf('Deadpond')}/teams/${teamId('Z-Force')}`)).body).toMatchObject({ is_training: false });
    // Only admins take a hero out of a team: for Ana a member's box cannot be cleared.
    expect(await grid.getByRole('checkbox', { name: 'Deadpond in Z-Force' }).isDisabled()).toBe(true);

    await expectAccessible(ana, 'the heroes and teams page');
    await expectReachableByKeyboard(ana, 'the heroes and teams page');
    await picture(ana, 'console-heroes-teams.png', ana.getByRole('switch', { name: 'Spider-Boy training in Preventers' }));

    const heroRows = () => grid.getByRole('rowheader').allInnerTexts();
    await ana.getByLabel('Filter by team').selectOption({ label: 'Preventers' });
    await eventually(heroRows).toEqual(['Rusty-Man\nTommy Sharp, 48', 'Spider-Boy\nPedro Parqueador']);
    await ana.getByLabel('In training only').check();
    await eventually(heroRows).toEqual(['Rusty-Man\nTommy Sharp, 48']);
    await ana.getByLabel('Filter by team').selectOption({ label: 'All heroes' });
    await ana.getByLabel('In training only').uncheck();
    await eventually(async () => (await heroRows()).length).toBe(3);
  });

  it('lets an admin take a hero out of a team', async () => {
    const admin = await newPage();
    await admin.goto(`${server.url}/#/heroes`);
    await admin.getByLabel('Username').fill(SERVICE_ENV.ADMIN_USERNAME);
    await admin.getByLabel('Password').fill(SERVICE_ENV.ADMIN_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    const member = admin.getByRole('checkbox', { name: 'Spider-Boy in Preventers' });
    await eventually(() => member.isChecked()).toBe(true);
    await member.uncheck();
    await eventually(() => admin.getByRole('switch', { name: 'Spider-Boy training in Preventers' }).count()).toBe(0);
    const spider = ((await api('GET', '/heroes?q=spider')).body as unknown as { id: number }[])[0]!;
    expect(((await api('GET', `/heroes/${spider.id}`)).body.teams as unknown[]).length).toBe(0);
    await admin.close();
  });

  it("shows another user's store read-only: no control that would be refused", async () => {
    bob = await newPage();
    await signUp(bob, 'bob', 'bob password');
    await picture(bob, 'console-stores.png', bob.getByRole('link', { name: 'Second Shop' }));
    await bob.getByRole('link', { name: "Ana's Corner" }).click();
    await eventually(() => heading(bob, "Ana's Corner").isVisible()).toBe(true);
    await eventually(() => bob.getByText('This store belongs to another user').isVisible()).toBe(true);
    const table = bob.getByRole('table', { name: 'Items' });
    await eventually(() => table.getByRole('rowheader').count()).toBe(10);
    expect(await table.getByText('furniture').count()).toBeGreaterThan(0);
    for (const control of [
      bob.getByRole('button', { name: 'Add item' }),
      bob.getByRole('button', { name: 'Add tag' }),
      bob.getByRole('combobox'),
      bob.getByRole('button', { name: /^Remove / }),
      bob.getByRole('button', { name: /^Edit all tags/ }),
    ]) {
      expect(await control.count()).toBe(0);
    }
    // Reading is everyone's: the filters still work.
    await bob.getByRole('group', { name: 'Filter by tags' }).getByLabel('sale').check();
    await eventually(() => table.getByRole('rowheader').allInnerTexts()).toEqual(['Lamp']);
    await expectAccessible(bob, "another user's store page");

    // Bob's own store has the controls.
    await bob.getByRole('link', { name: 'Stores' }).click();
    await bob.getByLabel('Store name').fill("Bob's Books");
    await bob.getByRole('button', { name: 'Create store' }).click();
    await eventually(() => bob.getByRole('button', { name: 'Add item' }).isVisible()).toBe(true);
    await bob.getByRole('link', { name: 'Stores' }).click();
    await bob.getByLabel('Only my stores').check();
    await eventually(() => bob.getByRole('region', { name: 'Your stores' }).getByRole('link').allInnerTexts()).toEqual(["Bob's Books"]);
  });

  it('refreshes an expired access token, and asks for the password again when a change needs a fresh one', async () => {
    await ana.goto(`${server.url}/#/stores/${storeId}`);
    await eventually(() => ana.getByRole('button', { name: 'Add item' }).isVisible()).toBe(true);
    await quiet(ana);
    await ana.evaluate(([key, token]) => localStorage.setItem(key!, token!), [ACCESS_KEY, await expiredAccessToken(anaId)]);
    const oldRefresh = await tokenOf(ana, REFRESH_KEY);
    const refreshed = ana.waitForResponse((response) => response.url().endsWith('/refresh'));
    await ana.reload();
    const answer = (await (await refreshed).json()) as { access_token: string; refresh_token?: string };
    await eventually(() => heading(ana, "Ana's Corner").isVisible()).toBe(true);
    expect(await tokenOf(ana, ACCESS_KEY)).toBe(answer.access_token);
    // A service that rotates refresh tokens sends a new one, which is kept; the spent one never is.
    expect(await tokenOf(ana, REFRESH_KEY)).toBe(answer.refresh_token ?? null);
    expect(answer.refresh_token).not.toBe(oldRefresh);

    // A refreshed access token is not fresh, and POST /item needs a fresh one.
    await ana.getByLabel('Item name').fill('Kettle');
    await ana.getByLabel('Price').fill('30');
    await ana.getByRole('button', { name: 'Add item' }).click();
    const dialog = ana.getByRole('dialog', { name: 'Confirm your password' });
    await eventually(() => dialog.isVisible()).toBe(true);
    await expectAccessible(ana, 'the password dialog');
    await dialog.getByLabel('Password').fill('wrong');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await eventually(alertOf(dialog)).toEqual(['Invalid credentials.']);
    await dialog.getByLabel('Password').fill(ANA_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await eventually(() => ana.getByRole('status').innerText()).toBe('Added Kettle.');
    expect(await dialog.count()).toBe(0);
  });

  it('goes back to sign-in, saying so, when the session has expired', async () => {
    // The access token has expired and the refresh token has been revoked (as signing out elsewhere does).
    const { access_token: other, refresh_token: spent } = await login('ana', ANA_PASSWORD);
    expect((await api('POST', '/logout', other, { refresh_token: spent })).status).toBe(200);
    await quiet(ana);
    await ana.evaluate(
      ([accessKey, access, refreshKey, refresh]) => {
        localStorage.setItem(accessKey!, access!);
        localStorage.setItem(refreshKey!, refresh!);
      },
      [ACCESS_KEY, await expiredAccessToken(anaId), REFRESH_KEY, spent],
    );
    await ana.getByRole('link', { name: 'Heroes & teams' }).click();
    await eventually(() => ana.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await alertOf(ana)()).toEqual(['Your session has expired. Sign in again to go on.']);
    expect(await tokenOf(ana, ACCESS_KEY)).toBeNull();

    await ana.getByLabel('Username').fill('ana');
    await ana.getByLabel('Password').fill(ANA_PASSWORD);
    await ana.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => heading(ana, 'Heroes & teams').isVisible()).toBe(true);
  });

  it('signs out, and the service then refuses both tokens', async () => {
    const [access, refresh] = [await tokenOf(bob, ACCESS_KEY), await tokenOf(bob, REFRESH_KEY)];
    expect(access && refresh).toBeTruthy();
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await eventually(() => bob.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await bob.getByRole('alert').count()).toBe(0);
    expect(await tokenOf(bob, ACCESS_KEY)).toBeNull();
    expect((await api('GET', '/me', access!)).body).toMatchObject({ code: 401, error: 'token_revoked' });
    expect((await api('POST', '/refresh', refresh!)).body).toMatchObject({ code: 401, error: 'token_revoked' });
    await bob.reload();
    await eventually(() => bob.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
  });
});
