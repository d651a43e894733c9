// A connection's `%NAME%` variables (Net::OpenSSH's set_var / get_var / set_expand_vars): HOST, USER and
// PORT maintained by the connection, the user's own beside them, and whether expansion is on.
import { invalidArgument } from '../core/errors';
import { expandVars } from '../quoting/expand-vars';

/** The variables of one connection and the expansion switch. */
export class VarTable {
  private readonly vars = new Map<string, string>();

  constructor(
    /** Whether expansion is on. */
    public expand: boolean,
    initial: Readonly<Record<string, string | undefined>>,
  ) {
    for (const [k, v] of Object.entries(initial)) if (v !== undefined) this.vars.set(k, v);
  }

  /** Sets a variable; NAME is made of letters, digits and `_`. */
  set(name: string, value: string | number): void {
    if (typeof name !== 'string' || !/^\w+$/.test(name))
      throw invalidArgument('Expected a variable name made of letters, digits and _', name);
    if (typeof value !== 'string' && typeof value !== 'number')
      throw invalidArgument(`Expected the value of ${name} to be a string or a number`, value);
    this.vars.set(name, String(value));
  }

  /** A variable's value, or undefined. */
  get(name: string): string | undefined {
    return this.vars.get(name);
  }

  /** Turns expansion on or off. */
  setExpand(on: boolean): void {
    if (typeof on !== 'boolean') throw invalidArgument('Expected setExpandVars(true|false)', on);
    this.expand = on;
  }

  /** The variables to expand, or undefined while expansion is off. */
  active(): ReadonlyMap<string, string> | undefined {
    return this.expand ? this.vars : undefined;
  }

  /** `text` with `%NAME%` variables expanded when expansion is on. */
  expandText(text: string): string {
    return this.expand ? expandVars(text, this.vars) : text;
  }
}
