/** Bumped with the protocol: a host refuses an engine of another version. */
export const ENGINE_VERSION = '0.1.0';
