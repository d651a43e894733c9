// A small file beside each persistent control socket (`<ctlPath>.info`, 0600) saying which destination the
// master serves and for how long it persists, for listings: the ControlMaster protocol cannot tell.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** What the process that started a persistent master records about it. */
export interface MasterInfo {
  /** `user@host:port` as the connection was given (never with a password). */
  destination: string;
  /** The `persist` duration it was started with, in seconds. */
  persistSeconds: number;
}

/** The info file of a control path. */
export const infoPathOf = (ctlPath: string): string => `${ctlPath}.info`;

/** Records `info` (atomically: written aside, then renamed). A failure only costs the listing its destination. */
export const writeMasterInfo = (ctlPath: string, info: MasterInfo): void => {
  const tmp = `${infoPathOf(ctlPath)}.${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
    renameSync(tmp, infoPathOf(ctlPath));
  } catch {
    rmSync(tmp, { force: true });
  }
};

/** The recorded info, or undefined when missing or unreadable. */
export const readMasterInfo = (ctlPath: string): MasterInfo | undefined => {
  try {
    const v = JSON.parse(readFileSync(infoPathOf(ctlPath), 'utf8')) as Partial<MasterInfo>;
    return typeof v.destination === 'string' && typeof v.persistSeconds === 'number'
      ? { destination: v.destination, persistSeconds: v.persistSeconds }
      : undefined;
  } catch {
    return undefined;
  }
};
