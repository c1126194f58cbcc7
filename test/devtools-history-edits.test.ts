import { describe, expect, test } from 'vitest';
import { selectAuthHeader, selectIsAuthenticated, selectRefreshToken } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import {
  answersOf,
  expectOnlyLiveTokensSent,
  LIFETIME,
  openDevToolsBrowser,
  REDUCER_KINDS,
  TIMEOUT,
  type DevToolsBrowser,
  type DevToolsTab,
} from './support/devtools';

withFakeClock();

interface Scene {
  browser: DevToolsBrowser;
  /** The tab whose monitor edits the history. */
  a: DevToolsTab;
  /** Another tab on the same storage and channel. */
  b: DevToolsTab;
  family: string;
  /** Waits until `n` more refreshes have happened (each due 30 s after the last token arrived). */
  refreshes: (n: number) => Promise<void>;
}

/** The monitor now shows a refresh token the server has already rotated: the edit bites. */
function expectShownTokenSpent({ browser, a, family }: Scene): void {
  const shown = selectRefreshToken(a.shown());
  expect(browser.server.issued, 'the shown refresh token is one the server issued').toContain(shown);
  expect(shown, 'the shown refresh token is spent').not.toBe(browser.server.current(family));
}

const withIds = (tab: DevToolsTab, type: string): number[] => {
  const ids = tab.idsOf(type);
  expect(ids.length, `${type} actions in the history`).toBeGreaterThan(0);
  return ids;
};

interface Edit {
  edit: string;
  run: (scene: Scene) => Promise<void>;
}

const edits: Edit[] = [
  {
    edit: 'skipping (TOGGLE_ACTION) the latest refreshSucceeded',
    async run(scene) {
      await scene.refreshes(3);
      scene.a.toggleAction(scene.a.lastIdOf('auth/refreshSucceeded'));
      expectShownTokenSpent(scene);
    },
  },
  {
    edit: 'skipping the latest refreshSucceeded for a token lifetime, then un-skipping it',
    async run(scene) {
      await scene.refreshes(2);
      const id = scene.a.lastIdOf('auth/refreshSucceeded');
      scene.a.toggleAction(id);
      expectShownTokenSpent(scene);
      await scene.browser.advance(LIFETIME);
      scene.a.toggleAction(id);
    },
  },
  {
    edit: 'skipping the signIn',
    async run(scene) {
      await scene.refreshes(2);
      scene.a.toggleAction(scene.a.lastIdOf('auth/signIn'));
      expect(selectIsAuthenticated(scene.a.shown()), 'the monitor shows no session').toBe(false);
    },
  },
  {
    edit: 'skipping the last two refreshes (SET_ACTIONS_ACTIVE)',
    async run(scene) {
      await scene.refreshes(3);
      const started = withIds(scene.a, 'auth/refreshStarted');
      scene.a.setActionsActive(started.at(-2)!, scene.a.history().nextActionId, false);
      expectShownTokenSpent(scene);
    },
  },
  {
    edit: 'SWEEP after skipping the latest refreshSucceeded',
    async run(scene) {
      await scene.refreshes(3);
      scene.a.toggleAction(scene.a.lastIdOf('auth/refreshSucceeded'));
      scene.a.sweep();
      expect(scene.a.idsOf('auth/refreshSucceeded')).toHaveLength(2);
      expectShownTokenSpent(scene);
    },
  },
  {
    edit: 'COMMIT while a state of an older generation is shown',
    async run(scene) {
      await scene.refreshes(2);
      scene.a.jumpToAction(scene.a.lastIdOf('auth/signIn'));
      scene.a.commit();
      expect(scene.a.isShowingPast(), 'the committed state is the whole history now').toBe(false);
      expectShownTokenSpent(scene);
    },
  },
  {
    edit: 'COMMIT at the present, then ROLLBACK two refreshes later',
    async run(scene) {
      await scene.refreshes(1);
      scene.a.commit();
      await scene.refreshes(2);
      scene.a.rollback();
      expectShownTokenSpent(scene);
    },
  },
  {
    edit: 'REORDER_ACTION moving the latest refreshSucceeded before the first one',
    async run(scene) {
      await scene.refreshes(3);
      const succeeded = withIds(scene.a, 'auth/refreshSucceeded');
      scene.a.reorderAction(succeeded.at(-1)!, succeeded[0]!);
      expectShownTokenSpent(scene);
    },
  },
  {
    edit: 'RESET to the state the store was created with',
    async run(scene) {
      await scene.refreshes(2);
      scene.a.reset();
      expect(selectIsAuthenticated(scene.a.shown())).toBe(false);
    },
  },
  {
    edit: 'LOCK_CHANGES while a refresh is in flight, unlocked a token lifetime later',
    async run(scene) {
      await scene.refreshes(1);
      scene.a.client.delayNext(5_000);
      await scene.browser.advance(LIFETIME / 2);
      expect(scene.a.live().auth.refresh.status, 'a refresh is in flight').toBe('refreshing');
      scene.a.lockChanges(true);
      await scene.browser.advance(LIFETIME);
      scene.a.lockChanges(false);
    },
  },
  {
    edit: 'PAUSE_RECORDING while a state of an older generation is shown',
    async run(scene) {
      await scene.refreshes(2);
      scene.a.jumpToAction(scene.a.lastIdOf('auth/signIn'));
      scene.a.pauseRecording(true);
      expectShownTokenSpent(scene);
      await scene.browser.advance(LIFETIME);
      scene.a.pauseRecording(false);
    },
  },
  ...(['redacted', 'unredacted'] as const).map((form): Edit => ({
    edit: `IMPORT_STATE of an extension export file (${form}) made two refreshes earlier`,
    async run(scene) {
      await scene.refreshes(1);
      // A committed history, as the extension's maxAge makes of every long session.
      scene.a.commit();
      scene.a.note();
      const file = scene.a.exportHistory({ redacted: form === 'redacted' });
      await scene.refreshes(2);
      expect(scene.a.importHistory(file)).toEqual({ ok: true });
      expect(selectRefreshToken(scene.a.shown())).not.toBe(scene.browser.server.current(scene.family));
    },
  })),
  {
    edit: 'IMPORT_STATE of an extension export file of the whole history since the store was created',
    async run(scene) {
      await scene.refreshes(1);
      const file = scene.a.exportHistory({ redacted: false });
      await scene.refreshes(2);
      // With the persisted reducer the import fails (redux-persist cannot replay its PERSIST action
      // once serialized); the state is then unchanged.
      if (scene.a.importHistory(file).ok) expectShownTokenSpent(scene);
    },
  },
  {
    edit: 'IMPORT_STATE of a saved lifted state (ActionCreators.importState) from two refreshes earlier',
    async run(scene) {
      await scene.refreshes(1);
      scene.a.commit();
      scene.a.note();
      const saved = scene.a.history();
      await scene.refreshes(2);
      expect(scene.a.importLiftedState(saved)).toEqual({ ok: true });
      expectShownTokenSpent(scene);
    },
  },
];

describe.each(REDUCER_KINDS)('%s reducer: DevTools history edits', (kind) => {
  for (const { edit, run } of edits) {
    test(
      `after ${edit}, the server never sees a spent refresh token`,
      async () => {
        const browser = openDevToolsBrowser({ kind });
        const a = await browser.openTab();
        const b = await browser.openTab();
        const login = a.signIn();
        await browser.advance(1_000);
        expect(selectRefreshToken(b.shown()), 'tab B adopted the sign-in').toBe(login.refreshToken);
        let rotations = 0;
        const scene: Scene = {
          browser,
          a,
          b,
          family: login.family,
          async refreshes(n) {
            await browser.advance(n * (LIFETIME / 2) + 1_000);
            rotations += n;
            expect(answersOf(browser.server)).toEqual(Array(rotations).fill('ok'));
            expect(selectRefreshToken(a.live())).toBe(browser.server.current(login.family));
          },
        };

        await run(scene);
        await browser.advance(5 * LIFETIME);
        a.showPresent();
        await browser.advance(LIFETIME);
        expectOnlyLiveTokensSent(browser.server);
      },
      TIMEOUT,
    );
  }

  test(
    'after skipping (TOGGLE_ACTION) a signOut, nothing is sent for the session it ended',
    async () => {
      const browser = openDevToolsBrowser({ kind });
      const a = await browser.openTab();
      const b = await browser.openTab();
      a.signIn();
      await browser.advance(LIFETIME / 2 + 1_000);
      expect(browser.server.log).toHaveLength(1);
      a.signOut();
      await browser.advance(1_000);
      const from = Date.now();
      a.toggleAction(a.lastIdOf('auth/signOut'));
      expect(selectIsAuthenticated(a.shown()), 'the monitor shows the ended session').toBe(true);

      await browser.advance(5 * LIFETIME);
      expect([...a.callsSince(from), ...b.callsSince(from)].map((call) => call.refreshToken)).toEqual([]);
      expect(selectIsAuthenticated(b.shown()), 'tab B stays signed out').toBe(false);
      expect(browser.tokensInStorage(), 'storage stays empty').toEqual([]);
      expectOnlyLiveTokensSent(browser.server);
    },
    TIMEOUT,
  );
});

/** Edits that leave the present without the live auth state, in a tab on its own: no other tab re-syncs it. */
const presentEdits: Array<{ edit: string; run: (a: DevToolsTab) => void }> = [
  {
    edit: 'skipping (TOGGLE_ACTION) the latest refreshSucceeded',
    run: (a) => a.toggleAction(a.lastIdOf('auth/refreshSucceeded')),
  },
  {
    edit: 'COMMIT while a state of an older generation is shown',
    run: (a) => {
      a.jumpToAction(a.lastIdOf('auth/signIn'));
      a.commit();
    },
  },
  {
    edit: 'REORDER_ACTION moving the latest refreshSucceeded before the first one',
    run: (a) => {
      const succeeded = a.idsOf('auth/refreshSucceeded');
      a.reorderAction(succeeded.at(-1)!, succeeded[0]!);
    },
  },
];

describe.each(REDUCER_KINDS)('%s reducer, one tab: a history edit that rewrites the present', (kind) => {
  for (const { edit, run } of presentEdits) {
    test(
      `after ${edit}, the live session is put back once and refreshing goes on with the newest token`,
      async () => {
        const browser = openDevToolsBrowser({ kind });
        const a = await browser.openTab();
        const login = a.signIn();
        await browser.advance(3 * (LIFETIME / 2) + 1_000);
        expect(answersOf(browser.server)).toEqual(['ok', 'ok', 'ok']);
        const liveToken = browser.server.current(login.family)!;

        run(a);
        expect(a.isShowingPast(), 'the edited state is the present').toBe(false);
        expect(selectRefreshToken(a.shown()), 'the present shows a spent refresh token').not.toBe(liveToken);
        const from = Date.now();
        await browser.advance(5 * LIFETIME);

        expect(a.idsOf('auth/liveStateReapplied'), 'the live state put back, once').toHaveLength(1);
        // A refresh is due 30 s after each token arrives (each answer takes a little): 9 or 10 in 300 s.
        expect(a.callsSince(from).length, 'refreshes after the edit').toBeGreaterThanOrEqual(9);
        expect(new Set(answersOf(browser.server)), 'every refresh answered').toEqual(new Set(['ok']));
        expect(a.callsSince(from)[0]?.refreshToken, 'the first refresh after the edit').toBe(liveToken);
        expectOnlyLiveTokensSent(browser.server);
        const newest = browser.server.current(login.family)!;
        expect(selectRefreshToken(a.shown()), 'the present shows the live session').toBe(newest);
        expect(selectAuthHeader(a.shown()), 'a token that has not expired').not.toBeNull();
        expect(browser.tokensInStorage(), 'storage keeps the live session').toContain(newest);
        expect(a.logger.warn).toHaveBeenCalledWith(expect.stringContaining('auth/liveStateReapplied'));
        browser.dispose();
      },
      TIMEOUT,
    );
  }
});

test(
  'persisted reducer: a history edit replays PERSIST, and the REHYDRATE it brings restores no stale session',
  async () => {
    // LOCK_CHANGES keeps the monitor's history (and so what redux-persist writes) at the sign-in
    // while the library refreshes and the user signs out: storage is left with a spent session.
    const browser = openDevToolsBrowser({ kind: 'persisted' });
    const a = await browser.openTab();
    const b = await browser.openTab();
    a.signIn();
    await browser.advance(100);
    a.lockChanges(true);
    await browser.advance(LIFETIME / 2 + 1_000);
    expect(answersOf(browser.server)).toEqual(['ok']);
    a.signOut();
    await browser.advance(100);
    // Every edit recomputes the history, redux-persist's PERSIST (which reads storage) included.
    a.toggleAction(idAfterInit(a));
    await browser.advance(100);
    a.toggleAction(idAfterInit(a));
    a.lockChanges(false);
    await browser.advance(5 * LIFETIME);
    expectOnlyLiveTokensSent(browser.server);
    expect(answersOf(browser.server), 'nothing sent after the sign-out').toEqual(['ok']);
    expect(selectIsAuthenticated(b.live()), 'the other tab signed out').toBe(false);
    await expect(a.refreshNow(), "the library's session in tab A has ended").resolves.toEqual({
      ok: false,
      reason: 'signed-out',
    });
    expect(answersOf(browser.server)).toEqual(['ok']);
    browser.dispose();
  },
  TIMEOUT,
);

/** The first staged action after `@@INIT` (redux-persist's PERSIST in a persisted store). */
function idAfterInit(tab: DevToolsTab): number {
  return tab.history().stagedActionIds[1]!;
}
