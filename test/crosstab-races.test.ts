// Tabs of one browser act before hearing of each other: messages travel as tasks and take their
// time, so sign-ins, sign-outs and refreshes in different tabs cross on the way. Whatever order
// (and whatever instant) they happen in, the tabs and storage end up on one session. Access tokens
// live 60 s (a refresh is due 30 s after each one arrives); every call takes 100 ms.
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import {
  checkClock,
  createRefresh,
  selectAuthHeader,
  selectAuthToken,
  selectIsAuthenticated,
  signIn,
  signOut,
  type AuthStorage,
  type GenerationMarker,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
  type WakeReason,
} from 'redux-auth-kit';
import { createChannelHub } from './support/channel';
import { withFakeClock } from './support/clock';
import { checkInvariants, storageProbe } from './support/invariants';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { createMemoryStorage } from './support/memoryStorage';
import {
  assertProperty,
  freshClock,
  openStore,
  propertyAuthName,
  propertyTimeout,
} from './support/properties';
import { createRotatingServer } from './support/rotatingServer';
import { openTabs } from './support/tabs';

const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();

describe('messages that cross on the way', () => {
  test('an older session announced late does not replace a newer one', async () => {
    const { tabs, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    hub.knobs.delayMs = 1_000;
    signInOn(a);
    await vi.advanceTimersByTimeAsync(500);
    // B signs in as someone else before A's (older) announcement arrives.
    const token = jwtFor(60);
    b.store.dispatch(signIn({ auth: { token }, refresh: 'rt-other' }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(expectInSync().token).toBe(token);
    expect(selectAuthToken(a.store.getState())).toBe(token);
  });

  test('a refresh announced just before a sign-out in another tab does not bring the session back', async () => {
    const { tabs, server, memory, authName, hub, signInOn, flushAll } = await openTabs({ count: 3 });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    // Messages take 50 ms: tab A's refresh result and tab B's sign-out cross on the way.
    hub.knobs.delayMs = 50;
    await vi.advanceTimersByTimeAsync(CYCLE - 1);
    expect(server.counters.refreshCalls).toBe(1);
    tabs[1]!.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(100);

    for (const tab of tabs)
      expect({ tab: tab.label, signedIn: selectIsAuthenticated(tab.store.getState()) }).toEqual({
        tab: tab.label,
        signedIn: false,
      });
    await flushAll();
    expect(memory.data.has(authName)).toBe(false);
    await vi.advanceTimersByTimeAsync(3 * CYCLE);
    expect(server.counters.refreshCalls).toBe(1);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
  });

  test('a sign-in in one tab is not undone by another tab refreshing the previous session meanwhile', async () => {
    const { tabs, server, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    hub.knobs.delayMs = 50;
    // At 30 s tab A refreshes the session; while its call is on the network, the user signs in anew in tab B.
    await vi.advanceTimersByTimeAsync(30_050 - 1);
    expect(a.client.calls).toHaveLength(1);
    const second = signInOn(b);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(server.counters.refreshCalls).toBe(1);
    const now = expectInSync();
    expect(now.token).toBe(second.accessToken);
    expect(now.refreshToken).toBe(second.refreshToken);
  });

  test('a sign-out in one tab and a new sign-in in another that cross leave every tab on the new session', async () => {
    const { tabs, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    signInOn(a);
    await vi.advanceTimersByTimeAsync(1_000);
    hub.knobs.delayMs = 50;
    // B signs out of the first session; 10 ms later, before hearing of it, A signs in again.
    b.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(10);
    const second = signInOn(a);
    await vi.advanceTimersByTimeAsync(1_000);

    const now = expectInSync();
    expect(now.signedIn).toBe(true);
    expect(now.token).toBe(second.accessToken);
  });

  // Switching accounts in one tab (sign-out, then at once a new sign-in) reaches every tab: the
  // others end the old session and adopt the new one, even when messages take a few ms to arrive.
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

  // Two sign-ins within the same millisecond still leave every tab, and storage, on one of them.
  test('two sign-ins in the same millisecond in two tabs converge on one session', async () => {
    const { tabs, memory, authName, signInOn, expectInSync } = await openTabs({
      count: 2,
      latencyMs: LATENCY,
    });
    const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
    await vi.advanceTimersByTimeAsync(1);
    signInOn(a);
    signInOn(b);
    await vi.advanceTimersByTimeAsync(10);
    const ids = tabs.map((tab) => tab.store.getState().auth.session?.id);
    expect(ids[0], 'both tabs hold the same session').toBe(ids[1]);
    expectInSync();

    // A refresh later they still agree, and storage holds their session.
    await vi.advanceTimersByTimeAsync(CYCLE + 10);
    const now = expectInSync();
    expect(now.signedIn).toBe(true);
    expect(memory.data.get(authName)).toContain(now.refreshToken!);
  });

  // A sign-out in one tab racing a sign-in in another (each before the other's message arrives):
  // whichever wins, the tabs and storage end up agreeing, and no tab is signed out later by
  // finding storage emptied under it.
  test('a sign-out of the old session in one tab 1 ms after a new sign-in in another leaves tabs and storage agreeing', async () => {
    const { tabs, hub, memory, authName, server, signInOn, snapshot, expectInSync } = await openTabs({
      count: 2,
      latencyMs: LATENCY,
    });
    const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
    await vi.advanceTimersByTimeAsync(1);
    signInOn(a);
    await vi.advanceTimersByTimeAsync(10);
    expectInSync();

    // Messages take 5 ms: A signs in anew, and 1 ms later B signs out before hearing of it.
    hub.knobs.delayMs = 5;
    const second = signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    b.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(20);

    const settled = expectInSync();
    // Whatever the tabs agree on, storage (what a reload or a new tab reads) agrees with them.
    if (settled.signedIn) expect(memory.data.get(authName)).toContain(second.refreshToken);
    else expect(memory.data.has(authName)).toBe(false);

    // One refresh cycle later nothing has changed by itself.
    const refreshesBefore = server.counters.refreshCalls;
    await vi.advanceTimersByTimeAsync(CYCLE);
    for (const tab of tabs) {
      expect(selectIsAuthenticated(tab.store.getState()), `tab ${tab.label} kept what it agreed on`).toBe(
        settled.signedIn,
      );
    }
    if (settled.signedIn) expect(server.counters.refreshCalls).toBeGreaterThan(refreshesBefore);
    expect(snapshot(a).signedIn).toBe(snapshot(b).signedIn);
  });
});

// The same for any interleaving: a model-based property (fc.commands) of two tabs of one browser
// (shared storage, Web Locks, a channel, a generation marker) against a server that rotates
// refresh tokens and revokes the family on reuse, driven through any interleaving of sign-ins,
// sign-outs, late results, failures, timer advances, sleeps, wake events, other scripts' messages
// and reloads. After every step every invariant holds and no spent refresh token is ever sent;
// once messages have settled the tabs agree and follow the last sign-in or sign-out; and with a
// healthy server a signed-in tab always gets a live token back within a minute.

const LABELS = ['A', 'B'] as const;
type Label = (typeof LABELS)[number];
/** Refresh tokens live an hour: only a long sleep outlives one. */
const REFRESH_TTL_S = 3_600;
const LATENCY_MS = 100;
/** Messages arrive within this long; an advance at least this long lets every message land. */
const SETTLE_MS = 10;

/** A refresh call parked by `HangNext`: answered (or cancelled by its signal) later. */
interface Gate {
  refreshToken: string | undefined;
  settled: boolean;
  resolve: (result: RefreshApiResult) => void;
  reject: (error: unknown) => void;
}

/** What the test expects of the browser once messages have settled. */
interface Model {
  /** Signed in everywhere, signed out everywhere, or either (two tabs acted at once): the tabs agree. */
  expected: 'in' | 'out' | 'either';
  /** The sign-ins and sign-outs whose messages have not settled yet, per tab: the latest of each. */
  unsettled: Partial<Record<Label, 'in' | 'out'>> | null;
}

type Tab = Awaited<ReturnType<typeof openStore>> & { label: Label };

/** The real system: two tabs and everything they share. */
class World {
  readonly authName = propertyAuthName();
  readonly server = createRotatingServer({ accessTtl: 60, refreshTtl: REFRESH_TTL_S });
  readonly locks = createLockManager();
  readonly hub = createChannelHub();
  readonly memory = createMemoryStorage();
  readonly tokens = new Set<string>();
  readonly tabs = new Map<Label, Tab>();
  readonly gates: Gate[] = [];
  readonly hooks = new Map<Label, Array<'hang' | 'fail'>>(LABELS.map((l) => [l, []]));
  readonly wakes = new Map<Label, Set<(reason: WakeReason) => void>>(LABELS.map((l) => [l, new Set()]));
  readonly errors: unknown[][] = [];
  /** One marker cookie every tab reads at once, as beside localStorage. */
  private markerValue: string | null = null;
  readonly marker: GenerationMarker = {
    read: () => this.markerValue,
    write: (value) => {
      this.markerValue = value;
    },
  };

  constructor(readonly messageDelayMs: number) {
    this.hub.knobs.delayMs = messageDelayMs;
  }

  /** The tab's refreshApiCallback: 100 ms to the rotating server, honouring `signal`, with the test's hooks. */
  private callback(label: Label) {
    return (param: RefreshApiCallbackParam): Promise<RefreshApiResult> => {
      const hook = this.hooks.get(label)!.shift();
      if (hook === 'fail') return Promise.reject(new TypeError('Failed to fetch'));
      return new Promise<RefreshApiResult>((resolve, reject) => {
        const cancel = (): void => reject(param.signal.reason);
        if (param.signal.aborted) return cancel();
        if (hook === 'hang') {
          const gate: Gate = { refreshToken: param.refreshToken, settled: false, resolve, reject };
          this.gates.push(gate);
          param.signal.addEventListener('abort', () => {
            if (gate.settled) return;
            // Cancelled before it reached the server.
            gate.settled = true;
            cancel();
          });
          return;
        }
        const timer = setTimeout(() => {
          param.signal.removeEventListener('abort', onAbort);
          resolve(this.answer(param.refreshToken, label));
        }, LATENCY_MS);
        const onAbort = (): void => {
          clearTimeout(timer);
          cancel();
        };
        param.signal.addEventListener('abort', onAbort, { once: true });
      });
    };
  }

  /** The server processes a refresh now. */
  answer(refreshToken: string | undefined, label: string): RefreshApiResult {
    const result = this.server.refresh(refreshToken, label);
    if (!result.ok) return { isSuccess: false };
    this.tokens.add(result.accessToken).add(result.refreshToken);
    return {
      isSuccess: true,
      newAuthToken: result.accessToken,
      newRefreshToken: result.refreshToken,
      newRefreshTokenExpiresIn: REFRESH_TTL_S,
    };
  }

  async open(label: Label): Promise<void> {
    // The page's own view of storage: when the page goes (a reload), nothing it had pending is
    // written any more, as in a browser, where an unloaded page runs no timer.
    const shared = this.memory.storage;
    let gone = false;
    const storage: AuthStorage = {
      getItem: (key) => shared.getItem(key),
      setItem: async (key, value) => (gone ? undefined : shared.setItem(key, value)),
      removeItem: async (key) => (gone ? undefined : shared.removeItem(key)),
    };
    const logger = {
      error: (...args: unknown[]) => void this.errors.push([label, ...args]),
      warn: () => {},
    };
    const made = await openStore({
      authName: this.authName,
      storage,
      logger,
      refresh: createRefresh({ refreshApiCallback: this.callback(label) }),
      listener: {
        logger,
        wake: (onWake) => {
          this.wakes.get(label)!.add(onWake);
          return () => this.wakes.get(label)!.delete(onWake);
        },
        crossTab: { locks: this.locks.manager, channel: this.hub.as(label), marker: this.marker },
      },
    });
    this.tabs.set(label, {
      ...made,
      label,
      dispose: () => {
        made.dispose();
        gone = true;
      },
    });
  }

  tab(label: Label): Tab {
    return this.tabs.get(label)!;
  }

  states() {
    return LABELS.map((label) => this.tab(label).store.getState());
  }

  /** No hang or failure is queued, and no parked call is still waiting. */
  healthy(): boolean {
    return [...this.hooks.values()].every((h) => h.length === 0) && this.gates.every((g) => g.settled);
  }

  dispose(): void {
    for (const tab of this.tabs.values()) tab.dispose();
    for (const gate of this.gates) if (!gate.settled) gate.reject(new Error('test over'));
  }
}

/** The checks after every step; `settled`: messages have landed since the last sign-in or sign-out. */
function check(model: Model, world: World, settled: boolean): void {
  const states = world.states();
  const signedOut = states.every((s) => s.auth.session === null);
  checkInvariants(
    states,
    // Storage is only judged once writes have had their tick.
    settled && signedOut
      ? storageProbe({ authName: world.authName, memory: world.memory.data, tokens: world.tokens })
      : undefined,
  );
  expect(world.server.counters.reuseDetections, 'no spent refresh token is ever sent').toBe(0);
  expect(world.errors, 'nothing logged as an error').toEqual([]);
  if (!settled) return;
  const ids = states.map((s) => s.auth.session?.id ?? null);
  expect(ids[0], 'the tabs agree on the session').toBe(ids[1]);
  if (model.expected === 'either') model.expected = ids[0] === null ? 'out' : 'in';
  expect(ids[0] === null ? 'out' : 'in', 'the tabs follow the last sign-in or sign-out').toBe(model.expected);
}

type Command = fc.AsyncCommand<Model, World>;

/**
 * Records a sign-in or sign-out. Two tabs acting in opposite ways before their messages land may
 * go either way — in whatever order they acted: a sign-out ends only the session its tab knew, so
 * another tab's sign-in it had not heard of yet may live on.
 */
function acted(model: Model, label: Label, kind: 'in' | 'out'): void {
  const others = Object.entries(model.unsettled ?? {}).filter(([other]) => other !== label);
  const racing = others.some(([, otherKind]) => otherKind !== kind);
  model.expected = racing || model.expected === 'either' ? 'either' : kind;
  model.unsettled = { ...model.unsettled, [label]: kind };
}

class SignIn implements Command {
  constructor(readonly label: Label) {}
  check = () => true;
  async run(model: Model, world: World) {
    const login = world.server.login();
    world.tokens.add(login.accessToken).add(login.refreshToken);
    world.tab(this.label).store.dispatch(
      signIn({
        auth: { token: login.accessToken },
        refresh: login.refreshToken,
        refreshExpiresIn: REFRESH_TTL_S,
      }),
    );
    acted(model, this.label, 'in');
    check(model, world, false);
  }
  toString = () => `SignIn(${this.label})`;
}

class SignOut implements Command {
  constructor(readonly label: Label) {}
  check = () => true;
  async run(model: Model, world: World) {
    world.tab(this.label).store.dispatch(signOut());
    acted(model, this.label, 'out');
    check(model, world, false);
  }
  toString = () => `SignOut(${this.label})`;
}

class Advance implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(model: Model, world: World) {
    const healthy = world.healthy();
    const wasIn = model.expected === 'in' && model.unsettled === null;
    await vi.advanceTimersByTimeAsync(this.ms);
    const settled = this.ms >= SETTLE_MS;
    if (settled) model.unsettled = null;
    check(model, world, settled);
    // A healthy server keeps every signed-in tab on a live token: a minute covers any backoff.
    if (healthy && wasIn && this.ms >= 61_000) {
      for (const label of LABELS) {
        expect(
          selectAuthHeader(world.tab(label).store.getState()),
          `tab ${label} has a live token`,
        ).not.toBeNull();
      }
    }
  }
  toString = () => `Advance(${this.ms})`;
}

/** The machine sleeps: the clock jumps, no timer fires; on waking each tab checks the clock. */
class Sleep implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(model: Model, world: World) {
    vi.setSystemTime(Date.now() + this.ms);
    for (const label of LABELS) world.tab(label).store.dispatch(checkClock());
    // Right after checkClock() no expired token is handed out.
    check(model, world, false);
    // A sleep longer than a refresh token's life ends the session.
    if (this.ms > REFRESH_TTL_S * 1000 && model.expected === 'in') model.expected = 'out';
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    model.unsettled = null;
    check(model, world, true);
  }
  toString = () => `Sleep(${this.ms})`;
}

class Wake implements Command {
  constructor(
    readonly label: Label,
    readonly reason: WakeReason,
  ) {}
  check = () => true;
  async run(model: Model, world: World) {
    for (const onWake of [...world.wakes.get(this.label)!]) onWake(this.reason);
    check(model, world, false);
  }
  toString = () => `Wake(${this.label}, ${this.reason})`;
}

class Hook implements Command {
  constructor(
    readonly label: Label,
    readonly hook: 'hang' | 'fail',
  ) {}
  check = () => true;
  async run(model: Model, world: World) {
    world.hooks.get(this.label)!.push(this.hook);
    check(model, world, false);
  }
  toString = () => `${this.hook === 'hang' ? 'HangNext' : 'FailNext'}(${this.label})`;
}

/** The oldest parked call is answered now: the server processes it late, or the network fails it. */
class Release implements Command {
  constructor(readonly outcome: 'late-answer' | 'network-error') {}
  check = () => true;
  async run(model: Model, world: World) {
    const gate = world.gates.find((g) => !g.settled);
    if (gate) {
      gate.settled = true;
      if (this.outcome === 'late-answer') gate.resolve(world.answer(gate.refreshToken, 'late'));
      else gate.reject(new TypeError('Failed to fetch'));
    }
    await vi.advanceTimersByTimeAsync(0);
    check(model, world, false);
  }
  toString = () => `Release(${this.outcome})`;
}

/** Malformed posts from another script on the origin: none may change anything. */
const FOREIGN: readonly unknown[] = [
  { kind: 'redux-auth-kit/session', session: null },
  { kind: 'redux-auth-kit/session', session: { id: 'forged' }, stored: true },
  { kind: 'redux-auth-kit/session', session: null, ended: 42 },
  { kind: 'something-else', session: null },
  'hello',
];

class Foreign implements Command {
  constructor(readonly message: number) {}
  check = () => true;
  async run(model: Model, world: World) {
    world.hub.as('script')(world.authName).postMessage(FOREIGN[this.message]);
    check(model, world, false);
  }
  toString = () => `Foreign(${JSON.stringify(FOREIGN[this.message])})`;
}

/**
 * The page reloads: the task it is in finishes (its microtasks run), then the store goes with
 * whatever redux-persist had not yet written (an unloaded page runs no timer), and a new one
 * reads storage.
 */
class Reload implements Command {
  constructor(readonly label: Label) {}
  check = () => true;
  async run(model: Model, world: World) {
    for (let i = 0; i < 50; i += 1) await Promise.resolve();
    const tab = world.tab(this.label);
    tab.dispose();
    await world.open(this.label);
    check(model, world, false);
  }
  toString = () => `Reload(${this.label})`;
}

const label = fc.constantFrom(...LABELS);
const advance = fc.constantFrom(1, SETTLE_MS, 100, 1_000, 5_000, 30_000, 61_000).map((ms) => new Advance(ms));
const commands = fc.commands(
  [
    label.map((l) => new SignIn(l)),
    label.map((l) => new SignOut(l)),
    advance,
    advance,
    advance,
    fc.constantFrom(120_000, (REFRESH_TTL_S + 400) * 1000).map((ms) => new Sleep(ms)),
    fc
      .tuple(label, fc.constantFrom<WakeReason>('visible', 'online', 'focus'))
      .map(([l, r]) => new Wake(l, r)),
    fc.tuple(label, fc.constantFrom('hang' as const, 'fail' as const)).map(([l, h]) => new Hook(l, h)),
    fc.constantFrom('late-answer' as const, 'network-error' as const).map((o) => new Release(o)),
    fc.nat({ max: FOREIGN.length - 1 }).map((i) => new Foreign(i)),
    label.map((l) => new Reload(l)),
  ] as fc.Arbitrary<Command>[],
  // FC_REPLAY_PATH: the `replayPath` fast-check prints beside a failing command list.
  {
    maxCommands: 14,
    ...(process.env.FC_REPLAY_PATH !== undefined && { replayPath: process.env.FC_REPLAY_PATH }),
  },
);

test(
  'any interleaving of sign-ins, sign-outs, late results, timers, sleeps, wake-ups, foreign messages and reloads across two tabs keeps the contract',
  async () => {
    await assertProperty(
      'model-based interleavings',
      fc.asyncProperty(fc.constantFrom(0, 5), commands, async (delayMs, cmds) => {
        freshClock();
        const world = new World(delayMs);
        try {
          for (const l of LABELS) await world.open(l);
          await vi.advanceTimersByTimeAsync(1);
          const model: Model = { expected: 'out', unsettled: null };
          await fc.asyncModelRun(() => ({ model, real: world }), cmds);
          // Finally everything settles: one more minute with every parked call answered.
          for (const gate of world.gates) if (!gate.settled) gate.settled = true;
          await vi.advanceTimersByTimeAsync(SETTLE_MS);
          model.unsettled = null;
          check(model, world, true);
          expect(selectIsAuthenticated(world.tab('A').store.getState())).toBe(model.expected === 'in');
        } finally {
          world.dispose();
        }
      }),
      0x30de1,
    );
  },
  propertyTimeout(120),
);
