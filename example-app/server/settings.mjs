// What `npm start` (start.mjs) and dev.mjs read from the environment, checked
// before anything is built or started, so a typo ends in one line that says
// what is wrong instead of a stack trace half-way through a build.

/** A browser keeps a cookie at most 400 days; nothing here needs to live longer. */
const MAX_SECONDS = 400 * 24 * 3600;

const SECONDS = `a whole number of seconds from 1 to ${MAX_SECONDS} (400 days)`;

const VARIABLES = {
  PORT: { fallback: 5173, min: 0, max: 65535, what: 'a whole number from 0 to 65535 (0: any free port)' },
  ACCESS_TTL: { fallback: 30, min: 1, max: MAX_SECONDS, what: SECONDS },
  REFRESH_TTL: { fallback: 3600, min: 1, max: MAX_SECONDS, what: SECONDS },
};

/**
 * Reads PORT, ACCESS_TTL and REFRESH_TTL from `env` (unset or empty: the default).
 *
 * @param {Record<string, string | undefined>} env
 * @returns {import('./settings.d.mts').SettingsResult}
 */
export function readSettings(env) {
  const values = {};
  const problems = [];
  for (const [name, { fallback, min, max, what }] of Object.entries(VARIABLES)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      values[name] = fallback;
      continue;
    }
    // Digits only: Number() would also take " 30", "3e1", "0x1e" and "30.5".
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isSafeInteger(value) && value >= min && value <= max) values[name] = value;
    else problems.push(`${name} must be ${what}, got "${raw}"`);
  }
  if (problems.length > 0)
    return { ok: false, message: `Cannot start the example app: ${problems.join('; ')}.` };
  return {
    ok: true,
    settings: { port: values.PORT, accessTtl: values.ACCESS_TTL, refreshTtl: values.REFRESH_TTL },
  };
}

/**
 * The settings from `process.env`; on a bad value prints one line to stderr and exits with status 1.
 *
 * @returns {import('./settings.d.mts').Settings}
 */
export function settingsOrExit() {
  const result = readSettings(process.env);
  if (result.ok) return result.settings;
  console.error(result.message);
  process.exit(1);
}
