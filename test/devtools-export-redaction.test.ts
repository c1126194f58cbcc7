import { describe, expect, test } from 'vitest';
import { authDevToolsOptions } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { middleThird } from './support/jwt';
import { LIFETIME, openDevToolsBrowser, REDUCER_KINDS, type DevToolsBrowser } from './support/devtools';

withFakeClock();

/** Every token the server issued, and its middle third: none may reach DevTools. */
const secretsOf = (browser: DevToolsBrowser): string[] =>
  [...browser.server.issued, ...browser.server.accessTokens].flatMap((token) => [token, middleThird(token)]);

function expectNoSecret(what: string, text: string, secrets: string[]): void {
  const leaked = secrets.filter((secret) => text.includes(secret));
  expect(
    leaked.map((secret) => `${secret.slice(0, 8)}…`),
    `${what} leaks`,
  ).toEqual([]);
}

describe.each(REDUCER_KINDS)('%s reducer: what the real DevTools instrument exports', (kind) => {
  test('no token reaches the export file, the lifted state sent to the monitor, or the sanitized states and actions, after jumps, skips, commits and imports', async () => {
    const browser = openDevToolsBrowser({ kind });
    const tab = await browser.openTab();
    tab.signIn();
    await browser.advance(LIFETIME / 2 + 1_000);
    tab.note();
    tab.jumpToAction(tab.lastIdOf('auth/signIn'));
    tab.showPresent();
    tab.commit();
    const earlier = tab.exportHistory();
    await browser.advance(LIFETIME / 2);
    tab.toggleAction(tab.lastIdOf('auth/refreshSucceeded'));
    tab.toggleAction(tab.lastIdOf('auth/refreshSucceeded'));
    expect(tab.importHistory(earlier)).toEqual({ ok: true });
    await browser.advance(2 * LIFETIME);
    tab.signIn();
    await browser.advance(LIFETIME);

    const secrets = secretsOf(browser);
    const history = tab.history();
    // The scenario put tokens into the history: redaction has work to do.
    expect(JSON.stringify(history)).toContain(browser.server.accessTokens.at(-1));
    expect(JSON.stringify(history)).toContain(browser.server.issued.at(-1));

    const { replacer } = authDevToolsOptions.serialize;
    const { actionSanitizer, stateSanitizer } = authDevToolsOptions;
    expectNoSecret('the export file (unsanitized, with serialize.replacer)', tab.exportHistory(), secrets);
    // What the extension relays to the monitor: actions and computed states, each serialized.
    expectNoSecret('actionsById', JSON.stringify(history.actionsById, replacer), secrets);
    expectNoSecret('computedStates', JSON.stringify(history.computedStates, replacer), secrets);
    expectNoSecret('committedState', JSON.stringify(history.committedState, replacer), secrets);
    // And what the sanitizers hand a monitor that does not serialize.
    history.stagedActionIds.forEach((id) => {
      const action = history.actionsById[id]!.action;
      expectNoSecret(`sanitized ${action.type}`, JSON.stringify(actionSanitizer(action)), secrets);
    });
    history.computedStates.forEach(({ state }, index) => {
      expectNoSecret(`sanitized state ${index}`, JSON.stringify(stateSanitizer(state)), secrets);
    });
  });
});
