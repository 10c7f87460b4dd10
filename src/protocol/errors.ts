/**
 * Redis error replies. An error reply is `-<CODE> <message>`; the code (first word) is kept
 * apart so INFO errorstats and Lua error tables can use it. Texts are byte-exact with Redis 7.0.
 */

/** An error reply raised by argument parsers; `call()` catches it and replies with it. */
export class ReplyError extends Error {
  /** Full reply text without the leading '-' or trailing CRLF, e.g. `ERR syntax error`. */
  readonly text: string;
  constructor(text: string) {
    super(text);
    this.text = text;
  }
  /** The error code: the first word of the text (`ERR`, `WRONGTYPE`, ...). */
  get code(): string {
    return errorCode(this.text);
  }
}

/** First word of an error text, as Redis counts it in errorstats. */
export function errorCode(text: string): string {
  const sp = text.indexOf(" ");
  return sp < 0 ? text : text.slice(0, sp);
}

/** Error texts shared across command families (without the leading '-'). */
export const E = {
  SYNTAX: "ERR syntax error",
  WRONGTYPE: "WRONGTYPE Operation against a key holding the wrong kind of value",
  NOT_INTEGER: "ERR value is not an integer or out of range",
  NOT_FLOAT: "ERR value is not a valid float",
  OVERFLOW: "ERR increment or decrement would overflow",
  NO_SUCH_KEY: "ERR no such key",
  OUT_OF_RANGE: "ERR index out of range",
  INVALID_DB: "ERR DB index is out of range",
  SAME_OBJECT: "ERR source and destination objects are the same",
  INVALID_EXPIRE: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  BIT_OFFSET: "ERR bit offset is not an integer or out of range",
  BIT_VALUE: "ERR bit is not an integer or out of range",
  STRING_TOO_LONG: "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
  NOAUTH: "NOAUTH Authentication required.",
  WRONGPASS: "WRONGPASS invalid username-password pair or user is disabled.",
  NOPASS_SET: "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
  OOM: "OOM command not allowed when used memory > 'maxmemory'.",
  READONLY: "READONLY You can't write against a read only replica.",
  MULTI_NESTED: "ERR MULTI calls can not be nested",
  EXEC_WITHOUT_MULTI: "ERR EXEC without MULTI",
  DISCARD_WITHOUT_MULTI: "ERR DISCARD without MULTI",
  WATCH_IN_MULTI: "ERR WATCH inside MULTI is not allowed",
  EXECABORT: "EXECABORT Transaction discarded because of previous errors.",
  NOT_IN_MULTI: "ERR Command not allowed inside a transaction",
  wrongArgs: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  unknownCommand: (name: string, args: string) =>
    `ERR unknown command '${name}', with args beginning with: ${args}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${sub}'. Try ${cmd} HELP.`,
  unknownSubcommandOrWrongArgs: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${cmd} HELP.`,
} as const;

/** Throw a ReplyError; typed `never` so parsers can use it in expressions. */
export function fail(text: string): never {
  throw new ReplyError(text);
}
