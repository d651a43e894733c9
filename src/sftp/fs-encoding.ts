// fsEncoding (Net::SFTP::Foreign's fs_encoding): the encoding of file names on the wire, for servers whose
// file names are not UTF-8. Paths sent are encoded in it (a character it cannot hold fails before the request
// is sent); names received (readdir, realpath, readlink) are decoded from it.
import { checkArgumentEncoding } from '../core/validate';
import { encodeCommandLine } from '../quoting/encoding';
import type { PacketReader } from './packets';

/** How a client turns file names into wire bytes and back. */
export interface FsNames {
  /** A path as sent: the string itself for UTF-8, else its bytes in the encoding. */
  out(path: string): string | Buffer;
  /** The next SSH string of `r`, decoded as a file name. */
  in(r: PacketReader): string;
}

const UTF8: FsNames = { out: (path) => path, in: (r) => r.string() };

/**
 * The file-name codec for `encoding` (utf8, latin1 or ascii, and the aliases utf-8, binary); UTF-8 when undefined.
 * Throws OSSH_INVALID_ARGUMENT for another encoding.
 */
export const fsNames = (encoding: string | undefined): FsNames => {
  const e = checkArgumentEncoding('fsEncoding', encoding)?.toLowerCase();
  if (e === undefined || e === 'utf8' || e === 'utf-8') return UTF8;
  return {
    out: (path) => encodeCommandLine(path, e),
    // every byte is a character in latin1; ascii names with high bytes are read the same way
    in: (r) => r.bytes().toString('latin1'),
  };
};
