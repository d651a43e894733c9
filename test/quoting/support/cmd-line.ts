// A model of what cmd.exe does to the text of `cmd.exe /c <text>` before it starts the program (command-line
// mode, delayed expansion off), after the phases described in the well-known analysis of cmd.exe's parser:
//   1. percent expansion: `%name%` with a defined name (case-insensitive) is replaced; an undefined one is
//      kept and scanning resumes at its closing `%`; `%name:~a,b%` and `%name:x=y%` act on a defined `name`;
//   2. special characters: `"` toggles quoting (kept); outside quotes `^c` is a literal c (the caret goes),
//      and an unescaped `& | < > ( )` is cmd syntax — the model throws, since that means the quoting failed.

/** Thrown when the text would be run as cmd.exe syntax. */
export class CmdSyntax extends Error {}

const lookup = (env: Readonly<Record<string, string>>, name: string): string | undefined => {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
};

// `%name%`, `%name:~start[,len]%` or `%name:from=to%`; undefined when the variable does not exist.
const expand = (spec: string, env: Readonly<Record<string, string>>): string | undefined => {
  const colon = spec.indexOf(':');
  const value = lookup(env, colon === -1 ? spec : spec.slice(0, colon));
  if (value === undefined || colon === -1) return value;
  const op = spec.slice(colon + 1);
  const sub = /^~(-?\d+)(?:,(-?\d+))?/.exec(op);
  if (sub) {
    const start = Number(sub[1]);
    const from = start < 0 ? Math.max(0, value.length + start) : start;
    const len = sub[2] === undefined ? undefined : Number(sub[2]);
    return len === undefined
      ? value.slice(from)
      : len < 0
        ? value.slice(from, value.length + len)
        : value.slice(from, from + len);
  }
  const eq = op.indexOf('=');
  if (eq > 0) return value.split(op.slice(0, eq)).join(op.slice(eq + 1));
  return value;
};

/** Phase 1: percent expansion in command-line mode. */
export const percentPhase = (text: string, env: Readonly<Record<string, string>>): string => {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const close = c === '%' ? text.indexOf('%', i + 1) : -1;
    if (close === -1) {
      out += c;
      i++;
      continue;
    }
    const value = expand(text.slice(i + 1, close), env);
    if (value === undefined) {
      out += text.slice(i, close); // kept; the closing % may open the next name
      i = close;
    } else {
      out += value;
      i = close + 1;
    }
  }
  return out;
};

/** Phase 2: carets and quotes; throws CmdSyntax on an unescaped operator. */
export const specialPhase = (text: string): string => {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '^') {
      if (i + 1 >= text.length) throw new CmdSyntax('a caret at the end of the line continues the command');
      out += text[++i];
      continue;
    } else if (!quoted && '&|<>()'.includes(c))
      throw new CmdSyntax(`unescaped ${c} at ${i} in ${JSON.stringify(text)}`);
    out += c;
  }
  return out;
};

/** What the program started by `cmd.exe /c <text>` gets as its command line. */
export const cmdLine = (text: string, env: Readonly<Record<string, string>> = {}): string =>
  specialPhase(percentPhase(text, env));
