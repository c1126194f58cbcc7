// Cost of the auth middleware on unrelated dispatches: 200,000 actions through
// a signed-in store with a refresh scheduled, divided by the same store without
// the middleware, in rounds that interleave the two stores; the median ratio
// of the rounds is reported. Reads the ESM build: run `npm run build` first.
//
//   NODE_ENV=production node test/bench/dispatch.mjs [--json]
import { configureStore, createSlice } from '@reduxjs/toolkit';
import { fileURLToPath } from 'node:url';
import { authReducer, createAuthListener, createRefresh, signIn } from '../../dist/index.js';

export const ACTIONS = 200_000;
export const ROUNDS = 11;
export const CHUNK = 5_000;

const counter = createSlice({
  name: 'counter',
  initialState: { n: 0 },
  reducers: { bump: (s) => void (s.n += 1) },
});

function jwt(seconds) {
  const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none' })}.${enc({ iat, exp: iat + seconds })}.x`;
}

function makeStore(withAuth) {
  const auth = createAuthListener({
    refresh: createRefresh({ refreshApiCallback: async () => ({ isSuccess: false }) }),
    wake: false,
  });
  const store = configureStore({
    reducer: { auth: authReducer, counter: counter.reducer },
    // Production-like: the dev-only checks would dominate both sides.
    middleware: (gDM) => {
      const base = gDM({ serializableCheck: false, immutableCheck: false });
      return withAuth ? base.concat(auth.middleware) : base;
    },
    devTools: false,
  });
  // Signed in with an hour-long token: a refresh is scheduled, its timer pending.
  store.dispatch(signIn({ auth: { token: jwt(3600) }, refresh: 'r' }));
  return { store, auth };
}

/** Milliseconds for `count` dispatches of one unrelated action. */
function time(store, count) {
  const action = counter.actions.bump();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) store.dispatch(action);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * One round: ACTIONS dispatches through each store, interleaved in chunks of
 * CHUNK with the order swapped every chunk, so a burst of load from elsewhere
 * on the machine or a GC pause lands on both sides alike.
 */
function round(plainStore, gatedStore) {
  let plain = 0;
  let gated = 0;
  for (let chunk = 0; chunk < ACTIONS / CHUNK; chunk += 1) {
    if (chunk % 2 === 0) {
      plain += time(plainStore, CHUNK);
      gated += time(gatedStore, CHUNK);
    } else {
      gated += time(gatedStore, CHUNK);
      plain += time(plainStore, CHUNK);
    }
  }
  return gated / plain;
}

export function dispatchOverhead() {
  const bare = makeStore(false);
  const withAuth = makeStore(true);
  if (withAuth.store.getState().auth.session === null) throw new Error('the measured store is not signed in');
  // Warm-up: let the JIT settle both paths before anything is recorded.
  round(bare.store, withAuth.store);
  const ratios = [];
  for (let r = 0; r < ROUNDS; r += 1) ratios.push(round(bare.store, withAuth.store));
  withAuth.auth.dispose();
  bare.auth.dispose();
  const sorted = [...ratios].sort((x, y) => x - y);
  return { actions: ACTIONS, rounds: ROUNDS, chunk: CHUNK, ratio: sorted[Math.floor(ROUNDS / 2)], ratios };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = dispatchOverhead();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    console.log(
      `dispatch overhead (${ACTIONS} unrelated actions, median of ${ROUNDS}): ${result.ratio.toFixed(3)}x`,
    );
    console.log(`  all rounds: ${result.ratios.map((r) => r.toFixed(3)).join(' ')}`);
  }
}
