// The `net-openssh` executable (bin): `tsx src/cli/main.ts ...` from source, dist/cli.mjs when built.
import { cli } from './program';
import { processIO } from './io';

process.exitCode = await cli(process.argv.slice(2), processIO());
