/**
 * The HTTP status of a failed base-query result: a numeric `status`, else a
 * numeric `originalStatus` (`fetchBaseQuery`'s `PARSING_ERROR`, e.g. a 401 with
 * a plain-text body), else `undefined`.
 */
export function defaultStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, originalStatus } = error as { status?: unknown; originalStatus?: unknown };
  if (typeof status === 'number') return status;
  if (typeof originalStatus === 'number') return originalStatus;
  return undefined;
}
