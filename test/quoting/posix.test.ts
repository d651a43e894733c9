import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { posix, quote, quoteGlob } from '../../src/quoting/posix';
import { announceSeed } from './support/arbitraries';
import { addShellRoundTrips } from './support/shell-suite';

const test = suite('quoting/posix');
announceSeed('quoting/posix');

addShellRoundTrips(test, ['bash', 'dash', 'zsh', 'mksh', 'ksh', 'sh'], posix, 0);

test.run();
