// The engines the behavioural suite runs against: every e2e file loops over them. NET_OPENSSH_TEST_ENGINES
// (`spawn`, `mux` or both, comma-separated) narrows them for a process: the parallel runner
// (test/helpers/parallel-run.ts) runs a long file once per engine, in two processes at once.
import type { EngineName } from '../../src/index';

type TestEngine = Exclude<EngineName, 'auto'>;
const ALL: TestEngine[] = ['spawn', 'mux'];

const fromEnv = (text: string | undefined): TestEngine[] => {
  if (!text) return ALL;
  const wanted = text.split(',').map((s) => s.trim());
  const bad = wanted.filter((e) => !ALL.includes(e as TestEngine));
  if (bad.length > 0 || wanted.length === 0)
    throw new Error(`NET_OPENSSH_TEST_ENGINES: spawn, mux or both (comma-separated), got ${JSON.stringify(text)}`);
  return ALL.filter((e) => wanted.includes(e));
};

/** The engines this process tests: both, unless NET_OPENSSH_TEST_ENGINES names one. */
export const ENGINES: TestEngine[] = fromEnv(process.env.NET_OPENSSH_TEST_ENGINES);
