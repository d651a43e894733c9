// Pure: reading an `ssh -v -W` slave's stderr for the open of its channel (tunnels/connect-watch.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectWatch, isVerbose } from '../../src/tunnels/connect-watch';
import { strict } from '../helpers/setup';

strict();
const test = suite('tunnels: connect watch');

const watch = (dropDebug: boolean) => {
  const seen: string[] = [];
  let opened = 0;
  const w = new ConnectWatch(
    dropDebug,
    () => opened++,
    (c) => seen.push(c.toString('latin1')),
  );
  return { w, seen, opened: () => opened };
};

test("the mux client's session line opens it once; our debug lines are kept from the caller, the others pass", () => {
  const { w, seen, opened } = watch(true);
  w.push(Buffer.from('OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\r\n'));
  w.push(Buffer.from('debug1: Reading configuration data /etc/ssh/ssh_config\r\n'));
  assert.is(opened(), 0);
  // split across chunks, as a pipe may deliver it
  w.push(Buffer.from('debug1: mux_client_request_stdio_fwd: master sess'));
  w.push(Buffer.from('ion id: 2\r\nchannel 0: open failed: x\r\n'));
  assert.is(opened(), 1);
  w.push(Buffer.from('debug1: mux_client_request_stdio_fwd: master session id: 2\r\n'));
  w.open();
  assert.is(opened(), 1, 'once');
  w.push(Buffer.from('a last line without newline \xe9', 'latin1'));
  w.end();
  assert.equal(seen, ['channel 0: open failed: x\r\n', 'a last line without newline \xe9']);
});

test("the caller's own -v: every line passes; a refusal is not an open", () => {
  const { w, seen, opened } = watch(false);
  const lines = [
    'debug1: Reading configuration data /etc/ssh/ssh_config\n',
    'Stdio forwarding request failed: Session open refused by peer\n',
  ];
  w.push(Buffer.from(lines.join('')));
  w.end();
  assert.is(opened(), 0);
  assert.equal(seen, lines);
});

test('isVerbose: -v clusters and LogLevel DEBUG*; not other log levels', () => {
  assert.is(isVerbose(['-v']), true);
  assert.is(isVerbose(['-F', 'x', '-vvv']), true);
  assert.is(isVerbose(['-o', 'LogLevel=DEBUG2']), true);
  assert.is(isVerbose(['-oLogLevel debug']), true);
  assert.is(isVerbose(['-o', 'LogLevel=ERROR']), false);
  assert.is(isVerbose(['-q']), false);
  assert.is(isVerbose([]), false);
});

test.run();
