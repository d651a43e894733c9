// Every secret a connection holds, so that whatever we print (debug lines, error messages, the pty
// log) can be scrubbed of it defensively, even where it should never have appeared.

const live = new Map<string, number>();

/** Registers a secret (counted: two connections may share one password). */
export const rememberSecret = (s: string): void => {
  if (s !== '') live.set(s, (live.get(s) ?? 0) + 1);
};

/** Drops one registration of a secret. */
export const forgetSecret = (s: string): void => {
  const n = live.get(s);
  if (n === undefined) return;
  if (n <= 1) live.delete(s);
  else live.set(s, n - 1);
};

/** `text` with every live secret replaced by `[secret]` (longest first, so a secret inside another is covered). */
export const scrubSecrets = (text: string, extra: readonly string[] = []): string => {
  const all = [...live.keys(), ...extra.filter((s) => s !== '')].sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of all) if (out.includes(s)) out = out.split(s).join('[secret]');
  return out;
};

/** `buf` with the UTF-8 bytes of every live secret replaced by `[secret]` (for hexdumps). */
export const scrubBytes = (buf: Buffer): Buffer => {
  const asLatin1 = [...live.keys()].map((s) => Buffer.from(s, 'utf8').toString('latin1'));
  const text = buf.toString('latin1');
  const scrubbed = scrubSecretsIn(text, asLatin1);
  return scrubbed === text ? buf : Buffer.from(scrubbed, 'latin1');
};

const scrubSecretsIn = (text: string, secrets: string[]): string => {
  let out = text;
  for (const s of secrets.sort((a, b) => b.length - a.length)) if (out.includes(s)) out = out.split(s).join('[secret]');
  return out;
};
