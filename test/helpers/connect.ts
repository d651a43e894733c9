// Connections to the test sshd, ended when the test file is done.
import { OpenSSH, type OpenSSHOptions } from '../../src/index';
import type { SshdFixture } from '../fixtures/sshd';

const open = new Set<OpenSSH>();

/** A connection to the fixture with its config, key and ctlDir, tracked for `disconnectAll`. */
export const connect = (f: SshdFixture, extra: OpenSSHOptions = {}, destination = f.destination): OpenSSH => {
  const ssh = new OpenSSH(destination, f.options(extra));
  open.add(ssh);
  return ssh;
};

/** Ends every connection made with `connect`. */
export const disconnectAll = async (): Promise<void> => {
  await Promise.all([...open].map((s) => s.disconnect()));
  open.clear();
};
