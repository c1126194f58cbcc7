/**
 * The part of the Web Locks API (`navigator.locks`) the refresh needs.
 * Inject one in tests or hosts without it.
 */
export interface LockManagerLike {
  /**
   * Runs `callback` holding the lock `name` (Web Locks' `navigator.locks.request`).
   *
   * @param options.mode - `'exclusive'`, the Web Locks default and the only mode the sync needs.
   * @param options.signal - Aborting it gives up waiting for the lock: the request rejects.
   * @param options.steal - Takes the lock at once from its holder (a frozen tab), which loses it.
   * @param options.ifAvailable - Grants the lock only if it is free now; `callback` gets `null` otherwise.
   */
  request<T>(
    name: string,
    options: { mode?: 'exclusive'; signal?: AbortSignal; steal?: boolean; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

/** The part of `BroadcastChannel` the sync needs. */
export interface ChannelLike {
  /** Sends `message` to every other channel of the same name (structured clone). */
  postMessage(message: unknown): void;
  /** Listens for other tabs' messages. */
  addEventListener(
    type: 'message',
    listener: (event: {
      /** The message another tab posted (a structured clone). */
      data: unknown;
    }) => void,
  ): void;
  /** Stops listening. */
  removeEventListener(
    type: 'message',
    listener: (event: {
      /** The message another tab posted (a structured clone). */
      data: unknown;
    }) => void,
  ): void;
  /** Closes the channel: nothing more is sent or received. */
  close(): void;
}

/**
 * A tiny non-secret value every tab reads consistently at once (a cookie),
 * naming the newest session generation in storage. localStorage alone can hand
 * the next lock holder a value from before the previous holder's write.
 */
export interface GenerationMarker {
  /** The marker's value (`<sessionId>.<generation>`), or `null` when there is none. */
  read(): string | null;
  /** Sets the marker, or removes it (`null`) on sign-out. */
  write(value: string | null): void;
}

/**
 * How tabs sharing storage coordinate. Each part is optional; by default the
 * browser's `navigator.locks` and `BroadcastChannel` are used where they exist.
 * `null` turns a part off.
 */
export interface CrossTabOptions {
  /** Exclusive lock around every refresh. Default `navigator.locks` when present. */
  locks?: LockManagerLike | null;
  /** Opens the channel that announces sign-in, refresh and sign-out. Default `BroadcastChannel` where it exists. */
  channel?: ((name: string) => ChannelLike) | null;
  /**
   * A consistent generation marker beside a storage that lags between tabs.
   * Default: a cookie (`<authName>.gen`) beside localStorage, none beside cookies.
   */
  marker?: GenerationMarker | null;
}
