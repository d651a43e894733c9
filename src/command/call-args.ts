// Net::OpenSSH's calling convention as a type: an options object first, or none.

/** A method's arguments: `(options, ...rest)` or `(...rest)`; `rest` are command words unless said otherwise. */
export type WithOptions<O, A = import('../core/remote-command').CommandArg> = [options: O, ...rest: A[]] | A[];
