import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { withFakeClock } from './support/clock';
import {
  expectOnlyLiveTokensSent,
  openDevToolsBrowser,
  REDUCER_KINDS,
  type DevToolsBrowser,
  type DevToolsTab,
  type ReducerKind,
} from './support/devtools';

// Runs: FC_RUNS (default 1,000). Seed: FC_SEED (default: a fresh one, printed when the property fails).
// Shrinking: off by default so a failure on broken code ends fast; FC_SHRINK=1 turns it on.
const RUNS = Number(process.env.FC_RUNS ?? 1_000);
const SEED =
  process.env.FC_SEED === undefined
    ? (Date.now() ^ (Math.random() * 2 ** 31)) | 0
    : Number(process.env.FC_SEED);
const SHRINK = process.env.FC_SHRINK === '1';

// Fake timers fake `performance` too; the runtime is measured on the real clock.
const realNow = performance.now.bind(performance);

withFakeClock();

/** A place in the history, as a fraction of its length (so it means something whatever the length). */
const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const onTab = fc.constantFrom('A', 'A', 'B');

const command = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('advance'),
      ms: fc.constantFrom(100, 1_000, 5_000, 15_000, 31_000, 60_000),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('signIn'), tab: onTab }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('signOut'), tab: onTab }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refreshNow'), tab: onTab }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('note') }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('jumpToState'), at }) },
  // Clicking a recent action: one to three states back from the tip.
  { weight: 3, arbitrary: fc.record({ op: fc.constant('jumpBack'), by: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('jumpToAction'), at }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('showPresent') }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('toggleAction'), at }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('setActionsActive'),
      at,
      span: fc.integer({ min: 1, max: 4 }),
      active: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('sweep') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('commit') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rollback') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reset') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reorderAction'), at, before: at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('export'), redacted: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('import'), which: at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lockChanges'), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pauseRecording'), on: fc.boolean() }) },
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

/**
 * The staged action id at fraction `f` of the history, past the `@@INIT` at 0 (skipping or moving
 * that one breaks the instrument itself, and no monitor offers it); `null` when there is none.
 */
function idAt(tab: DevToolsTab, f: number): number | null {
  const ids = tab.history().stagedActionIds.slice(1);
  return ids.length === 0 ? null : ids[Math.floor(f * ids.length)]!;
}

interface Run {
  browser: DevToolsBrowser;
  a: DevToolsTab;
  b: DevToolsTab;
  exports: string[];
}

function execute({ browser, a, b, exports }: Run, c: Command): Promise<void> | void {
  const tab = 'tab' in c && c.tab === 'B' ? b : a;
  switch (c.op) {
    case 'advance':
      return browser.advance(c.ms, c.ms);
    case 'signIn':
      return void tab.signIn();
    case 'signOut':
      return void tab.signOut();
    case 'refreshNow':
      return void tab.refreshNow();
    case 'note':
      return void a.note();
    case 'jumpToState':
      return a.jumpToState(Math.floor(c.at * a.history().computedStates.length));
    case 'jumpBack':
      return a.jumpToState(Math.max(0, a.history().computedStates.length - 1 - c.by));
    case 'jumpToAction': {
      const ids = a.history().stagedActionIds;
      return a.jumpToAction(ids[Math.floor(c.at * ids.length)]!);
    }
    case 'showPresent':
      return a.showPresent();
    case 'toggleAction': {
      const id = idAt(a, c.at);
      return void (id !== null && a.toggleAction(id));
    }
    case 'setActionsActive': {
      const start = idAt(a, c.at);
      return void (start !== null && a.setActionsActive(start, start + c.span, c.active));
    }
    case 'sweep':
      return a.sweep();
    case 'commit':
      return a.commit();
    case 'rollback':
      return a.rollback();
    case 'reset':
      return a.reset();
    case 'reorderAction': {
      const [id, before] = [idAt(a, c.at), idAt(a, c.before)];
      return void (id !== null && before !== null && a.reorderAction(id, before));
    }
    case 'export':
      return void exports.push(a.exportHistory({ redacted: c.redacted }));
    case 'import': {
      const file = exports[Math.floor(c.which * exports.length)];
      // A failed import (redux-persist cannot replay a serialized PERSIST) changes nothing.
      if (file !== undefined) a.importHistory(file);
      return;
    }
    case 'lockChanges':
      return a.lockChanges(c.on);
    case 'pauseRecording':
      return a.pauseRecording(c.on);
  }
}

/**
 * Library actions a tab may dispatch at one instant: five (due steps: an expiry or an end; the
 * check which state the store shows, and after a history edit the live state put back; a
 * refresh's start or result; another tab's news), and two more per command run then. A loop makes
 * hundreds.
 */
const INSTANT_BUDGET = (commands: number): number => 5 + 2 * commands;
/**
 * While a past state is shown the live session changes only through what happens meanwhile, and
 * each version of it has at most three due times (refresh, access-token expiry, refresh-token
 * expiry): three for the session the past state was shown over, three for a refresh that was in
 * flight, three for each command run and for each refresh the other tab made meanwhile (which
 * reaches this tab as news).
 */
const PAST_BUDGET = (changes: number): number => 3 * (2 + changes);

/** Monitor actions that rewrite the live history (and recompute every state). */
const EDITS = new Set<Command['op']>([
  'toggleAction',
  'setActionsActive',
  'sweep',
  'commit',
  'rollback',
  'reset',
  'reorderAction',
  'import',
  'pauseRecording',
]);

/** What the runs exercised, printed with the runtime: a property that never got there proves little. */
const coverage = { runs: 0, refreshed: 0, heldPast: 0, heldPastThroughDue: 0, calls: 0 };

/** Runs `check`, naming the step in its failure. */
function atStep(step: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new Error(`${step}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function checkSequence(kind: ReducerKind, commands: Command[]): Promise<void> {
  const browser = openDevToolsBrowser({ kind, maxCalls: 60 });
  try {
    const a = await browser.openTab();
    const b = await browser.openTab();
    const run: Run = { browser, a, b, exports: [] };
    /** Commands run at each instant: each may legitimately make the library act then. */
    const commandsAt = new Map<number, number>();
    /** Library actions appended while a past state was shown, and the commands run meanwhile. */
    let streak = { actions: 0, commands: 0, otherCallsBefore: 0 };
    const held = { past: false, throughDue: false };
    /** Log entries before the first edit of the history: rule 3 is judged on those. */
    let beforeEdits = Infinity;
    // Every run starts signed in, so the sequence has a session to get wrong.
    const steps: Command[] = [
      { op: 'signIn', tab: 'A' },
      ...commands,
      { op: 'lockChanges', on: false },
      { op: 'showPresent' },
      { op: 'advance', ms: 5_000 },
    ];
    for (const [i, c] of steps.entries()) {
      const logged = a.log.length;
      const pastBefore = a.isShowingPast();
      const isAdvance = c.op === 'advance';
      commandsAt.set(Date.now(), (commandsAt.get(Date.now()) ?? 0) + (isAdvance ? 0 : 1));
      if (pastBefore && isAdvance && a.live().auth.session !== null) {
        held.past = true;
        if (c.ms >= 30_000) held.throughDue = true;
      }
      const step = `step ${i} ${JSON.stringify(c)}`;
      if (EDITS.has(c.op)) beforeEdits = Math.min(beforeEdits, a.log.length, b.log.length);
      try {
        await execute(run, c);
      } catch (error) {
        throw new Error(`${step}: ${error instanceof Error ? error.message : String(error)}`);
      }

      atStep(step, () => {
        // A flood trips the breaker: the tab's library is stopped and the run fails here.
        for (const tab of [a, b]) expect(tab.flood(), 'flood').toBeNull();
        // 1. No spent refresh token is ever sent (nor one the server never issued).
        expectOnlyLiveTokensSent(browser.server);
        // 2. No more than one library action per due time: nothing is dispatched in a loop at one
        //    instant, and while a past state is shown, no more than the live session's due times allow.
        for (const tab of [a, b]) {
          const perInstant = new Map<number, number>();
          for (const action of tab.libraryActions())
            perInstant.set(action.at, (perInstant.get(action.at) ?? 0) + 1);
          for (const [instant, count] of perInstant) {
            expect(
              count,
              `tab ${tab.label}: library actions at ${instant}: ${tab
                .libraryActions()
                .filter((x) => x.at === instant)
                .map((x) => x.type)
                .join(', ')}`,
            ).toBeLessThanOrEqual(INSTANT_BUDGET(commandsAt.get(instant) ?? 0));
          }
        }
        const appended = a.log
          .slice(logged)
          .filter((x) => x.whilePast && !x.byTest && x.type.startsWith('auth/'));
        if (pastBefore || appended.length > 0) {
          streak = {
            actions: streak.actions + appended.length,
            commands: streak.commands + (isAdvance ? 0 : 1),
            otherCallsBefore: streak.otherCallsBefore,
          };
          const changes = streak.commands + b.calls.length - streak.otherCallsBefore;
          expect(streak.actions, 'library actions while a past state was shown').toBeLessThanOrEqual(
            PAST_BUDGET(changes),
          );
        }
        // 3. While a past state of another auth state is shown no refresh starts (one already in
        //    flight at the jump completes, with the live token: rule 1). Judged until the history is
        //    first edited: an edit recomputes every state, and the library then follows the session
        //    its auth actions produced, which the monitor's rewritten present no longer is.
        const startedWhilePast = [a, b].flatMap((tab) =>
          tab.log
            .slice(0, beforeEdits)
            .filter((x) => x.pastAuthDiffers && !x.byTest && x.type === 'auth/refreshStarted'),
        );
        expect(startedWhilePast.length, 'refreshes started while a past state was shown').toBe(0);
      });
      if (!a.isShowingPast()) streak = { actions: 0, commands: 0, otherCallsBefore: b.calls.length };
    }
    coverage.runs += 1;
    coverage.calls += browser.server.log.length;
    if (browser.server.log.length > 0) coverage.refreshed += 1;
    if (held.past) coverage.heldPast += 1;
    if (held.throughDue) coverage.heldPastThroughDue += 1;
  } finally {
    browser.dispose();
    vi.clearAllTimers();
  }
}

describe.each(REDUCER_KINDS)('%s reducer: random DevTools sessions', (kind) => {
  test(
    `random sequences of auth actions, timer advances and monitor actions never send a spent refresh token and dispatch no more than one library action per due time (${RUNS} runs)`,
    async () => {
      const started = realNow();
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), (commands) =>
            checkSequence(kind, commands),
          ),
          { numRuns: RUNS, seed: SEED, endOnFailure: !SHRINK },
        );
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        throw new Error(
          `property failed; rerun with FC_SEED=${SEED} (FC_SHRINK=1 to shrink)\n${String(error)}` +
            (cause === undefined
              ? ''
              : `\ncaused by: ${cause instanceof Error ? cause.message : String(cause)}`),
        );
      } finally {
        const { runs, refreshed, heldPast, heldPastThroughDue, calls } = coverage;
        console.log(
          `${kind}: ${runs} of ${RUNS} runs done in ${Math.round(realNow() - started)} ms (seed ${SEED}); ` +
            `${refreshed} refreshed (${calls} refresh calls in all), ${heldPast} held a past state while time passed, ` +
            `${heldPastThroughDue} for 30 s or more at once`,
        );
        Object.assign(coverage, { runs: 0, refreshed: 0, heldPast: 0, heldPastThroughDue: 0, calls: 0 });
      }
    },
    Math.max(60_000, RUNS * 1_000),
  );
});
