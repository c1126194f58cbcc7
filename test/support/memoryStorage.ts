import type { AuthStorage } from 'redux-auth-kit';

/** An in-memory engine that counts writes, shared by "reloaded" stores in a test. */
export function createMemoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  const counts = { setItem: 0, removeItem: 0 };
  const storage: AuthStorage = {
    getItem: async (key) => data.get(key) ?? null,
    setItem: async (key, value) => {
      counts.setItem += 1;
      data.set(key, value);
    },
    removeItem: async (key) => {
      counts.removeItem += 1;
      data.delete(key);
    },
  };
  return { storage, data, counts };
}
