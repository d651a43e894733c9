// The command line as bytes, for arguments that are Buffers (file names that are not valid text, say):
// everything is quoted in byte mode, as Net::OpenSSH does without an encoding.
import { Buffer } from 'node:buffer';
import { buildCommandLine, type CommandLineOptions } from './command-line';
import { encodeCommandLine, type CommandEncoding } from './encoding';
import { glob, isGlob, isRaw, raw, type Arg } from './quoter';

/** An argument for buildCommandBytes: text (encoded first) or bytes (sent as they are, quoted). */
export type ByteArg = Arg | Uint8Array;

/** buildCommandLine's options plus the encoding for the text arguments. */
export interface CommandBytesOptions extends CommandLineOptions {
  /** How text arguments become bytes. @default 'utf8' */
  encoding?: CommandEncoding | string | undefined;
}

// Byte mode: each argument becomes its bytes held one per character (latin1) and is quoted as such. Only
// ASCII is ever decisive for our quoters (see char-classes.ts), so a string gives exactly the bytes that
// buildCommandLine + encodeCommandLine give. A custom quoter sees those latin1 characters.
const toByteString = (a: ByteArg, encoding: string): Arg => {
  if (a instanceof Uint8Array) return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('latin1');
  const bytes = (text: string) => encodeCommandLine(text, encoding).toString('latin1');
  if (isRaw(a)) return raw(bytes(a.value));
  if (isGlob(a)) return glob(bytes(a.value));
  return typeof a === 'string' ? bytes(a) : a;
};

/**
 * Like buildCommandLine, returning bytes, and accepting Buffer/Uint8Array arguments, which are quoted byte
 * for byte. Text arguments are encoded with `encoding` first (OSSH_ENCODING_ERROR if one cannot be);
 * a NUL byte anywhere throws OSSH_INVALID_ARGUMENT.
 *
 * `buildCommandBytes(['cat', Buffer.from([0x66, 0xe9])], { quoter: 'POSIX' })` → the bytes `cat 'f\xe9'`
 */
export const buildCommandBytes = (args: readonly ByteArg[], opts: CommandBytesOptions): Buffer => {
  const encoding = opts.encoding ?? 'utf8';
  return Buffer.from(
    buildCommandLine(
      args.map((a) => toByteString(a, encoding)),
      opts,
    ),
    'latin1',
  );
};
