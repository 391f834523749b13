// Issue #10 in Debian's Chromium, as the secretary, an admin and a ward site use it: the site
// opened in a second browser is told which device took over; the secretary revokes and re-issues
// the site's link from the console and the site is cut off at once; the user menu lists one's
// sessions; the admin ends the secretary's sessions and the secretary lands on the sign-in screen
// told why. Screenshots in tests/artifacts/screens/access-*.png.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserParticipant,
  launchParticipant,
  repoRoot,
  saveScreenshot,
} from '../harness/browser.js';
import {
  joinFromLobby,
  openInvitation,
  signIn,
  signInAndEnterMeeting,
  tid,
} from '../harness/browser-flows.js';
import {
  type BriefingSeed,
  type E2EHub,
  seedBriefing,
  startE2EHub,
} from '../harness/browser-hub.js';

describe('access that can be taken back, in Chromium', () => {
  let hub: E2EHub;
  let seed: BriefingSeed;
  let secretary: BrowserParticipant;
  let admin: BrowserParticipant;
  let officePc: BrowserParticipant;
  let laptop: BrowserParticipant;
  const all = () => [secretary, admin, officePc, laptop].filter(Boolean);
  const logs = () =>
    all()
      .map((b) => b.logText(30))
      .join('\n');

  beforeAll(async () => {
    hub = await startE2EHub({ proxies: 0 });
    seed = await seedBriefing(hub, { sites: 1, absent: 0 });
    [secretary, admin, officePc, laptop] = await Promise.all([
      launchParticipant({
        label: 'acc-secretary',
        origin: hub.origin,
        viewport: { width: 1500, height: 950 },
      }),
      launchParticipant({
        label: 'acc-admin',
        origin: hub.origin,
        viewport: { width: 1500, height: 950 },
      }),
      launchParticipant({ label: 'acc-site-office', origin: hub.origin }),
      launchParticipant({ label: 'acc-site-laptop', origin: hub.origin }),
    ]);
    // Every confirm() the UI asks is answered yes, as the official would.
    for (const b of all()) b.page.on('dialog', (d) => void d.accept());
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(all().map((b) => b.close()));
    await hub?.stop();
  });

  const banner = (p: Page) => p.locator(tid('connection-banner'));

  it('a site opened in a second browser: the first is told which device took over', async () => {
    const site = seed.sites[0]!;
    await openInvitation(officePc.page, hub.origin, site.token);
    await joinFromLobby(officePc.page, 'site');
    await openInvitation(laptop.page, hub.origin, site.token);
    await joinFromLobby(laptop.page, 'site');
    await banner(officePc.page).and(officePc.page.locator('[data-state="failed"]')).waitFor({
      timeout: 15_000,
    });
    const text = await banner(officePc.page).textContent();
    expect(text, logs()).toMatch(
      /vừa được mở trên thiết bị khác \(Chrome \d+ · Linux, lúc \d\d:\d\d\)/,
    );
    await saveScreenshot(officePc.page, 'access-site-replaced');
  }, 180_000);

  it('the secretary revokes and re-issues the link: the site is cut off at once', async () => {
    await signInAndEnterMeeting(secretary.page, hub.origin, seed.secretary, seed.meetingId);
    await joinFromLobby(secretary.page, 'secretary');
    await secretary.page.locator(tid('open-invitations')).click();
    const row = secretary.page.locator(tid(`invitation-row-${seed.sites[0]!.siteId}`));
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(
      /Đang dùng được[\s\S]*2 lần[\s\S]*Chrome \d+ · Linux, 127\.0\.0\.1/,
    );
    // Until when the link works, as Vietnamese officials write it: "19:35 10/12/2026".
    const expires = await row
      .locator(tid(`invitation-expires-${seed.sites[0]!.siteId}`))
      .textContent();
    expect(expires).toMatch(/^\d\d:\d\d \d\d\/\d\d\/\d{4}$/);
    await secretary.page.locator(tid(`invitation-records-${seed.meetingId}`)).screenshot({
      path: path.join(repoRoot, 'tests/artifacts/screens/access-invitations-table.png'),
    });
    // Each use, when and from where: the office PC's and the laptop's exchanges.
    await row.locator(`${tid(`invitation-uses-${seed.sites[0]!.siteId}`)} summary`).click();
    expect(await row.locator(`${tid(`invitation-uses-${seed.sites[0]!.siteId}`)} li`).count()).toBe(
      2,
    );
    await saveScreenshot(secretary.page, 'access-invitations');
    await secretary.page.locator(tid(`invitation-reissue-${seed.sites[0]!.siteId}`)).click();
    await secretary.page.locator(tid('invitation-new-link')).waitFor({ timeout: 15_000 });
    // The push's latency is measured in tests/integration/revocation.test.ts; a browser on a
    // loaded machine gets the generous wait the other steps get.
    await banner(laptop.page).and(laptop.page.locator('[data-state="revoked"]')).waitFor({
      timeout: 30_000,
    });
    expect(await banner(laptop.page).textContent()).toContain('đường dẫn mời đã bị thu hồi');
    await saveScreenshot(laptop.page, 'access-site-revoked');
    await saveScreenshot(secretary.page, 'access-invitations-reissued');
    expect(
      await secretary.page
        .locator(`${tid(`invitation-records-${seed.meetingId}`)} [data-state="revoked"]`)
        .count(),
    ).toBe(1);
    // The re-issued link works in the site's browser.
    const url = await secretary.page.locator(`${tid('invitation-new-link')} input`).inputValue();
    await laptop.page.goto(url);
    await laptop.page.locator(tid('join-button')).waitFor({ timeout: 30_000 });
    await secretary.page.keyboard.press('Escape');
  }, 180_000);

  it('the user menu lists this user’s sessions', async () => {
    const p = secretary.page;
    await p.locator(tid('signed-in-as')).click();
    await saveScreenshot(p, 'access-user-menu');
    await p.locator(tid('menu-sessions')).click();
    const rows = p.locator(`${tid('sessions-dialog')} ${tid('session-row')}`);
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await p.locator(`${tid('sessions-dialog')} [data-current]`).textContent()).toMatch(
      /Chrome \d+ · Linux[\s\S]*Trình duyệt này/,
    );
    await saveScreenshot(p, 'access-my-sessions');
    await p.keyboard.press('Escape');
  }, 60_000);

  it('the secretary changes her password from the user menu and stays signed in here', async () => {
    const p = secretary.page;
    await p.locator(tid('signed-in-as')).click();
    await p.locator(tid('menu-password')).click();
    const form = p.locator(tid('password-form'));
    await form.locator(tid('password-current')).fill(seed.secretary.password);
    await form.locator(tid('password-new')).fill('mat-khau-moi-cua-thu-ky');
    await form.locator(tid('password-repeat')).fill('mat-khau-moi-cua-thu-ky');
    await form.locator(tid('password-submit')).click();
    await form.getByRole('status').waitFor({ timeout: 15_000 });
    await saveScreenshot(p, 'access-password-changed');
    await p.keyboard.press('Escape');
    // This browser's session was kept: the console still answers, nothing says revoked.
    await p.locator(tid('signed-in-as')).click();
    await p.locator(tid('menu-sessions')).click();
    await p.locator(`${tid('sessions-dialog')} [data-current]`).waitFor({ timeout: 15_000 });
    expect(await p.locator('[data-state="revoked"]').count(), logs()).toBe(0);
    await p.keyboard.press('Escape');
  }, 60_000);

  it('the admin ends the secretary’s sessions: the secretary is signed out and told why', async () => {
    await signIn(admin.page, hub.origin, hub.adminCredentials);
    await admin.page.locator(tid('nav-admin')).click();
    await admin.page.getByRole('tab', { name: /Tài khoản/ }).click();
    await admin.page.locator(tid(`account-sessions-${seed.secretary.username}`)).click();
    const dialog = admin.page.locator(tid('account-sessions-dialog'));
    await dialog.locator(tid('session-row')).first().waitFor({ timeout: 15_000 });
    await saveScreenshot(admin.page, 'access-admin-sessions');
    await dialog.locator(tid('session-end-all')).click();
    await dialog.getByText('Đã kết thúc phiên.').waitFor({ timeout: 10_000 });
    const p = secretary.page;
    await banner(p).and(p.locator('[data-state="revoked"]')).waitFor({ timeout: 30_000 });
    await p.locator(tid('sign-in-again')).click();
    await p.locator(tid('signed-out-reason')).waitFor({ timeout: 10_000 });
    expect(await p.locator(tid('signed-out-reason')).textContent()).toContain(
      'phiên đã bị kết thúc',
    );
    await saveScreenshot(p, 'access-signed-out');
  }, 120_000);
});
