// A middleware that records what a store is dispatched.
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';

export interface ActionRecorder<T> {
  /** What was recorded, in dispatch order; a test may empty it (`length = 0`). */
  readonly actions: T[];
  /** Records each action it sees, then passes it on. */
  readonly middleware: Middleware;
}

function recorder<T>(into: T[], keep: (action: UnknownAction) => T): ActionRecorder<T> {
  const middleware: Middleware = () => (next) => (action) => {
    into.push(keep(action as UnknownAction));
    return next(action);
  };
  return { actions: into, middleware };
}

/**
 * Records every action that reaches the middleware, appending to `into` (one log can serve
 * several stores).
 */
export function recordActions(into: UnknownAction[] = []): ActionRecorder<UnknownAction> {
  return recorder(into, (action) => action);
}

/** Records the type of every action that reaches the middleware. */
export function recordActionTypes(): ActionRecorder<string> {
  return recorder([], (action) => action.type);
}
