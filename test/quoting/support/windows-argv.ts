// A faithful model of how a Windows program splits its command line (no Windows here to ask): the Microsoft
// C runtime's rules, as documented in "Parsing C++ command-line arguments", and CommandLineToArgvW's variant.
//   - arguments are separated by spaces and tabs outside "…";
//   - 2n backslashes + `"` give n backslashes and a quote that toggles "…" mode;
//   - 2n+1 backslashes + `"` give n backslashes and a literal `"`;
//   - other backslashes are literal;
//   - inside "…", `""` gives a literal `"`: the CRT since 2008 stays inside, CommandLineToArgvW (and the old
//     CRT) leaves "…" mode;
//   - argv[0] (the program) ends at the first space or tab, or is taken from "…" verbatim, no escapes.

/** Which program-side splitter to model. */
export type Splitter = 'crt' | 'CommandLineToArgvW';

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Splits the arguments after the program name. */
const splitArgs = (line: string, from: number, splitter: Splitter): string[] => {
  const args: string[] = [];
  let i = from;
  for (;;) {
    while (isBlank(line[i])) i++;
    if (i >= line.length) return args;
    let arg = '';
    let quoted = false;
    while (i < line.length && (quoted || !isBlank(line[i]))) {
      const c = line[i] as string;
      if (c === '\\') {
        let n = 0;
        while (line[i + n] === '\\') n++;
        if (line[i + n] !== '"') {
          arg += '\\'.repeat(n);
          i += n;
          continue;
        }
        arg += '\\'.repeat(Math.floor(n / 2));
        i += n;
        if (n % 2 === 1) {
          arg += '"';
          i++;
          continue;
        }
      }
      if (line[i] === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
          if (splitter === 'CommandLineToArgvW') quoted = false;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      arg += line[i];
      i++;
    }
    args.push(arg);
  }
};

/** Splits a whole command line into argv the way a Windows program does. */
export const windowsArgv = (line: string, splitter: Splitter = 'crt'): string[] => {
  let i = 0;
  let program = '';
  if (line[0] === '"') {
    const end = line.indexOf('"', 1);
    program = end === -1 ? line.slice(1) : line.slice(1, end);
    i = end === -1 ? line.length : end + 1;
  } else {
    while (i < line.length && !isBlank(line[i])) program += line[i++];
  }
  return [program, ...splitArgs(line, i, splitter)];
};
