// Switching accounts in one tab (sign-out, then at once a new sign-in) reaches every tab: the
// others end the old session and adopt the new one, even when messages take a few ms to arrive.
import { expect, test, vi } from 'vitest';
import { selectIsAuthenticated, signOut } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { openTabs } from './support/tabs';

withFakeClock();

test('a sign-out followed at once by a new sign-in in one tab signs every tab in to the new session', async () => {
  const { tabs, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
  const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
  await vi.advanceTimersByTimeAsync(1);
  signInOn(a);
  await vi.advanceTimersByTimeAsync(10);
  expectInSync();

  // A browser delivers channel messages a little later than the dispatch that sent them.
  hub.knobs.delayMs = 5;
  a.store.dispatch(signOut());
  const next = signInOn(a);
  await vi.advanceTimersByTimeAsync(20);

  expect(selectIsAuthenticated(b.store.getState()), 'tab B is signed in').toBe(true);
  expect(expectInSync().refreshToken).toBe(next.refreshToken);
});
