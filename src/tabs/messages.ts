import { parseStoredSession } from '../persist/validate';
import type { AuthSession } from '../types';

/** Marks our messages among whatever else the channel carries. */
const KIND = 'redux-auth-kit/session';

/** What a tab posts on the channel, as it goes over the wire. */
export interface WireMessage {
  kind: typeof KIND;
  /** The session now in force in the announcing tab, or `null` after its sign-out. */
  session: AuthSession | null;
  /** With `session: null`: which session ended. */
  ended?: string;
  /** Whether the announcing tab's storage holds what it announced. */
  stored: boolean;
}

/** Another tab's news, validated. */
export type TabMessage =
  | { kind: 'session'; session: AuthSession; stored: boolean }
  | { kind: 'signed-out'; ended: string }
  /** Secure mode: a tab with no tokens of its own asks the others for theirs. */
  | { kind: 'ask' };

/** What a tab posts to ask the others for the session they have (secure mode: storage holds none). */
export const ASK_MESSAGE = { kind: KIND, ask: true } as const;

/** What this tab announces: its session now (`null` after a sign-out, naming the session that `ended`). */
export const wireMessage = ({
  session,
  ended,
  stored,
}: {
  session: AuthSession | null;
  ended: string | null;
  stored: boolean;
}): WireMessage =>
  session ? { kind: KIND, session, stored } : { kind: KIND, session, ended: ended ?? '', stored };

/**
 * What another tab posted, if it is one of our messages and well formed:
 * a session that passes the same checks as stored state (JSON-safe, no
 * `Date`, `Map`, `BigInt` or cycle in it — structured clone carries those), or
 * a sign-out naming the session it ended. Anything else is `null`: ignored.
 */
export function parseMessage(data: unknown): TabMessage | null {
  const message = data as Partial<Record<keyof WireMessage | 'ask', unknown>> | null | undefined;
  if (message?.kind !== KIND) return null;
  if (message.ask === true) return { kind: 'ask' };
  if (message.session === null) {
    return typeof message.ended === 'string' && message.ended !== ''
      ? { kind: 'signed-out', ended: message.ended }
      : null;
  }
  const session = parseStoredSession(message.session);
  return session && { kind: 'session', session, stored: message.stored === true };
}
