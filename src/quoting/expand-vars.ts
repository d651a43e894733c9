// Net::OpenSSH's variable expansion, run on each argument before quoting when `expandVars` is on.
import { glob, isGlob, isRaw, raw, type Arg } from './quoter';

/** Variable values by name; a missing or undefined one expands to ''. */
export type Vars =
  | Readonly<Record<string, string | number | undefined>>
  | ReadonlyMap<string, string | number | undefined>;

const valueFor = (vars: Vars, name: string): string => {
  const value =
    vars instanceof Map
      ? vars.get(name)
      : Object.hasOwn(vars, name)
        ? (vars as Record<string, unknown>)[name]
        : undefined;
  return value === undefined || value === null ? '' : String(value);
};

/**
 * Replaces `%NAME%` (NAME made of ASCII word characters `[A-Za-z0-9_]`) by its value, `%%` by `%`, an unknown
 * name by ''. Other `%` stay. Inherited properties (`%constructor%`) are not variables.
 *
 * `expandVars('%HOST%-%NOPE%-%%-100%', { HOST: 'h' })` → `h--%-100%`
 */
export const expandVars = (text: string, vars: Vars): string =>
  text.replace(/%(\w*)%/g, (_m, name: string) => (name === '' ? '%' : valueFor(vars, name)));

/** expandVars over command arguments, markers included (their kind is kept). */
export const expandArgs = (args: readonly Arg[], vars: Vars): Arg[] =>
  args.map((a) =>
    isRaw(a) ? raw(expandVars(a.value, vars)) : isGlob(a) ? glob(expandVars(a.value, vars)) : expandVars(a, vars),
  );
