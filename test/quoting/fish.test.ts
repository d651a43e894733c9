import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fish, quote, quoteGlob } from '../../src/quoting/fish';
import { announceSeed } from './support/arbitraries';
import { addShellRoundTrips } from './support/shell-suite';

const test = suite('quoting/fish');
announceSeed('quoting/fish');

addShellRoundTrips(test, ['fish'], fish, 200);

test.run();
