/**
 * The part of yargs 18's API that kedis-cli uses. yargs ships no type declarations and the
 * DefinitelyTyped package follows yargs 17, so the few calls made are declared here.
 */
declare module "yargs" {
  interface YargsOption {
    type?: "string" | "number" | "boolean" | "count";
    alias?: string | readonly string[];
    describe?: string;
    requiresArg?: boolean;
    nargs?: number;
  }
  interface Argv {
    help(enable: boolean): Argv;
    version(enable: boolean): Argv;
    strict(enable?: boolean): Argv;
    exitProcess(enable: boolean): Argv;
    parserConfiguration(config: Record<string, boolean>): Argv;
    option(key: string, opt: YargsOption): Argv;
    fail(handler: (msg: string | null, err: Error | null) => void): Argv;
    parseSync(): { _: (string | number)[]; [key: string]: unknown };
  }
  function yargs(args: readonly string[]): Argv;
  export default yargs;
}
