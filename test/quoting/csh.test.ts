import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { csh, quote, quoteGlob } from '../../src/quoting/csh';
import { announceSeed } from './support/arbitraries';
import { addShellRoundTrips } from './support/shell-suite';

const test = suite('quoting/csh');
announceSeed('quoting/csh');

addShellRoundTrips(test, ['tcsh', 'csh'], csh, 100);

test.run();
