import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { endsWithPrompt, hostKeyProblem, lastLine } from '../../../src/core/login/prompt';
import { LoginDriver, exitDuringLogin } from '../../../src/core/login/login-driver';

const test = suite('core/login: prompts and the login dialogue');

test('default prompt: the unfinished last line ends in : or ?', () => {
  assert.ok(endsWithPrompt("\ruser@h's password: ", undefined));
  assert.ok(endsWithPrompt("Enter passphrase for key '/k': ", undefined));
  assert.ok(endsWithPrompt('Verification code?', undefined));
  assert.not.ok(endsWithPrompt('Notice to users:\r\n', undefined)); // a complete banner line
  assert.not.ok(endsWithPrompt("user@h's pass", undefined)); // half a prompt
  assert.not.ok(endsWithPrompt('', undefined));
  assert.is(lastLine('a\r\nb'), 'b');
});

test('custom prompts: a string in the last line, a RegExp on the text', () => {
  assert.ok(endsWithPrompt('banner:\r\nOTP> ', 'OTP>'));
  assert.not.ok(endsWithPrompt('OTP>\r\nmore', 'OTP>'));
  const g = /word: $/g;
  assert.ok(endsWithPrompt('pass word: ', g));
  assert.ok(endsWithPrompt('pass word: ', g)); // the g flag's lastIndex does not leak between calls
});

test('host key questions are failures, never answered', () => {
  assert.match(
    hostKeyProblem("The authenticity of host '[h]:22' can't be established.\r\nAre you sure (yes/no)? ")!,
    /known_hosts/,
  );
  assert.match(hostKeyProblem('@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @')!, /doesn't match/);
  assert.is(hostKeyProblem("user@h's password: "), undefined);
});

test('the driver answers once; a second prompt is a refusal naming the secret', () => {
  const d = new LoginDriver('password', undefined);
  assert.equal(d.feed("\ruser@h's pass"), { type: 'wait' });
  assert.equal(d.feed('word: '), { type: 'answer', prompt: "user@h's password:" });
  assert.ok(d.sent);
  assert.equal(d.feed('\r\n'), { type: 'wait' });
  const again = d.feed("Permission denied, please try again.\r\nuser@h's password: ");
  assert.is(again.type, 'fail');
  assert.match((again as { reason: string }).reason, /the password was refused \(a second password prompt appeared/);
});

test('without a secret (masterPtyForce) the driver only watches for host key questions', () => {
  const d = new LoginDriver(undefined, undefined);
  assert.equal(d.feed("user@h's password: "), { type: 'wait' });
  assert.is(d.feed("The authenticity of host 'h' can't be established.").type, 'fail');
});

test('exit during login: says the secret was refused when ssh said so', () => {
  assert.is(
    exitDuringLogin('password', true, 'x', 'u@h: Permission denied (password).\r\n'),
    'the password was refused (ssh: u@h: Permission denied (password).)',
  );
  assert.match(
    exitDuringLogin('passphrase', true, 'master process exited unexpectedly (code 255)', ''),
    /^the passphrase was refused or the master exited during login/,
  );
  assert.is(exitDuringLogin('password', false, 'connection refused', ''), 'connection refused');
});

test.run();
