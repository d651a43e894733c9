// Missing prerequisites: a printed skip locally, a failure under CI=true.
export const isCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** Returns `ok`; when false, prints why the tests that need `what` are skipped, or throws under CI. */
export const requirePrereq = (ok: boolean, what: string): boolean => {
  if (ok) return true;
  if (isCI()) throw new Error(`prerequisite missing under CI=true: ${what}`);
  console.log(`  SKIP: missing ${what}; the tests that need it are skipped (they fail under CI=true)`);
  return false;
};
