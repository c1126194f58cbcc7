/** Why the scheduler was woken outside its timer (`'clock'` is the periodic wall-clock check). */
export type WakeReason = 'visible' | 'online' | 'focus' | 'clock';

/**
 * Tells the scheduler when the page may have slept or come back online.
 * Returns an unsubscribe function. Inject your own in tests or non-DOM hosts.
 */
export type WakeSource = (onWake: (reason: WakeReason) => void) => () => void;

/**
 * Wake-ups from the browser: `visibilitychange` to visible, `online`,
 * `focus` and `pageshow`. Looks `window` up when subscribing, so importing this
 * module on a server touches nothing; there it subscribes to nothing.
 */
export const browserWakeSource: WakeSource = (onWake) => {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const onVisibility = (): void => {
    if (document.visibilityState === 'visible') onWake('visible');
  };
  const onOnline = (): void => onWake('online');
  const onFocus = (): void => onWake('focus');
  const each = (method: 'addEventListener' | 'removeEventListener'): void => {
    document[method]('visibilitychange', onVisibility);
    window[method]('online', onOnline);
    window[method]('focus', onFocus);
    window[method]('pageshow', onFocus);
  };
  each('addEventListener');
  return () => each('removeEventListener');
};
