// The engines the behavioural suite runs against: every e2e file loops over them.
import type { EngineName } from '../../src/index';

export const ENGINES: Exclude<EngineName, 'auto'>[] = ['spawn', 'mux'];
