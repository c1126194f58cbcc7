// Tampered storage is removed, never restored: a stored value whose session sits under a
// `__proto__` key instead of its own `session` key (redux-persist's getStoredState assigns
// such a key as the prototype of the state it builds, so `.session` reads it) is not a session.
import { expect, test, vi } from 'vitest';
import { selectIsAuthenticated } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { jwtFor } from './support/jwt';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

test('a stored value whose session hides under a __proto__ key is removed, not restored', async () => {
  const session = {
    id: 'smuggled',
    generation: 0,
    token: jwtFor(600),
    tokenType: 'Bearer',
    expiresAt: Date.now() + 600_000,
    receivedAt: Date.now(),
    startedAt: Date.now(),
    refreshToken: 'rt-smuggled',
    refreshExpiresAt: null,
    userState: { name: 'Mallory' },
  };
  // No own "session" key: only a "__proto__" one, holding (as a JSON text) an object with a session.
  const text = `{"__proto__":${JSON.stringify(JSON.stringify({ session }))},"_persist":"{\\"version\\":-1}"}`;
  expect(Object.prototype.hasOwnProperty.call(JSON.parse(text), 'session')).toBe(false);
  const authName = uniqueAuthName();
  const memory = createMemoryStorage({ [authName]: text });
  const { store, persistor } = await makeStore({ authName, storage: memory.storage });
  await vi.advanceTimersByTimeAsync(0);
  await persistor.flush();
  expect(selectIsAuthenticated(store.getState()), 'signed out').toBe(false);
  expect(memory.data.has(authName), 'the tampered value is removed').toBe(false);
});
