/**
 * Process-wide facts the plugins share.
 *
 * @module
 */

/** What plugins have done to this process. */
export const processState: { daemonized: boolean } = { daemonized: false };
