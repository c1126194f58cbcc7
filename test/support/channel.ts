import type { ChannelLike } from 'redux-auth-kit';

type Listener = (event: { data: unknown }) => void;

/** One message on its way from one open channel to another. */
export interface Delivery {
  name: string;
  /** Labels of the sending and the receiving channel (see `hub.as`). */
  from: string;
  to: string;
  data: unknown;
}

interface Endpoint extends ChannelLike {
  name: string;
  label: string;
  closed: boolean;
  listeners: Set<Listener>;
}

/**
 * An in-process `BroadcastChannel`: the hub itself is the `(name) => ChannelLike`
 * factory to pass as `crossTab: { channel: hub }`, or `hub.as('B')` to label a
 * store's channel for `drop` rules.
 *
 * As in browsers, `postMessage` serializes at once (`structuredClone`) and
 * delivers to every other open channel of the same name — never to the sender —
 * as a task (`setTimeout`, so later than microtasks and under fake-timer
 * control); a channel closed before delivery receives nothing.
 */
export function createChannelHub(options: { delayMs?: number } = {}) {
  const open = new Set<Endpoint>();
  const stats = { posted: 0, delivered: 0, dropped: 0 };
  /** Every message posted, as the sender's label and the cloned data. */
  const log: Array<{ from: string; data: unknown }> = [];
  let labels = 0;
  const knobs = {
    /** Delivery delay in ms (default 0: the next task). */
    delayMs: options.delayMs ?? 0,
    /** Return `true` to drop a delivery (a tab that never hears of it). */
    drop: (_delivery: Delivery): boolean => false,
  };

  function openChannel(name: string, label: string): ChannelLike {
    const endpoint: Endpoint = {
      name,
      label,
      closed: false,
      listeners: new Set(),
      postMessage(message: unknown) {
        if (endpoint.closed) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError');
        const data = structuredClone(message);
        stats.posted += 1;
        log.push({ from: label, data });
        for (const target of open) {
          if (target === endpoint || target.name !== name) continue;
          if (knobs.drop({ name, from: label, to: target.label, data })) {
            stats.dropped += 1;
            continue;
          }
          setTimeout(() => {
            if (target.closed) return;
            stats.delivered += 1;
            for (const listener of [...target.listeners]) listener({ data: structuredClone(data) });
          }, knobs.delayMs);
        }
      },
      addEventListener(_type: 'message', listener: Listener) {
        endpoint.listeners.add(listener);
      },
      removeEventListener(_type: 'message', listener: Listener) {
        endpoint.listeners.delete(listener);
      },
      close() {
        endpoint.closed = true;
        open.delete(endpoint);
      },
    };
    open.add(endpoint);
    return endpoint;
  }

  const hub = (name: string): ChannelLike => openChannel(name, `tab${++labels}`);
  return Object.assign(hub, {
    /** A factory whose channels carry `label` (the tab's name in `drop` rules). */
    as: (label: string) => (name: string) => openChannel(name, label),
    knobs,
    stats,
    log,
    /** Channels open right now. */
    openCount: (): number => open.size,
  });
}

export type ChannelHub = ReturnType<typeof createChannelHub>;
