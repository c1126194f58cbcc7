export const DEFAULT_CHROMIUM: string;

/** Flags for a quiet headless run: no GPU, no sandbox (containers), nothing phoning home. */
export const CHROMIUM_ARGS: string[];

/** `CHROMIUM_PATH` from `env` (default `process.env`), else /usr/bin/chromium; throws a plain message when it is not executable. */
export function chromiumPath(env?: Record<string, string | undefined>): string;
