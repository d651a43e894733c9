// The character classes every backend shares, and the decision about non-ASCII text.
//
// Decision (non-ASCII): the "safe" class is ASCII only, as Net::OpenSSH's byte mode (`\w` on bytes), so every
// character above U+007F (and every byte >= 0x80 of a Buffer argument) is always inside quotes. Two reasons:
// a remote shell's idea of a "letter" depends on its locale, which we cannot know; and with only ASCII ever
// decisive, quoting characters then encoding them gives the same bytes as encoding then quoting the bytes
// (UTF-8 and latin1 never put an ASCII byte inside a multi-byte character), so strings and Buffers agree.

/** One safe character: left unquoted by every Unix backend (Net::OpenSSH's `[.\w/\-@,:]`, ASCII `\w`). */
export const SAFE_CHARS = String.raw`.A-Za-z0-9_/\-@,:`;

/** A non-empty string made only of safe characters. */
export const SAFE = new RegExp(`^[${SAFE_CHARS}]+$`);

/** Net::OpenSSH's glob class `[*?\[\],{}:!^~]`: what quoteGlob leaves active (per shell, a subset). */
export const GLOB_CHARS = String.raw`*?\[\],{}:!^~`;

/** Perl's split(/(sep)/, s) keeps a leading empty field and drops trailing ones; we mirror it exactly. */
export const perlSplit = (text: string, sep: RegExp): string[] => {
  const pieces = text.split(sep);
  while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
  return pieces;
};
