import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { outputRedirections } from '../../src/core/remote-command';
import {
  isSftpOnlyOutput,
  refusedRedirectionLine,
  restrictedShellLine,
  saysSftpOnly,
} from '../../src/core/server-refusals';
import { raw } from '../../src/quoting/quoter';
import { getQuoter } from '../../src/quoting/get-quoter';

const test = suite('core/server-refusals');

// Real outputs: OpenSSH 9.2's sshd for a command on a `ForceCommand internal-sftp` account, bash 5.2 as rbash.
test("sshd's sftp-only sentence: the whole output of a command, or a line of scp's stderr", () => {
  assert.ok(isSftpOnlyOutput('This service allows sftp connections only.\n'));
  assert.ok(isSftpOnlyOutput('This service allows sftp connections only.\r\n'), 'with a tty');
  assert.not.ok(isSftpOnlyOutput('x\nThis service allows sftp connections only.\n'), 'more output: not the refusal');
  assert.not.ok(isSftpOnlyOutput(''));
  assert.ok(saysSftpOnly('scp: warning\nThis service allows sftp connections only.\n'));
  assert.not.ok(saysSftpOnly('protocol version mismatch -- is your shell clean?\n'));
});

test("rbash's refusals: any restricted line; the redirection only as the first line", () => {
  const redirect = 'rbash: line 1: /dev/null: restricted: cannot redirect output';
  assert.is(restrictedShellLine(`${redirect}\n`), redirect);
  assert.is(restrictedShellLine('rbash: line 1: cd: restricted\n'), 'rbash: line 1: cd: restricted');
  const slash = "rbash: line 1: /bin/echo: restricted: cannot specify `/' in command names";
  assert.is(restrictedShellLine(slash), slash);
  assert.is(restrictedShellLine('bash: cd: restricted'), 'bash: cd: restricted', 'bash -r');
  assert.is(restrictedShellLine('ls: cannot access x: No such file or directory\n'), undefined);
  assert.is(restrictedShellLine('sh: 1: restricted: not found\n'), undefined);
  assert.is(refusedRedirectionLine(`${redirect}\n`), redirect);
  assert.is(refusedRedirectionLine('rbash: line 1: cd: restricted\n'), undefined);
  assert.is(refusedRedirectionLine(`other\n${redirect}\n`), undefined, 'a later line is the command talking');
});

test('outputRedirections: the options whose output redirection the command line carries', () => {
  const c = { host: 'h', quoter: getQuoter('POSIX'), argumentEncoding: 'utf8', vars: undefined };
  assert.equal(outputRedirections(['ls', '-l'], { stdoutDiscard: true }, c), ['stdoutDiscard']);
  assert.equal(outputRedirections(['ls', '-l'], { stderrDiscard: true }, c), ['stderrDiscard']);
  assert.equal(outputRedirections(['ls', '-l'], { stdoutDiscard: true, stderrDiscard: true }, c), [
    'stdoutDiscard',
    'stderrDiscard',
  ]);
  assert.equal(outputRedirections(['ls', '-l'], { stdoutDiscard: true, stderrToStdout: true }, c), [
    'stdoutDiscard',
    'stderrToStdout',
  ]);
  assert.equal(outputRedirections(['ls', '-l'], { stderrToStdout: true, stdinDiscard: true }, c), [], 'rbash allows');
  assert.equal(outputRedirections(['ls -l'], { stdoutDiscard: true }, c), [], 'one argument: not quoted, none added');
  assert.equal(outputRedirections(['ls', raw('|'), 'wc'], { stdoutDiscard: true }, c), [], 'raw(): none added');
  assert.equal(outputRedirections(['ls', '-l'], { stdoutDiscard: true, quoteArgsExtended: false }, c), []);
  assert.equal(outputRedirections(['ls', '-l'], { stderrDiscard: true, remoteShell: 'csh' }, c), [], 'csh has none');
});

test.run();
