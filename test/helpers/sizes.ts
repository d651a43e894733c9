// The suite's one size knob. `npm test` / `npm run unit` run every test at full size (CI); `npm run test:quick`
// (NET_OPENSSH_TEST_SIZE=quick) runs every test file with small byte sizes and repetition counts, asserting the same
// things, for day-to-day work. A test picks both values where it sets a size: `sized(1024 * MiB, 64 * MiB)`.

/** Whether this run uses the small sizes (`NET_OPENSSH_TEST_SIZE=quick`, set by `npm run test:quick`). */
export const QUICK = process.env.NET_OPENSSH_TEST_SIZE === 'quick';

/** `full` in a full run, `quick` in a quick one. */
export const sized = <T>(full: T, quick: T): T => (QUICK ? quick : full);

/** Bytes in a KiB, a MiB and a GiB. */
export const KiB = 1024;
/** Bytes in a MiB. */
export const MiB = 1024 ** 2;
/** Bytes in a GiB. */
export const GiB = 1024 ** 3;
