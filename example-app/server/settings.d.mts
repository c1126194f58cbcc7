/** What the example's start scripts take from the environment. */
export interface Settings {
  /** PORT: 0 means any free port. */
  port: number;
  /** ACCESS_TTL: seconds an access token lives. */
  accessTtl: number;
  /** REFRESH_TTL: seconds a refresh token lives (renewed on each rotation). */
  refreshTtl: number;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; message: string };

/** Reads PORT, ACCESS_TTL and REFRESH_TTL (unset or empty: 5173, 30, 3600); a bad value is reported, not thrown. */
export function readSettings(env: Record<string, string | undefined>): SettingsResult;

/** The settings from `process.env`; on a bad value prints one line to stderr and exits with status 1. */
export function settingsOrExit(): Settings;
