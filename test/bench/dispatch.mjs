// Cost of the auth middleware on unrelated dispatches: 200,000 actions through
// a signed-in store with a refresh scheduled, divided by the same store without
// the middleware. Runs alternate and the median ratio is reported. Run after `npm run build`.
import { configureStore, createSlice } from '@reduxjs/toolkit';
import { authReducer, createAuthListener, createRefresh, signIn } from '../../dist/index.js';

const N = 200_000;
const ROUNDS = 7;

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
  store.dispatch(signIn({ auth: { token: jwt(3600) }, refresh: 'r' }));
  return { store, auth };
}

function time(store) {
  const action = counter.actions.bump();
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i += 1) store.dispatch(action);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function dispatchOverhead() {
  const bare = makeStore(false);
  const withAuth = makeStore(true);
  time(bare.store);
  time(withAuth.store); // warm-up
  const ratios = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const a = time(bare.store);
    const b = time(withAuth.store);
    ratios.push(b / a);
  }
  withAuth.auth.dispose();
  bare.auth.dispose();
  ratios.sort((x, y) => x - y);
  return { ratio: ratios[Math.floor(ROUNDS / 2)], ratios };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ratio, ratios } = dispatchOverhead();
  console.log(`dispatch overhead (${N} unrelated actions, median of ${ROUNDS}): ${ratio.toFixed(3)}x`);
  console.log(`  all rounds: ${ratios.map((r) => r.toFixed(3)).join(' ')}`);
}
