import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { classifySshStderr, describeSshFailure } from '../../src/core/ssh-stderr';

const test = suite('core/ssh-stderr');

// Real OpenSSH 9.2 outputs, captured on this kind of machine.
const CASES: Array<[string, RegExp]> = [
  [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n' +
      '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n' +
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n' +
      'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nHost key verification failed.\n',
    /doesn't match/,
  ],
  [
    'No ED25519 host key is known for [127.0.0.1]:40123 and you have requested strict checking.\n' +
      'Host key verification failed.\n',
    /authenticity .* known_hosts/,
  ],
  ['netossh@127.0.0.1: Permission denied (publickey).\n', /permission denied/],
  ['ssh: connect to host 127.0.0.1 port 1: Connection refused\n', /connection refused/],
  ['ssh: Could not resolve hostname nowhere.invalid: Name or service not known\n', /resolve/],
  ['ssh: connect to host 10.255.255.1 port 22: Connection timed out\n', /timed out/],
  [
    'Received disconnect from 127.0.0.1 port 22:2: Too many authentication failures\n',
    /too many authentication failures/,
  ],
  [
    'kex_exchange_identification: Connection closed by remote host\nConnection closed by 127.0.0.1 port 2222\n',
    /closed the connection before login/,
  ],
  ['command-line line 0: Bad configuration option: frobnicate\n', /rejected an option/],
  [
    "Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\nsomething odd happened\n",
    /ssh said: something odd happened/,
  ],
];
for (const [text, re] of CASES)
  test(`classifies: ${text.trim().split('\n').at(-1)}`, () => assert.match(classifySshStderr(text)!.reason, re));

test('nothing said: undefined, and the fallback is used', () => {
  assert.is(classifySshStderr(''), undefined);
  assert.is(classifySshStderr("Warning: Permanently added 'x' (ED25519) to the list of known hosts.\n"), undefined);
  assert.is(describeSshFailure('', 'master process exited unexpectedly'), 'master process exited unexpectedly');
});

test('the ssh line is quoted beside the reason', () => {
  assert.is(
    describeSshFailure('ssh: connect to host h port 1: Connection refused\n', 'x'),
    'connection refused: is sshd running on that host and port? (ssh: connect to host h port 1: Connection refused)',
  );
});

test.run();
