// A store torn down (auth.dispose(), persistor.pause(), as the README says) writes nothing more:
// a write it still had pending must not put back a session another tab has since signed out.
import { expect, test, vi } from 'vitest';
import { refreshNow, selectIsAuthenticated, signOut } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { makeStore } from './support/harness';
import { openTabs } from './support/tabs';

withFakeClock();

test('a store torn down right after adopting a refresh does not write that session back after another tab signs out', async () => {
  const { tabs, memory, authName, signInOn } = await openTabs({ count: 2, latencyMs: 0 });
  const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
  await vi.advanceTimersByTimeAsync(1);
  signInOn(a);
  await vi.advanceTimersByTimeAsync(10);
  await expect(a.store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
  // B adopts the refreshed session; its own write of it is due on redux-persist's next tick.
  await vi.advanceTimersByTimeAsync(0);
  expect(b.store.getState().auth.session?.generation).toBe(1);
  b.auth.dispose();
  b.persistor.pause();

  a.store.dispatch(signOut());
  await vi.advanceTimersByTimeAsync(10);
  expect(selectIsAuthenticated(a.store.getState())).toBe(false);
  expect(memory.data.has(authName), 'storage holds no session after the sign-out').toBe(false);
  // What a tab opened now (or a reload) finds.
  const later = await makeStore({ authName, storage: memory.storage });
  expect(selectIsAuthenticated(later.store.getState()), 'no session comes back to life').toBe(false);
});
